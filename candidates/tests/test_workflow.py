"""Every workflow transition, legal and illegal, through the services."""

import datetime

import pytest

from candidates import services as cs
from candidates.models import Candidacy, CandidacyLog, NegativeListItem, VettingRequest
from renewal.models import Department, DomainError, Profile
from tests.factories import PersonFactory, party_member
from tests.fixtures import make_user

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def police(db):
    return Department.objects.get_or_create(code="police", defaults={"name": "公安"})[0]


@pytest.fixture
def court(db):
    return Department.objects.get_or_create(code="court", defaults={"name": "法院"})[0]


@pytest.fixture
def bar_item(db):
    return NegativeListItem.objects.filter(severity="bar").first()


@pytest.fixture
def caution_item(db):
    return NegativeListItem.objects.filter(severity="caution").first()


def new_candidacy(world, personas, *, post="party_member", born=datetime.date(1985, 1, 1), **kw):
    person = party_member(
        world["unit_a1"], PersonFactory(political_status="full_member", birth_date=born, **kw)
    )
    return cs.candidacy_create(
        actor=personas["staff_a"], unit=world["unit_a1"], person=person, body="party", post=post
    )


def inspect(c, personas):
    return cs.candidacy_record_inspection(
        actor=personas["staff_a"], candidacy=c, passed=True, score=92, inspected_on=TODAY
    )


def vet(c, personas, departments):
    batch = cs.vetting_send(
        actor=personas["staff_a"],
        candidacies=[c],
        departments=departments,
        due_date=TODAY + datetime.timedelta(days=7),
    )
    return list(batch.requests.all())


def answer(req, dept_user, *, items=(), doc=""):
    return cs.vetting_answer(
        actor=dept_user, request=req, passed=not items, items=items, document_number=doc
    )


@pytest.fixture
def dept_users(personas, police, court):
    return {
        "police": personas["dept"],
        "court": make_user("court_user", Profile.Role.DEPARTMENT_USER, department=court),
    }


def to_vetted(world, personas, dept_users, police, **kw):
    c = new_candidacy(world, personas, **kw)
    inspect(c, personas)
    (req,) = vet(c, personas, [police])
    answer(req, dept_users["police"])
    c.refresh_from_db()
    assert c.status == Candidacy.Status.VETTED
    return c


def test_full_path_to_formal_for_a_member(world, personas, dept_users, police):
    c = to_vetted(world, personas, dept_users, police)
    cs.candidacy_approve_township(actor=personas["leader_a"], candidacy=c)
    c.refresh_from_db()
    assert c.status == Candidacy.Status.TOWNSHIP_APPROVED
    actions = list(CandidacyLog.objects.filter(candidacy=c).values_list("action", flat=True))
    assert actions == [
        "录入初步人选",
        "登记考察结果：合格",
        "送联审",
        "联审通过",
        "乡镇(街道)审核通过",
    ]


def test_inspection_failure_disqualifies(world, personas):
    c = new_candidacy(world, personas)
    cs.candidacy_record_inspection(
        actor=personas["staff_a"], candidacy=c, passed=False, score=40, inspected_on=TODAY
    )
    c.refresh_from_db()
    assert c.status == Candidacy.Status.DISQUALIFIED


def test_vetting_waits_for_every_department(world, personas, dept_users, police, court):
    c = new_candidacy(world, personas)
    inspect(c, personas)
    reqs = {r.department.code: r for r in vet(c, personas, [police, court])}
    answer(reqs["police"], dept_users["police"])
    c.refresh_from_db()
    assert c.status == Candidacy.Status.INSPECTED
    due = TODAY + datetime.timedelta(days=7)
    assert cs.vetting_blockers(c) == [f"法院尚未答复（答复时限 {due:%Y-%m-%d}）。"]
    answer(reqs["court"], dept_users["court"])
    c.refresh_from_db()
    assert c.status == Candidacy.Status.VETTED


def test_bar_hit_disqualifies_and_county_can_overturn(
    world, personas, dept_users, police, bar_item
):
    c = new_candidacy(world, personas)
    inspect(c, personas)
    (req,) = vet(c, personas, [police])
    answer(req, dept_users["police"], items=[bar_item], doc="公(2026)12号")
    c.refresh_from_db()
    assert c.status == Candidacy.Status.DISQUALIFIED
    assert "公安联审" in c.status_reason
    with pytest.raises(DomainError, match="不能改为"):
        cs.candidacy_approve_township(actor=personas["leader_a"], candidacy=c)
    with pytest.raises(DomainError, match="请写明"):
        cs.vetting_overturn(actor=personas["reviewer"], request=req, reason=" ")
    cs.vetting_overturn(actor=personas["reviewer"], request=req, reason="系同名人员，经核实非本人")
    c.refresh_from_db()
    assert c.status == Candidacy.Status.VETTED
    assert CandidacyLog.objects.filter(candidacy=c, action="重新启用").exists()


def test_overturning_a_veto_leaves_out_a_candidacy_ruled_out_for_another_reason(
    world, personas, dept_users, police, bar_item
):
    c = new_candidacy(world, personas)
    inspect(c, personas)
    (req,) = vet(c, personas, [police])
    cs.candidacy_disqualify(actor=personas["staff_a"], candidacy=c, reason="本人拒签承诺书")
    answer(req, dept_users["police"], items=[bar_item], doc="公(2026)14号")
    cs.vetting_overturn(actor=personas["reviewer"], request=req, reason="系同名人员，经核实非本人")
    c.refresh_from_db()
    assert c.status == Candidacy.Status.DISQUALIFIED and c.status_reason == "本人拒签承诺书"
    assert not CandidacyLog.objects.filter(candidacy=c, action="重新启用").exists()


def test_caution_hit_needs_township_reason(world, personas, dept_users, police, caution_item):
    c = new_candidacy(world, personas)
    inspect(c, personas)
    (req,) = vet(c, personas, [police])
    answer(req, dept_users["police"], items=[caution_item], doc="公(2026)13号")
    c.refresh_from_db()
    assert c.status == Candidacy.Status.INSPECTED
    assert "须书面说明" in cs.vetting_blockers(c)[0]
    cs.vetting_caution_explain(actor=personas["staff_a"], request=req, reason="已于2024年整改到位")
    c.refresh_from_db()
    assert c.status == Candidacy.Status.VETTED


@pytest.mark.parametrize(
    ("passed", "items", "doc", "message"),
    [
        (True, "bar", "", "不能勾选"),
        (False, None, "", "请勾选"),
        (False, "bar", "", "请填写文号"),
    ],
    ids=["pass with items", "fail without items", "fail without document number"],
)
def test_bad_vetting_answers_are_refused(
    world, personas, police, bar_item, passed, items, doc, message
):
    c = new_candidacy(world, personas)
    (req,) = vet(c, personas, [police])
    with pytest.raises(DomainError, match=message):
        cs.vetting_answer(
            actor=personas["dept"],
            request=req,
            passed=passed,
            items=[bar_item] if items else [],
            document_number=doc,
        )
    req.refresh_from_db()
    assert req.status == VettingRequest.Status.PENDING


def test_answer_twice_is_refused(world, personas, dept_users, police):
    c = new_candidacy(world, personas)
    (req,) = vet(c, personas, [police])
    answer(req, dept_users["police"])
    with pytest.raises(DomainError, match="不能重复答复"):
        answer(req, dept_users["police"])


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("preliminary", "approve"),
        ("preliminary", "sign"),
        ("inspected", "approve"),
    ],
)
def test_illegal_moves_are_refused(world, personas, start, target):
    c = new_candidacy(world, personas, post="secretary", born=datetime.date(1988, 1, 1))
    if start == "inspected":
        inspect(c, personas)
    with pytest.raises(DomainError):
        if target == "approve":
            cs.candidacy_approve_township(actor=personas["leader_a"], candidacy=c)
        else:
            cs.candidacy_county_sign(actor=personas["reviewer"], candidacy=c)


@pytest.fixture
def signers(world):
    minister = make_user("minister", Profile.Role.COUNTY_REVIEWER, world["county_a"])
    minister.profile.signoff = "minister"
    minister.profile.save()
    secretary = make_user("secretary", Profile.Role.COUNTY_REVIEWER, world["county_a"])
    secretary.profile.signoff = "county_secretary"
    secretary.profile.save()
    return minister, secretary


def secretary_candidate(world, personas, dept_users, police):
    return to_vetted(
        world,
        personas,
        dept_users,
        police,
        post="secretary",
        born=datetime.date(1988, 1, 1),
        education="senior",
    )


def test_secretary_needs_two_different_signatures(world, personas, dept_users, police, signers):
    minister, secretary = signers
    c = secretary_candidate(world, personas, dept_users, police)
    cs.candidacy_approve_township(actor=personas["leader_a"], candidacy=c)
    with pytest.raises(DomainError, match="没有备案签字身份"):
        cs.candidacy_county_sign(actor=personas["reviewer"], candidacy=c)
    cs.candidacy_county_sign(actor=minister, candidacy=c)
    with pytest.raises(DomainError, match="组织部长已签字"):
        cs.candidacy_county_sign(actor=minister, candidacy=c)
    c.refresh_from_db()
    assert c.status == Candidacy.Status.TOWNSHIP_APPROVED
    cs.candidacy_county_sign(actor=secretary, candidacy=c)
    c.refresh_from_db()
    assert c.status == Candidacy.Status.COUNTY_FILED


def test_too_old_new_secretary_cannot_be_approved(world, personas, dept_users, police):
    c = to_vetted(
        world,
        personas,
        dept_users,
        police,
        post="secretary",
        born=datetime.date(1960, 1, 1),
        education="senior",
    )
    with pytest.raises(DomainError, match="不符合资格条件"):
        cs.candidacy_approve_township(actor=personas["leader_a"], candidacy=c)


def test_withdrawn_cannot_be_approved_without_reopen(world, personas, dept_users, police):
    c = to_vetted(world, personas, dept_users, police)
    cs.candidacy_withdraw(actor=personas["staff_a"], candidacy=c, reason="本人申请退出")
    with pytest.raises(DomainError):
        cs.candidacy_approve_township(actor=personas["leader_a"], candidacy=c)
    with pytest.raises(DomainError, match="须写明原因"):
        cs.candidacy_reopen(actor=personas["staff_a"], candidacy=c, reason="")
    cs.candidacy_reopen(actor=personas["staff_a"], candidacy=c, reason="本人撤回退出申请")
    c.refresh_from_db()
    assert c.status == Candidacy.Status.VETTED  # walks forward as far as its record allows


def test_formal_list_needs_a_secretary_and_the_surplus(
    world, personas, dept_users, police, signers
):
    members = [
        to_vetted(world, personas, dept_users, police, sex="F" if i == 0 else "M") for i in range(5)
    ]
    for c in members:
        cs.candidacy_approve_township(actor=personas["leader_a"], candidacy=c)
    with pytest.raises(DomainError) as refused:
        cs.formal_list_confirm(actor=personas["leader_a"], unit=world["unit_a1"], body="party")
    message = str(refused.value)
    assert message.startswith("正式候选人名单不符合要求：")
    assert "名单中没有书记人选" in message and "还差 1 名" in message
    secretary = secretary_candidate(world, personas, dept_users, police)
    cs.candidacy_approve_township(actor=personas["leader_a"], candidacy=secretary)
    for signer in signers:
        cs.candidacy_county_sign(actor=signer, candidacy=secretary)
    confirmed = cs.formal_list_confirm(
        actor=personas["leader_a"], unit=world["unit_a1"], body="party"
    )
    assert len(confirmed) == 6
    assert set(
        Candidacy.objects.filter(unit=world["unit_a1"]).values_list("status", flat=True)
    ) == {"formal"}


def test_duplicate_candidacy_is_refused(world, personas):
    c = new_candidacy(world, personas)
    with pytest.raises(DomainError, match="不能重复录入"):
        cs.candidacy_create(
            actor=personas["staff_a"],
            unit=world["unit_a1"],
            person=c.person,
            body="party",
            post="party_member",
        )


def test_reserve_cadre_proposed_in_one_step(world, personas):
    reserve = cs.reserve_add(unit=world["unit_a1"], person=PersonFactory(), note="致富带头人")
    c = cs.reserve_propose(
        actor=personas["staff_a"], reserve=reserve, body="villagers", post="committee_member"
    )
    reserve.refresh_from_db()
    assert reserve.status == "proposed" and c.reserve == reserve
    with pytest.raises(DomainError, match="不能提名"):
        cs.reserve_propose(
            actor=personas["staff_a"], reserve=reserve, body="villagers", post="director"
        )
