"""The ground floor's part of the demo: the demo round of a county with its stages' due
dates (county and province demo alike), and each unit's stage, derived once every app has
seeded."""

import datetime

from renewal import services
from renewal.kit.demo import DemoCounty
from renewal.models import Region, RenewalRound, Stage

DEMO_YEAR = 2026
DUE_DATES = {
    "preparation": datetime.date(2026, 11, 15),
    "seats": datetime.date(2026, 11, 30),
    "recommendation": datetime.date(2026, 12, 20),
    "vetting": datetime.date(2027, 1, 10),
    "formal_list": datetime.date(2027, 1, 20),
    "congress": datetime.date(2027, 3, 31),
    "approval": datetime.date(2027, 4, 15),
    "villagers_election": datetime.date(2027, 5, 31),
    "handover": datetime.date(2027, 6, 15),
}


def demo_round(county: Region) -> RenewalRound:
    """The county's 2026 round, opened if missing; stage due dates set where still empty."""
    rnd = RenewalRound.objects.filter(county=county, year=DEMO_YEAR).first()
    if rnd is None:
        rnd = services.round_open(county=county, year=DEMO_YEAR)
    for code, day in DUE_DATES.items():
        Stage.objects.filter(round=rnd, code=code, due_date__isnull=True).update(due_date=day)
    return rnd


def refresh_stages(demo: DemoCounty) -> None:
    demo.stdout.write("重新计算各村(社区)所处阶段…")
    services.units_refresh_stages(county=demo.county)
