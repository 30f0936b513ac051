"""Demo data for the villagers' election set-up: two units of the first township.

Deterministic and idempotent: a unit that already has an election this round is left
alone. Everything goes through the services, so the demo obeys the same rules.
"""

import datetime

from django.db import transaction

from ballots import villagers_setup as setup
from ballots.models import VillagersElection, VoterRegistration
from renewal.kit.idcard import make_id_number
from renewal.models import Unit

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
