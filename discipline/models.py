"""Discipline (正风肃纪): prohibition catalogues, reports and cases, the protected reporter
identity, informants, pledges, talks and the disciplined-cadres ledger.

The reporter's identity lives in ReporterIdentity, encrypted under a key of its own
(DISCIPLINE_ENCRYPTION_KEYS) and deliberately not tracked by pghistory, so it never
reaches an audit-history table. Reading it needs a per-case django-guardian grant
("view_reporter_identity" on the Report) and writes an IdentityRead row.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from discipline.intake.crypto import receipt_digest
from renewal.kit import uploads
from renewal.models import DigestField, DomainError, EncryptedTextField, audited

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))


def unknown_receipt_hash() -> str:
    """For a report made without the intake service: a code that nobody is ever shown."""
    return receipt_digest(new_receipt_code())


class ProhibitionCatalogue(models.Model):
    """十二严禁, 十严禁, 十不准, 六不准 …: data an admin edits; a county may add its own."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=40)
    version = models.CharField("版本", max_length=20, default="2021")
    source = models.CharField("依据", max_length=200)
    county = models.ForeignKey(
        "renewal.Region",
        verbose_name="所属区县",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"kind": "county"},
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "纪律清单"
        verbose_name_plural = "纪律清单"
        ordering = ["id"]

    def __str__(self):
        return self.name


class ProhibitionItem(models.Model):
    catalogue = models.ForeignKey(
        ProhibitionCatalogue, on_delete=models.CASCADE, related_name="items"
    )
    number = models.PositiveSmallIntegerField("序号")
    text = models.CharField("内容", max_length=300)

    class Meta:
        verbose_name = "纪律清单条目"
        verbose_name_plural = "纪律清单条目"
        ordering = ["catalogue_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "number"],
                name="prohibition_item_number_unique",
                violation_error_message="同一清单中序号不能重复。",
            )
        ]

    def __str__(self):
        return f"{self.catalogue.name}第{self.number}条：{self.text}"


@audited(exclude=["receipt_hash"])
class Report(models.Model):
    """A report (举报) and the case it becomes."""

    class Channel(models.TextChoices):
        PHONE = "phone", "电话"
        LETTER = "letter", "信函"
        VISIT = "visit", "来访"
        WEB = "web", "网络（公开举报页）"
        INFORMANT = "informant", "民情直报员"

    class Status(models.TextChoices):
        RECEIVED = "received", "已受理"
        ASSIGNED = "assigned", "已交办核查组"
        CHECKED = "checked", "已核查"
        CONCLUDED = "concluded", "已办结"
        NOTIFIED = "notified", "已通报"

    TRANSITIONS = {
        Status.RECEIVED: {Status.ASSIGNED},
        Status.ASSIGNED: {Status.CHECKED},
        Status.CHECKED: {Status.CONCLUDED},
        Status.CONCLUDED: {Status.NOTIFIED},
        Status.NOTIFIED: set(),
    }
    # What the reporter sees with the receipt code: never the investigation's contents.
    PUBLIC_STATUS = {
        Status.RECEIVED: "已受理，等待交办",
        Status.ASSIGNED: "核查中",
        Status.CHECKED: "核查中",
        Status.CONCLUDED: "已办结",
        Status.NOTIFIED: "已办结",
    }

    # The reporter's receipt code is shown once, at submission; only its keyed hash is kept
    # (discipline.intake.crypto.receipt_digest), so no reader of the database can look a
    # report up, or tell a reporter's code from the report.
    receipt_hash = DigestField(
        max_length=64, unique=True, default=unknown_receipt_hash, editable=False
    )
    channel = models.CharField("来源", max_length=12, choices=Channel.choices)
    county = models.ForeignKey(
        "renewal.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区县"
    )
    township = models.ForeignKey(
        "renewal.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="乡镇/街道",
    )
    units = models.ManyToManyField("renewal.Unit", blank=True, verbose_name="涉及村(社区)")
    candidacies = models.ManyToManyField(
        "candidates.Candidacy", blank=True, verbose_name="涉及候选人"
    )
    subject = models.CharField("被举报人或事项", max_length=100)
    content = models.TextField("举报内容")
    anonymous = models.BooleanField("匿名", default=False)
    received_at = models.DateTimeField("受理时间", default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "办理阶段", max_length=12, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    stage_due = models.DateField("本阶段时限", null=True, blank=True)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="discipline_cases",
        verbose_name="承办人员",
    )
    check_group = models.CharField("核查组", max_length=60, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    check_findings = models.TextField("核查情况", blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    substantiated = models.BooleanField("属实", null=True, blank=True)
    items = models.ManyToManyField(ProhibitionItem, blank=True, verbose_name="违反条目")
    action_taken = models.TextField("处理结果", blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    notified_on = models.DateField("通报日期", null=True, blank=True)
    notice_scope = models.CharField("通报范围", max_length=100, blank=True)

    class Meta:
        verbose_name = "举报"
        verbose_name_plural = "举报与案件"
        ordering = ["-received_at"]
        permissions = [("view_reporter_identity", "查看举报人身份")]

    def __str__(self):
        return f"举报 {self.number}"

    @property
    def number(self) -> str:
        """举报编号, what officers and staff refer to a report by (never the receipt code)."""
        return f"JB{self.pk:06d}" if self.pk else ""

    @property
    def public_status(self):
        return self.PUBLIC_STATUS[self.status]

    @property
    def needs_notice(self):
        """发现一起、查处一起、通报一起: a substantiated case is not finished until notified."""
        return self.substantiated is True and self.status != self.Status.NOTIFIED

    def set_status(self, new_status: str) -> None:
        if new_status not in self.TRANSITIONS[self.status]:
            raise DomainError(
                f"案件当前为“{self.get_status_display()}”，不能改为“{self.Status(new_status).label}”。"
            )
        if new_status == self.Status.NOTIFIED and self.substantiated is not True:
            raise DomainError("只有查实的案件需要通报。")
        self.status = new_status


class ReporterIdentity(models.Model):
    """Who reported: encrypted under the discipline key; never audited, listed or exported."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="identity")
    sealed = (
        models.TextField()
    )  # discipline-key token of a JSON object {name, phone, id_number, address}
    reporter_hash = DigestField(max_length=64, blank=True, db_index=True)


class IdentityRead(models.Model):
    """Every read of a reporter's identity: who and when."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="identity_reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]


def attachment_path(instance, filename):
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"discipline/{instance.report_id}/{secrets.token_hex(8)}.{suffix}"


class ReportAttachment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)


@audited(exclude=["phone"])
class Informant(models.Model):
    """民情直报员: at least one per villagers' group."""

    unit = models.ForeignKey("renewal.Unit", on_delete=models.CASCADE, related_name="informants")
    group_number = models.PositiveSmallIntegerField("所在村(居)民小组")
    name = models.CharField("姓名", max_length=40)
    # Informants face the same retaliation risk as reporters: encrypted, not audited.
    phone = EncryptedTextField("联系电话", blank=True)
    appointed_on = models.DateField("聘任日期", default=timezone.localdate)
    active = models.BooleanField("在任", default=True)

    class Meta:
        verbose_name = "民情直报员"
        verbose_name_plural = "民情直报员"
        ordering = ["unit_id", "group_number"]


@audited()
class Pledge(models.Model):
    """换届纪律承诺书: signed, or refused (a refusal disqualifies the candidacy)."""

    candidacy = models.OneToOneField(
        "candidates.Candidacy", on_delete=models.CASCADE, related_name="pledge"
    )
    signed_on = models.DateField("签订日期", null=True, blank=True)
    refused = models.BooleanField("拒签", default=False)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)


@audited()
class Talk(models.Model):
    """谈心谈话: before the election with members and candidates, after it with those not re-elected."""

    class Phase(models.TextChoices):
        BEFORE = "before", "换届前"
        AFTER = "after", "换届后（未连任人员）"

    unit = models.ForeignKey("renewal.Unit", on_delete=models.CASCADE, related_name="talks")
    # Talks count towards the round they were held in, not towards a later renewal.
    round = models.ForeignKey(
        "renewal.RenewalRound", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("renewal.Person", on_delete=models.PROTECT, related_name="talks")
    phase = models.CharField("阶段", max_length=8, choices=Phase.choices)
    held_on = models.DateField("谈话日期")
    talked_by = models.CharField("谈话人", max_length=40)
    summary = models.CharField("谈话要点", max_length=300, blank=True)

    class Meta:
        verbose_name = "谈心谈话"
        verbose_name_plural = "谈心谈话"
        ordering = ["-held_on"]


@audited(exclude=["id_number_hash"])
class DisciplinedCadre(models.Model):
    """A cadre disciplined since the last renewal (ledger imported from xlsx)."""

    name = models.CharField("姓名", max_length=40)
    id_number = EncryptedTextField("公民身份号码")
    id_number_hash = DigestField(max_length=64, db_index=True)
    workplace = models.CharField("单位及职务", max_length=100, blank=True)
    penalty = models.CharField("处分种类", max_length=60)
    decided_on = models.DateField("处分决定日期")
    authority = models.CharField("处分机关", max_length=60, blank=True)
    county = models.ForeignKey("renewal.Region", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "受处分干部台账"
        verbose_name_plural = "受处分干部台账"
        ordering = ["-decided_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "id_number_hash", "decided_on", "penalty"],
                name="ledger_entry_once",
                violation_error_message="台账中已有此人同一日期的同一处分。",
            )
        ]


class LedgerImportJob(uploads.ImportJob):
    """An xlsx of the county's disciplined cadres (the rows: discipline.ledger.services)."""

    county = models.ForeignKey("renewal.Region", on_delete=models.PROTECT, related_name="+")

    class Meta(uploads.ImportJob.Meta):
        verbose_name = "台账导入"
        verbose_name_plural = "台账导入"


class RateCounter(models.Model):
    """The public pages' rate-limit counters while the cache (Redis) is unreachable.

    One row per limiter key (scope and hashed client, never the address) and window;
    written with an upsert, purged once the window is over."""

    key = models.CharField(max_length=80)
    window_no = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_no"], name="rate_counter_once")
        ]
