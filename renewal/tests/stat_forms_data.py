"""A county's renewal with known figures for the statistical forms, and the forms' figures
counted again directly, unit by unit in Python, independently of the measures' queries.

``seed(rnd, units)`` fills the first four units with different situations (a fifth and
later ones get nothing): registered and deactivated voters, boxes of every kind, proxies,
formal and informal nominees, a re-vote and a 另行选举, new committees with members of
every age band, education, sex and party status, a recalled member, 一肩挑 and 交叉任职,
previous terms (not counted), rosters with probationary and transferred-out members,
congresses with attendance, exclusions and write-ins, supervision committees (a chair, women,
a replaced earlier committee, a recalled member, one elected after the day), representatives
and group leaders of both sexes (and some elected after the day).
"""

import datetime
import itertools

from django.utils import timezone

from ballots.models import (
    Attendance,
    BallotBox,
    Congress,
    ElectionRound,
    GroupOfficer,
    RoundCandidate,
    VillagersBallotSetup,
    VillagersElection,
    VillagersNomination,
    VillagersRecall,
    VillagersRound,
    VoterProxy,
)
from renewal.kit.dates import age_on
from renewal.models import PartyMember, Term, TermMember, VillagerGroup
from tests.factories import PersonFactory, villagers_election

_serial = itertools.count(1)


def _born(on: datetime.date, age: int, *, days: int = 0) -> datetime.date:
    """A birth date that makes ``age`` on ``on``; ``days`` later is a birthday still ahead."""
    return datetime.date(on.year - age, on.month, min(on.day, 28)) + datetime.timedelta(days=days)


def person(on, age, *, sex="M", education="senior", status="masses", tags=(), days=0):
    return PersonFactory(
        name=f"统计{next(_serial)}",
        sex=sex,
        birth_date=_born(on, age, days=days),
        education=education,
        political_status=status,
        tags=list(tags),
    )


def _term(unit, body, rnd, on, seats):
    term = Term.objects.create(unit=unit, body=body, elected_on=on, round=rnd)
    return [TermMember.objects.create(term=term, person=p, post=post) for p, post in seats]


def _villagers(rnd, unit, on, *, voters, boxes, proxies, nominees, rounds, approved):
    election, _ = villagers_election(unit, rnd, voters=voters, day=on)
    regs = list(election.registrations.order_by("id"))
    regs[-1].is_active = False
    regs[-1].save(update_fields=["is_active"])
    for n, (kind, issued) in enumerate(boxes):
        BallotBox.objects.create(
            election=election, kind=kind, name=f"票箱{n}", ballots_issued=issued
        )
    for n in range(proxies):
        VoterProxy.objects.create(
            election=election,
            holder=regs[0],
            principal=regs[n + 1],
            relation="spouse",
            written_on=on,
        )
    for post, source, formal in nominees:
        VillagersNomination.objects.create(
            election=election,
            post=post,
            person=regs[len(election.nominations.all()) + 5].person,
            nominators=10,
            source=source,
            formal=formal,
        )
    for number, round_type in enumerate(rounds, start=1):
        VillagersRound.objects.create(
            election=election,
            number=number,
            post="committee_member",
            election_kind="villagers-committee",
            round_type=round_type,
            seats=1,
        )
    if approved:
        election.status = VillagersElection.Status.APPROVED
        election.save(update_fields=["status"])
        VillagersBallotSetup.objects.create(election=election, approved_at=timezone.now())
    return election


def _congress(rnd, unit, on, *, seats, printed, write_ins, attendance, counted=True):
    congress = Congress.objects.create(
        round=rnd, unit=unit, held_on=on, place="村部", chair="主持人", status="approved"
    )
    first = ElectionRound.objects.create(
        congress=congress,
        number=1,
        kind=ElectionRound.Kind.COMMITTEE,
        seats=seats,
        status=ElectionRound.Status.COUNTED if counted else ElectionRound.Status.OPEN,
        counted_at=timezone.now() if counted else None,
    )
    for n in range(printed):
        RoundCandidate.objects.create(
            round=first, person=PersonFactory(), name=f"候选{next(_serial)}", order=n
        )
    for _ in range(write_ins):
        RoundCandidate.objects.create(round=first, name=f"另选{next(_serial)}", write_in=True)
    # A supplementary round's candidates are not the first round's: never counted as 差额.
    later = ElectionRound.objects.create(
        congress=congress,
        number=2,
        kind=ElectionRound.Kind.COMMITTEE,
        round_type=ElectionRound.RoundType.SUPPLEMENTARY,
        seats=1,
    )
    RoundCandidate.objects.create(round=later, person=PersonFactory(), name="补选人")
    members = list(unit.branch.members.order_by("id"))
    for member, (can_vote, excluded, present) in zip(members, attendance, strict=False):
        Attendance.objects.create(
            congress=congress, member=member, can_vote=can_vote, excluded=excluded, present=present
        )
    return congress


def _roster(unit, full, probationary, left):
    on = datetime.date(2000, 1, 1)
    for status, count, left_on in (
        ("full", full, None),
        ("probationary", probationary, None),
        ("full", left, datetime.date(2020, 1, 1)),
    ):
        for _ in range(count):
            PartyMember.objects.create(
                branch=unit.branch,
                person=PersonFactory(political_status="full_member"),
                status=status,
                joined_on=on,
                left_on=left_on,
            )


def _officers(election, on, groups):
    """Each group's (name, [representatives' sexes], leader's sex or None), elected on ``on``."""
    for order, (name, reps, leader) in enumerate(groups, start=1):
        group = VillagerGroup.objects.create(unit=election.unit, name=name, order=order)
        officers = [("representative", sex) for sex in reps]
        if leader:
            officers.append(("leader", leader))
        for role, sex in officers:
            GroupOfficer.objects.create(
                election=election,
                group=group,
                role=role,
                person=person(on, 45, sex=sex),
                method="households",
                elected_on=on,
            )


def seed(rnd, units) -> None:
    on = timezone.localdate() - datetime.timedelta(days=10)
    u1, u2, u3, u4 = units[:4]

    # Unit 1: elected at the first vote; the secretary is also the director (一肩挑).
    e1 = _villagers(
        rnd,
        u1,
        on,
        voters=40,
        boxes=[("main", 30), ("mobile", 5)],
        proxies=2,
        nominees=[
            ("director", "joint", True),
            ("deputy_director", "group", True),
            ("committee_member", "self", True),
            ("committee_member", "household", False),
        ],
        rounds=["first", "first"],
        approved=True,
    )
    boss = person(on, 50, status="full_member", tags=["veteran"])
    v_members = [
        (boss, "director"),
        (person(on, 35, sex="F", education="junior"), "deputy_director"),  # 35 today
        (person(on, 35, sex="F", days=1, education="bachelor"), "women_member"),  # still 34
        (person(on, 60, education="primary", status="probationary"), "committee_member"),
    ]
    _term(u1, "villagers", rnd, on, v_members)
    p_members = [
        (boss, "secretary"),
        (person(on, 30, sex="F", education="postgraduate", status="full_member"), "party_member"),
        (v_members[3][0], "party_member"),
        (
            person(on, 52, tags=["college_graduate", "veteran"], status="full_member"),
            "party_member",
        ),
    ]
    _term(u1, "party", rnd, on - datetime.timedelta(days=5), p_members)
    # The previous term (上届) is not this round's committee.
    _term(u1, "villagers", None, datetime.date(2021, 5, 20), [(person(on, 50), "director")])
    _roster(u1, full=6, probationary=2, left=1)
    _term(
        u1,
        "supervision",
        rnd,
        on,
        [
            (person(on, 48), "supervision_chair"),
            (person(on, 41, sex="F"), "supervision_member"),
            (person(on, 39, sex="F"), "supervision_member"),
        ],
    )
    _officers(e1, on, [("第一组", ["F", "M", "F"], "M"), ("第二组", ["M", "F"], "F")])
    _congress(
        rnd,
        u1,
        on - datetime.timedelta(days=5),
        seats=3,
        printed=4,
        write_ins=1,
        attendance=[
            (True, "", True),
            (True, "", True),
            (True, "", False),
            (True, "illness", False),
            (True, "", True),
            (False, "", False),
            (False, "", True),
        ],
    )

    # Unit 2: polling stations and two mobile boxes; a 另行选举; a recalled member; a
    # director who is not the secretary but a party committee member (交叉任职, no 一肩挑).
    e2 = _villagers(
        rnd,
        u2,
        on,
        voters=25,
        boxes=[("main", 10), ("sub", 8), ("mobile", 2), ("mobile", 1)],
        proxies=1,
        nominees=[("director", "self", True), ("committee_member", "joint", True)],
        rounds=["first", "revote", "supplementary"],
        approved=True,
    )
    director = person(on, 47, education="college", status="full_member")
    recalled = person(on, 40, sex="F")
    v2 = _term(
        u2,
        "villagers",
        rnd,
        on,
        [
            (director, "director"),
            (person(on, 56, sex="F", education="senior"), "women_member"),
            (recalled, "committee_member"),
        ],
    )
    VillagersRecall.objects.create(
        election=e2,
        member=v2[2],
        reason="不履行职责",
        signatures=10,
        registered=24,
        proposed_on=on,
        status=VillagersRecall.Status.PASSED,
    )
    # An earlier committee of the round, replaced by a later election: only the latest counts.
    _term(u2, "party", rnd, on - datetime.timedelta(days=30), [(person(on, 70), "secretary")])
    _term(
        u2,
        "party",
        rnd,
        on - datetime.timedelta(days=3),
        [
            (person(on, 33, sex="F", education="bachelor", status="full_member"), "secretary"),
            (director, "party_member"),
            (person(on, 55, education="junior", status="full_member"), "deputy_secretary"),
        ],
    )
    _roster(u2, full=4, probationary=0, left=0)
    # A supervision committee replaced later in the round; in the new one a member recalled.
    _term(
        u2,
        "supervision",
        rnd,
        on - datetime.timedelta(days=8),
        [(person(on, 66), "supervision_chair")],
    )
    s2 = _term(
        u2,
        "supervision",
        rnd,
        on - datetime.timedelta(days=2),
        [
            (person(on, 44, sex="F"), "supervision_chair"),
            (person(on, 52), "supervision_member"),
            (person(on, 37, sex="F"), "supervision_member"),
        ],
    )
    VillagersRecall.objects.create(
        election=e2,
        member=s2[2],
        reason="不履行职责",
        signatures=10,
        registered=24,
        proposed_on=on,
        status=VillagersRecall.Status.PASSED,
    )
    _officers(e2, on, [("东组", ["M", "M"], "F"), ("西组", ["M"], None)])
    _congress(
        rnd,
        u2,
        on - datetime.timedelta(days=3),
        seats=3,
        printed=3,
        write_ins=0,
        attendance=[(True, "", True), (True, "", True), (True, "abroad", False)],
    )

    # Unit 3: registration under way (no boxes, not approved); a congress set up, not held;
    # its supervision committee and group officers are elected after the forms' day.
    e3 = _villagers(
        rnd,
        u3,
        on + datetime.timedelta(days=40),
        voters=12,
        boxes=[],
        proxies=0,
        nominees=[("director", "joint", False)],
        rounds=[],
        approved=False,
    )
    _roster(u3, full=3, probationary=1, left=2)
    _congress(
        rnd,
        u3,
        on + datetime.timedelta(days=20),
        seats=5,
        printed=6,
        write_ins=0,
        attendance=[],
        counted=False,
    )
    _term(
        u3,
        "party",
        rnd,
        on,
        [(person(on, 58, education="junior", status="full_member"), "secretary")],
    )
    later = on + datetime.timedelta(days=40)
    _term(u3, "supervision", rnd, later, [(person(on, 50, sex="F"), "supervision_chair")])
    _officers(e3, later, [("一组", ["F", "F"], "F")])

    # Unit 4: a party committee elected, nothing else recorded.
    _term(
        u4,
        "party",
        rnd,
        on,
        [(person(on, 40, sex="F", education="college", status="full_member"), "secretary")],
    )
    assert e1.pk != e2.pk


# --- The figures counted directly -----------------------------------------------------------


def _current(unit, rnd, body, day):
    term = (
        Term.objects.filter(unit=unit, body=body, round=rnd, elected_on__lte=day)
        .order_by("-elected_on")
        .first()
    )
    if term is None:
        return None, []
    seated = [
        m
        for m in term.members.select_related("person")
        if not m.recalls.filter(status="passed").exists()
    ]
    return term, seated


def _people(unit, rnd, body, day, posts=None):
    """(person, age on the election day) of the unit's new committee, each person once."""
    term, seated = _current(unit, rnd, body, day)
    found = {}
    for m in seated:
        if posts is None or m.post in posts:
            found[m.person_id] = (m.person, age_on(m.person.birth_date, term.elected_on))
    return list(found.values())


AGE_BANDS = {
    "age_under_35": lambda a: a < 35,
    "age_35_45": lambda a: 35 <= a <= 45,
    "age_46_55": lambda a: 46 <= a <= 55,
    "age_56_over": lambda a: a >= 56,
}
EDUCATION = {
    "college": {"college", "bachelor", "postgraduate"},
    "senior": {"senior"},
    "junior": {"primary", "junior"},
}


def _member_counts(prefix, people) -> dict[str, int]:
    counts = {
        prefix: len(people),
        f"{prefix}_female": sum(p.sex == "F" for p, _ in people),
        f"{prefix}_age_sum": sum(a for _, a in people),
        f"{prefix}_party": sum(
            p.political_status in ("full_member", "probationary") for p, _ in people
        ),
        f"{prefix}_veterans": sum("veteran" in p.tags for p, _ in people),
        f"{prefix}_graduates": sum("college_graduate" in p.tags for p, _ in people),
    }
    for code, test in AGE_BANDS.items():
        counts[f"{prefix}_{code}"] = sum(test(a) for _, a in people)
    for code, levels in EDUCATION.items():
        counts[f"{prefix}_{code}"] = sum(p.education in levels for p, _ in people)
    return counts


def unit_counts(unit, rnd, day) -> dict[str, int]:
    """Every count measure of the shipped forms for one unit, counted directly."""
    out = {"units": 1}
    election = VillagersElection.objects.filter(round=rnd, unit=unit).first()
    if election:
        boxes = list(election.boxes.all())
        kinds = {b.kind for b in boxes}
        nominees = list(election.nominations.filter(formal=True))
        rounds = {r.round_type for r in election.vote_rounds.all()}
        approved = (
            election.status == "approved"
            and VillagersBallotSetup.objects.filter(
                election=election, approved_at__isnull=False
            ).exists()
        )
        out |= {
            "villagers_elections_done": int(approved),
            "registered_voters": election.registrations.filter(is_active=True).count(),
            "voters_voted": sum(b.ballots_issued or 0 for b in boxes),
            "nominees_direct": len({n.person_id for n in nominees if n.source != "self"}),
            "nominees_self": len({n.person_id for n in nominees if n.source == "self"}),
            "units_by_meeting": int("main" in kinds and "sub" not in kinds),
            "units_by_stations": int("sub" in kinds),
            "units_mobile_boxes": int("mobile" in kinds),
            "mobile_boxes": sum(b.kind == "mobile" for b in boxes),
            "proxies": election.proxies.count(),
            "elected_first_time": int(approved and not rounds & {"revote", "supplementary"}),
            "supplementary_held": int("supplementary" in rounds),
        }
    villagers = _people(unit, rnd, "villagers", day)
    party = _people(unit, rnd, "party", day)
    out |= _member_counts("villagers_members", villagers)
    out |= _member_counts("party_committee", party)
    out |= _member_counts("secretaries", _people(unit, rnd, "party", day, posts={"secretary"}))
    secretaries = {p.pk for p, _ in _people(unit, rnd, "party", day, posts={"secretary"})}
    directors = {p.pk for p, _ in _people(unit, rnd, "villagers", day, posts={"director"})}
    out["one_shoulder"] = int(bool(secretaries & directors))
    out["cross_posts"] = len({p.pk for p, _ in villagers} & {p.pk for p, _ in party})
    supervision = _people(unit, rnd, "supervision", day)
    out |= {
        "supervision_members": len(supervision),
        "supervision_members_female": sum(p.sex == "F" for p, _ in supervision),
        "supervision_chairs": len(
            _people(unit, rnd, "supervision", day, posts={"supervision_chair"})
        ),
    }
    officers = GroupOfficer.objects.filter(
        election__round=rnd, election__unit=unit, elected_on__lte=day
    ).select_related("person")
    for role, code in (("representative", "representatives"), ("leader", "group_leaders")):
        found = [o.person for o in officers if o.role == role]
        out[code] = len(found)
        out[f"{code}_female"] = sum(p.sex == "F" for p in found)
    roster = [m for m in unit.branch.members.all() if m.on_roster(day)]
    out["party_members"] = len(roster)
    out["party_members_full"] = sum(m.status == "full" for m in roster)
    congress = Congress.objects.filter(round=rnd, unit=unit).first()
    if congress:
        rows = list(congress.attendance.all())
        first = congress.rounds.get(kind="committee", round_type="first")
        printed = first.entrants.filter(write_in=False).count()
        out |= {
            "congresses_held": int(first.status == "counted"),
            "congress_expected": sum(a.can_vote and not a.excluded for a in rows),
            "congress_present": sum(a.can_vote and a.present for a in rows),
            "committee_seats": first.seats,
            "committee_candidates": printed,
            "committee_surplus": printed - first.seats,
        }
    return out
