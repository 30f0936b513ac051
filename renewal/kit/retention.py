"""Deleting log rows older than ``LOG_RETENTION_DAYS`` (at least 180: 等保 2.0 asks six months).

The logs: the sensitive-operations log (AccessLog), the security log (SecurityEvent), and
axes' own rows (failed attempts, sign-ins, failures). Newer rows are never touched.
"""

import datetime

from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as SignInLog
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from renewal.models import AccessLog, SecurityEvent


def retention_cutoff() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=settings.LOG_RETENTION_DAYS)


@transaction.atomic
def logs_purge() -> dict[str, int]:
    """Delete every log row older than the retention period; returns the counts per log."""
    cutoff = retention_cutoff()
    return {
        "access_log": AccessLog.objects.filter(at__lt=cutoff).delete()[0],
        "security_event": SecurityEvent.objects.filter(at__lt=cutoff).delete()[0],
        "axes_attempt": AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()[0],
        "axes_failure": AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()[0],
        "axes_sign_in": SignInLog.objects.filter(attempt_time__lt=cutoff).delete()[0],
    }


@shared_task(name="renewal.kit.retention.purge_old_logs")
def purge_old_logs() -> dict[str, int]:
    return logs_purge()
