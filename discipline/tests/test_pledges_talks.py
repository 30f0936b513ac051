"""Pledges (换届纪律承诺书) and talks (谈心谈话): recording, refusal, coverage per unit."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ballots.models import Congress, ElectionRound, RoundCandidate
from candidates import services as cs
from candidates.models import Candidacy, CandidacyLog
from discipline.models import Pledge, Talk
from discipline.pledges import services
from renewal.models import DomainError, Term, TermMember
from tests.factories import PersonFactory, UnitFactory, party_member

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


# --- Who must be talked with (pure) ------------------------------------------------------------

TARGETS = [
    (
        "before: candidates and current members, once each",
        {"candidates": {1, 2}, "members": {"party": {2, 3}}, "elected": {}},
        ({1, 2, 3}, set(), ["party"]),
    ),
    (
        "after: members not re-elected",
        {"candidates": {1, 2}, "members": {"party": {2, 3}}, "elected": {"party": {1, 2}}},
        ({1, 2, 3}, {3}, []),
    ),
    (
        "a committee without a result stays pending",
        {
            "candidates": set(),
            "members": {"party": {2, 3}, "villagers": {4}},
            "elected": {"party": {2}},
        },
        ({2, 3, 4}, {3}, ["villagers"]),
    ),
    (
        "a committee without members is not pending",
        {"candidates": {1}, "members": {"villagers": set()}, "elected": {}},
        ({1}, set(), []),
    ),
    (
        "everyone re-elected: nobody to talk with after",
        {"candidates": {2}, "members": {"party": {2}}, "elected": {"party": {2}}},
        ({2}, set(), []),
    ),
]


@pytest.mark.parametrize(("rule", "given", "expected"), TARGETS)
def test_talk_targets(rule, given, expected):
    assert services.talk_targets(**given) == expected


# --- Fixtures: a unit with a previous term, candidates and (later) a congress result ----------


def candidacy_for(world, personas, person, body="party", post="party_member", unit="unit_a1"):
    if body == "party":
        party_member(world[unit], person)  # only a roster member may stand for the committee
    return cs.candidacy_create(
        actor=personas["staff_a"], unit=world[unit], person=person, body=body, post=post
    )


@pytest.fixture
def unit_people(world, personas):
    """Previous term: 老甲 (stands again), 老乙 (does not) on the party committee, 老丙 on the
    villagers' committee; 新丁 is a new candidate. An older term's member no longer counts."""
    unit = world["unit_a1"]
    people = {
        name: PersonFactory(name=name, political_status="full_member")
        for name in ("老甲", "老乙", "老丙", "新丁", "早年")
    }
    old = Term.objects.create(unit=unit, body="party", elected_on=datetime.date(2018, 1, 5))
    TermMember.objects.create(term=old, person=people["早年"], post="secretary")
    party = Term.objects.create(unit=unit, body="party", elected_on=datetime.date(2021, 1, 5))
    villagers = Term.objects.create(
        unit=unit, body="villagers", elected_on=datetime.date(2021, 3, 5)
    )
    TermMember.objects.create(term=party, person=people["老甲"], post="secretary")
    TermMember.objects.create(term=party, person=people["老乙"], post="party_member")
    TermMember.objects.create(term=villagers, person=people["老丙"], post="director")
    people["c_jia"] = candidacy_for(world, personas, people["老甲"], post="secretary")
    people["c_ding"] = candidacy_for(world, personas, people["新丁"])
    return people


def congress_result(world, people, elected: list[str], status=Congress.Status.REPORTED):
    congress = Congress.objects.create(
        round=world["round"],
        unit=world["unit_a1"],
        held_on=TODAY(),
        place="村部",
        chair="主持人",
        status=status,
    )
    rnd = ElectionRound.objects.create(
        congress=congress,
        number=1,
        kind=ElectionRound.Kind.COMMITTEE,
        seats=len(elected),
        candidates=elected,
        status=ElectionRound.Status.COUNTED,
        result={"outcome": "elected", "elected": elected},
    )
    for order, name in enumerate(elected):
        RoundCandidate.objects.create(
            round=rnd, person=people[name], name=name, order=order, elected=True
        )
    return congress


def ids(people, *names):
    return {people[n].pk for n in names}


# --- Coverage --------------------------------------------------------------------------------


def test_before_covers_candidates_and_current_members(world, unit_people):
    (d,) = services.unit_discipline([world["unit_a1"]])
    assert d.before == ids(unit_people, "老甲", "老乙", "老丙", "新丁")
    assert d.after == set() and d.election_unfinished
    assert {c.name for c in d.candidacies} == {"老甲", "新丁"}


def test_after_covers_members_not_re_elected_once_the_result_is_in(world, unit_people):
    congress_result(world, unit_people, ["老甲", "新丁"])
    (d,) = services.unit_discipline([world["unit_a1"]])
    assert d.after == ids(unit_people, "老乙")
    assert d.pending == ["villagers"] and not d.election_unfinished
    assert d.pending_labels == ["村民委员会"]


def test_the_new_terms_of_the_round_are_results_not_the_baseline(world, unit_people):
    """Approved results write the round's terms: the party one does not become the
    committee in office, and the villagers' one resolves that committee's pending talks."""
    congress_result(world, unit_people, ["老甲", "新丁"])
    unit = world["unit_a1"]
    day = datetime.date(2026, 12, 20)
    party = Term.objects.create(unit=unit, body="party", elected_on=day, round=world["round"])
    TermMember.objects.create(term=party, person=unit_people["老甲"], post="secretary")
    TermMember.objects.create(term=party, person=unit_people["新丁"], post="party_member")
    villagers = Term.objects.create(
        unit=unit, body="villagers", elected_on=day, round=world["round"]
    )
    TermMember.objects.create(term=villagers, person=unit_people["新丁"], post="director")
    (d,) = services.unit_discipline([unit])
    assert d.after == ids(unit_people, "老乙", "老丙")
    assert d.pending == []


def test_an_approved_party_term_is_the_result_without_its_rounds(world, unit_people):
    """A party term of the round is the committee's result even where no counted round is
    on file (a result recorded as approved, e.g. one taken over from paper)."""
    unit = world["unit_a1"]
    party = Term.objects.create(
        unit=unit, body="party", elected_on=datetime.date(2026, 11, 20), round=world["round"]
    )
    TermMember.objects.create(term=party, person=unit_people["老甲"], post="secretary")
    (d,) = services.unit_discipline([unit])
    assert d.after == ids(unit_people, "老乙")
    assert d.pending == ["villagers"]


def test_a_congress_still_being_counted_is_no_result(world, unit_people):
    congress_result(world, unit_people, ["老甲"], status=Congress.Status.HELD)
    (d,) = services.unit_discipline([world["unit_a1"]])
    assert d.election_unfinished


def test_talks_and_pledges_count_towards_coverage(world, personas, unit_people):
    staff = personas["staff_a"]
    unit = world["unit_a1"]
    for name in ("老甲", "老乙"):
        services.talk_record(
            actor=staff,
            unit=unit,
            person=unit_people[name],
            phase=Talk.Phase.BEFORE,
            held_on=TODAY(),
            talked_by="镇党委书记",
        )
    services.pledge_record(actor=staff, candidacy=unit_people["c_jia"], signed_on=TODAY())
    (d,) = services.unit_discipline([unit])
    assert (d.before_done, len(d.before)) == (2, 4)
    assert (d.pledged, len(d.candidacies)) == (1, 2)
    congress_result(world, unit_people, ["老甲", "新丁"])
    services.talk_record(
        actor=staff,
        unit=unit,
        person=unit_people["老乙"],
        phase=Talk.Phase.AFTER,
        held_on=TODAY(),
        talked_by="镇党委书记",
    )
    (d,) = services.unit_discipline([unit])
    assert (d.after_done, len(d.after)) == (1, 1)


@pytest.mark.parametrize(
    ("rule", "name", "phase", "message"),
    [
        ("someone from elsewhere", "outsider", Talk.Phase.BEFORE, "不在换届前谈话范围内"),
        ("after the election before it is held", "老乙", Talk.Phase.AFTER, "选举尚未完成"),
    ],
)
def test_talk_outside_the_list_is_refused(world, personas, unit_people, rule, name, phase, message):
    person = unit_people.get(name) or PersonFactory(name="外人")
    with pytest.raises(DomainError, match=message):
        services.talk_record(
            actor=personas["staff_a"],
            unit=world["unit_a1"],
            person=person,
            phase=phase,
            held_on=TODAY(),
            talked_by="镇党委书记",
        )


def test_re_elected_member_is_not_talked_with_after(world, personas, unit_people):
    congress_result(world, unit_people, ["老甲", "新丁"])
    with pytest.raises(DomainError, match="未连任"):
        services.talk_record(
            actor=personas["staff_a"],
            unit=world["unit_a1"],
            person=unit_people["老甲"],
            phase=Talk.Phase.AFTER,
            held_on=TODAY(),
            talked_by="镇党委书记",
        )


def test_talk_date_and_talker_are_required(world, personas, unit_people):
    kwargs = {
        "actor": personas["staff_a"],
        "unit": world["unit_a1"],
        "person": unit_people["老甲"],
        "phase": Talk.Phase.BEFORE,
    }
    with pytest.raises(DomainError, match="晚于今天"):
        services.talk_record(**kwargs, held_on=TODAY() + DAY, talked_by="书记")
    with pytest.raises(DomainError, match="谈话人"):
        services.talk_record(**kwargs, held_on=TODAY(), talked_by=" ")


# --- Pledges ----------------------------------------------------------------------------------


def test_signed_pledge_records_its_date(personas, unit_people):
    pledge = services.pledge_record(
        actor=personas["staff_a"], candidacy=unit_people["c_ding"], signed_on=TODAY() - DAY
    )
    assert (pledge.signed_on, pledge.refused, pledge.recorded_by) == (
        TODAY() - DAY,
        False,
        personas["staff_a"],
    )


def test_refused_pledge_disqualifies_through_the_candidates_service(personas, unit_people):
    candidacy = unit_people["c_ding"]
    services.pledge_record(
        actor=personas["staff_a"], candidacy=candidacy, refused=True, note="本人拒绝签字"
    )
    candidacy.refresh_from_db()
    assert candidacy.status == Candidacy.Status.DISQUALIFIED
    log = CandidacyLog.objects.filter(candidacy=candidacy).last()
    assert log.action == "拒签换届纪律承诺书"
    assert log.reason == "拒签换届纪律承诺书：本人拒绝签字"
    assert Pledge.objects.get(candidacy=candidacy).refused


def test_reopened_candidate_may_then_sign(personas, unit_people):
    candidacy = unit_people["c_ding"]
    staff = personas["staff_a"]
    services.pledge_record(actor=staff, candidacy=candidacy, refused=True)
    with pytest.raises(DomainError, match="不能登记承诺书"):
        services.pledge_record(actor=staff, candidacy=candidacy, signed_on=TODAY())
    cs.candidacy_reopen(actor=staff, candidacy=candidacy, reason="本人改变主意，愿意签订")
    pledge = services.pledge_record(actor=staff, candidacy=candidacy, signed_on=TODAY())
    assert pledge.signed_on == TODAY() and not pledge.refused


@pytest.mark.parametrize(
    ("rule", "kwargs", "message"),
    [
        ("a refusal has no date", {"refused": True, "signed_on": "today"}, "拒签时"),
        ("a signature has a date", {}, "签订日期"),
        ("not in the future", {"signed_on": "tomorrow"}, "晚于今天"),
    ],
)
def test_pledge_checks(personas, unit_people, rule, kwargs, message):
    days = {"today": TODAY(), "tomorrow": TODAY() + DAY}
    kwargs = {k: days.get(v, v) for k, v in kwargs.items()}
    with pytest.raises(DomainError, match=message):
        services.pledge_record(actor=personas["staff_a"], candidacy=unit_people["c_ding"], **kwargs)
    assert not Pledge.objects.exists()


# --- Pages ------------------------------------------------------------------------------------


def test_township_staff_record_pledges_and_talks_on_the_unit_page(
    client, world, personas, unit_people
):
    client.force_login(personas["staff_a"])
    url = f"/discipline/units/{world['unit_a1'].pk}/"
    page = client.get(url).content.decode()
    assert "登记签订" in page and "登记谈心谈话" in page and "选举尚未完成" in page
    response = client.post(
        f"{url}pledge/",
        {
            "candidacy": unit_people["c_jia"].pk,
            "decision": "sign",
            "signed_on": TODAY().isoformat(),
        },
    )
    assert response.status_code == 302
    assert Pledge.objects.get(candidacy=unit_people["c_jia"]).signed_on == TODAY()
    client.post(
        f"{url}talk/",
        {
            "person": unit_people["老乙"].pk,
            "phase": "before",
            "held_on": TODAY().isoformat(),
            "talked_by": "镇党委书记",
            "summary": "讲清换届纪律",
        },
    )
    assert Talk.objects.get().person == unit_people["老乙"]
    client.post(
        f"{url}pledge/",
        {
            "candidacy": unit_people["c_ding"].pk,
            "decision": "refuse",
            "note": "不愿签",
            "confirmed": "1",
        },
    )
    unit_people["c_ding"].refresh_from_db()
    assert unit_people["c_ding"].status == Candidacy.Status.DISQUALIFIED


def test_pledge_for_another_units_candidacy_is_404(client, world, personas, unit_people):
    other = candidacy_for(world, personas, PersonFactory(), unit="unit_a2")
    client.force_login(personas["staff_a"])
    response = client.post(
        f"/discipline/units/{world['unit_a1'].pk}/pledge/",
        {"candidacy": other.pk, "decision": "sign", "signed_on": TODAY().isoformat()},
    )
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["reviewer", "discipline"])
def test_county_reads_coverage_without_forms(client, world, personas, unit_people, persona):
    client.force_login(personas[persona])
    page = client.get("/discipline/coverage/").content.decode()
    assert "大红城村" in page and "盛乐村" in page and "0/2" in page and "选举尚未完成" in page
    unit_page = client.get(f"/discipline/units/{world['unit_a1'].pk}/").content.decode()
    assert "老乙" in unit_page and "登记签订" not in unit_page
    response = client.post(
        f"/discipline/units/{world['unit_a1'].pk}/talk/",
        {"person": unit_people["老乙"].pk, "phase": "before"},
    )
    assert response.status_code == 403


def test_coverage_query_count_is_flat(client, world, personas, unit_people):
    client.force_login(personas["reviewer"])
    client.get("/discipline/coverage/")
    with CaptureQueriesContext(connection) as few:
        client.get("/discipline/coverage/")
    for n in range(6):
        unit = UnitFactory(township=world["township_b"])
        term = Term.objects.create(unit=unit, body="party", elected_on=datetime.date(2021, 1, 5))
        TermMember.objects.create(term=term, person=PersonFactory(), post="secretary")
        cs.candidacy_create(
            actor=personas["staff_b"],
            unit=unit,
            person=party_member(unit),
            body="party",
            post="party_member",
        )
        Talk.objects.create(
            unit=unit,
            person=term.members.get().person,
            phase="before",
            held_on=TODAY(),
            talked_by=f"书记{n}",
        )
    with CaptureQueriesContext(connection) as many:
        client.get("/discipline/coverage/")
    assert len(many) == len(few)


def test_same_name_people_are_told_apart_on_the_unit_page(client, world, personas):
    unit = world["unit_a1"]
    older = PersonFactory(name="张伟", birth_date=datetime.date(1980, 3, 12))
    younger = PersonFactory(name="张伟", birth_date=datetime.date(1990, 8, 20))
    for person in (older, younger):
        cs.candidacy_create(
            actor=personas["staff_a"],
            unit=unit,
            person=party_member(unit, person),
            body="party",
            post="party_member",
        )
    client.force_login(personas["staff_a"])
    page = client.get(f"/discipline/units/{unit.pk}/").content.decode()
    assert "张伟（1980年生）" in page and "张伟（1990年生）" in page
    choices = dict(
        client.get(f"/discipline/units/{unit.pk}/").context["talk_form"].fields["person"].choices
    )
    assert choices[younger.pk] == "张伟（1990年生）"


def test_a_refused_talk_keeps_what_was_typed(client, world, personas, unit_people):
    client.force_login(personas["staff_a"])
    response = client.post(
        f"/discipline/units/{world['unit_a1'].pk}/talk/",
        {
            "person": unit_people["老乙"].pk,
            "phase": "before",
            "held_on": (TODAY() + DAY).isoformat(),  # a talk cannot be in the future
            "talked_by": "镇党委副书记",
            "summary": "讲清换届纪律要求",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "讲清换届纪律要求" in page and "镇党委副书记" in page
    assert not Talk.objects.exists()
