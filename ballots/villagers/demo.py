"""Demo data for the villagers' election set-up: two units of the first township.

Deterministic and idempotent: a unit that already has an election this round is left
alone. Everything goes through the services, so the demo obeys the same rules.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ballots.models import VillagersElection, VillagersRulePack, VoterRegistration
from ballots.villagers import setup
from ballots.villagers import vote as vv
from renewal.kit.demo import DemoCounty
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


def seed_setup(demo: DemoCounty) -> None:
    seed_villagers_setup(rnd=demo.round, township=demo.township, staff=demo.users["chengguan"])


def seed_vote(demo: DemoCounty) -> None:
    seed_villagers_vote(demo.round, demo.township, demo.users)
