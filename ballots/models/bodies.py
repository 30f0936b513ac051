"""The other bodies a village elects in its renewal: the 村(居)务监督委员会 (nominated and
counted like the committee, by a meeting), and each group's 村(居)民代表 and 小组长."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from ballots.models.villagers import VillagersElection, VillagersNomination, VillagersRound
from renewal.models import Person, audited


@audited()
class SupervisionElection(models.Model):
    """The supervision committee elected in the same renewal as the villagers' committee, on
    the same voter register, by the 村(居)民会议 or the 村(居)民代表会议."""

    class Assembly(models.TextChoices):
        MEETING = "meeting", "村(居)民会议"
        REPRESENTATIVES = "representatives", "村(居)民代表会议"

    class Status(models.TextChoices):
        NOMINATING = "nominating", "提名候选人"
        VOTING = "voting", "投票选举"
        COUNTED = "counted", "已计票"
        APPROVED = "approved", "结果已确认"

    villagers = models.OneToOneField(
        VillagersElection,
        verbose_name="村(居)委会选举",
        on_delete=models.CASCADE,
        related_name="supervision",
    )
    assembly = models.CharField("推选会议", max_length=16, choices=Assembly.choices)
    seats = models.PositiveSmallIntegerField("应选人数")
    meeting_day = models.DateField("会议日期")
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.NOMINATING
    )
    chair = models.ForeignKey(
        Person,
        verbose_name="主任",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField("结果确认时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "监督委员会选举"
        verbose_name_plural = "监督委员会选举"

    def __str__(self):
        return f"{self.unit.name}{self.body_name}选举"

    @property
    def unit(self):
        return self.villagers.unit

    @property
    def body_name(self) -> str:
        """村务监督委员会 or 居务监督委员会."""
        return self.unit.words["supervision"]

    @property
    def assembly_name(self) -> str:
        """村民会议 / 村民代表会议, or 居民… in a community."""
        residents = self.unit.words["residents"]
        if self.assembly == self.Assembly.REPRESENTATIVES:
            return f"{residents}代表会议"
        return f"{residents}会议"


@audited()
class SupervisionNomination(models.Model):
    """A nominee for the supervision committee; formal once the list is fixed."""

    election = models.ForeignKey(
        SupervisionElection, on_delete=models.CASCADE, related_name="nominations"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    nominators = models.PositiveIntegerField("提名人数")
    source = models.CharField("提名方式", max_length=10, choices=VillagersNomination.Source.choices)
    formal = models.BooleanField("正式候选人", default=False)
    ballot_name = models.CharField("选票上的姓名", max_length=60, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "监督委员会候选人提名"
        verbose_name_plural = "监督委员会候选人提名"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "person"],
                name="supervision_nomination_once",
                violation_error_message="此人已被提名为监督委员会成员候选人。",
            )
        ]


@audited()
class SupervisionRound(models.Model):
    """One vote of the meeting, entered as its totals and counted by the shared engine; a
    void vote, a tie or unfilled seats open the round that follows."""

    election = models.ForeignKey(
        SupervisionElection, on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField("序号")
    election_kind = models.CharField("计票方式", max_length=24)
    round_type = models.CharField(
        "轮次类型",
        max_length=16,
        choices=VillagersRound.RoundType.choices,
        default=VillagersRound.RoundType.FIRST,
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="following"
    )
    seats = models.PositiveSmallIntegerField("应选人数")
    candidates = models.JSONField("候选人（按姓氏笔画）", default=list)
    status = models.CharField(
        max_length=10, choices=VillagersRound.Status.choices, default=VillagersRound.Status.OPEN
    )
    expected = models.PositiveIntegerField("应到会人数", null=True, blank=True)
    present = models.PositiveIntegerField("实到会人数", null=True, blank=True)
    ballots_issued = models.PositiveIntegerField("发出选票", null=True, blank=True)
    totals = models.JSONField("计票汇总", null=True, blank=True)
    result = models.JSONField("计票结果", null=True, blank=True)
    rules = models.JSONField("计票规则", null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    counted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "监督委员会选举轮次"
        verbose_name_plural = "监督委员会选举轮次"
        ordering = ["election_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "number"],
                name="supervision_round_number_unique",
                violation_error_message="轮次序号重复。",
            )
        ]

    def __str__(self):
        return f"第 {self.number} 轮（{self.get_round_type_display()}）"


@audited()
class GroupOfficer(models.Model):
    """A 村(居)民代表 or 村(居)民小组长 elected in one group in this renewal, as recorded."""

    class Role(models.TextChoices):
        REPRESENTATIVE = "representative", "村(居)民代表"
        LEADER = "leader", "村(居)民小组长"

    class Method(models.TextChoices):
        HOUSEHOLDS = "households", "按户推选"
        GROUP_MEETING = "group_meeting", "小组会议推选"

    election = models.ForeignKey(
        VillagersElection, on_delete=models.CASCADE, related_name="group_officers"
    )
    group = models.ForeignKey(
        "renewal.VillagerGroup",
        verbose_name="小组",
        on_delete=models.PROTECT,
        related_name="officers",
    )
    role = models.CharField("职务", max_length=16, choices=Role.choices)
    person = models.ForeignKey(
        Person, verbose_name="当选人", on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField("推选方式", max_length=16, choices=Method.choices)
    votes = models.PositiveIntegerField("得票（推选户数）", null=True, blank=True)
    elected_on = models.DateField("推选日期")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "村(居)民代表和小组长"
        verbose_name_plural = "村(居)民代表和小组长"
        ordering = ["group__order", "group_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "role", "person"],
                name="group_officer_once",
                violation_error_message="此人已登记担任该职务。",
            ),
            models.UniqueConstraint(
                fields=["election", "group"],
                condition=models.Q(role="leader"),
                name="group_one_leader",
                violation_error_message="该小组已登记小组长。",
            ),
        ]
