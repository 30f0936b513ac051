"""Two people named 张伟 in one village: one elected, one not, told apart by id at every step —
the congress ballot, the party committee, the villagers' election (the elected one is also
the director: 一肩挑), the terms, the candidacies' outcome, the talks and the roll-up."""

import datetime

import pytest
from django.utils import timezone

from ballots.checks import AcknowledgeAll
from ballots.congress import services as congress
from ballots.villagers import vote as vv
from candidates.models import Candidacy
from discipline.pledges import services as talks
from renewal.models import Term, TermMember
from renewal.rollup.services import rollup_run
from tests.factories import make_formal, roster_members, villagers_election

pytestmark = pytest.mark.django_db

OTHERS = ["王建国", "李秀英", "刘洋", "陈静", "杨帆"]


@pytest.fixture
def namesakes(world):
    unit = world["unit_a1"]
    older, younger = roster_members(unit, ["张伟", "张伟"])
    older.birth_date, younger.birth_date = datetime.date(1968, 3, 2), datetime.date(1985, 7, 9)
    older.save(update_fields=["birth_date"])
    younger.save(update_fields=["birth_date"])
    others = roster_members(unit, OTHERS)
    make_formal(unit, [younger, older, *others], secretary=younger)
    # The older 张伟 sat on the committee in office: not re-elected, he is talked with after.
    previous = Term.objects.create(unit=unit, body="party", elected_on=datetime.date(2021, 3, 1))
    TermMember.objects.create(term=previous, person=older, post="party_member")
    return younger, older, others


def test_namesakes_are_told_apart_from_ballot_to_roll_up(world, personas, namesakes):
    younger, older, others = namesakes
    unit, staff = world["unit_a1"], personas["staff_a"]
    tellers = roster_members(unit, ["监票甲", "计票乙"])
    meeting = congress.congress_create(
        unit=unit, held_on=datetime.date(2026, 11, 20), place="村部", chair="王书记"
    )
    congress.scrutineer_add(congress=meeting, person=tellers[0], role="chief")
    congress.scrutineer_add(congress=meeting, person=tellers[1], role="teller")
    congress.attendance_update(
        congress=meeting,
        version=meeting.version,
        rows=[
            {"id": a.pk, "present": True, "excluded": "", "approved_by": ""}
            for a in meeting.attendance.all()
        ],
    )
    meeting.refresh_from_db()
    rnd = congress.round_open(
        congress=meeting, kind="committee", seats=5, people=[younger, older, *others]
    )
    assert "张伟（1985年生）" in rnd.candidates and "张伟（1968年生）" in rnd.candidates
    votes = {"张伟（1985年生）": 9, "王建国": 8, "李秀英": 8, "刘洋": 7, "陈静": 6}
    votes |= {"张伟（1968年生）": 2, "杨帆": 3}
    rnd = congress.round_enter(
        actor=staff,
        rnd=rnd,
        version=rnd.version,
        ballots_issued=9,
        totals={"returned": 9, "invalid": 0, "for": votes, "against": {}, "abstain": {}},
        acknowledgements=AcknowledgeAll("核对计票单无误"),
    )
    assert "张伟（1985年生）" in rnd.result["elected"]
    assert "张伟（1968年生）" not in rnd.result["elected"]
    # The secretary is chosen by id among the newly elected: the elder namesake is refused.
    with pytest.raises(Exception, match="不是新当选的委员"):
        congress.round_open(congress=meeting, kind="secretary", seats=1, people=[older])
    sec = congress.round_open(congress=meeting, kind="secretary", seats=1, people=[younger])
    sec = congress.round_enter(
        actor=staff,
        rnd=sec,
        version=sec.version,
        ballots_issued=5,
        totals={
            "returned": 5,
            "invalid": 0,
            "for": {sec.candidates[0]: 5},
            "against": {},
            "abstain": {},
        },
        acknowledgements=AcknowledgeAll("核对计票单无误"),
    )
    meeting = congress.congress_report(congress=meeting, notice_start=datetime.date(2026, 11, 23))
    meeting = congress.congress_approve(
        actor=personas["leader_a"], congress=meeting, today=datetime.date(2026, 12, 1)
    )
    party = Term.objects.get(unit=unit, body="party", round=world["round"])
    posts = dict(party.members.values_list("person_id", "post"))
    assert posts[younger.pk] == "secretary" and older.pk not in posts

    outcome = dict(
        Candidacy.objects.filter(unit=unit, body="party", post="party_member").values_list(
            "person_id", "outcome"
        )
    )
    assert outcome[younger.pk] == "elected" and outcome[older.pk] == "not_elected"
    history = Candidacy.objects.get(person=older, post="party_member").log.last()
    assert history.action == "选举结果批复：未当选"

    # The villagers' election: both 张伟 are voters; the younger is elected director.
    election, people = villagers_election(
        unit,
        world["round"],
        voters=60,
        names=["李秀英", "孙丽", "赵磊", "周一", "吴二", "郑三", "钱五"],
        women={"李秀英", "孙丽"},
    )
    from ballots.models import VoterRegistration

    for person in (younger, older):
        VoterRegistration.objects.create(
            election=election, round=world["round"], person=person, category="resident"
        )
    nominees = {
        "director": [younger, people["赵磊"]],
        "deputy_director": [older, people["周一"]],
        "committee_member": [people[n] for n in ("李秀英", "孙丽", "吴二", "钱五")],
    }
    for post, chosen in nominees.items():
        ids = [
            vv.nomination_add(
                election=election, post=post, person=p, nominators=12, source="joint", actor=staff
            ).pk
            for p in chosen
        ]
        vv.candidates_confirm(election=election, post=post, nomination_ids=ids, actor=staff)
    formal = vv.formal_candidates(election)
    assert (
        "张伟（1985年生）" in formal["director"] and "张伟（1968年生）" in formal["deputy_director"]
    )
    box = vv.box_add(election=election, kind="main", name="中心会场")
    vv.official_add(election=election, person=people["郑三"], role="teller")
    box.refresh_from_db()
    vv.box_enter(
        box=box,
        version=box.version,
        actor=staff,
        ballots_issued=50,
        ballots_returned=50,
        ballots_invalid=0,
        votes={
            "director": {"张伟（1985年生）": 40, "赵磊": 10},
            "deputy_director": {"周一": 35, "张伟（1968年生）": 15},
            "committee_member": {"李秀英": 40, "孙丽": 30, "吴二": 28, "钱五": 5},
        },
    )
    vv.election_count(election=election, actor=staff)
    election.refresh_from_db()
    term = vv.election_approve(election=election, actor=personas["leader_a"])
    members = dict(term.members.values_list("person_id", "post"))
    assert members[younger.pk] == "director" and older.pk not in members
    roles = vv.dual_roles_detail(election)
    assert roles["one_shoulder"] and "张伟" in roles["cross_names"]
    director = Candidacy.objects.get(person=younger, body="villagers", post="director")
    assert director.outcome == "elected"
    assert Candidacy.objects.get(person=older, body="villagers").outcome == "not_elected"

    # Talks: the elder 张伟 left the committee and is talked with after; the younger is not.
    (d,) = talks.unit_discipline([unit])
    assert older.pk in d.after and younger.pk not in d.after

    # The roll-up reads the terms by person: one 一肩挑 unit, the director counted once.
    run = rollup_run(county=world["county_a"], day=timezone.localdate())
    total = run.snapshots.get(region=world["county_a"])
    now = total.structure["current"]
    assert now["one_shoulder"] == 1.0 and now["units"] == 1
    # Ten seats, nine people: the younger 张伟 holds a seat in each committee, and the two
    # 李秀英 (one on the party roster, one a voter) are two people.
    assert now["members"] == 9
