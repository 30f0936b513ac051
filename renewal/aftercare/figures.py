"""Roll-up figures of the aftercare work and the handover stage check (renewal.kit.figures).

Each function runs one query whatever the number of units, and reads the state at the
end of ``day``: rows created later are left out, and a line closed after ``day`` still
counts as open on ``day``.
"""

from collections import Counter

from django.db.models import Count, Exists, OuterRef, Q

from renewal.kit.dates import end_of_day
from renewal.kit.figures import register_stage_check, register_unit_figure, units_q
from renewal.models import CommitteePledge, Handover, KeyUnitPlan, Rectification, Unit


def rectifications_open(round_, unit_ids, day):
    rows = (
        Rectification.objects.filter(
            units_q(round_, unit_ids, round="finding__audit__round", unit="finding__audit__unit"),
            created_at__lt=end_of_day(day),
        )
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
        .values("finding__audit__unit_id")
        .annotate(n=Count("id"))
    )
    return {r["finding__audit__unit_id"]: r["n"] for r in rows}


def handovers_overdue(round_, unit_ids, day):
    rows = (
        Handover.objects.filter(
            units_q(round_, unit_ids), created_at__lt=end_of_day(day), due_on__lt=day
        )
        .filter(Q(completed_on__isnull=True) | Q(completed_on__gt=day))
        .values("unit_id")
        .annotate(n=Count("id"))
    )
    return {r["unit_id"]: r["n"] for r in rows}


def key_units_without_plan(round_, unit_ids, day):
    planned = KeyUnitPlan.objects.filter(
        units_q(round_, unit_ids), unit_id=OuterRef("pk"), created_at__lt=end_of_day(day)
    )
    ids = Unit.objects.filter(units_q(round_, unit_ids, round=None, unit=""), is_key=True).exclude(
        Exists(planned)
    )
    return {pk: 1 for pk in ids.values_list("pk", flat=True)}


def pledges_recorded(round_, unit_ids, day):
    counts = Counter(
        CommitteePledge.objects.filter(units_q(round_, unit_ids), signed_on__lte=day).values_list(
            "unit_id", flat=True
        )
    )
    return dict(counts)


def handover_complete(round_, unit_ids, day):
    """Units with at least one handover in the round, all of them complete by ``day``."""
    rows = (
        Handover.objects.filter(units_q(round_, unit_ids), created_at__lt=end_of_day(day))
        .values("unit_id")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(completed_on__isnull=False, completed_on__lte=day)),
        )
    )
    return {r["unit_id"] for r in rows if r["total"] and r["total"] == r["done"]}


def register() -> None:
    register_unit_figure(
        "rectifications_open", "未完成整改事项", rectifications_open, app="renewal"
    )
    register_unit_figure("handovers_overdue", "逾期未完成交接", handovers_overdue, app="renewal")
    register_unit_figure(
        "key_units_without_plan", "重点难点村未制定方案", key_units_without_plan, app="renewal"
    )
    register_unit_figure("pledges_recorded", "新班子承诺已登记", pledges_recorded, app="renewal")
    register_stage_check("handover", handover_complete)
