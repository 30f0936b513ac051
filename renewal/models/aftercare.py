"""Before and after the vote: exit audits and rectification, key-unit plans, guidance groups,
the city's supervision groups, handover and the new committee's training and pledges."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from renewal.kit.versioned import VersionedSetting
from renewal.models.base import DomainError, audited
from renewal.models.people import Person
from renewal.models.regions import Region, Unit
from renewal.models.rounds import RenewalRound
from renewal.models.terms import Body, Term

# --- Before and after the vote: exit audits and rectification, key-unit plans,
# guidance groups, handover and onboarding of the new committee. ------------------------------


class AuditCategory(models.Model):
    """A finding category of the exit audit (离任审计): the county's list, edited as data."""

    county = models.ForeignKey(
        Region,
        verbose_name="所属区县",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"kind": "county"},
        related_name="+",
        help_text="留空为通用清单，各区县均可使用。",
    )
    number = models.PositiveSmallIntegerField("序号")
    name = models.CharField("类别名称", max_length=60)
    source = models.CharField("依据", max_length=200)
    needs_local_check = models.BooleanField(
        "待按本地文件核对", default=False, help_text="代表性条目，请对照本县审计工作通知核对。"
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "离任审计问题类别"
        verbose_name_plural = "离任审计问题类别"
        ordering = ["number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "number"],
                name="audit_category_number_unique",
                nulls_distinct=False,
                violation_error_message="该清单中已有这一序号。",
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"


@audited()
class ExitAudit(models.Model):
    """The exit audit of one unit in one round (村级财务离任审计)."""

    round = models.ForeignKey(RenewalRound, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="exit_audits")
    auditor = models.CharField("审计组", max_length=60)
    period = models.CharField("审计期间", max_length=40, help_text="例如：2021年1月至2026年6月")
    audited_on = models.DateField("审计日期")
    summary = models.TextField("审计结论", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "离任审计"
        verbose_name_plural = "离任审计"
        ordering = ["-audited_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit"],
                name="exit_audit_once_per_round",
                violation_error_message="该村(社区)本轮换届已登记离任审计。",
            )
        ]

    def __str__(self):
        return f"{self.unit.name}离任审计"


@audited()
class AuditFinding(models.Model):
    audit = models.ForeignKey(ExitAudit, on_delete=models.CASCADE, related_name="findings")
    category = models.ForeignKey(
        AuditCategory, on_delete=models.PROTECT, related_name="findings", verbose_name="问题类别"
    )
    description = models.TextField("问题描述")
    amount = models.DecimalField(
        "涉及金额(元)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    person = models.ForeignKey(
        Person,
        verbose_name="涉及人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_findings",
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "审计发现问题"
        verbose_name_plural = "审计发现问题"
        ordering = ["audit_id", "id"]


@audited()
class Rectification(models.Model):
    """A line of the rectification ledger (整改台账)."""

    class Status(models.TextChoices):
        OPEN = "open", "未整改"
        IN_PROGRESS = "in_progress", "整改中"
        DONE = "done", "已整改"

    TRANSITIONS = {
        Status.OPEN: {Status.IN_PROGRESS, Status.DONE},
        Status.IN_PROGRESS: {Status.OPEN, Status.DONE},
        Status.DONE: {Status.IN_PROGRESS},
    }

    finding = models.ForeignKey(
        AuditFinding, on_delete=models.CASCADE, related_name="rectifications"
    )
    measure = models.CharField("整改措施", max_length=300)
    responsible = models.CharField("责任人", max_length=40)
    due_on = models.DateField("整改时限")
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    evidence = models.TextField("整改佐证", blank=True)
    attachment = models.FileField("佐证附件", upload_to="aftercare/rectifications/", blank=True)
    attachment_name = models.CharField(max_length=120, blank=True)
    closed_on = models.DateField("完成日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改台账"
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="done", closed_on__isnull=False)
                | (~models.Q(status="done") & models.Q(closed_on__isnull=True)),
                name="rectification_closed_when_done",
                violation_error_message="已整改的事项须填写完成日期，未完成的不能有完成日期。",
            )
        ]

    def set_status(self, new_status: str) -> None:
        if new_status != self.status and new_status not in self.TRANSITIONS[self.status]:
            raise DomainError(
                f"整改事项当前为“{self.get_status_display()}”，"
                f"不能改为“{self.Status(new_status).label}”。"
            )
        self.status = new_status

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status != self.Status.DONE and self.due_on < today


@audited()
class KeyUnitPlan(models.Model):
    """一村一策: the plan for a key or difficult unit in a round."""

    class Status(models.TextChoices):
        DRAFTING = "drafting", "制定中"
        IN_FORCE = "in_force", "实施中"
        RESOLVED = "resolved", "已化解"

    round = models.ForeignKey(RenewalRound, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="key_plans")
    content = models.TextField("主要问题与工作目标")
    measures = models.TextField("应对措施")
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.DRAFTING
    )
    leader_name = models.CharField("包联领导", max_length=40)
    leader_post = models.CharField("包联领导职务", max_length=60)
    created_at = models.DateTimeField("制定时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "一村一策"
        verbose_name_plural = "一村一策"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit"],
                name="key_plan_once_per_round",
                violation_error_message="该村(社区)本轮换届已有“一村一策”方案。",
            )
        ]


@audited()
class GuidanceGroup(models.Model):
    """指导组: a county team that guides the renewal of the units it covers."""

    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(RenewalRound, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("名称", max_length=40)
    leader_name = models.CharField("组长", max_length=40)
    leader_post = models.CharField("组长职务", max_length=60)
    units = models.ManyToManyField(
        Unit, blank=True, related_name="guidance_groups", verbose_name="包联村(社区)"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "指导组"
        verbose_name_plural = "指导组"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "name"],
                name="guidance_group_name_unique",
                violation_error_message="本轮换届已有同名指导组。",
            )
        ]

    def __str__(self):
        return self.name


class TeamMember(models.Model):
    """A member of a guidance or supervision group: a name and post, and the account of
    the member who records the group's visits, if any."""

    name = models.CharField("姓名", max_length=40)
    post = models.CharField("单位及职务", max_length=60)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="系统账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True
        ordering = ["id"]


@audited()
class GuidanceMember(TeamMember):
    group = models.ForeignKey(GuidanceGroup, on_delete=models.CASCADE, related_name="members")

    class Meta(TeamMember.Meta):
        verbose_name = "指导组成员"
        verbose_name_plural = "指导组成员"


@audited()
class GuidanceVisit(models.Model):
    group = models.ForeignKey(GuidanceGroup, on_delete=models.CASCADE, related_name="visits")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="guidance_visits")
    visited_on = models.DateField("走访日期")
    findings = models.TextField("发现问题")
    follow_up = models.TextField("跟进措施", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "指导组走访"
        verbose_name_plural = "指导组走访"
        ordering = ["-visited_on", "-id"]


@audited()
class SupervisionGroup(models.Model):
    """巡回督查组: a city's organisation department team that tours the counties it covers.

    Rounds: a RenewalRound belongs to one county, and the counties of a city each open their
    own. The group spans counties, so it names the renewal year instead of a round; in each
    covered county the round of that year is the one supervised (a county without a round of
    that year cannot be covered), and a visit's round is that of its county in the group's
    year, derived, never stored twice.
    """

    city = models.ForeignKey(
        Region,
        verbose_name="所属市(州、盟)",
        on_delete=models.PROTECT,
        limit_choices_to={"kind": "city"},
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(
        "换届年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    name = models.CharField("名称", max_length=40)
    leader_name = models.CharField("组长", max_length=40)
    leader_post = models.CharField("组长职务", max_length=60)
    counties = models.ManyToManyField(
        Region,
        related_name="supervision_groups",
        verbose_name="督查区县",
        limit_choices_to={"kind": "county"},
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "巡回督查组"
        verbose_name_plural = "巡回督查组"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "year", "name"],
                name="supervision_group_name_unique",
                violation_error_message="本市这一年度的换届已有同名巡回督查组。",
            )
        ]

    def __str__(self):
        return self.name


@audited()
class SupervisionMember(TeamMember):
    group = models.ForeignKey(SupervisionGroup, on_delete=models.CASCADE, related_name="members")

    class Meta(TeamMember.Meta):
        verbose_name = "巡回督查组成员"
        verbose_name_plural = "巡回督查组成员"


@audited()
class SupervisionVisit(models.Model):
    """A visit to a covered county, or to one unit of it (then ``unit`` is set)."""

    group = models.ForeignKey(SupervisionGroup, on_delete=models.CASCADE, related_name="visits")
    county = models.ForeignKey(
        Region, verbose_name="区县", on_delete=models.PROTECT, related_name="supervision_visits"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name="村(社区)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_visits",
    )
    visited_on = models.DateField("督查日期")
    findings = models.TextField("发现问题")
    follow_up = models.TextField("整改要求与跟进", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "巡回督查记录"
        verbose_name_plural = "巡回督查记录"
        ordering = ["-visited_on", "-id"]


class HandoverDeadline(VersionedSetting):
    """How many days after approval the handover must be complete (a dated setting)."""

    days = models.PositiveSmallIntegerField(
        "交接时限(天)", validators=[MinValueValidator(1), MaxValueValidator(90)]
    )

    class Meta:
        verbose_name = "交接时限"
        verbose_name_plural = "交接时限"
        ordering = ["-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "effective_from"],
                name="handover_deadline_once_per_day",
                nulls_distinct=False,
                violation_error_message="该区县在这一生效日期已有交接时限。",
            )
        ]

    def __str__(self):
        return f"{self.days} 天（{self.effective_from:%Y-%m-%d} 起）"


class HandoverItemKind(models.Model):
    """The checklist catalogue: 印章, 办公场所, 办公设备, 财务账簿, 集体资产, 档案资料."""

    code = models.SlugField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=30)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "交接清单项目"
        verbose_name_plural = "交接清单项目"
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


@audited()
class Handover(models.Model):
    """The handover (交接) from the outgoing to the newly elected committee."""

    round = models.ForeignKey(RenewalRound, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="handovers")
    body = models.CharField("班子", max_length=12, choices=Body.choices)
    term = models.ForeignKey(
        Term, null=True, blank=True, on_delete=models.SET_NULL, related_name="handovers"
    )
    approved_on = models.DateField("结果批复日期")
    due_on = models.DateField("交接时限")
    deadline_source = models.CharField("时限依据", max_length=200)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "交接"
        verbose_name_plural = "交接"
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit", "body"],
                name="handover_once_per_body",
                violation_error_message="该班子本轮换届已开始交接。",
            )
        ]

    def __str__(self):
        return f"{self.unit.name}{self.get_body_display()}交接"

    def is_overdue(self, today: datetime.date) -> bool:
        return self.completed_on is None and self.due_on < today


@audited()
class HandoverItem(models.Model):
    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="items")
    kind = models.ForeignKey(HandoverItemKind, on_delete=models.PROTECT, related_name="+")
    detail = models.CharField("交接明细", max_length=200, blank=True)
    handed_over_on = models.DateField("交接日期", null=True, blank=True)
    outgoing_name = models.CharField("移交人(原班子)", max_length=40, blank=True)
    incoming_name = models.CharField("接收人(新班子)", max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "交接项目"
        verbose_name_plural = "交接项目"
        ordering = ["kind__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["handover", "kind"],
                name="handover_item_once",
                violation_error_message="交接清单中已有这一项目。",
            )
        ]

    @property
    def signed(self) -> bool:
        return bool(self.handed_over_on and self.outgoing_name and self.incoming_name)


@audited()
class HandoverRefusal(models.Model):
    """A refusal to hand over (拒不移交): recorded, and reported to the discipline office."""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="refusals")
    item = models.ForeignKey(HandoverItem, on_delete=models.PROTECT, related_name="refusals")
    refused_by = models.CharField("拒不移交人", max_length=40)
    refused_on = models.DateField("日期")
    details = models.TextField("情况说明")
    report = models.OneToOneField(
        "discipline.Report", on_delete=models.PROTECT, related_name="handover_refusal"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "拒不移交记录"
        verbose_name_plural = "拒不移交记录"
        ordering = ["-refused_on", "-id"]


@audited()
class TrainingSession(models.Model):
    """A training of the new committee; attendees are members of the round's new terms."""

    round = models.ForeignKey(RenewalRound, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="trainings")
    title = models.CharField("培训主题", max_length=100)
    held_on = models.DateField("培训日期")
    attendees = models.ManyToManyField(
        Person, blank=True, related_name="+", verbose_name="参训人员"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "新班子培训"
        verbose_name_plural = "新班子培训"
        ordering = ["-held_on", "-id"]


@audited()
class CommitteePledge(models.Model):
    """One of the four pledges (四项承诺) of a new committee member."""

    class Kind(models.TextChoices):
        TERM_GOAL = "term_goal", "任期目标"
        ANNUAL_GOAL = "annual_goal", "年度目标"
        INTEGRITY = "integrity", "廉政承诺"
        RESIGNATION = "resignation", "辞职承诺"

    round = models.ForeignKey(RenewalRound, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="committee_pledges")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="committee_pledges")
    kind = models.CharField("承诺类别", max_length=12, choices=Kind.choices)
    summary = models.CharField("内容摘要", max_length=300)
    signed_on = models.DateField("签订日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "新班子承诺"
        verbose_name_plural = "新班子承诺"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit", "person", "kind"],
                name="committee_pledge_once",
                violation_error_message="此人的这项承诺已经登记。",
            )
        ]
