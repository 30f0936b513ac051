"""The roster pages as township staff, reviewers and officers use them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ballots.congress.services import congress_create
from renewal.models import PartyMember, Person
from renewal.roster import services
from renewal.tests.roster.helpers import member_id
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def add(branch, n, **fields):
    values = {"status": "full", "joined_on": D(2000, 7, 1)}
    return services.member_add(
        branch=branch, id_number=member_id(n), name=f"党员{n}", **{**values, **fields}
    )


@pytest.fixture
def unit(world):
    return world["unit_a1"]


@pytest.fixture
def staff(client, personas):
    client.force_login(personas["staff_a"])
    return client


def test_list_says_who_is_entitled_today_and_why(staff, unit):
    add(unit.branch, 1)
    add(unit.branch, 2, status="probationary", joined_on=D(2025, 7, 1))
    add(unit.branch, 3, on_probation=True, probation_until=D(2099, 1, 1))
    gone = add(unit.branch, 4)
    PartyMember.objects.filter(pk=gone.pk).update(left_on=D(2020, 1, 1))
    page = staff.get(f"/units/{unit.pk}/roster/").content.decode()
    assert "在册党员 <strong>3</strong> 名，今日" in page
    assert "有表决权 <strong>1</strong> 名" in page
    assert "正式党员，有表决权、选举权和被选举权" in page
    assert "预备党员，没有表决权" in page
    assert "留党察看期间（至 2099-01-01）" in page
    assert "党员4" not in page  # transferred out: off the roster
    assert member_id(1) not in page and member_id(1)[:6] + "********" in page
    left = staff.get(f"/units/{unit.pk}/roster/", {"listed": "left"}).content.decode()
    assert "党员4" in left and "组织关系已于 2020-01-01 转出" in left


def test_list_filters_and_sorts(staff, unit):
    for n in range(1, 5):
        add(unit.branch, n, joined_on=D(2000 + n, 7, 1))
    add(unit.branch, 5, status="probationary", joined_on=D(2025, 7, 1))
    url = f"/units/{unit.pk}/roster/"

    def names(**params):
        body = staff.get(url, params, HTTP_HX_REQUEST="true").content.decode()
        assert "<html" not in body
        return [f"党员{n}" for n in range(1, 6) if f"党员{n}<" in body]

    assert names(entitled="0") == ["党员5"]
    assert names(entitled="1") == ["党员1", "党员2", "党员3", "党员4"]
    assert names(status="probationary") == ["党员5"]
    assert names(q="党员3") == ["党员3"]
    body = staff.get(url, {"sort": "-joined"}, HTTP_HX_REQUEST="true").content.decode()
    assert body.index("党员5<") < body.index("党员4<") < body.index("党员1<")


def test_list_queries_do_not_grow_with_the_page(staff, unit):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert staff.get(f"/units/{unit.pk}/roster/").status_code == 200
        return len(captured)

    for n in range(1, 4):
        add(unit.branch, n)
    few = queries()
    for n in range(4, 40):
        add(unit.branch, n)
    assert queries() == few


def test_add_keeps_what_was_typed_and_explains_errors(staff, unit):
    url = f"/units/{unit.pk}/roster/new/"
    typed = {
        "name": "钱新",
        "id_number": member_id(7),
        "status": "probationary",
        "joined_on": "2025-07-01",
        "regularized_on": "2026-01-01",
        "transferred_in_on": "",
    }
    response = staff.post(url, typed)
    page = response.content.decode()
    assert response.status_code == 200
    assert "预备党员尚未转正" in page
    assert 'value="钱新"' in page and f'value="{member_id(7)}"' in page
    assert 'value="2025-07-01"' in page
    assert not Person.objects.filter(name="钱新").exists()

    typed["regularized_on"] = ""
    response = staff.post(url, typed, follow=True)
    assert "已将钱新加入党员名册：预备党员，没有表决权" in response.content.decode()
    member = PartyMember.objects.get(person__name="钱新")
    assert member.person.birth_date == D(1967, 4, 8) and member.person.sex == "M"


def test_add_refuses_a_known_number_under_another_name(staff, unit):
    known = PersonFactory(name="孙甲")
    response = staff.post(
        f"/units/{unit.pk}/roster/new/",
        {"name": "孙乙", "id_number": known.id_number, "status": "full", "joined_on": "2001-07-01"},
    )
    page = response.content.decode()
    assert "已登记在“孙甲”名下，与填写的姓名“孙乙”不一致" in page
    assert 'id="id_name-error"' in page
    assert not PartyMember.objects.exists()


def test_edit_changes_status_and_records_a_transfer_out(staff, unit):
    member = add(unit.branch, 1)
    url = f"/roster/members/{member.pk}/edit/"
    form = staff.get(url).content.decode()
    assert 'value="2000-07-01"' in form and "党员1" in form
    response = staff.post(url, {"status": "probationary", "joined_on": "2025-07-01"}, follow=True)
    assert "党员1的党员信息已保存：预备党员，没有表决权" in response.content.decode()
    today = timezone.localdate()
    response = staff.post(
        url,
        {"status": "probationary", "joined_on": "2025-07-01", "left_on": today.isoformat()},
        follow=True,
    )
    assert "不在本党组织名册中" in response.content.decode()
    member.refresh_from_db()
    assert member.left_on == today
    page = staff.get(f"/units/{unit.pk}/roster/").content.decode()
    assert "在册党员 <strong>0</strong> 名" in page


def test_readers_see_but_cannot_change(client, personas, unit):
    member = add(unit.branch, 1)
    for persona in ("reviewer", "discipline"):
        client.force_login(personas[persona])
        page = client.get(f"/units/{unit.pk}/roster/").content.decode()
        assert "党员1" in page and "添加党员" not in page and "修改</a>" not in page
        response = client.post(
            f"/roster/members/{member.pk}/edit/",
            {"status": "probationary", "joined_on": "2025-07-01"},
        )
        assert response.status_code == 403
        assert client.post(f"/roster/members/{member.pk}/remove/").status_code == 403
    member.refresh_from_db()
    assert member.status == "full"


def test_remove_asks_first_then_deletes_a_mistake(staff, unit):
    member = add(unit.branch, 1)
    url = f"/roster/members/{member.pk}/remove/"
    page = staff.get(url).content.decode()
    assert "删除后不能恢复" in page and "确认删除" in page
    assert PartyMember.objects.filter(pk=member.pk).exists()
    response = staff.post(url, follow=True)
    assert "已从党员名册中删除误录的党员1" in response.content.decode()
    assert not PartyMember.objects.filter(pk=member.pk).exists()


def test_remove_is_refused_for_a_congress_attendee_and_points_to_transfer_out(staff, unit):
    member = add(unit.branch, 1)
    congress_create(unit=unit, held_on=timezone.localdate(), place="村部", chair="主持人")
    url = f"/roster/members/{member.pk}/remove/"
    page = staff.get(url).content.decode()
    assert "已列入党员大会的到会名册，不能删除" in page
    assert "确认删除" not in page and "登记组织关系转出" in page
    edit = staff.get(f"/roster/members/{member.pk}/edit/").content.decode()
    assert "误录删除" not in edit
    response = staff.post(url, follow=True)
    assert "不能删除" in response.content.decode()
    assert PartyMember.objects.filter(pk=member.pk).exists()
