"""The election's legal deadlines counted back (倒排) from election day, and the numbered
公告 the election committee publishes on them, as rule data with their source; and the
archive of every 公告 / 公示 generated, one row per version.

A row with a blank pack is the default every pack follows unless it has its own row for the
same step (a province's 选举办法 may set other days, or count working days).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from ballots.models.rules import VillagersRulePack


class ScheduleStep(models.TextChoices):
    """The steps the app can tell done or not from the election's own data."""

    COMMITTEE = "committee", "推选产生选举委员会"
    METHOD = "method", "公告选举日期与方式"
    REGISTER = "register", "公布选民名单"
    OBJECTIONS = "objections", "选民名单异议处理完毕"
    PROXIES = "proxies", "委托投票办理截止"
    CANDIDATES = "candidates", "公布正式候选人名单"
    RESULT = "result", "公布选举结果"
    FILED = "filed", "选举结果报乡镇(街道)备案"
    PARTY_RESULT = "party_result", "党组织选举结果公示"


class ScheduleDeadline(models.Model):
    """One legal deadline: so many calendar or working days before or after election day."""

    class Direction(models.TextChoices):
        BEFORE = "before", "选举日前"
        AFTER = "after", "选举日后"

    class Counting(models.TextChoices):
        CALENDAR = "calendar", "日（自然日）"
        WORKING = "working", "个工作日"

    pack = models.ForeignKey(
        VillagersRulePack,
        verbose_name="选举规则",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadlines",
        help_text="留空为全国默认，各选举规则没有单独设定的时间节点按此执行。",
    )
    step = models.CharField("事项", max_length=16, choices=ScheduleStep.choices)
    label = models.CharField("时间节点", max_length=60)
    direction = models.CharField("方向", max_length=8, choices=Direction.choices)
    days = models.PositiveSmallIntegerField(
        "天数",
        null=True,
        blank=True,
        help_text="选民名单公布留空时，按选举规则中“选民名单至少提前公布天数”。",
    )
    counting = models.CharField(
        "计算方式", max_length=8, choices=Counting.choices, default=Counting.CALENDAR
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)
    source = models.CharField("依据", max_length=200)

    class Meta:
        verbose_name = "选举时间节点"
        verbose_name_plural = "选举时间节点"
        ordering = ["pack_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pack", "step"],
                name="schedule_deadline_once_per_pack",
                nulls_distinct=False,
                violation_error_message="该选举规则已设定了这一事项的时间节点。",
            )
        ]

    def __str__(self):
        return f"{self.label}（{self.get_direction_display()} {self.days or ''}{self.get_counting_display()}）"


class NoticeTemplate(models.Model):
    """One numbered 公告 of the election committee (第1号 选举日期与方式 …), per pack."""

    pack = models.ForeignKey(
        VillagersRulePack,
        verbose_name="选举规则",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notice_templates",
        help_text="留空为全国默认。",
    )
    number = models.PositiveSmallIntegerField("编号")
    step = models.CharField("内容", max_length=16, choices=ScheduleStep.choices)
    title = models.CharField("标题", max_length=60)
    source = models.CharField("依据", max_length=200)

    class Meta:
        verbose_name = "公告编号"
        verbose_name_plural = "公告编号"
        ordering = ["pack_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["pack", "number"],
                name="notice_template_number_once",
                nulls_distinct=False,
                violation_error_message="该选举规则已有这一编号的公告。",
            ),
            models.UniqueConstraint(
                fields=["pack", "step"],
                name="notice_template_step_once",
                nulls_distinct=False,
                violation_error_message="该选举规则已有这一内容的公告。",
            ),
        ]

    def __str__(self):
        return f"第{self.number}号 {self.title}"


class ElectionNotice(models.Model):
    """One version of a numbered 公告 (村(居)委会) or 公示 (党组织) as published: the PDF
    itself, its SHA-256, who generated it and when. A new version keeps the old ones."""

    villagers_election = models.ForeignKey(
        "ballots.VillagersElection",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    congress = models.ForeignKey(
        "ballots.Congress", null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    number = models.PositiveSmallIntegerField("编号")
    step = models.CharField("内容", max_length=16, choices=ScheduleStep.choices)
    title = models.CharField("标题", max_length=80)
    version = models.PositiveSmallIntegerField("版本")
    issued_on = models.DateField("落款日期")
    content = models.BinaryField("PDF")
    sha256 = models.CharField("校验码（SHA-256）", max_length=64)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="生成人", on_delete=models.PROTECT, related_name="+"
    )
    generated_at = models.DateTimeField("生成时间", default=timezone.now)

    class Meta:
        verbose_name = "公告（存档）"
        verbose_name_plural = "公告（存档）"
        ordering = ["number", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(villagers_election__isnull=False, congress__isnull=True)
                    | models.Q(villagers_election__isnull=True, congress__isnull=False)
                ),
                name="election_notice_of_one_election",
                violation_error_message="公告须属于一次选举。",
            ),
            models.UniqueConstraint(
                fields=["villagers_election", "number", "version"],
                condition=models.Q(villagers_election__isnull=False),
                name="villagers_notice_version_once",
                violation_error_message="该公告的这一版本已存在。",
            ),
            models.UniqueConstraint(
                fields=["congress", "number", "version"],
                condition=models.Q(congress__isnull=False),
                name="congress_notice_version_once",
                violation_error_message="该公示的这一版本已存在。",
            ),
        ]

    def __str__(self):
        return f"第{self.number}号 {self.title}（第{self.version}版）"
