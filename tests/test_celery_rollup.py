"""The nightly roll-up through a real Celery worker against Redis (fails, never skips, when
Redis is missing: see tests/celery_worker.py)."""

import datetime
import time

import pytest
from django.db import connection
from django.utils import timezone

from renewal.models import RollupRun, RollupSnapshot
from renewal.rollup.tasks import nightly_rollup, rollup_catch_up

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _wait_for(condition, proc, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if proc.poll() is not None:
            pytest.fail("worker exited:\n" + proc.stdout.read())
        time.sleep(0.5)
    pytest.fail(f"the worker did not finish in {seconds} s")


def test_worker_runs_the_nightly_rollup_idempotently(worker, world):
    connection.close()  # the worker reads committed data
    county = world["county_a"]
    first = nightly_rollup.delay("2026-03-10", county.code)
    assert first.get(timeout=90) == [RollupRun.objects.get(county=county).pk]
    _wait_for(lambda: RollupSnapshot.objects.filter(county=county).count() == 3, worker)
    before = list(
        RollupSnapshot.objects.filter(county=county)
        .order_by("pk")
        .values_list("pk", "region_id", "units", "stage_counts", "figures")
    )
    again = nightly_rollup.delay("2026-03-10", county.code)
    again.get(timeout=90)
    after = list(
        RollupSnapshot.objects.filter(county=county)
        .order_by("pk")
        .values_list("pk", "region_id", "units", "stage_counts", "figures")
    )
    assert after == before
    assert RollupRun.objects.filter(county=county).count() == 1


def test_worker_catches_up_a_missing_rollup(worker, world):
    """The catch-up queues the missing notice; the real worker builds it."""
    connection.close()
    county = world["county_a"]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert not RollupRun.objects.filter(county=county, day=yesterday).exists()
    assert (county.code, yesterday.isoformat()) in rollup_catch_up()
    _wait_for(lambda: RollupRun.objects.filter(county=county, day=yesterday).exists(), worker)
