"""Handover (交接) from the outgoing to the newly elected committee.

A handover opens when the round's new Term of a committee is written (the approval of
the election result writes it) or by hand. It is due ``days`` after approval, ``days``
being the county's dated setting (HandoverDeadline). It is complete when every item of
the checklist is signed by both sides. A refusal to hand over is recorded and, in the
same transaction, reported to the discipline office (十二严禁: 拒不移交).
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from discipline.intake import services as services_intake
from discipline.models import ProhibitionItem, Report
from renewal.aftercare import catalogues as catalogues_aftercare
from renewal.kit import people
from renewal.models import (
    Body,
    DomainError,
    Handover,
    HandoverDeadline,
    HandoverItem,
    HandoverItemKind,
    HandoverRefusal,
    RenewalRound,
    Term,
    Unit,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Deadline:
    days: int
    source: str


def deadline_for(county_id: int, day: datetime.date) -> Deadline:
    row = HandoverDeadline.in_force(county_id=county_id, day=day)
    if row is None and not HandoverDeadline.objects.filter(county__isnull=True).exists():
        catalogues_aftercare.load_default_deadline(HandoverDeadline)
        row = HandoverDeadline.in_force(county_id=county_id, day=day)
    if row is None:
        raise DomainError("该日期没有生效的交接时限，请系统管理员在“交接时限”中设置。")
    return Deadline(days=row.days, source=row.source)


def due_date(approved_on: datetime.date, days: int) -> datetime.date:
    return approved_on + datetime.timedelta(days=days)


def overdue_q(today: datetime.date) -> Q:
    return Q(completed_on__isnull=True, due_on__lt=today)


def completed_on(items: list[tuple[datetime.date | None, str, str]]) -> datetime.date | None:
    """The day the last item was signed by both sides, or None while one is missing."""
    if not items or not all(day and out and inc for day, out, inc in items):
        return None
    return max(day for day, _, _ in items)


@transaction.atomic
def handover_open(
    *,
    round_: RenewalRound,
    unit: Unit,
    body: str,
    approved_on: datetime.date | None = None,
    term: Term | None = None,
    opened_by=None,
) -> Handover:
    if body not in Body.values:
        raise DomainError("请选择班子。")
    if round_.county_id != unit.county_id:
        raise DomainError("换届轮次与村(社区)不属于同一区县。")
    today = timezone.localdate()
    approved_on = approved_on or today
    if approved_on > today:
        raise DomainError("批复日期不能晚于今天。")
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    if Handover.objects.filter(round=round_, unit=unit, body=body).exists():
        raise DomainError(f"{unit.name}{Body(body).label}本轮换届已开始交接。")
    if not HandoverItemKind.objects.exists():
        catalogues_aftercare.load_handover_items(HandoverItemKind)
    kinds = list(HandoverItemKind.objects.filter(is_active=True))
    if not kinds:
        raise DomainError("交接清单为空，请系统管理员先设置交接清单项目。")
    deadline = deadline_for(unit.county_id, approved_on)
    handover = Handover.objects.create(
        round=round_,
        unit=unit,
        body=body,
        term=term,
        approved_on=approved_on,
        due_on=due_date(approved_on, deadline.days),
        deadline_source=f"{deadline.days} 天：{deadline.source}"[:200],
        opened_by=opened_by,
    )
    HandoverItem.objects.bulk_create([HandoverItem(handover=handover, kind=k) for k in kinds])
    return handover


def handover_open_for_term(*, term: Term) -> Handover | None:
    """The approved result wrote the new committee: open its handover (once)."""
    if term.round_id is None:
        return None
    existing = Handover.objects.filter(round_id=term.round_id, unit_id=term.unit_id, body=term.body)
    if existing.exists():
        existing.filter(term__isnull=True).update(term=term)
        return existing.first()
    try:
        return handover_open(
            round_=term.round,
            unit=term.unit,
            body=term.body,
            approved_on=timezone.localdate(),
            term=term,
        )
    except DomainError as exc:
        # Never fail the approval that wrote the committee; staff can open it by hand.
        logger.warning("handover of term %s not opened: %s", term.pk, exc)
        return None


def _refresh_completion(handover: Handover) -> None:
    items = list(handover.items.values_list("handed_over_on", "outgoing_name", "incoming_name"))
    done = completed_on(items)
    if done != handover.completed_on:
        handover.completed_on = done
        handover.save(update_fields=["completed_on"])


def handover_item_sign(
    *,
    actor,
    item: HandoverItem,
    handed_over_on: datetime.date | None,
    outgoing_name: str,
    incoming_name: str,
    detail: str = "",
) -> HandoverItem:
    """Record the date and both sides' sign-off of one checklist item."""
    outgoing_name, incoming_name = (outgoing_name or "").strip(), (incoming_name or "").strip()
    detail = (detail or "").strip()
    if handed_over_on is None:
        raise DomainError("请填写交接日期。")
    if handed_over_on > timezone.localdate():
        raise DomainError("交接日期不能晚于今天。")
    if not outgoing_name or not incoming_name:
        raise DomainError("交接须由移交人(原班子)和接收人(新班子)双方签字，请填写双方姓名。")
    if len(outgoing_name) > 40 or len(incoming_name) > 40 or len(detail) > 200:
        raise DomainError("姓名不能超过 40 个字，交接明细不能超过 200 个字。")
    with transaction.atomic():
        handover = Handover.objects.select_for_update().get(pk=item.handover_id)
        if handed_over_on < handover.approved_on:
            raise DomainError(
                f"交接日期不能早于选举结果批复日期（{handover.approved_on:%Y-%m-%d}）。"
            )
        item = HandoverItem.objects.select_for_update().get(pk=item.pk)
        item.handed_over_on = handed_over_on
        item.outgoing_name = outgoing_name
        item.incoming_name = incoming_name
        item.detail = detail
        item.recorded_by = actor
        item.recorded_at = timezone.now()
        item.save(
            update_fields=[
                "handed_over_on",
                "outgoing_name",
                "incoming_name",
                "detail",
                "recorded_by",
                "recorded_at",
            ]
        )
        _refresh_completion(handover)
    return item


def refusal_prohibition(county_id: int):
    """The prohibition item about refusing to hand over (十二严禁), if the catalogue has it."""
    return (
        ProhibitionItem.objects.filter(
            Q(catalogue__county_id=county_id) | Q(catalogue__county__isnull=True),
            catalogue__is_active=True,
            text__contains="拒不移交",
        )
        .select_related("catalogue")
        .order_by("catalogue_id", "number")
        .first()
    )


def handover_refusal_record(
    *,
    actor,
    handover: Handover,
    item: HandoverItem,
    refused_by: str,
    refused_on: datetime.date | None,
    details: str,
) -> HandoverRefusal:
    """Record a refusal and open the discipline report in the same transaction."""
    refused_by, details = (refused_by or "").strip(), (details or "").strip()
    if item.handover_id != handover.pk:
        raise DomainError("请选择本次交接清单中的项目。")
    if not refused_by:
        raise DomainError("请填写拒不移交人的姓名。")
    if len(refused_by) > 40:
        raise DomainError("姓名不能超过 40 个字。")
    if not details:
        raise DomainError("请写明拒不移交的情况。")
    if refused_on is None:
        raise DomainError("请填写日期。")
    if refused_on > timezone.localdate():
        raise DomainError("日期不能晚于今天。")
    if handover.completed_on:
        raise DomainError("本次交接已经完成，不能再登记拒不移交。")
    unit = handover.unit
    prohibition = refusal_prohibition(unit.county_id)
    basis = f"涉嫌违反：{prohibition}。\n" if prohibition else ""
    reporter = people.person_name(actor).strip()
    with transaction.atomic():
        report = services_intake.report_record(
            channel=Report.Channel.LETTER,
            county=unit.county,
            township=unit.township,
            units=[unit],
            subject=f"{refused_by}拒不移交{item.kind.name}"[:100],
            content=(
                f"{unit.township.name}{unit.name}{handover.get_body_display()}换届交接中，"
                f"{refused_by}于 {refused_on:%Y-%m-%d} 拒不移交{item.kind.name}。\n"
                f"{basis}情况说明：{details}\n"
                f"（由交接登记自动移送，交接时限 {handover.due_on:%Y-%m-%d}。）"
            ),
            anonymous=False,
            identity={"name": reporter[:40], "address": f"{unit.township.name}换届工作人员"},
            received_by=actor,
        )
        return HandoverRefusal.objects.create(
            handover=handover,
            item=item,
            refused_by=refused_by,
            refused_on=refused_on,
            details=details,
            report=report,
            recorded_by=actor,
        )
