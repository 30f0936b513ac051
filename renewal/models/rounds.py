"""Renewal rounds of a county, their timetable of stages, seats and seat changes."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from renewal.models.base import DomainError, audited
from renewal.models.regions import Region, Unit
from renewal.models.terms import COMMITTEE_CHOICES, Body

DEFAULT_STAGES = [
    ("preparation", "准备工作"),
    ("seats", "职数核定"),
    ("recommendation", "推荐人选"),
    ("vetting", "考察与联审"),
    ("formal_list", "确定正式候选人"),
    ("congress", "党员大会选举"),
    ("approval", "报批与公示"),
    ("villagers_election", "村(居)委会选举"),
    ("handover", "交接与培训"),
]
STAGE_CODES = [code for code, _ in DEFAULT_STAGES] + ["done"]
STAGE_NAMES = dict(DEFAULT_STAGES) | {"done": "全部完成"}


@audited()
class RenewalRound(models.Model):
    """One renewal of one county; its seat defaults and limits are county settings."""

    county = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="rounds", verbose_name="区县"
    )
    year = models.PositiveSmallIntegerField(
        "换届年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    is_active = models.BooleanField("进行中", default=True)
    party_seats_default = models.PositiveSmallIntegerField("党组织委员会默认职数", default=5)
    villagers_seats_default = models.PositiveSmallIntegerField("村(居)委会默认职数", default=5)
    seats_min = models.PositiveSmallIntegerField("职数下限", default=3)
    seats_max = models.PositiveSmallIntegerField("职数上限", default=9)
    seats_source = models.CharField(
        "职数规定依据",
        max_length=200,
        default="《中国共产党基层组织选举工作条例》第九条；县委组织部换届工作方案",
    )

    class Meta:
        verbose_name = "换届轮次"
        verbose_name_plural = "换届轮次"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year"],
                name="round_once_per_county_year",
                violation_error_message="该区县已设立这一年度的换届。",
            ),
            models.UniqueConstraint(
                fields=["county"],
                condition=models.Q(is_active=True),
                name="one_active_round",
                violation_error_message="该区县已有进行中的换届轮次。",
            ),
        ]

    def __str__(self):
        return f"{self.county.name} {self.year} 年村(社区)“两委”换届"

    def default_seats(self, body: str) -> int:
        return self.party_seats_default if body == Body.PARTY else self.villagers_seats_default


@audited()
class Stage(models.Model):
    """A stage of the county timetable: the county renames, skips or dates it."""

    round = models.ForeignKey(RenewalRound, on_delete=models.CASCADE, related_name="stages")
    code = models.CharField("阶段代码", max_length=24)
    name = models.CharField("阶段名称", max_length=40)
    order = models.PositiveSmallIntegerField("顺序")
    due_date = models.DateField("完成时限", null=True, blank=True)
    enabled = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "阶段"
        verbose_name_plural = "阶段时间表"
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "code"],
                name="stage_once_per_round",
                violation_error_message="该阶段已在时间表中。",
            )
        ]

    def __str__(self):
        return self.name


@audited()
class UnitSeats(models.Model):
    """The seats of both committees of a unit in a round (effective values)."""

    round = models.ForeignKey(RenewalRound, on_delete=models.CASCADE, related_name="unit_seats")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="seats")
    party = models.PositiveSmallIntegerField("党组织委员会职数")
    villagers = models.PositiveSmallIntegerField("村(居)委会职数")

    class Meta:
        verbose_name = "职数"
        verbose_name_plural = "职数"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit"],
                name="seats_once_per_round",
                violation_error_message="该村(社区)在本轮换届已有职数记录。",
            )
        ]

    def for_body(self, body: str) -> int:
        return self.party if body == Body.PARTY else self.villagers


@audited()
class SeatChange(models.Model):
    """A request to change a committee's seats; increases need two approvals."""

    class Status(models.TextChoices):
        PENDING_TOWNSHIP = "pending_township", "待乡镇(街道)党(工)委审批"
        PENDING_COUNTY = "pending_county", "待县委组织部审批"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "未批准"

    TRANSITIONS = {
        Status.PENDING_TOWNSHIP: {Status.PENDING_COUNTY, Status.REJECTED},
        Status.PENDING_COUNTY: {Status.APPROVED, Status.REJECTED},
        Status.APPROVED: set(),
        Status.REJECTED: set(),
    }

    round = models.ForeignKey(RenewalRound, on_delete=models.CASCADE, related_name="seat_changes")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="seat_changes")
    body = models.CharField("班子", max_length=12, choices=COMMITTEE_CHOICES)
    previous = models.PositiveSmallIntegerField("原职数")
    requested = models.PositiveSmallIntegerField("申请职数")
    reason = models.TextField("申请理由")
    status = models.CharField("状态", max_length=20, choices=Status.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    township_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    township_decided_at = models.DateTimeField("乡镇审批时间", null=True, blank=True)
    township_comment = models.CharField("乡镇意见", max_length=300, blank=True)
    county_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    county_decided_at = models.DateTimeField("县级审批时间", null=True, blank=True)
    county_comment = models.CharField("县级意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "职数调整"
        verbose_name_plural = "职数调整"
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit", "body"],
                condition=models.Q(status__in=["pending_township", "pending_county"]),
                name="one_open_seat_change",
                violation_error_message="该班子已有一项职数调整申请在审批中。",
            )
        ]

    @property
    def is_open(self):
        return self.status in (self.Status.PENDING_TOWNSHIP, self.Status.PENDING_COUNTY)

    def set_status(self, new_status: str) -> None:
        if new_status not in self.TRANSITIONS[self.status]:
            raise DomainError(
                f"职数调整申请当前为“{self.get_status_display()}”，"
                f"不能改为“{self.Status(new_status).label}”。"
            )
        self.status = new_status
