"""Demo data of the daily report and notice (日报告日通报), seeded by seed_demo.

Deterministic and idempotent: the townships' reports of the last few days (one
township never reports, one reports late; yesterday's county totals are those of
the 郑东新区 report: 156 disputes mediated and 218 problems solved for residents), today's
reports of the first two townships (still open for editing), and the roll-up of
each past day, so the dashboard, the notices and their history have content.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from renewal.kit.demo import DemoCounty
from renewal.models import DailyReport, Region, RollupRun
from renewal.rollup.services import REPORT_FIELDS, report_deadline, rollup_run

PAST_DAYS = 3
YESTERDAY_TOTALS = {"disputes_mediated": 156, "problems_solved": 218}


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    weights = [rng.randint(1, 10) for _ in range(parts)]
    shares = [total * w // sum(weights) for w in weights]
    shares[0] += total - sum(shares)
    return shares


def seed_rollup_demo(*, county: Region, stdout) -> None:
    today = timezone.localdate()
    townships = list(Region.objects.filter(parent=county).order_by("code"))
    if len(townships) < 3:
        return
    submitter = get_user_model().objects.filter(username="chengguan").first()
    if submitter is None:
        return
    reporting = townships[:-1]  # the last township never reports: it is named as a laggard
    for back in range(PAST_DAYS, -1, -1):
        day = today - datetime.timedelta(days=back)
        rng = random.Random(f"daily{county.code}{day.isoformat()}")
        who = reporting if back else reporting[:2]
        split = {code: _split(total, len(who), rng) for code, total in YESTERDAY_TOTALS.items()}
        for i, township in enumerate(who):
            deadline = report_deadline(county.pk, day)
            late = back > 0 and i == 1  # the second township reports after the deadline
            at = deadline + datetime.timedelta(minutes=rng.randint(20, 150) * (1 if late else -1))
            values = {code: rng.randint(0, 12) for code in REPORT_FIELDS}
            if back == 1:
                values.update({code: split[code][i] for code in split})
            DailyReport.objects.get_or_create(
                township=township,
                day=day,
                defaults={
                    **values,
                    "submitted_by": submitter,
                    "submitted_at": min(at, timezone.now()),
                    "updated_at": min(at, timezone.now()),
                    "deadline": deadline,
                    "is_late": late,
                },
            )
    for back in range(PAST_DAYS, 0, -1):
        day = today - datetime.timedelta(days=back)
        if not RollupRun.objects.filter(county=county, day=day).exists():
            rollup_run(county=county, day=day)
    stdout.write(f"日报告日通报：近 {PAST_DAYS} 天的乡镇日报与日通报。")


def seed(demo: DemoCounty) -> None:
    seed_rollup_demo(county=demo.county, stdout=demo.stdout)
