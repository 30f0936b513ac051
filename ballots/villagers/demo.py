"""Demo data for the villagers' election set-up: two units of the first township.

Deterministic and idempotent: a unit that already has an election this round is left
alone. Everything goes through the services, so the demo obeys the same rules.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ballots.models import (
    GroupOfficer,
    SupervisionElection,
    VillagersElection,
    VillagersRulePack,
    VoterRegistration,
)
from ballots.villagers import groups, setup
from ballots.villagers import supervision as sv
from ballots.villagers import vote as vv
from renewal.kit.bulk import bulk_copy
from renewal.kit.demo import BulkCounty, DemoCounty
from renewal.kit.idcard import make_id_number
from renewal.models import Person, Unit

# (election day, publication date or None): one published register, one still being built.
PLAN = [
    (datetime.date(2027, 1, 16), datetime.date(2026, 11, 20)),
    (datetime.date(2027, 5, 20), None),
]
VOTERS_PER_UNIT = 36
GROUPS = ["第一小组", "第二小组", "第三小组"]
NEWCOMERS = ["高建国", "林秀英", "何志红", "郭海燕"]


@transaction.atomic
def seed_villagers_setup(*, rnd, township, staff) -> list[VillagersElection]:
    units = list(Unit.objects.filter(township=township).order_by("code")[: len(PLAN)])
    elections = []
    for index, (unit, (day, published)) in enumerate(zip(units, PLAN, strict=False)):
        existing = VillagersElection.objects.filter(round=rnd, unit=unit).first()
        if existing is not None:
            elections.append(existing)
            continue
        elections.append(_seed_unit(rnd, unit, staff, day, published, index))
    return elections


def _seed_unit(rnd, unit, staff, day, published, index):
    election = setup.election_create(actor=staff, unit=unit, election_day=day)
    people = [
        m.person
        for m in unit.branch.members.select_related("person").order_by("joined_on", "pk")
        if m.person.age_on(day) >= election.pack.min_age
    ]
    taken = set(
        VoterRegistration.objects.filter(round=rnd, person__in=people).values_list(
            "person_id", flat=True
        )
    )
    voters = []
    for n, person in enumerate(p for p in people if p.pk not in taken):
        if n >= VOTERS_PER_UNIT - len(NEWCOMERS):
            break
        voters.append(
            setup.voter_register(
                actor=staff,
                election=election,
                id_number=person.id_number,
                name=person.name,
                category="resident" if n % 7 else "away",
                group_name=GROUPS[n % len(GROUPS)],
            )
        )
    for k, name in enumerate(NEWCOMERS):
        born = datetime.date(1965 + 5 * k, 1 + k, 10 + index)
        voters.append(
            setup.voter_register(
                actor=staff,
                election=election,
                id_number=make_id_number(
                    "152622", born, 300 + 10 * index + k, "M" if k % 2 else "F"
                ),
                name=name,
                category="living",
                group_name=GROUPS[k % len(GROUPS)],
            )
        )
    chair = setup.committee_member_add(
        actor=staff,
        election=election,
        name=voters[0].person.name,
        role="chair",
        person=voters[0].person,
    )
    for reg in voters[1:5]:
        setup.committee_member_add(
            actor=staff, election=election, name=reg.person.name, role="member", person=reg.person
        )
    if published is None:
        return chair.election
    setup.committee_member_leave(
        member=election.committee_members.get(person=voters[1].person),
        reason=setup.CANDIDATE_LEAVE_REASON,
        replacement={"name": voters[5].person.name, "person": voters[5].person},
        actor=staff,
        on=published,
    )
    election.refresh_from_db()
    election = setup.register_publish(
        actor=staff, election=election, published_on=published, version=election.version
    )
    for holder, principal, relation in ((6, 7, "spouse"), (6, 8, "child"), (9, 10, "parent")):
        setup.proxy_create(
            actor=staff,
            election=election,
            holder=voters[holder],
            principal=voters[principal],
            relation=relation,
            written_on=published + datetime.timedelta(days=3),
        )
    setup.objection_receive(
        actor=staff,
        election=election,
        raised_by=voters[11].person.name,
        received_on=published + datetime.timedelta(days=2),
        reason="该村民户籍已于今年迁出且不在本村居住。",
        registration=voters[12],
    )
    return election


# --- The vote: one village voted, counted and confirmed ---------------------------------------
def _demo_day() -> datetime.date:
    """The demo village voted two days before the demo was built (a vote is entered and
    counted only once its day has come)."""
    return timezone.localdate() - datetime.timedelta(days=2)


def _pack():
    pack = (
        VillagersRulePack.objects.filter(province_code__in=["15", ""])
        .order_by("-province_code", "-effective_from")
        .first()
    )
    if pack is None:
        pack = VillagersRulePack.objects.create(
            name="全国默认",
            effective_from=datetime.date(2019, 1, 1),
            source="《中华人民共和国村民委员会组织法》(2018 修正)",
        )
    return pack


def _distinct_names(people):
    seen, out = set(), []
    for p in people:
        if p.name not in seen:
            seen.add(p.name)
            out.append(p)
    return out


def seed_villagers_vote(rnd, township, users) -> None:
    unit = Unit.objects.filter(township=township, kind=Unit.Kind.VILLAGE).order_by("code")[7:8]
    unit = unit.first()
    if unit is None:
        return
    election = VillagersElection.objects.filter(round=rnd, unit=unit).first()
    if election is not None and election.vote_rounds.exists():
        return
    if election is None:
        election = VillagersElection.objects.create(
            round=rnd,
            unit=unit,
            pack=_pack(),
            election_day=_demo_day(),
            status=VillagersElection.Status.NOMINATING,
        )
    registered_elsewhere = VoterRegistration.objects.filter(round=rnd).values("person_id")
    residents = (
        Person.objects.filter(Q(memberships__branch__unit=unit) | Q(term_seats__term__unit=unit))
        .exclude(pk__in=registered_elsewhere)
        .distinct()
        .order_by("id")
    )
    VoterRegistration.objects.bulk_create(
        VoterRegistration(election=election, round=rnd, person=p, category="resident")
        for p in residents
    )
    voters = [r.person for r in vv.registered_voters(election).select_related("person")]
    people = _distinct_names(voters)
    women = [p for p in people if p.sex == Person.Sex.FEMALE]
    men = [p for p in people if p.sex != Person.Sex.FEMALE]
    if len(voters) < 12 or not women or len(men) < 10:
        return
    staff, leader = users["chengguan"], users["chengguan_sj"]
    seats = vv.seats_by_post(election)
    picks = {
        "director": men[0:2],
        "deputy_director": men[2 : 2 + seats.get("deputy_director", 0) + 1],
        "committee_member": [women[0], *men[5 : 5 + seats.get("committee_member", 1)]],
    }
    if "women_member" in seats:
        picks["women_member"] = women[:2] if len(women) > 1 else []
    for post, chosen in picks.items():
        if post not in seats or not chosen:
            continue
        ids = [
            vv.nomination_add(
                election=election,
                post=post,
                person=p,
                nominators=10 + k,
                source="joint",
                actor=staff,
            ).pk
            for k, p in enumerate(chosen)
        ]
        vv.candidates_confirm(election=election, post=post, nomination_ids=ids, actor=staff)
    main = vv.box_add(election=election, kind="main", name=f"{unit.name}村委会中心会场")
    mobile = vv.box_add(election=election, kind="mobile", name="流动票箱（行动不便选民）")
    for p in men[-3:]:
        vv.official_add(election=election, person=p, role="scrutineer", box=mobile)
    formal = vv.formal_candidates(election)
    total = len(voters)
    for box, share in ((main, 0.7), (mobile, 0.15)):
        issued = int(total * share)
        # Each post's winners get the leading shares, the other candidates a tenth.
        votes = {}
        for post, names in formal.items():
            votes[post] = {name: int(issued * 0.1) for name in names[seats[post] :]}
            for i, name in enumerate(names[: seats[post]]):
                votes[post][name] = int(issued * (0.75 - 0.05 * i))
        box.refresh_from_db()
        vv.box_enter(
            box=box,
            version=box.version,
            actor=staff,
            ballots_issued=issued,
            ballots_returned=issued,
            ballots_invalid=0,
            votes=votes,
        )
    vv.election_count(election=election, actor=staff)
    election.refresh_from_db()
    if election.status == VillagersElection.Status.COUNTED:
        vv.election_approve(election=election, actor=leader)


# --- The other bodies: the voted village's supervision committee and groups -------------------


@transaction.atomic
def seed_villagers_bodies(rnd, township, users) -> None:
    """The groups of the set-up villages (named as their registers name them), and in the
    voted village its groups' representatives and leaders and its supervision committee,
    elected by the 村民会议 and confirmed."""
    staff, leader = users["chengguan"], users["chengguan_sj"]
    for election in VillagersElection.objects.filter(round=rnd, unit__township=township):
        unit = election.unit
        if not unit.villager_groups.exists():
            for k, name in enumerate(GROUPS):
                groups.group_add(unit=unit, name=name, households=30 + 5 * k, actor=staff)
        if election.status != VillagersElection.Status.APPROVED:
            continue
        if not election.group_officers.exists():
            _seed_officers(election, staff)
        if sv.supervision_of(election) is None:
            _seed_supervision(election, staff, leader)


def _free_voters(election):
    """Registered voters who may sit on the supervision committee, women first."""
    members = set(sv.committee_members(election).values_list("person_id", flat=True))
    voters = [r.person for r in vv.registered_voters(election).select_related("person")]
    free = [p for p in _distinct_names(voters) if p.pk not in members]
    return sorted(free, key=lambda p: (p.sex != Person.Sex.FEMALE, p.pk))


def _seed_officers(election, staff) -> None:
    unit_groups = list(election.unit.villager_groups.all())
    people = _free_voters(election)
    women = [p for p in people if p.sex == Person.Sex.FEMALE]
    men = [p for p in people if p.sex != Person.Sex.FEMALE]
    # Two representatives a group, one of them a woman where there is one; men lead.
    for k, group in enumerate(unit_groups):
        picks = [*(women[k : k + 1] or men[-1 - k : -k or None]), men[len(unit_groups) + k]]
        for person in picks:
            groups.officer_add(
                election=election,
                group=group,
                role=GroupOfficer.Role.REPRESENTATIVE,
                person=person,
                method=GroupOfficer.Method.HOUSEHOLDS,
                votes=12 + k,
                elected_on=election.election_day,
                actor=staff,
            )
        groups.officer_add(
            election=election,
            group=group,
            role=GroupOfficer.Role.LEADER,
            person=men[2 * len(unit_groups) + k],
            method=GroupOfficer.Method.GROUP_MEETING,
            elected_on=election.election_day,
            actor=staff,
        )


def _seed_supervision(election, staff, leader) -> None:
    pack = election.pack
    seats = pack.supervision_min_seats
    supervision = sv.supervision_setup(
        election=election,
        assembly=SupervisionElection.Assembly.MEETING,
        seats=seats,
        meeting_day=election.election_day,
        actor=staff,
    )
    nominees = _free_voters(election)[-(seats + pack.surplus_min_extra) :]
    ids = [
        sv.supervision_nominate(
            supervision=supervision, person=p, nominators=10 + k, source="joint", actor=staff
        ).pk
        for k, p in enumerate(nominees)
    ]
    rnd = sv.supervision_candidates_confirm(supervision=supervision, nomination_ids=ids)
    present = vv.registered_voters(election).count() * 3 // 4
    votes = {name: present * (9 - k) // 10 for k, name in enumerate(rnd.candidates)}
    votes[rnd.candidates[-1]] = present // 10
    sv.supervision_round_enter(
        rnd=rnd,
        version=rnd.version,
        actor=staff,
        present=present,
        ballots_returned=present,
        ballots_invalid=0,
        votes=votes,
    )
    supervision.refresh_from_db()
    if supervision.status == SupervisionElection.Status.COUNTED:
        printed = sv.formal_names(supervision)
        chair = printed[sv.elected_names(supervision)[0]]
        sv.supervision_approve(supervision=supervision, chair=chair, actor=leader)


def seed_bodies(demo: DemoCounty) -> None:
    seed_villagers_bodies(demo.round, demo.township, demo.users)


def seed_setup(demo: DemoCounty) -> None:
    seed_villagers_setup(rnd=demo.round, township=demo.township, staff=demo.users["chengguan"])


def seed_vote(demo: DemoCounty) -> None:
    seed_villagers_vote(demo.round, demo.township, demo.users)


BULK_ELECTION_DAY = datetime.date(2027, 5, 20)


def seed_registers_bulk(county: BulkCounty) -> int:
    """The province demo: every unit's election in registration, with the register of its
    seeded adults (up to VOTERS_PER_UNIT), written with COPY."""
    if not county.units:
        return 0
    pack = setup.pack_for(county.county, BULK_ELECTION_DAY)
    ids = bulk_copy(
        VillagersElection,
        ["round_id", "unit_id", "pack_id", "election_day", "status"],
        (
            (county.round.pk, unit_id, pack.pk, BULK_ELECTION_DAY, "registering")
            for unit_id, _code, _kind in county.units
        ),
        count=len(county.units),
    )
    rows = [
        (
            election,
            county.round.pk,
            person,
            "resident" if n % 7 else "away",
            GROUPS[n % len(GROUPS)],
        )
        for election, (unit_id, _code, _kind) in zip(ids, county.units, strict=True)
        for n, person in enumerate(county.residents[unit_id][:VOTERS_PER_UNIT])
    ]
    bulk_copy(
        VoterRegistration,
        ["election_id", "round_id", "person_id", "category", "group_name"],
        rows,
        count=len(rows),
    )
    return len(rows)
