"""The villagers' election pages: forms keep input, lists filter, sort, page and mask."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ballots.models import VillagersElection, VoterProxy, VoterRegistration
from ballots.tests.villagers_helpers import make_election, register, voter_id
from ballots.villagers import setup
from renewal.models import AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def election(world, personas):
    return make_election(world, personas)


@pytest.fixture
def staff_a(client, personas):
    client.force_login(personas["staff_a"])
    return client


def test_create_an_election_from_the_list(staff_a, world):
    page = staff_a.get("/villagers/").content.decode()
    url = f"/villagers/units/{world['unit_a1'].pk}/new/"
    assert url in page
    response = staff_a.post(url, {"election_day": "2027-01-20"})
    election = VillagersElection.objects.get()
    assert response["Location"] == f"/villagers/{election.pk}/"
    detail = staff_a.get(response["Location"]).content.decode()
    assert "大红城村村民委员会选举" in detail and "内蒙古自治区（示例）" in detail
    assert "本次最晚 2026-12-31" in detail


def test_community_pages_say_residents(staff_a, world, personas):
    election = make_election(world, personas, unit="unit_a2")
    detail = staff_a.get(f"/villagers/{election.pk}/").content.decode()
    assert "南街社区居民委员会选举" in detail and "居民选举委员会" in detail
    assert "村民选举委员会" not in detail
    assert "选举日年满 18 周岁的居民" in detail


def test_voter_form_keeps_what_was_typed_and_names_the_other_registration(
    staff_a, world, personas, election
):
    other = make_election(world, personas, unit="unit_b1")
    register(other, personas, 1)
    data = {"name": "选民1", "id_number": voter_id(1), "category": "away", "group_name": "三组"}
    response = staff_a.post(f"/villagers/{election.pk}/voters/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "本轮已在盛乐镇盛乐村登记为选民" in page
    assert f'value="{voter_id(1)}"' in page and 'value="三组"' in page
    assert not election.registrations.exists()


def test_voter_form_saves_and_offers_another(staff_a, election):
    data = {"name": "选民2", "id_number": voter_id(2), "category": "resident", "another": "1"}
    response = staff_a.post(f"/villagers/{election.pk}/voters/new/", data)
    assert response["Location"] == f"/villagers/{election.pk}/voters/new/"
    assert election.registrations.get().person.name == "选民2"


def test_voter_list_filters_sorts_pages_and_masks(staff_a, personas, election, settings):
    settings.UNITS_PAGE_SIZE = 5
    for n in range(1, 13):
        register(
            election,
            personas,
            n,
            category="away" if n % 3 == 0 else "resident",
            group_name=f"第{n % 2 + 1}组",
        )
    url = f"/villagers/{election.pk}/voters/"
    page = staff_a.get(url).content.decode()
    assert "第 1/3 页" in page
    assert voter_id(1) not in page and voter_id(1)[:6] in page
    away = staff_a.get(url, {"category": "away", "sort": "name"}, HTTP_HX_REQUEST="true")
    body = away.content.decode()
    assert "符合条件 4 人" in body and "<html" not in body
    assert body.index("选民12") < body.index("选民3")  # by name: 选民12 sorts before 选民3
    grouped = staff_a.get(url, {"group": "第2组", "q": "选民1"}).content.decode()
    assert "选民1<" in grouped and "选民11" in grouped and "选民10" not in grouped


def test_voter_list_queries_do_not_grow_with_the_page(staff_a, personas, election, settings):
    settings.UNITS_PAGE_SIZE = 50
    register(election, personas, 1)
    url = f"/villagers/{election.pk}/voters/"
    staff_a.get(url)
    with CaptureQueriesContext(connection) as few:
        staff_a.get(url)
    for n in range(2, 30):
        register(election, personas, n)
    with CaptureQueriesContext(connection) as many:
        staff_a.get(url)
    assert len(many) == len(few)


def test_unmask_is_logged(staff_a, personas, election):
    reg = register(election, personas, 1)
    response = staff_a.post(f"/villagers/voters/{reg.pk}/unmask/", HTTP_HX_REQUEST="true")
    assert voter_id(1) in response.content.decode()
    assert AccessLog.objects.filter(user=personas["staff_a"], action="unmask").count() == 1


def test_remove_and_restore_a_voter(staff_a, personas, election):
    reg = register(election, personas, 1)
    staff_a.post(f"/villagers/voters/{reg.pk}/active/", {"active": "0"})
    assert not VoterRegistration.objects.get(pk=reg.pk).is_active
    staff_a.post(f"/villagers/voters/{reg.pk}/active/", {"active": "1"})
    assert VoterRegistration.objects.get(pk=reg.pk).is_active


def test_publish_too_late_shows_the_latest_allowed_date(staff_a, personas, election):
    register(election, personas, 1)
    election.refresh_from_db()
    response = staff_a.post(
        f"/villagers/{election.pk}/publish/",
        {"published_on": "2027-01-05", "version": election.version},
        follow=True,
    )
    assert "最晚应于 2026-12-31 公布" in response.content.decode()
    election.refresh_from_db()
    assert election.register_published_on is None


def test_objection_and_answer_through_the_pages(staff_a, personas, election):
    regs = [register(election, personas, n) for n in (1, 2)]
    election.refresh_from_db()
    setup.register_publish(
        actor=personas["staff_a"],
        election=election,
        published_on=datetime.date(2026, 12, 20),
        version=election.version,
    )
    url = f"/villagers/{election.pk}/objections/"
    late = staff_a.post(
        url,
        {
            "raised_by": "李某",
            "received_on": "2026-12-28",
            "kind": "remove",
            "registration": regs[1].pk,
            "reason": "已迁出",
        },
    )
    assert "已逾期，不予受理" in late.content.decode()
    staff_a.post(
        url,
        {
            "raised_by": "李某",
            "received_on": "2026-12-21",
            "kind": "remove",
            "registration": regs[1].pk,
            "reason": "已迁出",
        },
    )
    objection = election.objections.get()
    staff_a.post(
        f"/villagers/objections/{objection.pk}/answer/",
        {"outcome": "upheld", "answered_on": "2026-12-23", "answer": "属实"},
    )
    assert not VoterRegistration.objects.get(pk=regs[1].pk).is_active


def test_proxy_form_refusal_and_printable_list(staff_a, personas, election):
    a, b, c = (register(election, personas, n) for n in (1, 2, 3))
    url = f"/villagers/{election.pk}/proxies/"
    staff_a.post(
        url, {"principal": b.pk, "holder": a.pk, "relation": "spouse", "written_on": "2027-01-10"}
    )
    refused = staff_a.post(
        url, {"principal": a.pk, "holder": c.pk, "relation": "child", "written_on": "2027-01-10"}
    )
    assert "不得转委托" in refused.content.decode()
    assert VoterProxy.objects.count() == 1
    printed = staff_a.get(f"{url}print/").content.decode()
    assert "委托投票公示名单" in printed and "选民2" in printed and "配偶" in printed
    assert voter_id(2) not in printed


def test_committee_member_leave_and_replacement_page(staff_a, election):
    staff_a.post(
        f"/villagers/{election.pk}/committee/", {"name": "王主任", "role": "chair", "id_number": ""}
    )
    member = election.committee_members.get()
    staff_a.post(
        f"/villagers/committee/{member.pk}/leave/",
        {"reason": "被提名为候选人", "replacement_name": "", "replacement_id_number": ""},
    )
    member.refresh_from_db()
    assert member.left_on and member.replaced_by is None
    staff_a.post(
        f"/villagers/committee/{member.pk}/leave/",
        {"reason": member.leave_reason, "replacement_name": "赵递补"},
    )
    member.refresh_from_db()
    assert member.replaced_by.name == "赵递补"
    page = staff_a.get(f"/villagers/{election.pk}/").content.decode()
    assert "由赵递补递补" in page


def test_reviewer_may_edit_the_register(client, personas, election):
    client.force_login(personas["reviewer"])
    response = client.post(
        f"/villagers/{election.pk}/voters/new/",
        {"name": "选民5", "id_number": voter_id(5), "category": "living"},
    )
    assert response.status_code == 302
    assert election.registrations.count() == 1


def test_open_objections_highlight_overdue_answers(staff_a, world, personas):
    today = datetime.date.today()
    days = datetime.timedelta
    election = make_election(world, personas, unit="unit_a2", day=today + days(30))
    regs = [register(election, personas, n) for n in (1, 2, 3)]
    election.refresh_from_db()
    setup.register_publish(
        actor=personas["staff_a"],
        election=election,
        published_on=today - days(5),
        version=election.version,
    )
    for reg, received in ((regs[0], today - days(5)), (regs[1], today - days(4)), (regs[2], today)):
        setup.objection_receive(
            actor=personas["staff_a"],
            election=election,
            raised_by="张某",
            received_on=received,
            reason="户籍已迁出",
            registration=reg,
        )
    listing = staff_a.get("/villagers/objections/").content.decode()
    # Answers due two and one days ago are overdue; the one received today is not.
    assert listing.count('class="overdue"') == 2
    assert listing.count("<tr") == 4
    assert "南街社区" in listing


def test_election_list_counts_voters_and_open_objections_in_constant_queries(
    staff_a, world, personas, election
):
    regs = [register(election, personas, n) for n in range(1, 5)]
    election.refresh_from_db()
    setup.register_publish(
        actor=personas["staff_a"],
        election=election,
        published_on=datetime.date(2026, 12, 20),
        version=election.version,
    )
    for reg in regs[:2]:
        setup.objection_receive(
            actor=personas["staff_a"],
            election=election,
            raised_by="李",
            received_on=datetime.date(2026, 12, 21),
            reason="迁出",
            registration=reg,
        )
    staff_a.get("/villagers/")  # the session's first request does one-off work
    with CaptureQueriesContext(connection) as one:
        page = staff_a.get("/villagers/").content.decode()
    assert '<td class="num">4</td>' in page
    assert '<span class="tag late">2</span>' in page
    other = make_election(world, personas, unit="unit_a2")
    register(other, personas, 9)
    with CaptureQueriesContext(connection) as two:
        staff_a.get("/villagers/")
    # No growth with more elections (one fewer check once every unit has its election).
    assert len(two) <= len(one)
