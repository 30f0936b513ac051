"""Candidates: negative lists, eligibility settings, reserve cadres, candidacies, vetting."""

from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from renewal.kit import uploads
from renewal.kit.versioned import VersionedSetting
from renewal.models import (
    COMMITTEE_CHOICES,
    Body,
    Department,
    DomainError,
    Education,
    Person,
    Post,
    Unit,
    audited,
)


class NegativeList(models.Model):
    """A catalogue such as 十不推; shipped ones have no county, a county adds its own."""

    class Scope(models.TextChoices):
        PARTY = "party", "党组织委员会"
        VILLAGERS = "villagers", "村(居)民委员会"
        BOTH = "both", "两委"

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=40)
    scope = models.CharField("适用范围", max_length=12, choices=Scope.choices, default=Scope.BOTH)
    version = models.CharField("版本", max_length=20, default="2021")
    source = models.CharField("依据", max_length=200)
    county = models.ForeignKey(
        "renewal.Region",
        verbose_name="所属区县",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="留空表示通用清单，各县均适用。",
        limit_choices_to={"kind": "county"},
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "负面清单"
        verbose_name_plural = "负面清单"
        ordering = ["id"]

    def __str__(self):
        return f"{self.name}（{self.version}）"

    def applies_to(self, body: str) -> bool:
        return self.scope in (self.Scope.BOTH, body)


@audited()
class VettingPreset(models.Model):
    """A named group of departments a township ticks in one go when it sends people to joint
    vetting (e.g. 政法和纪检). It only ticks boxes: every department stays the clerk's choice.
    The shipped presets are loaded from candidates/catalogues.py; admins edit them or add a
    county's own."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=40)
    departments = models.ManyToManyField(Department, verbose_name="联审部门", blank=True)
    source = models.CharField("依据", max_length=200)
    position = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "联审部门预设"
        verbose_name_plural = "联审部门预设"
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class NegativeListItem(models.Model):
    class Severity(models.TextChoices):
        BAR = "bar", "一票否决"
        CAUTION = "caution", "须书面说明"

    catalogue = models.ForeignKey(NegativeList, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField("序号")
    text = models.CharField("内容", max_length=300)
    severity = models.CharField("性质", max_length=10, choices=Severity.choices)
    lookback_years = models.PositiveSmallIntegerField(
        "追溯年限", null=True, blank=True, validators=[MaxValueValidator(50)]
    )
    department = models.ForeignKey(
        Department, verbose_name="责任部门", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = "负面清单条目"
        verbose_name_plural = "负面清单条目"
        ordering = ["catalogue_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "number"],
                name="negative_item_number_unique",
                violation_error_message="同一清单中序号不能重复。",
            )
        ]

    def __str__(self):
        return f"{self.catalogue.name}第{self.number}条：{self.text}"


class EligibilityRules(VersionedSetting):
    """The per-county, dated eligibility settings; county blank = default."""

    secretary_continuing_max_age = models.PositiveSmallIntegerField("继任书记年龄上限", default=50)
    secretary_continuing_min_education = models.CharField(
        "继任书记最低学历", max_length=16, choices=Education.choices, default=Education.JUNIOR
    )
    secretary_new_max_age = models.PositiveSmallIntegerField("新任书记年龄上限", default=45)
    secretary_new_min_education = models.CharField(
        "新任书记最低学历", max_length=16, choices=Education.choices, default=Education.SENIOR
    )
    young_secretary_age = models.PositiveSmallIntegerField("书记年轻化年龄线", default=45)
    young_secretary_min_share = models.DecimalField(
        "书记人选中年轻化比例下限",
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.30"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    party_surplus_ratio = models.DecimalField(
        "党组织委员差额比例", max_digits=3, decimal_places=2, default=Decimal("1.20")
    )
    villagers_director_surplus = models.PositiveSmallIntegerField("主任差额人数", default=1)
    villagers_deputy_surplus = models.PositiveSmallIntegerField("副主任差额人数", default=1)
    villagers_member_surplus_min = models.PositiveSmallIntegerField("委员差额下限", default=1)
    villagers_member_surplus_max = models.PositiveSmallIntegerField("委员差额上限", default=3)
    require_woman = models.BooleanField("正式候选人中至少一名女性", default=True)

    class Meta:
        verbose_name = "资格条件设置"
        verbose_name_plural = "资格条件设置"
        ordering = ["county_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "effective_from"],
                name="eligibility_rules_once_per_day",
                violation_error_message="该区县在这一生效日期已有资格条件设置。",
            )
        ]

    def __str__(self):
        where = self.county.name if self.county_id else "默认"
        return f"{where} 资格条件（{self.effective_from:%Y-%m-%d} 起）"


@audited()
class ReserveCadre(models.Model):
    """后备干部: a person in a unit's talent pool."""

    class Status(models.TextChoices):
        ACTIVE = "active", "在库"
        PROPOSED = "proposed", "已提名为初步人选"
        REMOVED = "removed", "已出库"

    unit = models.ForeignKey("renewal.Unit", on_delete=models.CASCADE, related_name="reserves")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="reserve_entries")
    direction = models.CharField(
        "培养方向",
        max_length=100,
        blank=True,
        help_text="如：村党组织书记、村委会主任、致富带头人。",
    )
    note = models.CharField("说明", max_length=200, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    added_at = models.DateTimeField("入库时间", default=timezone.now)
    removed_reason = models.CharField("出库原因", max_length=300, blank=True)
    removed_at = models.DateTimeField("出库时间", null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "后备干部"
        verbose_name_plural = "后备干部库"
        ordering = ["-added_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "person"],
                name="reserve_once_per_unit",
                violation_error_message="此人已在本村(社区)后备干部库中。",
            )
        ]

    def __str__(self):
        return f"{self.person.name}（{self.unit.name}后备干部）"


# The candidate list's sort keys, copied onto each candidacy so that each of its orders is one
# index (candidates/selectors.py CANDIDACY_ORDER): the person's name and date of birth and the
# unit's code. The database keeps the copies: a candidacy's own are set on every insert (COPY
# and bulk inserts included) and whenever its person, its unit or a copy changes (a save of a
# row read before a rename writes the old name back, and gets the new one); a person's rename
# or new date of birth, or a unit's new code, is copied onto its candidacies. The copies are
# left out of the candidacy's history: they change with the person's or unit's, whose own
# history records it.
SORT_KEYS = ("sort_name", "sort_birth_date", "sort_unit_code")
_SET_SORT_KEYS = """
    SELECT p.name, p.birth_date INTO NEW.sort_name, NEW.sort_birth_date
        FROM renewal_person p WHERE p.id = NEW.person_id;
    SELECT u.code INTO NEW.sort_unit_code FROM renewal_unit u WHERE u.id = NEW.unit_id;
    RETURN NEW;
"""


@audited(exclude=list(SORT_KEYS))
class Candidacy(models.Model):
    """A person standing for a post of a unit in a round."""

    class Status(models.TextChoices):
        PRELIMINARY = "preliminary", "初步人选"
        INSPECTED = "inspected", "已考察"
        VETTED = "vetted", "已通过联审"
        TOWNSHIP_APPROVED = "township_approved", "乡镇(街道)已审核"
        COUNTY_FILED = "county_filed", "县级已备案"
        FORMAL = "formal", "正式候选人"
        WITHDRAWN = "withdrawn", "已退出"
        DISQUALIFIED = "disqualified", "已取消资格"

    CLOSED = {Status.WITHDRAWN, Status.DISQUALIFIED}
    TRANSITIONS = {
        Status.PRELIMINARY: {Status.INSPECTED},
        Status.INSPECTED: {Status.VETTED},
        Status.VETTED: {Status.TOWNSHIP_APPROVED},
        Status.TOWNSHIP_APPROVED: {Status.COUNTY_FILED, Status.FORMAL},
        Status.COUNTY_FILED: {Status.FORMAL},
        Status.FORMAL: set(),
        Status.WITHDRAWN: {Status.PRELIMINARY},
        Status.DISQUALIFIED: {Status.PRELIMINARY},
    }

    class Outcome(models.TextChoices):
        ELECTED = "elected", "当选"
        NOT_ELECTED = "not_elected", "未当选"

    class Inspection(models.TextChoices):
        PENDING = "pending", "未考察"
        PASSED = "passed", "考察合格"
        FAILED = "failed", "考察不合格"

    round = models.ForeignKey(
        "renewal.RenewalRound", on_delete=models.PROTECT, related_name="candidacies"
    )
    unit = models.ForeignKey("renewal.Unit", on_delete=models.PROTECT, related_name="candidacies")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="candidacies")
    body = models.CharField("班子", max_length=12, choices=COMMITTEE_CHOICES)
    post = models.CharField("拟任职务", max_length=20, choices=Post.choices)
    is_continuing = models.BooleanField("继任", default=False)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.PRELIMINARY
    )
    status_reason = models.CharField("退出/取消/重新启用原因", max_length=300, blank=True)
    # Learned from the election once its result is approved; emptied if it is reopened.
    outcome = models.CharField("选举结果", max_length=12, choices=Outcome.choices, blank=True)
    inspection = models.CharField(
        "考察结果", max_length=10, choices=Inspection.choices, default=Inspection.PENDING
    )
    appraisal_score = models.DecimalField(
        "群众测评得分",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    inspected_on = models.DateField("考察日期", null=True, blank=True)
    notes = models.TextField("备注", blank=True)
    reserve = models.ForeignKey(
        ReserveCadre, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", default=timezone.now)
    township_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    township_approved_at = models.DateTimeField(null=True, blank=True)
    minister_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    minister_signed_at = models.DateTimeField("组织部长签字时间", null=True, blank=True)
    secretary_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    secretary_signed_at = models.DateTimeField("区委书记签字时间", null=True, blank=True)
    # Copies of the sort keys, kept by the triggers below (see SORT_KEYS).
    sort_name = models.CharField(max_length=40, blank=True, editable=False)
    sort_birth_date = models.DateField(null=True, blank=True, editable=False)
    sort_unit_code = models.CharField(max_length=12, blank=True, editable=False)

    class Meta:
        verbose_name = "候选人"
        verbose_name_plural = "候选人"
        ordering = ["sort_unit_code", "body", "post", "id"]
        # The candidate list page by page (renewal/kit/paging.py), one index for each of its
        # orders over the whole province (candidates/selectors.py CANDIDACY_ORDER).
        indexes = [
            models.Index(fields=["round", "unit", "status"]),
            models.Index(
                fields=["sort_unit_code", "body", "post", "id"],
                name="candidacy_unit_order",
            ),
            models.Index(
                fields=["sort_name", "sort_unit_code", "id"],
                name="candidacy_name_order",
            ),
            models.Index(fields=["sort_birth_date", "id"], name="candidacy_birth_order"),
            models.Index(
                fields=["status", "sort_unit_code", "id"],
                name="candidacy_status_order",
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="sort_keys_insert",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert,
                func=_SET_SORT_KEYS,
            ),
            pgtrigger.Trigger(
                name="sort_keys_update",
                when=pgtrigger.Before,
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange("person", "unit", *SORT_KEYS),
                func=_SET_SORT_KEYS,
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit", "person", "post"],
                condition=~models.Q(status__in=["withdrawn", "disqualified"]),
                name="candidacy_once_per_post",
                violation_error_message="此人已是该村(社区)这一职务的人选。",
            )
        ]

    def __str__(self):
        return f"{self.person.name}（{self.unit.name}·{self.get_post_display()}）"

    @property
    def is_secretary(self):
        return self.post == Post.SECRETARY

    @property
    def is_closed(self):
        return self.status in self.CLOSED

    @property
    def is_fixed(self):
        """On the approved formal list: the post, 继任/新任 and the recommendation votes stay
        as approved; the person's own record (phone, tags, current posts) may still be kept."""
        return self.status == self.Status.FORMAL

    # A villagers' committee candidate is made formal by the election committee's list, from
    # wherever vetting has got to (the law fixes that list by the voters' nominations).
    FORMAL_BY_ELECTION_FROM = {
        Status.PRELIMINARY,
        Status.INSPECTED,
        Status.VETTED,
        Status.TOWNSHIP_APPROVED,
        Status.COUNTY_FILED,
    }

    def set_formal_by_election(self) -> None:
        if self.body != Body.VILLAGERS or self.status not in self.FORMAL_BY_ELECTION_FROM:
            raise DomainError(
                f"{self.person.name}当前为“{self.get_status_display()}”，"
                "不能由选举委员会确定为正式候选人。"
            )
        self.status = self.Status.FORMAL

    def set_status(self, new_status: str) -> None:
        """Forward one step; withdraw or disqualify from any open state; reopen a closed one."""
        allowed = set(self.TRANSITIONS[self.status])
        if not self.is_closed:
            allowed |= self.CLOSED
        if new_status not in allowed:
            raise DomainError(
                f"{self.person.name}当前为“{self.get_status_display()}”，"
                f"不能改为“{self.Status(new_status).label}”。"
            )
        self.status = new_status


class CandidacyLog(models.Model):
    """Every transition of a candidacy, with who, when and why (the candidate page's history)."""

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="log")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    action = models.CharField("操作", max_length=40)
    reason = models.CharField("说明", max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    @property
    def to_label(self):
        return Candidacy.Status(self.to_status).label


class PersonSortKeys(Person):
    """A person's name and date of birth copied onto their candidacies (see SORT_KEYS)."""

    class Meta:
        proxy = True
        triggers = [
            pgtrigger.Trigger(
                name="candidacy_sort_keys",
                when=pgtrigger.After,
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange("name", "birth_date"),
                func="""
                    UPDATE candidates_candidacy
                        SET sort_name = NEW.name, sort_birth_date = NEW.birth_date
                        WHERE person_id = NEW.id;
                    RETURN NULL;
                """,
            )
        ]


class UnitSortKeys(Unit):
    """A unit's code copied onto its candidacies (see SORT_KEYS)."""

    class Meta:
        proxy = True
        triggers = [
            pgtrigger.Trigger(
                name="candidacy_sort_keys",
                when=pgtrigger.After,
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange("code"),
                func="""
                    UPDATE candidates_candidacy SET sort_unit_code = NEW.code
                        WHERE unit_id = NEW.id;
                    RETURN NULL;
                """,
            )
        ]


@audited()
class Recommendation(models.Model):
    class Source(models.TextChoices):
        PARTY_MEMBERS = "party_members", "党员推荐"
        MASSES = "masses", "群众推荐"
        HIGHER = "higher", "上级党组织推荐"

    candidacy = models.ForeignKey(
        Candidacy, on_delete=models.CASCADE, related_name="recommendations"
    )
    source = models.CharField("推荐方式", max_length=16, choices=Source.choices)
    votes = models.PositiveIntegerField("推荐票数", validators=[MaxValueValidator(100_000)])

    class Meta:
        verbose_name = "推荐"
        verbose_name_plural = "推荐"
        constraints = [
            models.UniqueConstraint(
                fields=["candidacy", "source"],
                name="recommendation_once_per_source",
                violation_error_message="同一推荐方式只能登记一次。",
            )
        ]


class VettingBatch(models.Model):
    """A township sends preliminary candidates to departments for joint vetting."""

    round = models.ForeignKey("renewal.RenewalRound", on_delete=models.PROTECT)
    township = models.ForeignKey("renewal.Region", on_delete=models.PROTECT)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    sent_at = models.DateTimeField(default=timezone.now)
    due_date = models.DateField("答复时限")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "联审批次"
        verbose_name_plural = "联审批次"
        ordering = ["-sent_at"]


def vetting_upload_path(instance, filename):
    return f"vetting/{instance.batch_id}/{instance.pk or 'new'}-{filename}"


@audited()
class VettingRequest(models.Model):
    """One department's answer about one candidacy."""

    class Status(models.TextChoices):
        PENDING = "pending", "待答复"
        PASSED = "passed", "无问题"
        FAILED = "failed", "有问题"

    batch = models.ForeignKey(VettingBatch, on_delete=models.CASCADE, related_name="requests")
    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="vetting")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="vetting")
    status = models.CharField(
        "结论", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    items = models.ManyToManyField(NegativeListItem, verbose_name="涉及负面清单条目", blank=True)
    document_number = models.CharField("文号", max_length=60, blank=True)
    comment = models.CharField("意见", max_length=500, blank=True)
    attachment = models.FileField("附件", upload_to=vetting_upload_path, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    caution_reason = models.CharField("乡镇书面说明（须说明条目）", max_length=500, blank=True)
    overturn_reason = models.CharField("县委组织部否决理由", max_length=500, blank=True)
    overturned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overturned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "联审请求"
        verbose_name_plural = "联审请求"
        ordering = ["batch__due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "candidacy", "department"],
                name="vetting_once_per_batch",
                violation_error_message="该人选已发送给这个部门。",
            )
        ]


class ImportJob(uploads.ImportJob):
    """An xlsx of preliminary candidates (the rows: candidates.imports)."""

    class Meta(uploads.ImportJob.Meta):
        verbose_name = "人选导入"
        verbose_name_plural = "人选导入"


class ReserveImportJob(uploads.ImportJob):
    """An xlsx of reserve cadres for the townships' talent pools (the rows: candidates.reserves)."""

    class Meta(uploads.ImportJob.Meta):
        verbose_name = "后备干部导入"
        verbose_name_plural = "后备干部导入"
