"""Joint vetting that finishes: a candidacy passes only when every department it was sent to
has answered without a standing bar hit and no flag is raised; more departments may be asked
while answers are pending; the candidate page names what still holds it."""

import datetime

import pytest

from candidates import flags
from candidates import services as cs
from candidates.models import Candidacy, NegativeListItem, VettingBatch, VettingRequest
from renewal.models import Department, DomainError, Profile
from tests.factories import PersonFactory
from tests.fixtures import make_user

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
DUE = TODAY + datetime.timedelta(days=7)


@pytest.fixture
def depts(db):
    return {
        code: Department.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in (("police", "公安"), ("court", "法院"), ("petition", "信访"))
    }


@pytest.fixture
def answerers(personas, depts):
    return {
        "police": personas["dept"],
        "court": make_user("court_user", Profile.Role.DEPARTMENT_USER, department=depts["court"]),
        "petition": make_user(
            "petition_user", Profile.Role.DEPARTMENT_USER, department=depts["petition"]
        ),
    }


def candidacy(world, personas, name="联审甲", unit="unit_a1"):
    return cs.candidacy_create(
        actor=personas["staff_a"],
        unit=world[unit],
        person=PersonFactory(name=name),
        body="villagers",
        post="committee_member",
    )


def inspect(c, personas):
    return cs.candidacy_record_inspection(
        actor=personas["staff_a"], candidacy=c, passed=True, score=90, inspected_on=TODAY
    )


def send(personas, cs_, departments, due=DUE):
    return cs.vetting_send(
        actor=personas["staff_a"], candidacies=cs_, departments=departments, due_date=due
    )


def request_of(c, dept):
    return VettingRequest.objects.get(candidacy=c, department=dept)


def passes(c, dept, answerers):
    cs.vetting_answer(actor=answerers[dept.code], request=request_of(c, dept), passed=True)


def status(c):
    c.refresh_from_db()
    return c.status


# --- Services ---------------------------------------------------------------------------------


def test_two_departments_one_answers_the_other_is_named_then_it_passes(
    world, personas, depts, answerers
):
    c = candidacy(world, personas)
    inspect(c, personas)
    send(personas, [c], [depts["police"], depts["court"]])
    passes(c, depts["police"], answerers)
    assert status(c) == Candidacy.Status.INSPECTED
    assert cs.vetting_blockers(c) == [f"法院尚未答复（答复时限 {DUE:%Y-%m-%d}）。"]
    passes(c, depts["court"], answerers)
    assert status(c) == Candidacy.Status.VETTED
    assert cs.vetting_blockers(c) == []


def test_a_department_added_later_is_waited_for(world, personas, depts, answerers):
    c = candidacy(world, personas)
    send(personas, [c], [depts["police"]])
    passes(c, depts["police"], answerers)
    batch = send(personas, [c], [depts["court"]])
    assert [r.department for r in batch.requests.all()] == [depts["court"]]
    inspect(c, personas)
    assert status(c) == Candidacy.Status.INSPECTED  # the court has not answered
    passes(c, depts["court"], answerers)
    assert status(c) == Candidacy.Status.VETTED


def test_a_department_already_asked_is_not_asked_again(world, personas, depts):
    first, second = candidacy(world, personas), candidacy(world, personas, name="联审乙")
    send(personas, [first], [depts["police"]])
    batch = send(personas, [first, second], [depts["police"], depts["court"]])
    asked = sorted((r.candidacy.person.name, r.department.name) for r in batch.requests.all())
    assert asked == [("联审乙", "公安"), ("联审乙", "法院"), ("联审甲", "法院")]
    assert [(c.person.name, d.name) for c, d in batch.skipped] == [("联审甲", "公安")]
    assert VettingRequest.objects.filter(candidacy=first, department=depts["police"]).count() == 1
    with pytest.raises(DomainError) as refused:
        send(personas, [first], [depts["police"], depts["court"]])
    assert str(refused.value) == (
        "所选人选都已送所选部门联审，没有需要发送的请求：联审甲已送公安；联审甲已送法院。"
    )


def test_a_vetted_candidacy_cannot_be_sent_again(world, personas, depts, answerers):
    c = candidacy(world, personas)
    inspect(c, personas)
    send(personas, [c], [depts["police"]])
    passes(c, depts["police"], answerers)
    with pytest.raises(DomainError, match="只有初步人选可以送联审"):
        send(personas, [c], [depts["court"]])


def test_a_standing_bar_hit_and_an_unexplained_caution_are_named(world, personas, depts, answerers):
    c = candidacy(world, personas)
    inspect(c, personas)
    send(personas, [c], [depts["police"], depts["court"]])
    caution = NegativeListItem.objects.filter(severity="caution").first()
    cs.vetting_answer(
        actor=answerers["court"],
        request=request_of(c, depts["court"]),
        passed=False,
        items=[caution],
        document_number="法(2026)3号",
    )
    assert cs.vetting_blockers(c)[1] == (
        f"法院答复涉及须书面说明的条目（{caution}），乡镇(街道)尚未书面说明。"
    )
    bar = NegativeListItem.objects.filter(severity="bar").first()
    cs.vetting_answer(
        actor=answerers["police"],
        request=request_of(c, depts["police"]),
        passed=False,
        items=[bar],
        document_number="公(2026)9号",
    )
    assert status(c) == Candidacy.Status.DISQUALIFIED
    assert cs.vetting_blockers(c)[0] == (
        f"公安答复涉及一票否决条目（{bar}），县委组织部未否决该意见。"
    )


def test_an_overdue_department_is_said_to_be_late(world, personas, depts):
    c = candidacy(world, personas)
    send(personas, [c], [depts["police"]], due=TODAY)
    late = TODAY - datetime.timedelta(days=2)
    VettingBatch.objects.update(due_date=late)
    assert cs.vetting_blockers(c) == [f"公安尚未答复（答复时限 {late:%Y-%m-%d}，已逾期）。"]


@pytest.fixture
def flag_on(monkeypatch):
    """A provider like the discipline app's, raising a flag for the people in ``flagged``."""
    flagged = set()

    def provider(person):
        return [flags.Flag("test", "该人员有正在核查的测试事项")] if person.pk in flagged else []

    monkeypatch.setattr(flags, "_providers", [*flags._providers, provider])
    return flagged


def test_a_flag_holds_the_candidacy_until_rechecked(world, personas, depts, answerers, flag_on):
    c = candidacy(world, personas)
    flag_on.add(c.person_id)
    inspect(c, personas)
    send(personas, [c], [depts["police"]])
    passes(c, depts["police"], answerers)
    assert status(c) == Candidacy.Status.INSPECTED
    assert cs.vetting_blockers(c) == ["该人员有正在核查的测试事项"]
    with pytest.raises(DomainError, match="联审仍未通过：该人员有正在核查的测试事项"):
        cs.vetting_recheck(actor=personas["staff_a"], candidacy=c)
    flag_on.clear()  # cleared at its source
    cs.vetting_recheck(actor=personas["staff_a"], candidacy=c)
    assert status(c) == Candidacy.Status.VETTED
    assert c.log.last().reason == "重新核对"


def test_recheck_is_only_for_inspected_candidacies(world, personas):
    c = candidacy(world, personas)
    with pytest.raises(DomainError, match="只有已考察、等待联审结果的人选需要重新核对"):
        cs.vetting_recheck(actor=personas["staff_a"], candidacy=c)


# --- Pages ------------------------------------------------------------------------------------


def test_the_candidate_page_names_what_holds_it(client, world, personas, depts, answerers):
    c = candidacy(world, personas)
    client.force_login(personas["staff_a"])
    body = client.get(f"/candidates/{c.pk}/").content.decode()
    assert "尚未通过联审的原因" in body and "尚未登记组织考察结果" in body and "尚未送联审" in body
    inspect(c, personas)
    send(personas, [c], [depts["police"], depts["court"]])
    passes(c, depts["police"], answerers)
    body = client.get(f"/candidates/{c.pk}/").content.decode()
    assert f"法院尚未答复（答复时限 {DUE:%Y-%m-%d}）。" in body
    assert "公安尚未答复" not in body and "联审尚未完成" not in body
    assert "重新核对联审" in body
    passes(c, depts["court"], answerers)
    body = client.get(f"/candidates/{c.pk}/").content.decode()
    assert "尚未通过联审的原因" not in body and "已通过联审" in body


def test_the_send_form_tells_same_name_people_apart(client, world, personas):
    for born in (datetime.date(1980, 3, 12), datetime.date(1990, 8, 20)):
        person = PersonFactory(name="张伟", birth_date=born)
        cs.candidacy_create(
            actor=personas["staff_a"],
            unit=world["unit_a1"],
            person=person,
            body="villagers",
            post="committee_member",
        )
    candidacy(world, personas)
    client.force_login(personas["staff_a"])
    body = client.get("/candidates/vetting/send/").content.decode()
    assert "大红城村 · 张伟（1980年生） · 委员" in body
    assert "大红城村 · 张伟（1990年生） · 委员" in body
    assert "大红城村 · 联审甲 · 委员" in body


def test_the_send_form_lists_candidacies_under_vetting_to_add_departments(
    client, world, personas, depts
):
    c = candidacy(world, personas)
    send(personas, [c], [depts["police"]])
    client.force_login(personas["staff_a"])
    body = client.get("/candidates/vetting/send/").content.decode()
    assert "联审甲 · 委员（已送：公安）" in body
    response = client.post(
        "/candidates/vetting/send/",
        {
            "candidacies": [c.pk],
            "departments": [depts["police"].pk, depts["court"].pk],
            "due_date": DUE.isoformat(),
        },
        follow=True,
    )
    text = response.content.decode()
    assert "已发送 1 项联审请求（1 名人选）。已征求过意见的部门未重复发送：联审甲—公安。" in text
    assert sorted(c.vetting.values_list("department__code", flat=True)) == ["court", "police"]


def test_the_send_form_says_when_nothing_is_left_to_send(client, world, personas, depts):
    c = candidacy(world, personas)
    send(personas, [c], [depts["police"]])
    client.force_login(personas["staff_a"])
    response = client.post(
        "/candidates/vetting/send/",
        {"candidacies": [c.pk], "departments": [depts["police"].pk], "due_date": DUE.isoformat()},
    )
    assert response.status_code == 200
    assert "所选人选都已送所选部门联审" in response.content.decode()
    assert c.vetting.count() == 1


def test_the_send_form_reads_in_constant_queries(
    client, world, personas, depts, django_assert_max_num_queries
):
    client.force_login(personas["staff_a"])
    for n in range(2):
        send(personas, [candidacy(world, personas, name=f"甲{n}")], [depts["police"]])
    client.get("/candidates/vetting/send/")
    with django_assert_max_num_queries(30) as few:
        client.get("/candidates/vetting/send/")
    for n in range(8):
        send(personas, [candidacy(world, personas, name=f"乙{n}")], [depts["court"]])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/candidates/vetting/send/")


def test_recheck_from_the_page(client, world, personas, depts, answerers, flag_on):
    c = candidacy(world, personas)
    flag_on.add(c.person_id)
    inspect(c, personas)
    send(personas, [c], [depts["police"]])
    passes(c, depts["police"], answerers)
    client.force_login(personas["staff_a"])
    url = f"/candidates/{c.pk}/recheck/"
    body = client.post(url, follow=True).content.decode()
    assert "联审仍未通过：该人员有正在核查的测试事项" in body
    flag_on.clear()
    body = client.post(url, follow=True).content.decode()
    assert "已重新核对联审。" in body and status(c) == Candidacy.Status.VETTED
    client.force_login(personas["reviewer_other"])
    assert client.post(url).status_code == 404
