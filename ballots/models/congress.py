"""Party congresses: attendance, scrutineers, election rounds, their entries and results."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from renewal.models import DomainError, PartyMember, Person, audited


@audited()
class Congress(models.Model):
    """党员大会: one per unit per round."""

    class Status(models.TextChoices):
        SETUP = "setup", "筹备中"
        HELD = "held", "已召开"
        REPORTED = "reported", "已报批"
        APPROVED = "approved", "已批复"

    round = models.ForeignKey("renewal.RenewalRound", on_delete=models.PROTECT)
    unit = models.ForeignKey("renewal.Unit", on_delete=models.PROTECT, related_name="congresses")
    held_on = models.DateField("会议日期")
    place = models.CharField("会议地点", max_length=100)
    chair = models.CharField("主持人", max_length=40)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SETUP)
    version = models.PositiveIntegerField(default=1)
    notice_start = models.DateField("公示开始", null=True, blank=True)
    notice_end = models.DateField("公示结束", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField("批复时间", null=True, blank=True)
    reopen_reason = models.CharField("重新打开原因", max_length=300, blank=True)
    secretary_filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    secretary_filed_at = models.DateTimeField("书记报县备案时间", null=True, blank=True)

    class Meta:
        verbose_name = "党员大会"
        verbose_name_plural = "党员大会"
        ordering = ["-held_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit"],
                name="congress_once_per_round",
                violation_error_message="该村(社区)本轮已有党员大会。",
            )
        ]

    def __str__(self):
        return f"{self.unit.name}党员大会（{self.held_on:%Y-%m-%d}）"

    @property
    def is_locked(self):
        return self.status == self.Status.APPROVED

    def require_unlocked(self):
        if self.is_locked:
            raise DomainError("选举结果已批复，已锁定；如需修改，须由县委组织部重新打开。")


class Attendance(models.Model):
    """A roster member at the congress: voting right, exclusion with reason, presence."""

    class Exclusion(models.TextChoices):
        ILLNESS = "illness", "因病不能表达本人意志"
        ABROAD = "abroad", "出国出境不能回来"
        SUSPENDED = "suspended", "停止党籍"
        DETAINED = "detained", "被留置或逮捕"
        BEDRIDDEN = "bedridden", "年老体弱卧床不起"
        AWAY = "away", "外出半年以上未转组织关系"
        MIGRANT = "migrant", "流动党员不能参加且本人申请"

    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="+")
    can_vote = models.BooleanField("有表决权")
    excluded = models.CharField(
        "不计入应到会原因", max_length=12, choices=Exclusion.choices, blank=True
    )
    exclusion_approved_by = models.CharField("上级党组织同意人", max_length=40, blank=True)
    present = models.BooleanField("实到会", default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "member"],
                name="attendance_once",
                violation_error_message="该党员已在名册中。",
            )
        ]


class Scrutineer(models.Model):
    class Role(models.TextChoices):
        CHIEF = "chief", "总监票人"
        SCRUTINEER = "scrutineer", "监票人"
        TELLER = "teller", "计票人"

    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="scrutineers")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    role = models.CharField("职责", max_length=12, choices=Role.choices)

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "person"],
                name="scrutineer_once",
                violation_error_message="此人已是本次大会的监票或计票人员。",
            )
        ]


@audited()
class ElectionRound(models.Model):
    """One vote of the congress; re-votes and supplementary rounds link to the round before."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", "委员会委员"
        SECRETARY = "secretary", "书记"
        DEPUTY_SECRETARY = "deputy_secretary", "副书记"

    class RoundType(models.TextChoices):
        FIRST = "first", "第一轮"
        REVOTE = "revote", "票数相等者再次投票"
        SUPPLEMENTARY = "supplementary", "另行选举"

    class Status(models.TextChoices):
        OPEN = "open", "待录入"
        AWAITING_SECOND = "awaiting_second", "待第二人核对录入"
        DISPUTED = "disputed", "两次录入不一致，待协调人处理"
        COUNTED = "counted", "已计票"
        SEATS_REDUCED = "seats_reduced", "经过半数同意减少职数，不再另行选举"

    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField("序号")
    kind = models.CharField("选举事项", max_length=20, choices=Kind.choices)
    round_type = models.CharField(
        "轮次类型", max_length=16, choices=RoundType.choices, default=RoundType.FIRST
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="following"
    )
    seats = models.PositiveSmallIntegerField(
        "应选人数", validators=[MinValueValidator(1), MaxValueValidator(15)]
    )
    candidates = models.JSONField("候选人（按姓氏笔画）", default=list)
    double_entry = models.BooleanField("两人分别录入核对", default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    ballots_issued = models.PositiveIntegerField("发出选票", null=True, blank=True)
    ballots_printed = models.PositiveIntegerField("印制选票", null=True, blank=True)
    ballots_spoiled = models.PositiveIntegerField("作废选票（损坏调换）", null=True, blank=True)
    ballots_unused = models.PositiveIntegerField("未使用选票", null=True, blank=True)
    expected = models.PositiveIntegerField("应到会", null=True, blank=True)
    present = models.PositiveIntegerField("实到会", null=True, blank=True)
    totals = models.JSONField("计票汇总", null=True, blank=True)
    ballots = models.JSONField("逐张选票", null=True, blank=True)
    result = models.JSONField("计票结果", null=True, blank=True)
    rules = models.JSONField("计票规则", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    counted_at = models.DateTimeField(null=True, blank=True)
    reduction_agreed = models.PositiveIntegerField("同意减少职数的人数", null=True, blank=True)
    reduction_reason = models.CharField("减少职数说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "选举轮次"
        verbose_name_plural = "选举轮次"
        ordering = ["congress_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "number"],
                name="round_number_unique",
                violation_error_message="轮次序号重复。",
            )
        ]

    def __str__(self):
        return f"第 {self.number} 轮：{self.get_kind_display()}（{self.get_round_type_display()}）"

    @property
    def election_kind(self):
        return "party-committee" if self.kind == self.Kind.COMMITTEE else "party-secretary"


class RoundCandidate(models.Model):
    """A name on one round's ballot, or a name voters wrote in, and the person it stands for.

    The ballot, the count and the ballot record work with ``name`` (unique in the round, same-
    name candidates told apart, see renewal.kit.naming); every step after the count reads the
    person. A printed name comes from a formal candidacy (or, for the secretary, a newly
    elected member); a write-in (另选他人) is recorded as written and, when elected, must be
    resolved to an entitled member on the roster before the result can be reported.
    """

    round = models.ForeignKey(ElectionRound, on_delete=models.CASCADE, related_name="entrants")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    candidacy = models.ForeignKey(
        "candidates.Candidacy",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="round_entries",
    )
    name = models.CharField("选票上的姓名", max_length=60)
    order = models.PositiveSmallIntegerField("排列顺序", default=0)
    write_in = models.BooleanField("另选他人", default=False)
    elected = models.BooleanField("当选", default=False)

    class Meta:
        verbose_name = "轮次候选人"
        verbose_name_plural = "轮次候选人"
        ordering = ["round_id", "write_in", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "name"],
                name="round_candidate_name_once",
                violation_error_message="本轮选票上已有这个姓名。",
            ),
            models.CheckConstraint(
                condition=models.Q(write_in=True) | models.Q(person__isnull=False),
                name="round_candidate_printed_has_person",
                violation_error_message="选票上印制的候选人须对应具体人员。",
            ),
        ]

    def __str__(self):
        return self.name


class TallyEntry(models.Model):
    """Totals from the paper count, as one account typed them (double entry keeps two)."""

    round = models.ForeignKey(ElectionRound, on_delete=models.CASCADE, related_name="entries")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    entered_at = models.DateTimeField(default=timezone.now)
    totals = models.JSONField(null=True, blank=True)
    ballots = models.JSONField(null=True, blank=True)
    ballots_issued = models.PositiveIntegerField()
    # The entry chain (ballots.chain): the previous entry's hash in this round ("" for the
    # first) and this entry's own, over its figures, who entered them and when.
    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    entry_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["entered_at", "id"]
