"""The aftercare overview: open lines, overdue handovers, key units without a plan."""

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.utils import timezone

from renewal.aftercare import access, handover
from renewal.models import (
    KeyUnitPlan,
    Rectification,
)

# --- Overview -----------------------------------------------------------------------------------


@login_required
def overview(request):
    access.require_region_scope(request.user)
    today = timezone.localdate()
    units = access.units_visible_to(request.user)
    rectifications = access.rectifications_visible_to(request.user)
    handovers = access.handovers_visible_to(request.user)
    rounds = access.rounds_visible_to(request.user).filter(is_active=True)
    key_without = (
        units.filter(is_key=True)
        .exclude(Exists(KeyUnitPlan.objects.filter(unit_id=OuterRef("pk"), round__in=rounds)))
        .count()
    )
    context = {
        "audits": access.audits_visible_to(request.user).count(),
        "open_lines": rectifications.exclude(status=Rectification.Status.DONE).count(),
        "overdue_lines": rectifications.exclude(status=Rectification.Status.DONE)
        .filter(due_on__lt=today)
        .count(),
        "key_units": units.filter(is_key=True).count(),
        "key_without": key_without,
        "groups": access.groups_visible_to(request.user).count(),
        "handovers_open": handovers.filter(completed_on__isnull=True).count(),
        "handovers_overdue": handovers.filter(handover.overdue_q(today)).count(),
        "can_write_county": any(access.can_write_county(request.user, r.county_id) for r in rounds),
    }
    return render(request, "renewal/aftercare/overview.html", context)
