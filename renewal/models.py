"""Regions, units, party branches, people, renewal rounds and seats.

Every model holding domain data is tracked by django-pghistory: each insert,
update and delete (bulk ones included, since these are database triggers) lands
in an event table with the request's user in its context.
"""

import datetime

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from renewal.kit import crypto
from renewal.kit.idcard import mask_id_number, mask_phone

division_code_validator = RegexValidator(
    r"^\d{12}$", "统计用区划代码应为 12 位数字（例如 150123101201）。"
)


def audited(**kwargs):
    """Track inserts, updates and deletes of a model in its pghistory event table."""
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), **kwargs
    )


class DomainError(Exception):
    """A refused operation; the message is Chinese and fit to show to the user."""


class EncryptedTextField(models.TextField):
    """Stores Fernet ciphertext; Python code sees the plaintext."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(value)


@audited()
class Region(models.Model):
    """A county (区县) or a township / subdistrict (乡镇/街道) under it."""

    class Kind(models.TextChoices):
        COUNTY = "county", "区县"
        TOWNSHIP = "township", "乡镇"
        SUBDISTRICT = "subdistrict", "街道"

    code = models.CharField(
        "统计用区划代码", max_length=12, unique=True, validators=[division_code_validator]
    )
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区县",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = "行政区域"
        verbose_name_plural = "行政区域"
        ordering = ["code"]
        permissions = [("approve_region", "审批本区域事项")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="county", parent__isnull=True)
                | (~models.Q(kind="county") & models.Q(parent__isnull=False)),
                name="region_county_is_root",
                violation_error_message="区县不能有上级，乡镇/街道必须有上级区县。",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_county(self):
        return self.kind == self.Kind.COUNTY

    @property
    def county(self):
        return self if self.is_county else self.parent

    def clean(self):
        if self.parent_id and self.parent.kind != self.Kind.COUNTY:
            raise ValidationError({"parent": "乡镇/街道的上级必须是区县。"})
        if self.parent_id and self.code[:6] != self.parent.code[:6]:
            raise ValidationError({"code": "乡镇/街道的区划代码前 6 位应与所属区县一致。"})


@audited()
class Unit(models.Model):
    """A village (村) or community (社区): the unit that elects its two committees."""

    class Kind(models.TextChoices):
        VILLAGE = "village", "村"
        COMMUNITY = "community", "社区"

    code = models.CharField(
        "统计用区划代码", max_length=12, unique=True, validators=[division_code_validator]
    )
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, default=Kind.VILLAGE)
    township = models.ForeignKey(
        Region, verbose_name="乡镇/街道", on_delete=models.PROTECT, related_name="units"
    )
    # Denormalised from township.parent so county-wide lists filter on one index.
    county = models.ForeignKey(
        Region, verbose_name="区县", on_delete=models.PROTECT, related_name="county_units"
    )
    population = models.PositiveIntegerField(
        "户籍人口", default=0, validators=[MaxValueValidator(200_000)]
    )
    households = models.PositiveIntegerField(
        "户数", default=0, validators=[MaxValueValidator(100_000)]
    )
    groups = models.PositiveSmallIntegerField(
        "村(居)民小组数", default=0, validators=[MaxValueValidator(200)]
    )
    is_key = models.BooleanField("重点难点村", default=False)
    key_reasons = models.TextField("重点难点原因", blank=True)
    risk_assessed_on = models.DateField("风险研判完成日期", null=True, blank=True)
    # Derived from recorded facts by renewal.services.unit_refresh_stage; never edited.
    stage = models.CharField("当前阶段", max_length=24, default="preparation", db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "村(社区)"
        verbose_name_plural = "村(社区)"
        ordering = ["code"]
        indexes = [
            models.Index(fields=["county", "code"]),
            models.Index(fields=["county", "stage", "code"]),
            models.Index(fields=["township", "code"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(households__lte=models.F("population")),
                name="unit_households_not_above_population",
                violation_error_message="户数不能多于户籍人口。",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_community(self):
        return self.kind == self.Kind.COMMUNITY

    @property
    def committee_label(self):
        return "居民委员会" if self.is_community else "村民委员会"

    @property
    def group_label(self):
        return "居民小组" if self.is_community else "村民小组"

    def clean(self):
        errors = {}
        if self.households and self.population and self.households > self.population:
            errors["households"] = "户数不能多于户籍人口。"
        if self.township_id and self.code and self.code[:9] != self.township.code[:9]:
            errors["code"] = f"区划代码前 9 位应与所属乡镇/街道 {self.township.code[:9]} 一致。"
        if self.is_key and not self.key_reasons.strip():
            errors["key_reasons"] = "标为重点难点村时须写明原因。"
        if errors:
            raise ValidationError(errors)


@audited()
class RiskPoint(models.Model):
    class Category(models.TextChoices):
        COMPLEX = "complex", "选情复杂"
        CLAN = "clan", "宗族宗教"
        DISPUTE = "dispute", "矛盾纠纷"
        LEGACY = "legacy", "历史遗留问题"
        OTHER = "other", "其他"

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="risk_points")
    category = models.CharField("类别", max_length=12, choices=Category.choices)
    description = models.CharField("情况说明", max_length=300)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "风险点"
        verbose_name_plural = "风险点"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_category_display()}：{self.description}"


@audited()
class PartyBranch(models.Model):
    class Kind(models.TextChoices):
        BRANCH = "branch", "党支部"
        GENERAL_BRANCH = "general_branch", "党总支"
        COMMITTEE = "committee", "党委"

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="branch")
    name = models.CharField("党组织名称", max_length=80)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.BRANCH)
    voting_members = models.PositiveIntegerField(
        "有表决权党员数", default=0, validators=[MaxValueValidator(5000)]
    )

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"

    def __str__(self):
        return self.name


class Education(models.TextChoices):
    """The ladder of domain.md §4, in order."""

    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中/中专"
    COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "本科"
    POSTGRADUATE = "postgraduate", "研究生"


EDUCATION_RANK = {value: rank for rank, value in enumerate(Education.values)}


class PersonTag(models.TextChoices):
    VETERAN = "veteran", "退役军人"
    RETURNED_MIGRANT = "returned_migrant", "返乡农民工"
    COLLEGE_GRADUATE = "college_graduate", "高校毕业生"
    ENTREPRENEUR = "entrepreneur", "本土企业家"
    COOPERATIVE = "cooperative", "合作社负责人"
    DOCTOR_TEACHER = "doctor_teacher", "乡村医生/教师"


@audited(exclude=["id_number_hash", "phone_hash"])
class Person(models.Model):
    """A natural person: party member, previous-term cadre, later candidate or voter."""

    class Sex(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    class PoliticalStatus(models.TextChoices):
        FULL_MEMBER = "full_member", "中共党员"
        PROBATIONARY = "probationary", "中共预备党员"
        LEAGUE = "league", "共青团员"
        OTHER_PARTY = "other_party", "民主党派"
        MASSES = "masses", "群众"

    name = models.CharField("姓名", max_length=40)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    birth_date = models.DateField("出生日期")
    id_number = EncryptedTextField("公民身份号码")
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    phone = EncryptedTextField("联系电话", blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    education = models.CharField("学历", max_length=16, choices=Education.choices)
    political_status = models.CharField(
        "政治面貌", max_length=16, choices=PoliticalStatus.choices, default=PoliticalStatus.MASSES
    )
    party_joined_on = models.DateField("入党时间", null=True, blank=True)
    current_posts = models.CharField("现任职务", max_length=100, blank=True)
    tags = ArrayField(
        models.CharField(max_length=24, choices=PersonTag.choices),
        verbose_name="人员类别",
        default=list,
        blank=True,
    )

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"

    def __str__(self):
        return self.name

    def set_id_number(self, value: str) -> None:
        self.id_number = value
        self.id_number_hash = crypto.blind_index(value, purpose="id")

    def set_phone(self, value: str) -> None:
        self.phone = value
        self.phone_hash = crypto.blind_index(value, purpose="phone") if value else ""

    @property
    def tag_labels(self):
        return [PersonTag(t).label for t in self.tags if t in PersonTag.values]

    @property
    def id_number_masked(self):
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self):
        return mask_phone(self.phone)

    def age_on(self, day: datetime.date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@audited()
class PartyMember(models.Model):
    """A member on a branch's roster."""

    class Status(models.TextChoices):
        FULL = "full", "正式党员"
        PROBATIONARY = "probationary", "预备党员"

    branch = models.ForeignKey(PartyBranch, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    status = models.CharField("党员类别", max_length=16, choices=Status.choices)
    on_probation = models.BooleanField("留党察看期间", default=False)
    joined_on = models.DateField("入党时间")

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员名册"
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "person"],
                name="member_once_per_branch",
                violation_error_message="此人已在该党组织的名册中。",
            )
        ]

    @property
    def can_vote(self):
        return self.status == self.Status.FULL and not self.on_probation


class Body(models.TextChoices):
    PARTY = "party", "党组织委员会"
    VILLAGERS = "villagers", "村(居)民委员会"


class Post(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    PARTY_MEMBER = "party_member", "委员"
    DIRECTOR = "director", "主任"
    DEPUTY_DIRECTOR = "deputy_director", "副主任"
    COMMITTEE_MEMBER = "committee_member", "委员"
    WOMEN_MEMBER = "women_member", "妇女委员"


@audited()
class Term(models.Model):
    """One term of one committee of a unit (the previous term is the baseline).

    An approved election result writes the new term (with its round) and its members;
    the structure statistics compare it with the unit's latest term of the same body
    from before the round.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="terms")
    body = models.CharField("班子", max_length=12, choices=Body.choices)
    elected_on = models.DateField("选举日期")
    # The round that elected this committee; empty for terms from before the system
    # (the previous term, 上届, loaded as the baseline).
    round = models.ForeignKey(
        "RenewalRound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="terms",
        verbose_name="换届轮次",
    )

    class Meta:
        verbose_name = "届次"
        verbose_name_plural = "届次"
        ordering = ["-elected_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "body", "elected_on"],
                name="term_unique",
                violation_error_message="该班子在这一选举日期已有届次记录。",
            )
        ]


@audited()
class TermMember(models.Model):
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="term_seats")
    post = models.CharField("职务", max_length=20, choices=Post.choices)

    class Meta:
        verbose_name = "班子成员"
        verbose_name_plural = "班子成员"
        constraints = [
            models.UniqueConstraint(
                fields=["term", "person", "post"],
                name="term_member_unique",
                violation_error_message="此人已在该届班子中担任这一职务。",
            )
        ]


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
    body = models.CharField("班子", max_length=12, choices=Body.choices)
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


class RollupSettings(models.Model):
    """The daily report deadline of a county (versioned: the row in force on a day)."""

    county = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="区县（空为默认）",
    )
    effective_from = models.DateField("生效日期")
    daily_report_deadline = models.TimeField(
        "日报截止时间（北京时间）", default=datetime.time(18, 0)
    )
    # Structure targets per unit (domain.md §7): checked on the newly elected committees.
    target_women_min = models.PositiveSmallIntegerField("每村至少女性成员（名）", default=1)
    target_young_age = models.PositiveSmallIntegerField("年轻成员年龄线（岁以下）", default=35)
    target_young_min = models.PositiveSmallIntegerField("每村至少年轻成员（名）", default=1)
    target_college_min = models.PositiveSmallIntegerField("每村至少大专及以上成员（名）", default=2)
    source = models.CharField("依据", max_length=200)

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
    """One nightly roll-up of a county for a date, and its notice (通报)."""

    county = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="rollup_runs", verbose_name="区县"
    )
    day = models.DateField("统计日期")
    round = models.ForeignKey(
        RenewalRound, on_delete=models.PROTECT, related_name="+", verbose_name="换届轮次"
    )
    ran_at = models.DateTimeField("生成时间")
    duration_ms = models.PositiveIntegerField("用时（毫秒）", default=0)
    # [{"region_id", "code", "name", "rank", "done_share", "weighted", "units", "submitted"}]
    ranking = models.JSONField("排名", default=list)
    figure_labels = models.JSONField("数据项名称", default=dict)
    laggards = models.JSONField("未报送日报的乡镇", default=list)
    late = models.JSONField("逾时报送的乡镇", default=list)
    notice_text = models.TextField("通报文字")

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


class RollupSnapshot(models.Model):
    """The figures of one township or one county at the end of a day (unique per region/day)."""

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


class Department(models.Model):
    """A joint-review department (联审部门)."""

    code = models.SlugField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=40, unique=True)

    class Meta:
        verbose_name = "联审部门"
        verbose_name_plural = "联审部门"
        ordering = ["id"]

    def __str__(self):
        return self.name


@audited()
class Profile(models.Model):
    """A user's role and home region; grants themselves are guardian rows on regions."""

    class Role(models.TextChoices):
        TOWNSHIP_STAFF = "township_staff", "乡镇(街道)工作人员"
        TOWNSHIP_LEADER = "township_leader", "乡镇(街道)党(工)委负责人"
        COUNTY_REVIEWER = "county_reviewer", "县委组织部审核人员"
        DISCIPLINE_OFFICER = "discipline_officer", "纪检监察人员"
        DEPARTMENT_USER = "department_user", "联审部门人员"
        ADMIN = "admin", "系统管理员"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField("角色", max_length=24, choices=Role.choices)
    region = models.ForeignKey(
        Region, verbose_name="所属区域", null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        Department, verbose_name="所属部门", null=True, blank=True, on_delete=models.PROTECT
    )

    class Signoff(models.TextChoices):
        MINISTER = "minister", "组织部长"
        COUNTY_SECRETARY = "county_secretary", "区(县)委书记"

    signoff = models.CharField(
        "备案签字身份",
        max_length=20,
        choices=Signoff.choices,
        blank=True,
        help_text="村(社区)党组织书记人选报县备案须由组织部长和区(县)委书记两人分别签字。",
    )

    class Meta:
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"

    def __str__(self):
        return f"{self.user.username}（{self.get_role_display()}）"


class AccessLog(models.Model):
    """Sensitive reads: unmasked personal data and exports (who, when, what, how many)."""

    class Action(models.TextChoices):
        EXPORT = "export", "导出"
        UNMASK = "unmask", "查看完整个人信息"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    action = models.CharField(max_length=12, choices=Action.choices)
    target = models.CharField("对象", max_length=200)
    detail = models.JSONField("详情", default=dict, blank=True)
    row_count = models.PositiveIntegerField("行数", null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "敏感操作日志"
        verbose_name_plural = "敏感操作日志"
        ordering = ["-at"]


class ExportJob(models.Model):
    """A background export; the user polls its progress and downloads the file."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, default="units")
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done_rows = models.PositiveIntegerField(default=0)
    total_rows = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done_rows / self.total_rows) if self.total_rows else 0


# --- Before and after the vote (issue 8): exit audits and rectification, key-unit plans,
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


@audited()
class GuidanceMember(models.Model):
    group = models.ForeignKey(GuidanceGroup, on_delete=models.CASCADE, related_name="members")
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
        verbose_name = "指导组成员"
        verbose_name_plural = "指导组成员"
        ordering = ["id"]


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


class HandoverDeadline(models.Model):
    """How many days after approval the handover must be complete (a dated setting)."""

    county = models.ForeignKey(
        Region,
        verbose_name="区县",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"kind": "county"},
        related_name="+",
        help_text="留空为默认规则。",
    )
    effective_from = models.DateField("生效日期")
    days = models.PositiveSmallIntegerField(
        "交接时限(天)", validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    source = models.CharField("依据", max_length=200)

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
