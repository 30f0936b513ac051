"""日报告日通报: the county's roll-up settings, townships' daily reports, runs and snapshots."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models

from renewal.kit.versioned import VersionedSetting
from renewal.models.base import audited
from renewal.models.regions import Region
from renewal.models.rounds import RenewalRound


class RollupSettings(VersionedSetting):
    """The daily report deadline of a county (versioned: the row in force on a day)."""

    daily_report_deadline = models.TimeField(
        "日报截止时间（北京时间）", default=datetime.time(18, 0)
    )
    # Structure targets per unit (班子结构): checked on the newly elected committees.
    target_women_min = models.PositiveSmallIntegerField("每村至少女性成员（名）", default=1)
    target_young_age = models.PositiveSmallIntegerField("年轻成员年龄线（岁以下）", default=35)
    target_young_min = models.PositiveSmallIntegerField("每村至少年轻成员（名）", default=1)
    target_college_min = models.PositiveSmallIntegerField("每村至少大专及以上成员（名）", default=2)

    class Meta:
        verbose_name = "日报告日通报设置"
        verbose_name_plural = "日报告日通报设置"
        ordering = ["-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "effective_from"],
                name="rollup_settings_once_per_day",
                violation_error_message="该区县在这一日期已有日报设置。",
            )
        ]

    def __str__(self):
        where = self.county.name if self.county_id else "默认"
        return f"{where} 日报截止 {self.daily_report_deadline:%H:%M}（{self.effective_from} 起）"


@audited()
class DailyReport(models.Model):
    """乡镇日报: a township's figures of one day that the system does not record itself."""

    FIGURES = (
        ("talks_held", "谈心谈话（人次）"),
        ("disputes_mediated", "化解矛盾纠纷（件）"),
        ("problems_solved", "为群众办实事（件）"),
        ("petitions_handled", "处理信访（件）"),
    )

    township = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="daily_reports", verbose_name="乡镇/街道"
    )
    day = models.DateField("日期")
    talks_held = models.PositiveIntegerField(
        "谈心谈话（人次）", default=0, validators=[MaxValueValidator(100_000)]
    )
    disputes_mediated = models.PositiveIntegerField(
        "化解矛盾纠纷（件）", default=0, validators=[MaxValueValidator(100_000)]
    )
    problems_solved = models.PositiveIntegerField(
        "为群众办实事（件）", default=0, validators=[MaxValueValidator(100_000)]
    )
    petitions_handled = models.PositiveIntegerField(
        "处理信访（件）", default=0, validators=[MaxValueValidator(100_000)]
    )
    note = models.TextField("其他情况", blank=True, max_length=1000)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("首次报送时间")
    updated_at = models.DateTimeField("最后修改时间")
    is_late = models.BooleanField("逾时报送", default=False)
    deadline = models.DateTimeField("报送截止时间")

    class Meta:
        verbose_name = "乡镇日报"
        verbose_name_plural = "乡镇日报"
        ordering = ["-day", "township__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "day"],
                name="daily_report_once_per_day",
                violation_error_message="该乡镇(街道)这一天已报送日报。",
            )
        ]

    def __str__(self):
        return f"{self.township.name} {self.day:%Y-%m-%d} 日报"


class RollupRun(models.Model):
    """One nightly roll-up of a region for a date, and its notice (通报).

    A county's run is computed from its units; a city's or a province's run (``county`` is
    then that city or province: the column names the region the run is of) is summed from
    the snapshots of the regions below it, and names those that had none (``missing``).
    """

    county = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="rollup_runs", verbose_name="区域"
    )
    day = models.DateField("统计日期")
    # A county's round; a city or a province has no round of its own.
    round = models.ForeignKey(
        RenewalRound,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="换届轮次",
        null=True,
        blank=True,
    )
    ran_at = models.DateTimeField("生成时间")
    duration_ms = models.PositiveIntegerField("用时（毫秒）", default=0)
    # [{"region_id", "code", "name", "rank", "done_share", "weighted", "units", "submitted"}]
    ranking = models.JSONField("排名", default=list)
    figure_labels = models.JSONField("数据项名称", default=dict)
    laggards = models.JSONField("未报送日报的乡镇", default=list)
    late = models.JSONField("逾时报送的乡镇", default=list)
    notice_text = models.TextField("通报文字")
    # Above the county: [{"region_id", "code", "name", "reason"}] of the counties whose run
    # of the day is missing (not run, or crashed: a run writes all or nothing) or stored
    # without the counts a sum needs. Not empty: the run is incomplete.
    missing = models.JSONField("未完成日统计的区县", default=list, blank=True)
    # A province's ranking of every county below its cities (its own ranking is the cities').
    county_ranking = models.JSONField("全省区县排名", default=list, blank=True)

    class Meta:
        verbose_name = "日通报"
        verbose_name_plural = "日通报"
        ordering = ["-day", "county__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "day"],
                name="rollup_run_once_per_day",
                violation_error_message="该区县这一天已生成通报。",
            )
        ]

    def __str__(self):
        return f"{self.county.name} {self.day:%Y-%m-%d} 日通报"

    @property
    def incomplete(self) -> bool:
        return bool(self.missing)


class RollupSnapshot(models.Model):
    """The figures of one region at the end of a day (unique per region/day).

    ``county`` is the region whose run wrote the row: a township's county, a county itself,
    or for a city or a province the region itself."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="snapshots", verbose_name="区域"
    )
    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    day = models.DateField("统计日期")
    run = models.ForeignKey(RollupRun, on_delete=models.CASCADE, related_name="snapshots")
    units = models.PositiveIntegerField("村(社区)数", default=0)
    stage_counts = models.JSONField("各阶段村(社区)数", default=dict)
    overdue = models.PositiveIntegerField("逾期村(社区)数", default=0)
    overdue_by_stage = models.JSONField("各阶段逾期数", default=dict)
    figures = models.JSONField("登记数据", default=dict)
    report = models.JSONField("日报数据", default=dict)
    reports_submitted = models.PositiveIntegerField("已报送日报乡镇数", default=0)
    structure = models.JSONField("班子结构", default=dict)
    # [[unit id, [shortfall codes]], …] of the units missing a structure target; its own
    # column so pages that show the figures do not decode the list.
    noncompliant = models.JSONField("未达标村(社区)", default=list)
    done_share = models.FloatField("完成率", default=0)
    weighted = models.FloatField("加权进度", default=0)
    rank = models.PositiveIntegerField("名次", null=True, blank=True)

    class Meta:
        verbose_name = "日统计快照"
        verbose_name_plural = "日统计快照"
        ordering = ["-day", "region__code"]
        indexes = [models.Index(fields=["county", "day"])]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "day"],
                name="snapshot_once_per_region_day",
                violation_error_message="该区域这一天已有统计快照。",
            )
        ]
