"""Logs are kept LOG_RETENTION_DAYS (at least 180); the nightly purge deletes exactly the
older rows of every log."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as SignInLog
from django.conf import settings as django_settings
from django.utils import timezone

from renewal.kit.retention import logs_purge
from renewal.models import AccessLog, SecurityEvent

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_the_purge_deletes_exactly_the_older_rows(personas, settings):
    assert settings.LOG_RETENTION_DAYS == 180
    now = timezone.now()
    old = now - datetime.timedelta(days=180, minutes=1)
    kept = now - datetime.timedelta(days=179, hours=23, minutes=59)
    for when, tag in ((old, "old"), (kept, "kept")):
        AccessLog.objects.create(user=personas["staff_a"], action="unmask", target=tag, at=when)
        SecurityEvent.objects.create(kind="login", username=tag, at=when)
        for model in (AccessAttempt, AccessFailureLog, SignInLog):
            extra = {"failures_since_start": 1} if model is AccessAttempt else {}
            row = model.objects.create(username=tag, ip_address="10.0.0.1", user_agent=tag, **extra)
            model.objects.filter(pk=row.pk).update(attempt_time=when)

    assert logs_purge() == {
        "access_log": 1,
        "security_event": 1,
        "axes_attempt": 1,
        "axes_failure": 1,
        "axes_sign_in": 1,
    }
    assert list(AccessLog.objects.values_list("target", flat=True)) == ["kept"]
    assert list(SecurityEvent.objects.values_list("username", flat=True)) == ["kept"]
    for model in (AccessAttempt, AccessFailureLog, SignInLog):
        assert list(model.objects.values_list("username", flat=True)) == ["kept"]


def test_the_purge_is_scheduled_nightly():
    entry = django_settings.CELERY_BEAT_SCHEDULE["purge-old-logs"]
    assert entry["task"] == "renewal.kit.retention.purge_old_logs"
    from config.celery import app

    assert entry["task"] in app.tasks


def test_less_than_six_months_is_refused_at_startup():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="config.test_settings", LOG_RETENTION_DAYS="90")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "LOG_RETENTION_DAYS must be at least 180" in result.stderr
