"""`manage.py rollup [--date YYYY-MM-DD] [--county CODE]`: the nightly job, synchronously."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from renewal.models import DomainError
from renewal.rollup.services import rollup_all


class Command(BaseCommand):
    help = "生成日报告日通报（各乡镇与区县的日统计快照、排名与通报），可重建任一过去日期。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="统计日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--county", help="只生成该区县（统计用区划代码）")

    def handle(self, *args, **options):
        try:
            day = (
                datetime.date.fromisoformat(options["date"])
                if options["date"]
                else timezone.localdate()
            )
        except ValueError:
            raise CommandError("日期格式应为 YYYY-MM-DD。") from None
        try:
            runs = rollup_all(day=day, county_code=options["county"], log=self.stdout.write)
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        if not runs:
            self.stdout.write("没有进行中的换届轮次，未生成通报。")
        for run in runs:
            self.stdout.write(
                self.style.SUCCESS(f"{run.county.name} {run.day:%Y-%m-%d} 日通报已生成")
            )
