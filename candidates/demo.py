"""Demo data of the candidates: a few units of the first township well into recommendation,
inspection and joint vetting, so every role's pages have something to show."""

import datetime
import random
from decimal import Decimal

from candidates import services as cs
from candidates.models import Candidacy, Recommendation
from renewal.kit.bulk import bulk_copy
from renewal.kit.demo import BulkCounty, DemoCounty
from renewal.models import Body, Department, Unit


def seed_candidates(demo: DemoCounty) -> None:
    rnd, township, users = demo.round, demo.township, demo.users
    if Candidacy.objects.filter(round=rnd).exists():
        return
    staff = users["chengguan"]
    police = Department.objects.get(code="police")
    units = list(Unit.objects.filter(township=township).order_by("code")[:6])
    inspected = []
    for n, unit in enumerate(units):
        members = list(
            unit.branch.members.filter(status="full", on_probation=False)
            .select_related("person")
            .order_by("joined_on")[:9]
        )
        posts = ["secretary"] + ["party_member"] * 5
        for k, (member, post) in enumerate(zip(members, posts, strict=False)):
            c = cs.candidacy_create(
                actor=staff,
                unit=unit,
                person=member.person,
                body=Body.PARTY,
                post=post,
                is_continuing=k == 0,
                recommendations={"party_members": 30 - k, "masses": 120 - 7 * k},
            )
            if n < 3:
                cs.candidacy_record_inspection(
                    actor=staff,
                    candidacy=c,
                    passed=True,
                    score=85 + k,
                    inspected_on=datetime.date(2026, 11, 18),
                )
                inspected.append(c)
    if inspected:
        cs.vetting_send(
            actor=staff,
            candidacies=inspected,
            departments=[police],
            due_date=datetime.date(2026, 12, 10),
            note="第一批资格联审",
        )
    demo.stdout.write(f"候选人：{Candidacy.objects.filter(round=rnd).count()} 名初步人选。")


# The posts a unit's first candidacies stand for, in order: two committees of 5 + 5 seats,
# then, for a large recommendation pool, further members of each committee in turn.
BULK_POSTS = [
    (Body.PARTY, "secretary"),
    (Body.PARTY, "deputy_secretary"),
    (Body.PARTY, "party_member"),
    (Body.VILLAGERS, "director"),
    (Body.PARTY, "party_member"),
    (Body.VILLAGERS, "deputy_director"),
    (Body.PARTY, "party_member"),
    (Body.VILLAGERS, "committee_member"),
    (Body.VILLAGERS, "committee_member"),
    (Body.VILLAGERS, "women_member"),
] + [(Body.PARTY, "party_member"), (Body.VILLAGERS, "committee_member")] * 5


def seed_candidacies_bulk(county: BulkCounty) -> int:
    """The province demo: each unit's first full members as preliminary candidacies, a
    third of them inspected, each with its party members' recommendation."""
    rows, votes = [], []
    for unit_id, code, _kind in county.units:
        rng = random.Random(f"candidacies{code}")
        able = [person for person, _sex, ok in county.members[unit_id] if ok]
        for k, person in enumerate(able[: min(county.candidacies_per_unit, len(BULK_POSTS))]):
            body, post = BULK_POSTS[k]
            inspected = rng.random() < 0.33
            rows.append(
                (
                    county.round.pk,
                    unit_id,
                    person,
                    body,
                    post,
                    k == 0 and rng.random() < 0.5,
                    Candidacy.Status.INSPECTED if inspected else Candidacy.Status.PRELIMINARY,
                    "passed" if inspected else "pending",
                    Decimal(rng.randint(7500, 9800)) / 100 if inspected else None,
                    datetime.date(2026, 11, rng.randint(10, 28)) if inspected else None,
                    county.creator.pk,
                )
            )
            votes.append(rng.randint(8, 60))
    ids = bulk_copy(
        Candidacy,
        [
            "round_id",
            "unit_id",
            "person_id",
            "body",
            "post",
            "is_continuing",
            "status",
            "inspection",
            "appraisal_score",
            "inspected_on",
            "created_by_id",
        ],
        rows,
        count=len(rows),
    )
    bulk_copy(
        Recommendation,
        ["candidacy_id", "source", "votes"],
        ((pk, Recommendation.Source.PARTY_MEMBERS, n) for pk, n in zip(ids, votes, strict=True)),
        count=len(ids),
    )
    return len(ids)
