"""A roll-up killed mid-run is caught up: missing or stale notices are queued again."""

import datetime

import pytest
from django.utils import timezone

from renewal.models import RollupRun
from renewal.rollup.services import rollup_run, rollups_overdue, scheduled_at
from renewal.rollup.tasks import nightly_rollup, rollup_catch_up

pytestmark = pytest.mark.django_db


def _pairs(overdue):
    return {(county.code, day) for county, day in overdue}


def test_todays_notice_is_overdue_only_after_the_scheduled_time_and_grace(world, settings):
    settings.ROLLUP_HOUR, settings.ROLLUP_MINUTE, settings.ROLLUP_CATCHUP_MINUTES = 21, 0, 15
    county = world["county_a"]
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    before = scheduled_at(today) + datetime.timedelta(minutes=10)
    after = scheduled_at(today) + datetime.timedelta(minutes=16)
    assert (county.code, today) not in _pairs(rollups_overdue(before))
    assert (county.code, yesterday) in _pairs(rollups_overdue(before))
    assert (county.code, today) in _pairs(rollups_overdue(after))


def test_a_finished_nightly_run_is_not_queued_again(world, settings):
    county = world["county_a"]
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    rollup_run(county=county, day=yesterday)
    RollupRun.objects.filter(county=county, day=yesterday).update(
        ran_at=scheduled_at(yesterday) + datetime.timedelta(minutes=3)
    )
    assert (county.code, yesterday) not in _pairs(rollups_overdue())


def test_a_stale_run_is_queued_again_and_finished(world):
    """Yesterday's notice made by hand before the nightly time, the nightly run then killed."""
    county = world["county_a"]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    rollup_run(county=county, day=yesterday)
    stale = scheduled_at(yesterday) - datetime.timedelta(hours=5)
    RollupRun.objects.filter(county=county, day=yesterday).update(ran_at=stale)

    queued = rollup_catch_up()  # tasks run in-process here

    assert (county.code, yesterday.isoformat()) in queued
    run = RollupRun.objects.get(county=county, day=yesterday)
    assert run.ran_at > stale and run.ran_at >= scheduled_at(yesterday)
    assert (county.code, yesterday) not in _pairs(rollups_overdue())
    assert RollupRun.objects.filter(county=county, day=yesterday).count() == 1


def test_a_catch_up_queued_before_the_run_finished_does_not_run_it_again(world):
    """A long nightly run is seen as missing by several checks; once it has committed, the
    copies they queued find it finished and leave its notice alone."""
    county = world["county_a"]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    rollup_run(county=county, day=yesterday)
    finished = scheduled_at(yesterday) + datetime.timedelta(minutes=40)
    RollupRun.objects.filter(county=county, day=yesterday).update(ran_at=finished)

    assert nightly_rollup(yesterday.isoformat(), county.code, only_if_overdue=True) == []
    assert RollupRun.objects.get(county=county, day=yesterday).ran_at == finished
    # Asked for without the flag (a reviewer's rebuild), it runs.
    assert len(nightly_rollup(yesterday.isoformat(), county.code)) == 1
