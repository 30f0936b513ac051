"""Intake: reports received by staff or through the public page, the reporter's sealed
identity and its logged reads, and the registry of informants (民情直报员).

The reporter's identity goes into ReporterIdentity only, sealed under the discipline
key. It is never copied into a Report field, a log line, a message or an e-mail; the
functions that hold it in a local variable are marked ``sensitive_variables`` so that
Django's error reports leave it out.
"""

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from candidates.services import normalize_phone
from discipline import access
from discipline.cases.services import received_due
from discipline.intake import crypto
from discipline.models import (
    IdentityRead,
    Informant,
    Report,
    ReportAttachment,
    ReporterIdentity,
    new_receipt_code,
)
from renewal.kit.idcard import IdNumberError, parse_id_number
from renewal.kit.uploads import attachments_check
from renewal.models import AccessLog, DomainError, Region, Unit

logger = logging.getLogger(__name__)

MAX_ATTACHMENTS = 3
# Checked on the file's first bytes, never on its name or the browser's content type.
IDENTITY_FIELDS = ("name", "phone", "id_number", "address")


# --- The reporter's identity -------------------------------------------------------------------


@sensitive_variables("name", "phone", "id_number", "address", "identity")
def identity_clean(*, name="", phone="", id_number="", address="") -> dict:
    """A normalised identity; ValidationError keyed by field. Empty fields are dropped."""
    identity, errors = {}, {}
    name, address = (name or "").strip(), (address or "").strip()
    if name:
        identity["name"] = name
    if address:
        identity["address"] = address
    try:
        if phone and phone.strip():
            identity["phone"] = normalize_phone(phone)
    except DomainError:
        errors["phone"] = "联系电话无法识别，请填写手机号或带区号的固定电话。"
    try:
        if id_number and id_number.strip():
            identity["id_number"] = parse_id_number(id_number).number
    except IdNumberError as exc:
        errors["id_number"] = str(exc)
    if errors:
        raise ValidationError(errors)
    if identity and not (identity.get("name") and (identity.get("phone") or address)):
        raise ValidationError(
            {"name": "实名举报请填写姓名，以及联系电话或住址中的至少一项；不愿留名请选择匿名举报。"}
        )
    return identity


# --- Reports ---------------------------------------------------------------------------------------


def _place_check(county, township, units):
    if county is None or county.kind != Region.Kind.COUNTY:
        raise DomainError("请选择区县。")
    if township is not None and township.parent_id != county.pk:
        raise DomainError(f"“{township.name}”不属于{county.name}。")
    for unit in units:
        if unit.county_id != county.pk:
            raise DomainError(f"“{unit.name}”不属于{county.name}。")
        if township is not None and unit.township_id != township.pk:
            raise DomainError(f"“{unit.name}”不属于{township.name}。")
    if township is None:
        townships = {u.township_id for u in units}
        if len(townships) == 1:
            township = Region.objects.get(pk=townships.pop())
    return township


@sensitive_variables("identity")
def report_record(
    *,
    channel: str,
    county: Region,
    subject: str,
    content: str,
    anonymous: bool,
    identity: dict | None = None,
    township: Region | None = None,
    units: Iterable[Unit] = (),
    attachments: Iterable = (),
    received_by=None,
) -> Report:
    """Record a report received by staff (phone, letter, visit, informant) or on the web.

    Validates everything, attachments included, before the first write, so a refused
    report leaves nothing behind.
    """
    if channel not in Report.Channel.values:
        raise DomainError("请选择举报来源。")
    if (channel == Report.Channel.WEB) != (received_by is None):
        raise DomainError("网络举报只能通过公开举报页提交。")
    subject, content = (subject or "").strip(), (content or "").strip()
    if not subject or not content:
        raise DomainError("请填写被举报人或事项，以及举报内容。")
    identity = {k: v for k, v in (identity or {}).items() if k in IDENTITY_FIELDS and v}
    if anonymous and identity:
        raise DomainError("匿名举报不能同时填写身份信息；请清空身份信息，或取消“匿名”。")
    if identity:
        try:
            identity = identity_clean(**identity)
        except ValidationError as exc:
            raise DomainError(next(iter(exc.messages))) from None
    if not anonymous and not identity:
        raise DomainError("实名举报请填写举报人身份信息；不愿留名请选择匿名举报。")
    units = list(units)
    township = _place_check(county, township, units)
    checked = attachments_check(attachments, max_count=MAX_ATTACHMENTS)

    code = new_receipt_code()
    saved = []
    try:
        with transaction.atomic():
            received_at = timezone.now()
            report = Report.objects.create(
                receipt_hash=crypto.receipt_digest(code),
                channel=channel,
                county=county,
                township=township,
                subject=subject,
                content=content,
                anonymous=anonymous,
                received_by=received_by,
                received_at=received_at,
                stage_due=received_due(received_at),
            )
            if units:
                report.units.set(units)
            if identity:
                ReporterIdentity.objects.create(
                    report=report,
                    sealed=crypto.seal(identity),
                    reporter_hash=crypto.reporter_hash(identity),
                )
            for number, (upload, kind) in enumerate(checked, start=1):
                attachment = ReportAttachment(
                    report=report, original_name=f"附件{number}.{kind}", size=upload.size
                )
                # The stored name comes from the sniffed type: the reporter's file name
                # may identify them and its suffix proves nothing. The content (metadata
                # already stripped) is stored encrypted under the discipline key.
                sealed = ContentFile(crypto.seal_bytes(upload.read()))
                attachment.file.save(f"attachment.{kind}.sealed", sealed, save=False)
                saved.append(attachment.file)
                attachment.save()
    except BaseException:
        for file in saved:
            file.delete(save=False)
        raise
    logger.info("discipline report %s recorded (channel %s)", report.pk, channel)
    # Shown to the reporter once, from this instance; only its hash is stored.
    report.receipt_code = code
    return report


def receipt_normalize(raw: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", raw or "").upper()


def receipt_display(code: str) -> str:
    """ABCD-EFGH-JKLM: easier to copy down by hand than twelve letters in a row."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def report_status_lookup(*, code: str) -> Report | None:
    code = receipt_normalize(code)
    if not code or len(code) > 16:
        return None
    digest = crypto.receipt_digest(code)
    return Report.objects.filter(receipt_hash=digest).only("status", "received_at").first()


@sensitive_variables("identity")
def report_identity_read(*, user, report: Report) -> dict | None:
    """The unsealed identity for an assigned, granted officer; every read is logged.

    Returns None for an anonymous report (nothing read, nothing logged).
    """
    if not access.can_read_identity(user, report):
        raise PermissionDenied("只有承办本案并经授权的纪检监察人员可以查看举报人身份。")
    sealed = ReporterIdentity.objects.filter(report=report).first()
    if sealed is None:
        return None
    with transaction.atomic():
        IdentityRead.objects.create(report=report, user=user)
        AccessLog.objects.create(
            user=user,
            action=AccessLog.Action.UNMASK,
            target=f"举报 #{report.pk} 的举报人身份",
            detail={"report": report.pk, "fields": ["reporter_identity"]},
        )
    identity = crypto.unseal(sealed.sealed)
    return {k: identity.get(k, "") for k in IDENTITY_FIELDS}


def report_attachment_read(*, user, report: Report, pk) -> tuple[ReportAttachment, bytes]:
    """An attachment's content, decrypted, for an officer assigned to the case; anyone else
    gets a 404 (the download itself is logged by renewal.kit.download_log)."""
    if not access.is_assigned_officer(user, report):
        raise Http404
    attachment = ReportAttachment.objects.filter(report=report, pk=pk).first()
    if attachment is None:
        raise Http404
    with attachment.file.open("rb") as stored:
        data = crypto.unseal_bytes(stored.read())
    return attachment, data


# --- Scope (discipline officers: their county's units and informants) --------------------------


def place_choices(county: Region) -> list:
    """Township · unit options grouped by township, for a plain <select> (no JavaScript).

    Values are "t<id>" for a township as a whole and "u<id>" for one unit.
    """
    groups = {}
    for township in county.children.order_by("code"):
        groups[township.pk] = (
            township.name,
            [(f"t{township.pk}", f"{township.name}（不确定具体村、社区）")],
        )
    for unit in Unit.objects.filter(county=county).order_by("township__code", "code"):
        if unit.township_id in groups:
            name = groups[unit.township_id][0]
            groups[unit.township_id][1].append((f"u{unit.pk}", f"{name} · {unit.name}"))
    return [("", "不确定 / 不便说明")] + [(name, options) for name, options in groups.values()]


def place_resolve(county: Region, value: str) -> tuple[Region | None, list[Unit]]:
    """The township and units named by a place_choices value (within the county)."""
    if not value:
        return None, []
    kind, pk = value[:1], value[1:]
    if not pk.isdecimal():
        raise DomainError("请从列表中选择乡镇(街道)或村(社区)。")
    if kind == "t":
        township = county.children.filter(pk=pk).first()
        if township is None:
            raise DomainError("请从列表中选择乡镇(街道)或村(社区)。")
        return township, []
    unit = Unit.objects.filter(county=county, pk=pk).select_related("township").first()
    if kind != "u" or unit is None:
        raise DomainError("请从列表中选择乡镇(街道)或村(社区)。")
    return unit.township, [unit]


# --- Informants (民情直报员) -------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    groups: int
    covered: int
    missing: tuple[int, ...]

    @property
    def complete(self) -> bool:
        return self.groups > 0 and not self.missing


def coverage(groups: int, informant_groups: Iterable[int]) -> Coverage:
    """Which villagers' groups (1..groups) have at least one informant."""
    have = {g for g in informant_groups if 1 <= g <= groups}
    missing = tuple(g for g in range(1, groups + 1) if g not in have)
    return Coverage(groups=groups, covered=len(have), missing=missing)


def informant_coverage(units) -> list[tuple[Unit, Coverage, int]]:
    """(unit, coverage, active informants) per unit, in two queries."""
    units = list(units.select_related("township").order_by("township__code", "code"))
    rows = (
        Informant.objects.filter(unit__in=units, active=True)
        .values("unit_id", "group_number")
        .annotate(n=Count("id"))
    )
    by_unit: dict[int, list[tuple[int, int]]] = {}
    for row in rows:
        by_unit.setdefault(row["unit_id"], []).append((row["group_number"], row["n"]))
    result = []
    for unit in units:
        pairs = by_unit.get(unit.pk, [])
        result.append(
            (unit, coverage(unit.groups, [g for g, _ in pairs]), sum(n for _, n in pairs))
        )
    return result


def informant_add(*, unit: Unit, group_number: int, name: str, phone: str = "") -> Informant:
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写民情直报员姓名。")
    if unit.groups <= 0:
        raise DomainError(f"{unit.name}尚未登记{unit.group_label}数，请先在村(社区)信息中填写。")
    if not 1 <= group_number <= unit.groups:
        raise DomainError(
            f"{unit.name}共有 {unit.groups} 个{unit.group_label}，请填写 1 至 {unit.groups}。"
        )
    phone = normalize_phone(phone)
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=unit.pk).first()
        duplicate = Informant.objects.filter(
            unit=unit, group_number=group_number, active=True, name=name
        ).exists()
        if duplicate:
            raise DomainError(f"{name}已是第 {group_number} {unit.group_label}的在任民情直报员。")
        return Informant.objects.create(
            unit=unit, group_number=group_number, name=name, phone=phone
        )


def informant_deactivate(*, informant: Informant) -> Informant:
    with transaction.atomic():
        informant = Informant.objects.select_for_update().get(pk=informant.pk)
        if not informant.active:
            raise DomainError(f"{informant.name}已不在任。")
        informant.active = False
        informant.save(update_fields=["active"])
    return informant
