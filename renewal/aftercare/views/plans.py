"""Key and difficult units' plans (一村一策)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import redirect, render

from renewal.aftercare import access, guidance
from renewal.aftercare.forms import (
    PlanForm,
)
from renewal.aftercare.views.common import fail, filtered_list
from renewal.models import (
    DomainError,
    GuidanceVisit,
    KeyUnitPlan,
)

# --- Key units and their plans ------------------------------------------------------------------


PLAN_STATUSES = {
    "missing": ("未制定方案", Q(plan_status__isnull=True)),
    **{s.value: (s.label, Q(plan_status=s.value)) for s in KeyUnitPlan.Status},
}
PLAN_SORTS = {
    "unit": ("村(社区)", ["township__code", "code"]),
    "status": ("方案状态", ["plan_status"]),
}


@login_required
def plan_list(request):
    """Key and difficult units with their plan of the active round (or its absence)."""
    access.require_region_scope(request.user)
    plans = KeyUnitPlan.objects.filter(unit_id=OuterRef("pk"), round__is_active=True)
    qs = (
        access.units_visible_to(request.user)
        .filter(is_key=True)
        .select_related("township")
        .annotate(
            plan_status=Subquery(plans.values("status")[:1]),
            plan_leader=Subquery(plans.values("leader_name")[:1]),
            plan_updated=Subquery(plans.values("updated_at")[:1]),
            n_risks=Count("risk_points"),
        )
    )
    form, page = filtered_list(request, qs, unit_path="", statuses=PLAN_STATUSES, sorts=PLAN_SORTS)
    labels = dict(KeyUnitPlan.Status.choices)
    for unit in page:
        unit.plan_status_label = labels.get(unit.plan_status, "")
    return render(request, "renewal/aftercare/plan_list.html", {"form": form, "page": page})


@login_required
def unit_plan(request, unit_pk):
    unit = access.unit_for_user(request.user, unit_pk, write=request.method == "POST")
    rnd = access.active_round_for(unit)
    plan = KeyUnitPlan.objects.filter(round=rnd, unit=unit).first()
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            guidance.plan_save(unit=unit, round_=rnd, **form.cleaned_data)
        except DomainError as exc:
            fail(form, exc)
        else:
            messages.success(request, "“一村一策”方案已保存。")
            return redirect("aftercare:unit-plan", unit.pk)
    return render(
        request,
        "renewal/aftercare/unit_plan.html",
        {
            "unit": unit,
            "round": rnd,
            "plan": plan,
            "form": form,
            "risks": unit.risk_points.all(),
            "visits": GuidanceVisit.objects.filter(unit=unit).select_related("group")[:20],
            "can_write": access.can_write(request.user, unit),
        },
    )
