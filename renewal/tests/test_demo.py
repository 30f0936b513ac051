"""The demo's daily reports and notices: the 郑东新区 figures, a laggard, idempotent."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from renewal.models import DailyReport, Region, RollupRun, RollupSnapshot

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_notice_history_once():
    call_command("seed_demo", "--units", "30", stdout=StringIO())
    county = Region.objects.get(code="150123000000")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert RollupRun.objects.filter(county=county).count() == 3
    total = RollupSnapshot.objects.get(region=county, day=yesterday)
    assert total.report["disputes_mediated"] == 156 and total.report["problems_solved"] == 218
    run = RollupRun.objects.get(county=county, day=yesterday)
    last = Region.objects.filter(parent=county).order_by("code").last()
    assert run.laggards == [last.name] and len(run.late) == 1
    counts = (DailyReport.objects.count(), RollupSnapshot.objects.count())
    call_command("seed_demo", "--units", "30", stdout=StringIO())
    assert (DailyReport.objects.count(), RollupSnapshot.objects.count()) == counts
