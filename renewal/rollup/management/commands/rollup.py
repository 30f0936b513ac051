"""`manage.py rollup [--date YYYY-MM-DD] [--county CODE | --region CODE]`: the nightly job,
synchronously; ``--region`` rebuilds a city's or a province's sums of a day (its counties'
runs of that day are read as they are)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from renewal.models import DomainError, Region
from renewal.rollup.areas import area_rollup_above, area_rollup_tree
from renewal.rollup.services import rollup_all


class Command(BaseCommand):
    help = (
        "生成日报告日通报（各乡镇与区县的日统计快照、排名与通报，及其上级市、省的汇总），"
        "可重建任一过去日期。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="统计日期 YYYY-MM-DD（默认今天）")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--county", help="只生成该区县（统计用区划代码），及其上级市、省的汇总")
        group.add_argument(
            "--region", help="只重建该市或省（统计用区划代码）的汇总，省级先重建其下各市"
        )

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
            if options["region"]:
                region = Region.objects.filter(code=options["region"]).first()
                if region is None:
                    raise DomainError(f"没有区划代码为 {options['region']} 的区域。")
                areas = area_rollup_tree(region=region, day=day, log=self.stdout.write)
                runs = []
            else:
                runs = rollup_all(day=day, county_code=options["county"], log=self.stdout.write)
                areas = area_rollup_above(
                    county_ids=[run.county_id for run in runs], day=day, log=self.stdout.write
                )
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        if not runs and not areas:
            self.stdout.write("没有进行中的换届轮次，未生成通报。")
        for run in runs:
            self.stdout.write(
                self.style.SUCCESS(f"{run.county.name} {run.day:%Y-%m-%d} 日通报已生成")
            )
        for run in areas:
            names = "、".join(m["name"] for m in run.missing)
            state = f"（数据不完整，缺：{names}）" if run.missing else ""
            self.stdout.write(
                self.style.SUCCESS(f"{run.county.name} {run.day:%Y-%m-%d} 汇总通报已生成{state}")
            )
