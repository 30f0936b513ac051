"""The roll-up's overdue figure counts a unit whose villagers' election missed a legal
deadline of its schedule, as it counts a unit behind its stage's due date."""

import datetime

import pytest

from ballots.tests.villagers_helpers import make_election
from renewal.models import RollupSnapshot
from renewal.rollup.services import rollup_run

pytestmark = pytest.mark.django_db
D = datetime.date


def overdue(region, day):
    return RollupSnapshot.objects.get(region=region, day=day).overdue


def test_a_missed_schedule_deadline_makes_the_unit_overdue(world, personas):
    county, township_b = world["county_a"], world["township_b"]
    world["round"].stages.update(due_date=None)  # no unit is behind its stage
    # Election day 2026-11-29: the register had to be published by 11-09.
    make_election(world, personas, unit="unit_b1", day=D(2026, 11, 29))
    # On 10-25 nothing is due yet (the election committee is due 30 days before, 10-30).
    rollup_run(county=county, day=D(2026, 10, 25))
    assert overdue(township_b, D(2026, 10, 25)) == 0
    rollup_run(county=county, day=D(2026, 11, 12))
    assert overdue(township_b, D(2026, 11, 12)) == 1
    assert overdue(county, D(2026, 11, 12)) == 1
    # Once its result is confirmed the election is finished: missed notices no longer count.
    from ballots.models import VillagersElection

    VillagersElection.objects.filter(unit=world["unit_b1"]).update(
        status=VillagersElection.Status.APPROVED
    )
    rollup_run(county=county, day=D(2026, 11, 13))
    assert overdue(township_b, D(2026, 11, 13)) == 0
