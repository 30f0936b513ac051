"""The set-based roll-up of many counties at once gives what the counties' own runs give,
with a number of queries that does not grow with the counties."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from renewal.models import Region, RollupRun, RollupSettings, RollupSnapshot
from renewal.rollup.services import rollup_counties, rollup_run
from renewal.rollup.tasks import nightly_rollup

pytestmark = pytest.mark.django_db

RUN_FIELDS = ("county__code", "round_id", "ranking", "figure_labels", "laggards", "late")
SNAPSHOT_FIELDS = (
    "region__code",
    "county__code",
    "run__county__code",
    "units",
    "stage_counts",
    "overdue",
    "overdue_by_stage",
    "figures",
    "report",
    "reports_submitted",
    "structure",
    "noncompliant",
    "done_share",
    "weighted",
    "rank",
)


def written(day):
    runs = RollupRun.objects.filter(day=day).order_by("county__code")
    return (
        [(*row[:-1], row[-1]) for row in runs.values_list(*RUN_FIELDS, "notice_text")],
        list(
            RollupSnapshot.objects.filter(day=day)
            .order_by("region__code")
            .values_list(*SNAPSHOT_FIELDS)
        ),
    )


def forget(day):
    RollupSnapshot.objects.filter(day=day).delete()
    RollupRun.objects.filter(day=day).delete()


@pytest.fixture
def demo_counties():
    """The county demo (elected committees, villagers' elections, reports) and a small
    province demo: three counties with active rounds."""
    call_command("seed_demo", units=40, stdout=StringIO())
    call_command("seed_demo", province=True, units=60, stdout=StringIO())
    counties = list(
        Region.objects.filter(kind=Region.Kind.COUNTY, rounds__is_active=True)
        .distinct()
        .order_by("code")
    )
    assert len(counties) >= 3
    # Settings: one county's own targets, another's not in force yet, a default for the rest.
    D = datetime.date
    RollupSettings.objects.create(
        county=counties[0], effective_from=D(2020, 1, 1), source="县", target_women_min=2
    )
    RollupSettings.objects.create(
        county=counties[1], effective_from=D(2099, 1, 1), source="县", target_young_min=3
    )
    RollupSettings.objects.create(effective_from=D(2020, 1, 1), source="默认", target_college_min=1)
    return counties


def test_the_settings_in_force_of_many_counties_are_each_countys(demo_counties):
    day = timezone.localdate()
    ids = [c.pk for c in demo_counties]
    found = RollupSettings.in_force_by_county(county_ids=ids, day=day)
    assert found == {pk: RollupSettings.in_force(county_id=pk, day=day) for pk in ids}
    assert found[ids[0]].target_women_min == 2 and found[ids[1]].county_id is None


@pytest.mark.parametrize("days_ago", [0, 1])
def test_many_counties_at_once_match_each_county_run_alone(demo_counties, days_ago):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    for county in demo_counties:
        rollup_run(county=county, day=day)
    one_by_one = written(day)
    assert sum(s[3] for s in one_by_one[1] if s[0] == s[1]) > 0  # county rows with units
    forget(day)

    outcome = rollup_counties(demo_counties, day)

    assert not outcome.failed and not outcome.busy
    assert sorted(r.county_id for r in outcome.runs) == sorted(c.pk for c in demo_counties)
    assert written(day) == one_by_one


def test_the_nightly_task_sums_the_same_as_county_runs(demo_counties, settings):
    day = timezone.localdate() - datetime.timedelta(days=1)
    # Batches of about one county: the counties are read in several passes.
    settings.ROLLUP_BATCH_UNITS = 30
    nightly_rollup(day.isoformat())
    batched = written(day)
    forget(day)
    for county in demo_counties:
        rollup_run(county=county, day=day)
    from renewal.rollup.areas import area_rollup_above

    area_rollup_above(county_ids=[c.pk for c in demo_counties], day=day)
    assert written(day) == batched
    assert RollupRun.objects.filter(day=day, county__kind=Region.Kind.PROVINCE).count() >= 1


def test_queries_do_not_grow_with_the_counties(demo_counties):
    day = timezone.localdate() - datetime.timedelta(days=1)
    with CaptureQueriesContext(connection) as one:
        rollup_counties(demo_counties[:1], day)
    with CaptureQueriesContext(connection) as every:
        rollup_counties(demo_counties, day)
    assert len(every) == len(one)
