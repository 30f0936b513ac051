"""The nightly roll-up task: loads the counties and calls the roll-up service."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from renewal.models import Region
from renewal.rollup.areas import area_rollup_above
from renewal.rollup.services import rollup_counties, rollup_finished, rollups_overdue

log = logging.getLogger(__name__)


@shared_task(
    name="renewal.rollup.tasks.nightly_rollup",
    acks_late=True,
    time_limit=settings.ROLLUP_TIME_LIMIT,
    soft_time_limit=settings.ROLLUP_TIME_LIMIT - 60,
)
def nightly_rollup(
    day: str | None = None, county_code: str | None = None, only_if_overdue: bool = False
) -> list[int]:
    """日报告日通报: roll up every county with an active round for the date (default today).

    Idempotent (upserts keyed by region and date); a county already being rolled up for
    that date by another worker is skipped, not run twice. A catch-up run (``only_if_overdue``)
    also skips a county whose run has finished since it was queued: a long run seen as
    missing by several catch-up checks is then not done again after it commits.

    Then the cities and provinces above those counties are summed for the date, cities
    first. A county that fails does not stop the others nor the sums above it (which name
    it as missing); the failure is raised once the sums are written, so the task is seen
    as failed and the catch-up queues the county again.
    """
    date = datetime.date.fromisoformat(day) if day else timezone.localdate()
    counties = Region.objects.filter(kind=Region.Kind.COUNTY, rounds__is_active=True)
    if county_code:
        counties = counties.filter(code=county_code)
    seen = list(counties.order_by("code"))
    wanted = [c for c in seen if not (only_if_overdue and rollup_finished(c, date))]
    # One set-based pass over the counties; a failing one is named, the others still run.
    outcome = rollup_counties(wanted, date)
    area_rollup_above(county_ids=[c.pk for c in seen], day=date)
    if outcome.failed:
        raise outcome.failed[0][1]
    return [run.pk for run in outcome.runs]


@shared_task(name="renewal.rollup.tasks.rollup_catch_up")
def rollup_catch_up() -> list[tuple[str, str]]:
    """Queue again every county and date whose nightly roll-up did not finish (beat, every
    ROLLUP_CATCHUP_MINUTES). Harmless when a run is still under way: the advisory lock makes
    the queued one skip, and a finished one is not queued again."""
    queued = []
    for county, day in rollups_overdue():
        log.warning("roll-up of %s for %s missing, queued again", county.code, day)
        nightly_rollup.delay(day.isoformat(), county.code, only_if_overdue=True)
        queued.append((county.code, day.isoformat()))
    return queued
