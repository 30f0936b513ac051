"""Villagers' / residents' committee elections: the election and its committee, the voter
register with objections, proxies and imports, nominations, boxes, rounds and recalls."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from ballots.models.rules import VillagersRulePack
from renewal.kit import uploads
from renewal.models import DigestField, Person, audited


@audited()
class VillagersElection(models.Model):
    """村民委员会 or 居民委员会 election of one unit in one round."""

    class Status(models.TextChoices):
        SETUP = "setup", "筹备中"
        REGISTERING = "registering", "选民登记"
        PUBLISHED = "published", "名单已公布"
        NOMINATING = "nominating", "提名候选人"
        VOTING = "voting", "投票选举"
        COUNTED = "counted", "已计票"
        APPROVED = "approved", "结果已确认"

    round = models.ForeignKey("renewal.RenewalRound", on_delete=models.PROTECT)
    unit = models.ForeignKey(
        "renewal.Unit", on_delete=models.PROTECT, related_name="villagers_elections"
    )
    pack = models.ForeignKey(VillagersRulePack, verbose_name="选举规则", on_delete=models.PROTECT)
    election_day = models.DateField("选举日")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.SETUP)
    register_published_on = models.DateField("选民名单公布日期", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "村(居)委会选举"
        verbose_name_plural = "村(居)委会选举"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit"],
                name="villagers_election_once_per_round",
                violation_error_message="该村(社区)本轮已有村(居)委会选举。",
            )
        ]

    def __str__(self):
        return f"{self.unit.name} {self.committee_name}选举"

    @property
    def is_community(self) -> bool:
        return self.unit.kind == "community"

    @property
    def committee_name(self) -> str:
        """居民委员会 for communities, 村民委员会 for villages."""
        return self.unit.committee_label

    @property
    def voter_word(self) -> str:
        """居民 or 村民: who votes (居民选举委员会, 年满 18 周岁的村民)."""
        return self.unit.words["residents"]

    @property
    def place_word(self) -> str:
        """社区 or 村: where they vote (本村选民名单, 本社区的选民)."""
        return self.unit.words["place"]


@audited()
class VoterRegistration(models.Model):
    """One registered voter; a person registers once per round across the whole county."""

    class Category(models.TextChoices):
        RESIDENT = "resident", "户籍在本村(社区)并且居住"
        AWAY = "away", "户籍在本村(社区)、不在本村(社区)居住，本人表示参加选举"
        LIVING = "living", "居住一年以上、户籍不在本村(社区)，经会议同意参加选举"

    election = models.ForeignKey(
        VillagersElection, on_delete=models.CASCADE, related_name="registrations"
    )
    # Denormalised from the election so the county-wide uniqueness is one index.
    round = models.ForeignKey("renewal.RenewalRound", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="voter_registrations")
    category = models.CharField("登记类别", max_length=10, choices=Category.choices)
    group_name = models.CharField("村民小组/居民小组", max_length=40, blank=True)
    is_active = models.BooleanField("有效", default=True)
    registered_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "选民登记"
        verbose_name_plural = "选民登记"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "person"],
                name="voter_registered_once_per_round",
                violation_error_message="此人本轮已在本县其他村(社区)登记为选民。",
            )
        ]
        indexes = [
            models.Index(fields=["election", "is_active"]),
            # The register's sorts, page by page (renewal/kit/paging.py).
            models.Index(fields=["election", "group_name", "id"], name="voter_election_group"),
            models.Index(
                fields=["election", "registered_at", "id"], name="voter_election_registered"
            ),
        ]


@audited()
class ElectionCommitteeMember(models.Model):
    """A member of the 村(居)民选举委员会; one who becomes a candidate leaves, and is replaced."""

    class Role(models.TextChoices):
        CHAIR = "chair", "主任"
        MEMBER = "member", "委员"

    election = models.ForeignKey(
        VillagersElection, on_delete=models.CASCADE, related_name="committee_members"
    )
    name = models.CharField("姓名", max_length=40)
    person = models.ForeignKey(
        Person,
        verbose_name="人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="election_committee_seats",
    )
    role = models.CharField("职务", max_length=8, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField("推选日期", default=timezone.localdate)
    left_on = models.DateField("退出日期", null=True, blank=True)
    leave_reason = models.CharField("退出原因", max_length=200, blank=True)
    replaced_by = models.OneToOneField(
        "self",
        verbose_name="递补人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )

    class Meta:
        verbose_name = "选举委员会成员"
        verbose_name_plural = "选举委员会成员"
        ordering = ["left_on", "role", "joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["election"],
                condition=models.Q(role="chair", left_on__isnull=True),
                name="election_committee_one_chair",
                violation_error_message="选举委员会只能有一名在任主任。",
            ),
            models.UniqueConstraint(
                fields=["election", "person"],
                condition=models.Q(left_on__isnull=True),
                name="election_committee_person_once",
                violation_error_message="此人已是选举委员会成员。",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_role_display()}）"

    @property
    def is_active(self) -> bool:
        return self.left_on is None


@audited()
class VoterObjection(models.Model):
    """An objection (异议) to the published voter list: someone missing, or someone wrongly on it."""

    class Kind(models.TextChoices):
        ADD = "add", "应登记而未登记"
        REMOVE = "remove", "不应登记而已登记"

    class Outcome(models.TextChoices):
        OPEN = "open", "待答复"
        UPHELD = "upheld", "异议成立"
        REJECTED = "rejected", "异议不成立"

    election = models.ForeignKey(
        VillagersElection, on_delete=models.CASCADE, related_name="objections"
    )
    raised_by = models.CharField("提出人", max_length=40)
    kind = models.CharField("异议类型", max_length=8, choices=Kind.choices)
    registration = models.ForeignKey(
        VoterRegistration,
        verbose_name="所涉选民",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
    )
    person = models.ForeignKey(
        Person,
        verbose_name="要求登记的人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="voter_objections",
    )
    category = models.CharField(
        "要求登记的类别", max_length=10, choices=VoterRegistration.Category.choices, blank=True
    )
    group_name = models.CharField("村民小组/居民小组", max_length=40, blank=True)
    reason = models.TextField("异议理由")
    received_on = models.DateField("受理日期")
    raise_deadline = models.DateField("异议提出截止日")
    answer_due = models.DateField("答复截止日")
    outcome = models.CharField(
        "处理结果", max_length=8, choices=Outcome.choices, default=Outcome.OPEN
    )
    answered_on = models.DateField("答复日期", null=True, blank=True)
    answer = models.TextField("答复意见", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "选民名单异议"
        verbose_name_plural = "选民名单异议"
        ordering = ["answered_on", "answer_due", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="add", person__isnull=False, registration__isnull=True)
                    | models.Q(kind="remove", registration__isnull=False, person__isnull=True)
                ),
                name="voter_objection_about_someone",
                violation_error_message="异议须指明所涉人员。",
            )
        ]

    def __str__(self):
        return f"{self.raised_by}的异议（{self.received_on:%Y-%m-%d}）"

    @property
    def subject_name(self) -> str:
        return self.person.name if self.person_id else self.registration.person.name

    def is_overdue(self, today) -> bool:
        return self.outcome == self.Outcome.OPEN and today > self.answer_due


@audited()
class VoterProxy(models.Model):
    """A written proxy (委托投票) from a voter to a close relative voting in the same election."""

    class Relation(models.TextChoices):
        SPOUSE = "spouse", "配偶"
        PARENT = "parent", "父母"
        CHILD = "child", "子女"
        SIBLING = "sibling", "兄弟姐妹"
        GRANDPARENT = "grandparent", "祖父母、外祖父母"
        GRANDCHILD = "grandchild", "孙子女、外孙子女"

    election = models.ForeignKey(
        VillagersElection, on_delete=models.CASCADE, related_name="proxies"
    )
    holder = models.ForeignKey(
        VoterRegistration,
        verbose_name="受委托人",
        on_delete=models.PROTECT,
        related_name="proxies_held",
    )
    principal = models.OneToOneField(
        VoterRegistration,
        verbose_name="委托人",
        on_delete=models.PROTECT,
        related_name="proxy_given",
    )
    relation = models.CharField("与委托人关系", max_length=12, choices=Relation.choices)
    written_on = models.DateField("书面委托日期")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "委托投票"
        verbose_name_plural = "委托投票"
        ordering = ["holder_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(holder=models.F("principal")),
                name="voter_proxy_not_to_self",
                violation_error_message="不能委托给本人。",
            )
        ]

    def __str__(self):
        return f"{self.principal.person.name} 委托 {self.holder.person.name}"


class VoterImportJob(uploads.ImportJob):
    """An xlsx of voters for one election (the rows: ballots.villagers.voter_import)."""

    election = models.ForeignKey(
        VillagersElection, on_delete=models.CASCADE, related_name="import_jobs"
    )

    class Meta(uploads.ImportJob.Meta):
        verbose_name = "选民导入"
        verbose_name_plural = "选民导入"


# --- Villagers' election: nominations, polling, counting, results, recall ---------------------


class VillagersPost(models.TextChoices):
    """The posts of a 村(居)民委员会 election, in the order they are counted."""

    DIRECTOR = "director", "主任"
    DEPUTY_DIRECTOR = "deputy_director", "副主任"
    COMMITTEE_MEMBER = "committee_member", "委员"
    WOMEN_MEMBER = "women_member", "妇女委员"


class VillagersBallotSetup(models.Model):
    """How one election votes and counts; kept beside the election."""

    class Mode(models.TextChoices):
        SEPARATE = "separate", "分职位计票（每个职位单独计算得票）"
        COMBINED = "combined", "一票多职、合并计算（委员得票含主任、副主任得票）"

    election = models.OneToOneField(
        VillagersElection, on_delete=models.CASCADE, related_name="ballot_setup"
    )
    mode = models.CharField("计票方式", max_length=10, choices=Mode.choices, default=Mode.COMBINED)
    deputy_seats = models.PositiveSmallIntegerField(
        "副主任职数", default=1, validators=[MaxValueValidator(3)]
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField("结果确认时间", null=True, blank=True)
    counted_at = models.DateTimeField("计票时间", null=True, blank=True)

    class Meta:
        verbose_name = "投票与计票设置"
        verbose_name_plural = "投票与计票设置"


@audited()
class VillagersNomination(models.Model):
    """A nominee for one post; formal once the list of the post is fixed."""

    class Source(models.TextChoices):
        JOINT = "joint", "选民联名提名"
        GROUP = "group", "村(居)民小组提名"
        HOUSEHOLD = "household", "户代表提名"
        SELF = "self", "本人自荐"

    election = models.ForeignKey(
        VillagersElection, on_delete=models.CASCADE, related_name="nominations"
    )
    post = models.CharField("职位", max_length=20, choices=VillagersPost.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # The person's candidacy for this post: one record, one history, with the candidates
    # module (vetting, pledges, talks); the nomination adds the voters' nominators to it.
    candidacy = models.ForeignKey(
        "candidates.Candidacy",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="villagers_nominations",
    )
    # The name printed on the ballot once the formal list is fixed (same names told apart).
    ballot_name = models.CharField("选票上的姓名", max_length=60, blank=True)
    nominators = models.PositiveIntegerField("提名人数")
    source = models.CharField("提名方式", max_length=10, choices=Source.choices)
    formal = models.BooleanField("正式候选人", default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "候选人提名"
        verbose_name_plural = "候选人提名"
        ordering = ["post", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "post", "person"],
                name="villagers_nomination_once",
                violation_error_message="此人已被提名为该职位的候选人。",
            )
        ]


class VillagersWriteIn(models.Model):
    """A name voters wrote in (另选他人) that was elected: tied to a registered voter before the
    result can be confirmed, so the new committee is people, not names."""

    election = models.ForeignKey(
        VillagersElection, on_delete=models.CASCADE, related_name="write_ins"
    )
    name = models.CharField("选票上写的姓名", max_length=60)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "另选他人"
        verbose_name_plural = "另选他人"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "name"],
                name="villagers_write_in_once",
                violation_error_message="该姓名已登记。",
            )
        ]

    def __str__(self):
        return self.name


class NomineeRelative(models.Model):
    """A close relative a nominee declared: they may not scrutinise or count, nor sit on the
    supervision committee beside an elected committee member."""

    nomination = models.ForeignKey(
        VillagersNomination, null=True, on_delete=models.CASCADE, related_name="relatives"
    )
    # Or declared by a nominee for the supervision committee (exactly one of the two).
    supervision_nomination = models.ForeignKey(
        "ballots.SupervisionNomination",
        null=True,
        on_delete=models.CASCADE,
        related_name="relatives",
    )
    name = models.CharField("姓名", max_length=40)
    # As the nominee stated it (配偶, 父亲, 儿子 …); blank for relatives declared without it.
    relation = models.CharField("关系", max_length=12, blank=True)
    id_number_hash = DigestField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nomination__isnull=False, supervision_nomination__isnull=True)
                | models.Q(nomination__isnull=True, supervision_nomination__isnull=False),
                name="nominee_relative_of_one_nomination",
                violation_error_message="近亲属须属于一个提名。",
            )
        ]


class BallotBox(models.Model):
    """中心会场, 分会场 or 流动票箱, with the count entered for it."""

    class Kind(models.TextChoices):
        MAIN = "main", "中心会场"
        SUB = "sub", "分会场"
        MOBILE = "mobile", "流动票箱"

    election = models.ForeignKey(VillagersElection, on_delete=models.CASCADE, related_name="boxes")
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    name = models.CharField("名称", max_length=40)
    ballots_issued = models.PositiveIntegerField("发出选票", null=True, blank=True)
    ballots_returned = models.PositiveIntegerField("收回选票", null=True, blank=True)
    ballots_invalid = models.PositiveIntegerField("废票", null=True, blank=True)
    ballots_printed = models.PositiveIntegerField("印制（领取）选票", null=True, blank=True)
    ballots_spoiled = models.PositiveIntegerField("作废选票（损坏调换）", null=True, blank=True)
    ballots_unused = models.PositiveIntegerField("未使用选票", null=True, blank=True)
    ballot_receipts = models.PositiveIntegerField("领票登记人数", null=True, blank=True)
    proxies_used = models.PositiveIntegerField("使用委托投票", null=True, blank=True)
    votes = models.JSONField("各职位得票", default=dict, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "投票点"
        verbose_name_plural = "投票点"
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "name"],
                name="ballot_box_name_once",
                violation_error_message="本次选举已有同名投票点。",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.name}"


class VoteOfficial(models.Model):
    """监票人, 计票人 or 记录人; a scrutineer may be sent with a mobile box."""

    class Role(models.TextChoices):
        SCRUTINEER = "scrutineer", "监票人"
        TELLER = "teller", "计票人"
        RECORDER = "recorder", "记录人"

    election = models.ForeignKey(
        VillagersElection, on_delete=models.CASCADE, related_name="officials"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    role = models.CharField("职责", max_length=12, choices=Role.choices)
    box = models.ForeignKey(
        BallotBox, null=True, blank=True, on_delete=models.SET_NULL, related_name="officials"
    )

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "person"],
                name="vote_official_once",
                violation_error_message="此人已是本次选举的工作人员。",
            )
        ]


@audited()
class VillagersRound(models.Model):
    """One count of one post: the first count of the boxes, or a later vote."""

    class RoundType(models.TextChoices):
        FIRST = "first", "第一次投票"
        REVOTE = "revote", "重新投票"
        SUPPLEMENTARY = "supplementary", "另行选举"

    class Status(models.TextChoices):
        OPEN = "open", "待录入"
        COUNTED = "counted", "已计票"

    election = models.ForeignKey(
        VillagersElection, on_delete=models.CASCADE, related_name="vote_rounds"
    )
    number = models.PositiveSmallIntegerField("序号")
    post = models.CharField("职位", max_length=20, choices=VillagersPost.choices)
    election_kind = models.CharField("计票方式", max_length=24)
    round_type = models.CharField(
        "轮次类型", max_length=16, choices=RoundType.choices, default=RoundType.FIRST
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="following"
    )
    seats = models.PositiveSmallIntegerField("应选人数")
    candidates = models.JSONField("候选人（按姓氏笔画）", default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    expected = models.PositiveIntegerField("登记选民", null=True, blank=True)
    present = models.PositiveIntegerField("参加投票", null=True, blank=True)
    ballots_issued = models.PositiveIntegerField("发出选票", null=True, blank=True)
    # A later vote's ballot count the scrutineers sign (a first vote's is per box).
    ballots_printed = models.PositiveIntegerField("印制（领取）选票", null=True, blank=True)
    ballots_spoiled = models.PositiveIntegerField("作废选票（损坏调换）", null=True, blank=True)
    ballots_unused = models.PositiveIntegerField("未使用选票", null=True, blank=True)
    ballot_receipts = models.PositiveIntegerField("领票登记人数", null=True, blank=True)
    proxies_used = models.PositiveIntegerField("使用委托投票", null=True, blank=True)
    totals = models.JSONField("计票汇总", null=True, blank=True)
    result = models.JSONField("计票结果", null=True, blank=True)
    rules = models.JSONField("计票规则", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    counted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "村(居)委会选举轮次"
        verbose_name_plural = "村(居)委会选举轮次"
        ordering = ["election_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "number"],
                name="villagers_round_number_unique",
                violation_error_message="轮次序号重复。",
            )
        ]

    def __str__(self):
        return f"第 {self.number} 轮：{self.get_post_display()}（{self.get_round_type_display()}）"


class VillagersTallyEntry(models.Model):
    """One count as it was typed, kept as typed: a box's count (re-entries add a new
    entry), a later round's totals or a supervision committee meeting's totals. The entries of an election form one chain
    (``ballots.chain``), each holding the hash of the one before."""

    election = models.ForeignKey(
        VillagersElection, on_delete=models.CASCADE, related_name="tally_entries"
    )
    box = models.ForeignKey(
        BallotBox, null=True, blank=True, on_delete=models.CASCADE, related_name="entries"
    )
    vote_round = models.ForeignKey(
        VillagersRound, null=True, blank=True, on_delete=models.CASCADE, related_name="entries"
    )
    supervision_round = models.ForeignKey(
        "ballots.SupervisionRound",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="entries",
    )
    figures = models.JSONField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)
    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    entry_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        verbose_name = "村(居)委会计票录入记录"
        verbose_name_plural = "村(居)委会计票录入记录"
        ordering = ["election_id", "entered_at", "id"]


@audited()
class VillagersRecall(models.Model):
    """罢免: the proposal, the vote and its outcome; a passed recall ends the seat."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "已提出"
        PASSED = "passed", "罢免通过"
        FAILED = "failed", "罢免未通过"

    election = models.ForeignKey(
        VillagersElection, on_delete=models.PROTECT, related_name="recalls"
    )
    member = models.ForeignKey(
        "renewal.TermMember", on_delete=models.PROTECT, related_name="recalls"
    )
    reason = models.CharField("罢免理由", max_length=300)
    signatures = models.PositiveIntegerField("联名选民人数")
    registered = models.PositiveIntegerField("提出时登记选民人数")
    proposed_on = models.DateField("提出日期")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    voted_on = models.DateField("投票日期", null=True, blank=True)
    vote_registered = models.PositiveIntegerField("投票时登记选民", null=True, blank=True)
    voted = models.PositiveIntegerField("参加投票", null=True, blank=True)
    in_favour = models.PositiveIntegerField("赞成罢免", null=True, blank=True)

    class Meta:
        verbose_name = "罢免"
        verbose_name_plural = "罢免"
        ordering = ["-proposed_on", "-id"]


class RegisterChange(models.Model):
    """A change to the voter register after its publication: who, when, what and why.

    Once the list is published it changes only through an upheld objection (``objection``)
    or a recorded correction (更正, ``reason`` and optionally its ``basis``); the services
    write one row per change, in the same transaction as the change itself. Rows are never
    edited: this is the list the published list's reprint carries as its appendix.
    """

    class Kind(models.TextChoices):
        ADDED = "added", "增加选民"
        REMOVED = "removed", "移出选民"
        RESTORED = "restored", "恢复选民"
        CHANGED = "changed", "修改登记信息"

    election = models.ForeignKey(
        VillagersElection, on_delete=models.CASCADE, related_name="register_changes"
    )
    registration = models.ForeignKey(
        VoterRegistration, verbose_name="所涉选民", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("变更内容", max_length=10, choices=Kind.choices)
    detail = models.CharField("变更说明", max_length=200, blank=True)
    objection = models.ForeignKey(
        VoterObjection,
        verbose_name="依据的异议",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField("更正理由", max_length=300, blank=True)
    basis = models.CharField("更正依据", max_length=200, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    made_at = models.DateTimeField("变更时间", default=timezone.now)

    class Meta:
        verbose_name = "选民名单公布后变更"
        verbose_name_plural = "选民名单公布后变更"
        ordering = ["made_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(objection__isnull=False) | ~models.Q(reason=""),
                name="register_change_has_a_why",
                violation_error_message="公布后的变更须依据异议或写明更正理由。",
            )
        ]
