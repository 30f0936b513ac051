"""Congresses and their rounds are reached through their unit's region (renewal.access)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ballots.models import Congress, ElectionNotice, ElectionRound
from renewal import access as region_access

# The ground floor's helpers that this area's pages use as they are.
from renewal.access import can_write_unit as can_write_unit
from renewal.access import require_region_scope as require_region_scope
from renewal.access import unit_for_user as unit_for_user
from renewal.access import units_writable_by as units_writable_by


def congresses_visible_to(user):
    return Congress.objects.filter(unit__in=region_access.units_visible_to(user))


def congress_for_user(user, pk, *, write=False) -> Congress:
    try:
        congress = Congress.objects.select_related("unit", "unit__township", "round").get(pk=pk)
    except (Congress.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not region_access.can_in_region(user, "view_region", congress.unit.township_id):
        raise Http404
    if write and not region_access.can_write_unit(user, congress.unit):
        raise PermissionDenied("您只能查看、不能修改本次大会的数据。")
    return congress


def round_for_user(user, pk, *, write=False) -> ElectionRound:
    try:
        rnd = ElectionRound.objects.select_related(
            "congress", "congress__unit", "congress__unit__township"
        ).get(pk=pk)
    except (ElectionRound.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    congress_for_user(user, rnd.congress_id, write=write)
    return rnd


def can_approve(user, congress) -> bool:
    """The township party committee approves (批复) the result."""
    return region_access.leads_township(user, congress.unit)


def can_reopen(user, congress) -> bool:
    """Only the county reopens an approved, locked result."""
    return user.is_superuser or congress.unit.county_id in region_access.direct_region_ids(
        user, "approve_region"
    )


def notice_for_user(user, pk) -> ElectionNotice:
    """An archived 公示 of a congress the user may read, or 404."""
    try:
        notice = ElectionNotice.objects.only("congress_id").get(pk=pk, congress__isnull=False)
    except (ElectionNotice.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    congress = congress_for_user(user, notice.congress_id)
    notice = ElectionNotice.objects.get(pk=notice.pk)
    notice.congress = congress
    return notice
