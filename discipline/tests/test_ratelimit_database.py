"""The rate limiter's database counters, used while the cache is unreachable."""

import datetime

import pytest
from django.utils import timezone

from discipline.intake.ratelimit import db_count
from discipline.models import RateCounter

pytestmark = pytest.mark.django_db


def test_counts_per_key_and_window_and_purges_finished_windows():
    now = int(timezone.now().timestamp()) // 3600
    old = RateCounter.objects.create(
        key="rl:status:old", window_no=1, count=9, expires_at=timezone.now() - datetime.timedelta(1)
    )
    assert [db_count("rl:status:a", now, 3600) for _ in range(3)] == [1, 2, 3]
    assert db_count("rl:status:b", now, 3600) == 1  # another client
    assert db_count("rl:status:a", now + 1, 3600) == 1  # the next window starts afresh
    assert not RateCounter.objects.filter(pk=old.pk).exists()
    row = RateCounter.objects.get(key="rl:status:a", window_no=now)
    assert row.count == 3 and row.expires_at == datetime.datetime.fromtimestamp(
        (now + 1) * 3600, tz=datetime.UTC
    )
