"""Demo data of the candidates: a few units of the first township well into recommendation,
inspection and joint vetting, so every role's pages have something to show."""

import datetime

from candidates import services as cs
from candidates.models import Candidacy
from renewal.kit.demo import DemoCounty
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
