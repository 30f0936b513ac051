"""Exit audits (离任审计): findings by the county's categories and the rectification ledger.

A finding is open until it has at least one rectification and all of them are done; an
open finding that names a person flags that person in candidate vetting (see
``audit_flags``, registered in RenewalConfig.ready()).
"""

import datetime
import secrets
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from candidates.flags import Flag
from candidates.services import vetting_recheck_people
from renewal.kit.uploads import attachments_check
from renewal.models import (
    AuditCategory,
    AuditFinding,
    DomainError,
    ExitAudit,
    Person,
    Rectification,
    RenewalRound,
    Unit,
)

MAX_AMOUNT = Decimal("999999999999.99")


def open_findings_q(prefix: str = "") -> Q:
    """Findings with no rectification yet, or with one that is not done."""
    unfinished = Rectification.objects.filter(
        finding_id=OuterRef(f"{prefix}pk"), status__in=["open", "in_progress"]
    )
    any_line = Rectification.objects.filter(finding_id=OuterRef(f"{prefix}pk"))
    return Q(Exists(unfinished)) | ~Q(Exists(any_line))


def is_overdue(status: str, due_on: datetime.date, today: datetime.date) -> bool:
    return status != Rectification.Status.DONE and due_on < today


def _text(value, label: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"请填写{label}。")
    if len(value) > limit:
        raise DomainError(f"{label}不能超过 {limit} 个字。")
    return value


def _not_future(day, label: str) -> datetime.date:
    if day is None:
        raise DomainError(f"请填写{label}。")
    if day > timezone.localdate():
        raise DomainError(f"{label}不能晚于今天。")
    return day


def parse_amount(raw) -> Decimal | None:
    """Yuan with at most two decimals; blank means no amount."""
    if raw in (None, ""):
        return None
    try:
        amount = Decimal(str(raw).replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        raise DomainError("涉及金额请填写数字（单位：元），例如 12500.50。") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise DomainError("涉及金额应为不小于 0 的数字。")
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError("涉及金额最多保留两位小数（分）。")
    return amount.quantize(Decimal("0.01"))


def person_choices(unit: Unit):
    """People an audit of the unit can name: its committees' members and its candidates."""
    return (
        Person.objects.filter(Q(term_seats__term__unit=unit) | Q(candidacies__unit=unit))
        .distinct()
        .order_by("name", "id")
    )


@transaction.atomic
def audit_record(
    *,
    actor,
    unit: Unit,
    round_: RenewalRound,
    auditor: str,
    period: str,
    audited_on: datetime.date,
    summary: str = "",
) -> ExitAudit:
    """Create the unit's exit audit of the round, or correct its header."""
    if round_.county_id != unit.county_id:
        raise DomainError("换届轮次与村(社区)不属于同一区县。")
    fields = {
        "auditor": _text(auditor, "审计组", 60),
        "period": _text(period, "审计期间", 40),
        "audited_on": _not_future(audited_on, "审计日期"),
        "summary": _text(summary, "审计结论", 2000, required=False),
    }
    audit = ExitAudit.objects.select_for_update().filter(round=round_, unit=unit).first()
    if audit is None:
        return ExitAudit.objects.create(round=round_, unit=unit, created_by=actor, **fields)
    for name, value in fields.items():
        setattr(audit, name, value)
    audit.save(update_fields=list(fields))
    return audit


def _finding_fields(audit, category, description, amount, person) -> dict:
    if category is None or not category.is_active:
        raise DomainError("请选择启用中的问题类别。")
    if category.county_id not in (None, audit.unit.county_id):
        raise DomainError("该问题类别不属于本县的清单。")
    if person is not None and not person_choices(audit.unit).filter(pk=person.pk).exists():
        raise DomainError(f"{person.name}不是{audit.unit.name}的班子成员或人选。")
    return {
        "category": category,
        "description": _text(description, "问题描述", 2000),
        "amount": parse_amount(amount),
        "person": person,
    }


@transaction.atomic
def finding_add(
    *,
    audit: ExitAudit,
    category: AuditCategory,
    description: str,
    amount=None,
    person: Person | None = None,
) -> AuditFinding:
    fields = _finding_fields(audit, category, description, amount, person)
    return AuditFinding.objects.create(audit=audit, **fields)


@transaction.atomic
def finding_update(
    *,
    finding: AuditFinding,
    category: AuditCategory,
    description: str,
    amount=None,
    person: Person | None = None,
    actor=None,
) -> AuditFinding:
    """Correct a finding (its category, text, amount or the person it names)."""
    finding = (
        AuditFinding.objects.select_for_update().select_related("audit__unit").get(pk=finding.pk)
    )
    named_before = finding.person
    fields = _finding_fields(finding.audit, category, description, amount, person)
    for name, value in fields.items():
        setattr(finding, name, value)
    finding.save(update_fields=list(fields))
    if named_before and named_before != finding.person:  # no longer named: no longer held
        vetting_recheck_people(actor=actor, people=[named_before])
    return finding


@transaction.atomic
def rectification_add(
    *, finding: AuditFinding, measure: str, responsible: str, due_on: datetime.date
) -> Rectification:
    if due_on is None:
        raise DomainError("请填写整改时限。")
    if due_on < finding.audit.audited_on:
        raise DomainError("整改时限不能早于审计日期。")
    return Rectification.objects.create(
        finding=finding,
        measure=_text(measure, "整改措施", 300),
        responsible=_text(responsible, "责任人", 40),
        due_on=due_on,
    )


def rectification_update(
    *,
    rectification: Rectification,
    status: str,
    evidence: str = "",
    closed_on: datetime.date | None = None,
    attachment=None,
    due_on: datetime.date | None = None,
    actor=None,
) -> Rectification:
    """Move a ledger line on: in progress, done (with evidence and a date), or reopened.

    The last line of a finding done, the person it names may pass vetting if nothing else
    holds them (``actor`` is recorded in their candidacy's history)."""
    if status not in Rectification.Status.values:
        raise DomainError("请选择整改状态。")
    evidence = _text(evidence, "整改佐证", 2000, required=False)
    try:
        checked = attachments_check([attachment] if attachment else [])
    except ValidationError as exc:
        raise DomainError(exc.messages[0]) from None
    saved = None
    try:
        with transaction.atomic():
            line = Rectification.objects.select_for_update().get(pk=rectification.pk)
            line.set_status(status)
            if due_on is not None:
                if due_on < line.finding.audit.audited_on:
                    raise DomainError("整改时限不能早于审计日期。")
                line.due_on = due_on
            line.evidence = evidence
            if checked:
                upload, kind = checked[0]
                if line.attachment:
                    line.attachment.delete(save=False)
                line.attachment.save(f"{secrets.token_hex(8)}.{kind}", upload, save=False)
                saved = line.attachment
                line.attachment_name = f"整改佐证.{kind}"
            if status == Rectification.Status.DONE:
                if not (line.evidence or line.attachment):
                    raise DomainError("标为“已整改”须填写整改佐证或上传佐证附件。")
                line.closed_on = _not_future(closed_on or timezone.localdate(), "完成日期")
                if line.closed_on < line.finding.audit.audited_on:
                    raise DomainError("完成日期不能早于审计日期。")
            else:
                line.closed_on = None
            line.save(
                update_fields=[
                    "status",
                    "due_on",
                    "evidence",
                    "attachment",
                    "attachment_name",
                    "closed_on",
                    "updated_at",
                ]
            )
    except BaseException:
        if saved:
            saved.delete(save=False)
        raise
    if status == Rectification.Status.DONE and line.finding.person_id:
        vetting_recheck_people(actor=actor, people=[line.finding.person])
    return line


def open_findings_naming(person: Person):
    return (
        AuditFinding.objects.filter(person=person)
        .filter(open_findings_q())
        .select_related("category", "audit__unit")
    )


def audit_flags(person):
    """Vetting flags: each open exit-audit finding that names the person."""
    if person is None or person.pk is None:
        return []
    return [
        Flag(
            "exit-audit",
            f"离任审计发现问题尚未整改完毕：{finding.audit.unit.name}·{finding.category.name}",
        )
        for finding in open_findings_naming(person)
    ]


@transaction.atomic
def category_save(
    *,
    county_id: int | None,
    number: int,
    name: str,
    source: str,
    needs_local_check: bool = False,
    is_active: bool = True,
    category: AuditCategory | None = None,
) -> AuditCategory:
    """Add a category to a county's list (or the shared one), or correct one."""
    clash = AuditCategory.objects.filter(county_id=county_id, number=number)
    if category is not None:
        clash = clash.exclude(pk=category.pk)
    if clash.exists():
        raise DomainError(f"该清单中已有序号 {number}。")
    fields = {
        "number": number,
        "name": _text(name, "类别名称", 60),
        "source": _text(source, "依据", 200),
        "needs_local_check": bool(needs_local_check),
        "is_active": bool(is_active),
    }
    if category is None:
        return AuditCategory.objects.create(county_id=county_id, **fields)
    category = AuditCategory.objects.select_for_update().get(pk=category.pk)
    for key, value in fields.items():
        setattr(category, key, value)
    category.save(update_fields=list(fields))
    return category
