"""Only an entitled member of the unit's own branch roster may stand for the party committee:
checked when the candidacy is entered (form, 一键提名, reopen), with the roster's reason."""

import datetime

import pytest

from candidates import services as cs
from candidates.models import Candidacy, NegativeListItem, ReserveCadre
from renewal.models import Department, DomainError, PartyMember, Person
from tests.factories import PersonFactory, party_member

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
FUTURE = TODAY + datetime.timedelta(days=400)
PAST = TODAY - datetime.timedelta(days=30)


def stand(world, personas, person, *, body="party", post="party_member", unit="unit_a1"):
    return cs.candidacy_create(
        actor=personas["staff_a"], unit=world[unit], person=person, body=body, post=post
    )


ENTRY_CASES = [
    ("not on any roster", None, "不在本村(社区)党组织的党员名册中"),
    ("on another unit's roster", "unit_a2", "不在本村(社区)党组织的党员名册中"),
    (
        "probationary member",
        {"status": "probationary"},
        "预备党员，没有表决权、选举权和被选举权",
    ),
    (
        "under 留党察看",
        {"on_probation": True, "probation_until": FUTURE},
        f"留党察看期间（至 {FUTURE:%Y-%m-%d}），没有表决权、选举权和被选举权",
    ),
    (
        "transferred out",
        {"left_on": PAST},
        f"组织关系已于 {PAST:%Y-%m-%d} 转出，不在本党组织名册中",
    ),
]


@pytest.mark.parametrize(
    ("membership", "reason"),
    [case[1:] for case in ENTRY_CASES],
    ids=[case[0] for case in ENTRY_CASES],
)
def test_entry_is_refused_with_the_rosters_reason(world, personas, membership, reason):
    person = PersonFactory(name="党员甲", political_status="full_member")
    if membership == "unit_a2":
        party_member(world["unit_a2"], person)
    elif membership is not None:
        party_member(world["unit_a1"], person, **membership)
    with pytest.raises(DomainError) as refused:
        stand(world, personas, person)
    assert str(refused.value) == f"党员甲不能作为党组织委员会人选：{reason}。"
    assert not Candidacy.objects.exists()


@pytest.mark.parametrize(
    "membership",
    [{}, {"on_probation": True, "probation_until": PAST}],
    ids=["full member", "留党察看 already ended"],
)
def test_an_entitled_roster_member_may_stand(world, personas, membership):
    person = party_member(world["unit_a1"], **membership)
    assert stand(world, personas, person).status == Candidacy.Status.PRELIMINARY


def test_the_villagers_committee_needs_no_roster(world, personas):
    c = stand(world, personas, PersonFactory(), body="villagers", post="director")
    assert c.status == Candidacy.Status.PRELIMINARY


def test_one_click_proposal_from_the_pool_is_refused_the_same_way(world, personas):
    reserve = cs.reserve_add(unit=world["unit_a1"], person=PersonFactory(name="后备乙"))
    with pytest.raises(DomainError, match="后备乙不能作为党组织委员会人选：不在本村"):
        cs.reserve_propose(
            actor=personas["staff_a"], reserve=reserve, body="party", post="party_member"
        )
    reserve.refresh_from_db()
    assert reserve.status == ReserveCadre.Status.ACTIVE and not Candidacy.objects.exists()


def test_reopening_checks_the_rights_again(world, personas):
    person = party_member(world["unit_a1"])
    c = stand(world, personas, person)
    cs.candidacy_withdraw(actor=personas["staff_a"], candidacy=c, reason="本人申请")
    PartyMember.objects.filter(person=person).update(status="probationary")
    with pytest.raises(DomainError, match="预备党员"):
        cs.candidacy_reopen(actor=personas["staff_a"], candidacy=c, reason="撤回申请")
    c.refresh_from_db()
    assert c.status == Candidacy.Status.WITHDRAWN


def test_an_overturn_stands_but_does_not_reopen_someone_without_the_rights(world, personas):
    police = Department.objects.get_or_create(code="police", defaults={"name": "公安"})[0]
    person = party_member(world["unit_a1"])
    c = stand(world, personas, person)
    batch = cs.vetting_send(
        actor=personas["staff_a"],
        candidacies=[c],
        departments=[police],
        due_date=TODAY + datetime.timedelta(days=5),
    )
    bar = NegativeListItem.objects.filter(severity="bar").first()
    request = batch.requests.get()
    cs.vetting_answer(
        actor=personas["dept"], request=request, passed=False, items=[bar], document_number="1号"
    )
    PartyMember.objects.filter(person=person).update(left_on=PAST)
    cs.vetting_overturn(actor=personas["reviewer"], request=request, reason="经核实非本人")
    request.refresh_from_db()
    c.refresh_from_db()
    assert request.overturned_at is not None
    assert c.status == Candidacy.Status.DISQUALIFIED


# --- The eligibility facts read the sanction on the unit's roster, on the election day ---------


@pytest.mark.parametrize(
    ("where", "until", "sanctioned"),
    [
        ("unit_a1", FUTURE, True),
        ("unit_a1", None, True),
        ("unit_a1", PAST, False),
        ("unit_a2", FUTURE, False),
    ],
    ids=[
        "sanction running on the election day",
        "sanction without an end date",
        "sanction over before the election day",
        "sanction on another unit's roster",
    ],
)
def test_facts_use_the_sanction_on_the_units_roster(world, personas, where, until, sanctioned):
    person = party_member(world["unit_a1"])
    c = stand(world, personas, person)
    PartyMember.objects.filter(person=person).delete()
    party_member(world[where], person, on_probation=True, probation_until=until)
    c = Candidacy.objects.select_related("person", "unit", "round").get(pk=c.pk)
    assert cs.facts_for(c, day=TODAY).on_probation is sanctioned
    codes = {f.code for f in cs.eligibility.check_candidate(
        cs.facts_for(c, day=TODAY), cs.eligibility.Rules(), election_day=TODAY
    )}  # fmt: skip
    assert ("party-needs-full-member" in codes) is sanctioned


def test_list_facts_read_memberships_in_constant_queries(
    world, personas, django_assert_max_num_queries
):
    for _ in range(3):
        stand(world, personas, party_member(world["unit_a1"]))
    cs.unit_list_check(unit=world["unit_a1"], body="party")  # warm the caches
    with django_assert_max_num_queries(12) as few:
        cs.unit_list_check(unit=world["unit_a1"], body="party", include_statuses=["preliminary"])
    for _ in range(6):
        stand(world, personas, party_member(world["unit_a1"]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        cs.unit_list_check(unit=world["unit_a1"], body="party", include_statuses=["preliminary"])


# --- The pages --------------------------------------------------------------------------------


def form_data(unit, person_number: str, **overrides):
    data = {
        "unit": unit.pk,
        "p-name": "新党员",
        "p-ethnicity": "汉族",
        "p-education": "senior",
        "p-political_status": "full_member",
        "p-id_number": person_number,
        "c-body": "party",
        "c-post": "party_member",
        "c-is_continuing": "0",
        "c-votes_party_members": "21",
    }
    return data | overrides


def test_the_single_form_shows_the_reason_and_keeps_what_was_typed(client, world, personas):
    unit = world["unit_a1"]
    client.force_login(personas["staff_a"])
    number = "11010519491231002X"
    response = client.post(f"/candidates/new/?unit={unit.pk}", form_data(unit, number))
    body = response.content.decode()
    assert response.status_code == 200
    assert "新党员不能作为党组织委员会人选：不在本村(社区)党组织的党员名册中。" in body
    assert 'value="新党员"' in body and 'value="21"' in body
    assert not Candidacy.objects.exists() and not Person.objects.exists()


def test_the_single_form_enters_a_roster_member(client, world, personas):
    unit = world["unit_a1"]
    person = party_member(unit, PersonFactory(name="新党员", political_status="full_member"))
    client.force_login(personas["staff_a"])
    response = client.post(f"/candidates/new/?unit={unit.pk}", form_data(unit, person.id_number))
    assert response.status_code == 302
    assert Candidacy.objects.get().person == person


def test_one_click_proposal_page_shows_the_reason(client, world, personas):
    reserve = cs.reserve_add(unit=world["unit_a1"], person=PersonFactory(name="后备丙"))
    client.force_login(personas["staff_a"])
    response = client.post(
        f"/candidates/reserves/{reserve.pk}/propose/",
        {"body": "party", "post": "secretary", "is_continuing": "0"},
        follow=True,
    )
    assert "后备丙不能作为党组织委员会人选：不在本村(社区)党组织的党员名册中。" in (
        response.content.decode()
    )
    assert not Candidacy.objects.exists()
