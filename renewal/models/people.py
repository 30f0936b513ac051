"""People (one row per citizen ID number) and party members on a branch's roster."""

import datetime

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Greatest
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from renewal.kit import crypto
from renewal.kit.dates import age_on
from renewal.kit.idcard import mask_id_number, mask_phone
from renewal.models.base import DigestField, EncryptedTextField, audited
from renewal.models.regions import PartyBranch


class Education(models.TextChoices):
    """The education ladder used by the eligibility rules, in order."""

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
    id_number_hash = DigestField(max_length=64, unique=True, editable=False)
    phone = EncryptedTextField("联系电话", blank=True)
    phone_hash = DigestField(max_length=64, blank=True, db_index=True, editable=False)
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
        # The long lists sorted by name or date of birth (renewal/kit/paging.py).
        indexes = [
            models.Index(fields=["name", "id"], name="person_name_id"),
            models.Index(fields=["birth_date", "id"], name="person_birth_date_id"),
        ]

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
        return age_on(self.birth_date, day)

    @staticmethod
    def on_record(id_hashes) -> dict[str, tuple[int, str]]:
        """Who is on record under each ID-number blind index: (id, name), in one query."""
        return {
            digest: (pk, name)
            for digest, pk, name in Person.objects.filter(
                id_number_hash__in=list(id_hashes)
            ).values_list("id_number_hash", "id", "name")
        }

    @staticmethod
    def name_mismatch(recorded: str, given: str) -> str:
        """Why an ID number on record cannot be entered under another name: a person is
        never renamed by an entry; a wrong name is corrected on the person's own page."""
        return f"公民身份号码已登记在“{recorded}”名下，与填写的姓名“{given}”不一致，请核对。"


@audited()
class PartyMember(models.Model):
    """A member on a branch's roster.

    Entitlement follows the party status (党章): a 预备党员 has no vote and can be neither
    elected nor elect; a member under 留党察看 has none of these rights during the sanction;
    a member is on this branch's roster from joining the party (or from the transfer in, for
    one who came from another branch) until the transfer out; a 正式党员 whose 转正 date is
    known was probationary before it. ``entitled_on`` is the one place that says so (and
    ``entitled_q`` the same rule as a database filter); 应到会, candidates and scrutineers
    all ask it.
    """

    class Status(models.TextChoices):
        FULL = "full", "正式党员"
        PROBATIONARY = "probationary", "预备党员"

    branch = models.ForeignKey(PartyBranch, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    status = models.CharField("党员类别", max_length=16, choices=Status.choices)
    on_probation = models.BooleanField("留党察看期间", default=False)
    probation_until = models.DateField(
        "留党察看期满日期", null=True, blank=True, help_text="留党察看期间填写；期满后恢复权利。"
    )
    joined_on = models.DateField("入党时间")
    regularized_on = models.DateField("转正时间", null=True, blank=True)
    transferred_in_on = models.DateField(
        "组织关系转入日期",
        null=True,
        blank=True,
        help_text="从其他党组织转入的填写；转入前不计入本党组织名册。",
    )
    left_on = models.DateField(
        "组织关系转出日期", null=True, blank=True, help_text="转出后不再计入本党组织名册。"
    )

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
    def on_roster_from(self) -> datetime.date:
        """The first day on this branch's roster: the transfer in, else joining the party."""
        return max(self.joined_on, self.transferred_in_on or self.joined_on)

    def on_roster(self, day: datetime.date) -> bool:
        return self.on_roster_from <= day and (self.left_on is None or self.left_on > day)

    def full_on(self, day: datetime.date) -> bool:
        """A full member on ``day``: 正式党员, and already regularised then if the date is known."""
        return self.status == self.Status.FULL and (
            self.regularized_on is None or self.regularized_on <= day
        )

    def sanctioned_on(self, day: datetime.date) -> bool:
        return self.on_probation and (self.probation_until is None or day <= self.probation_until)

    def entitled_on(self, day: datetime.date) -> bool:
        """Has the vote, and may elect and be elected, on ``day``."""
        return self.on_roster(day) and self.full_on(day) and not self.sanctioned_on(day)

    # The rules above as database filters, for counting 应到会 in one query. They filter
    # PartyMember itself: through a many-valued relation Django would turn the negation
    # into "no member of the branch is sanctioned". A table-driven test holds the two
    # forms together.

    @staticmethod
    def on_roster_q(day: datetime.date) -> models.Q:
        # PostgreSQL's GREATEST skips NULLs: the transfer in when there is one.
        roster_from = Greatest("joined_on", "transferred_in_on")
        return models.Q(LessThanOrEqual(roster_from, models.Value(day, models.DateField()))) & (
            models.Q(left_on__isnull=True) | models.Q(left_on__gt=day)
        )

    @staticmethod
    def sanctioned_q(day: datetime.date) -> models.Q:
        return models.Q(on_probation=True) & (
            models.Q(probation_until__isnull=True) | models.Q(probation_until__gte=day)
        )

    @classmethod
    def entitled_q(cls, day: datetime.date) -> models.Q:
        full = models.Q(status=cls.Status.FULL) & (
            models.Q(regularized_on__isnull=True) | models.Q(regularized_on__lte=day)
        )
        return cls.on_roster_q(day) & full & ~cls.sanctioned_q(day)

    def entitlement(self, day: datetime.date) -> str:
        """Why the member has the rights on ``day`` or not, in the roster's words."""
        if self.left_on is not None and self.left_on <= day:
            return f"组织关系已于 {self.left_on:%Y-%m-%d} 转出，不在本党组织名册中"
        if self.joined_on > day:
            return f"{self.joined_on:%Y-%m-%d} 入党，当日尚未入党"
        if self.on_roster_from > day:
            return f"组织关系 {self.transferred_in_on:%Y-%m-%d} 转入，当日尚未转入本党组织"
        if self.status == self.Status.PROBATIONARY:
            return "预备党员，没有表决权、选举权和被选举权"
        if not self.full_on(day):
            return (
                f"{self.regularized_on:%Y-%m-%d} 转正，当日为预备党员，没有表决权、选举权和被选举权"
            )
        if self.sanctioned_on(day):
            until = f"（至 {self.probation_until:%Y-%m-%d}）" if self.probation_until else ""
            return f"留党察看期间{until}，没有表决权、选举权和被选举权"
        return "正式党员，有表决权、选举权和被选举权"

    @property
    def can_vote(self):
        return self.entitled_on(timezone.localdate())
