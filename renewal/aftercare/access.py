"""Who reaches audits, key-unit plans, guidance groups, handovers and onboarding records.

Reading follows the unit: whoever sees a unit (township staff of its township, county
reviewers and discipline officers of its county) reads its records; others get 404.
Writing: township staff and leaders for their township's units, county reviewers for
the whole county (they review and correct); discipline officers read only.
County-only things (the audit catalogue, guidance groups) are written by county reviewers;
reviewers above the county read them.
A guidance group is read whole by its county and its members; a township reads the groups
that cover its units, and of them only its own units and their visits.
The city's supervision groups follow the same pattern one level up (see below).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404

from renewal import access

# The ground floor's helpers that this area's pages use as they are.
from renewal.access import can_write_county as can_write_county
from renewal.access import counties_visible_to as counties_visible_to
from renewal.access import require_region_scope as require_region_scope
from renewal.access import rounds_visible_to as rounds_visible_to
from renewal.access import townships_visible_to as townships_visible_to
from renewal.access import units_visible_to as units_visible_to
from renewal.models import (
    AuditCategory,
    AuditFinding,
    ExitAudit,
    GuidanceGroup,
    GuidanceMember,
    Handover,
    Rectification,
    Region,
    RenewalRound,
    SupervisionGroup,
    SupervisionMember,
    Unit,
)
from renewal.selectors import active_round

READ_ONLY = "您只能查看、不能修改这项记录。"


def can_write(user, unit: Unit) -> bool:
    """Aftercare records of a unit: its township, and the county that reviews and corrects."""
    return access.can_write_unit(user, unit, county_reviewer=True)


def unit_for_user(user, pk, *, write: bool = False) -> Unit:
    unit = access.unit_for_user(user, pk)
    if write and not can_write(user, unit):
        raise PermissionDenied(READ_ONLY)
    return unit


def writable_units(user):
    """Units the user may record aftercare data for (township or county grants)."""
    if user.is_superuser:
        return Unit.objects.all()
    townships = access.direct_region_ids(user, "change_region")
    counties = access.direct_region_ids(user, "approve_region")
    county_ids = Region.objects.filter(pk__in=counties, kind=Region.Kind.COUNTY).values_list(
        "id", flat=True
    )
    return Unit.objects.filter(Q(township_id__in=townships) | Q(county_id__in=list(county_ids)))


def active_round_for(unit: Unit) -> RenewalRound:
    rnd = active_round(unit.county_id)
    if rnd is None:
        raise Http404
    return rnd


def _by_unit(queryset, user, pk, *, write: bool, unit_path: str):
    try:
        obj = queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    unit = obj
    for part in unit_path.split("."):
        unit = getattr(unit, part)
    if not access.can_in_region(user, "view_region", unit.township_id):
        raise Http404
    if write and not can_write(user, unit):
        raise PermissionDenied(READ_ONLY)
    return obj


# --- Exit audits ----------------------------------------------------------------------------


def audits_visible_to(user):
    return ExitAudit.objects.filter(unit__in=access.units_visible_to(user))


def audit_for_user(user, pk, *, write: bool = False) -> ExitAudit:
    qs = ExitAudit.objects.select_related("unit", "unit__township", "round")
    return _by_unit(qs, user, pk, write=write, unit_path="unit")


def rectifications_visible_to(user):
    return Rectification.objects.filter(finding__audit__unit__in=access.units_visible_to(user))


def rectification_for_user(user, pk, *, write: bool = False) -> Rectification:
    qs = Rectification.objects.select_related(
        "finding", "finding__category", "finding__audit", "finding__audit__unit__township"
    )
    return _by_unit(qs, user, pk, write=write, unit_path="finding.audit.unit")


def finding_for_user(user, pk, *, write: bool = False):
    qs = AuditFinding.objects.select_related("audit", "audit__unit", "audit__unit__township")
    return _by_unit(qs, user, pk, write=write, unit_path="audit.unit")


def categories_for_county(county_id: int):
    """The county's own categories and the shared ones."""
    return AuditCategory.objects.filter(Q(county_id=county_id) | Q(county__isnull=True))


def category_for_user(user, pk) -> AuditCategory:
    try:
        category = AuditCategory.objects.get(pk=pk)
    except (AuditCategory.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if category.county_id is None:
        if not user.is_superuser:
            raise PermissionDenied("通用类别由系统管理员维护；区县可添加本县类别。")
        return category
    if not access.counties_visible_to(user).filter(pk=category.county_id).exists():
        raise Http404
    if not access.can_write_county(user, category.county_id):
        raise PermissionDenied("只有县委组织部可以维护审计问题类别。")
    return category


def reviewer_county(user) -> Region:
    """The county whose catalogue and guidance groups the user manages."""
    if not user.is_authenticated:
        raise PermissionDenied
    counties = access.counties_visible_to(user)
    county = counties.first() if user.is_superuser else None
    if county is None:
        ids = access.direct_region_ids(user, "approve_region")
        county = Region.objects.filter(pk__in=ids, kind=Region.Kind.COUNTY).first()
    if county is None:
        raise PermissionDenied("只有县委组织部可以维护这项内容。")
    return county


# --- Guidance groups --------------------------------------------------------------------------


def _whole_group_q(user) -> Q:
    """Groups the user sees whole: those of a county they hold (themselves or through a city
    or province above it), and those they belong to."""
    counties = access.counties_held(user, "view_region")
    member_of = GuidanceMember.objects.filter(user_id=user.pk).values("group_id")
    return Q(county_id__in=counties) | Q(pk__in=member_of)


def groups_visible_to(user):
    """The county's staff and the group's members see a group; a township's staff see the
    groups that cover one of the township's units. Others never learn that it exists."""
    if user.is_superuser:
        return GuidanceGroup.objects.all()
    if not user.is_authenticated:
        return GuidanceGroup.objects.none()
    covering = GuidanceGroup.units.through.objects.filter(
        unit__in=access.units_visible_to(user)
    ).values("guidancegroup_id")
    return GuidanceGroup.objects.filter(_whole_group_q(user) | Q(pk__in=covering))


def groups_with_counts(user):
    """Visible groups with ``n_units`` and ``n_visits``, counting only what the user may
    read on the group's page (a township sees its own units and their visits)."""
    groups = groups_visible_to(user)
    if user.is_superuser:
        return groups.annotate(
            n_units=Count("units", distinct=True), n_visits=Count("visits", distinct=True)
        )
    whole = _whole_group_q(user)
    units = access.units_visible_to(user).values("pk")
    return groups.annotate(
        n_units=Count("units", filter=whole | Q(units__in=units), distinct=True),
        n_visits=Count("visits", filter=whole | Q(visits__unit__in=units), distinct=True),
    )


def sees_whole_group(user, group: GuidanceGroup) -> bool:
    if user.is_superuser or access.can_in_region(user, "view_region", group.county_id):
        return True
    return group.members.filter(user_id=user.pk).exists()


def group_units_for(user, group: GuidanceGroup):
    """The covered units the user reads on the group's page."""
    units = group.units.all()
    if sees_whole_group(user, group):
        return units
    return units.filter(pk__in=access.units_visible_to(user).values("pk"))


def group_visits_for(user, group: GuidanceGroup):
    """Visit notes name problems such as vote buying: a township reads only its own units'."""
    visits = group.visits.all()
    if sees_whole_group(user, group):
        return visits
    return visits.filter(unit__in=access.units_visible_to(user).values("pk"))


def group_for_user(user, pk, *, write: bool = False) -> GuidanceGroup:
    qs = groups_visible_to(user).select_related("county", "round")
    group = qs.filter(pk=pk).first() if str(pk).isdecimal() else None
    if group is None:
        raise Http404
    if write and not access.can_write_county(user, group.county_id):
        raise PermissionDenied("只有县委组织部可以修改指导组。")
    return group


def require_group_scope(user) -> None:
    """The list of groups: whoever holds a region, and members of a group without one."""
    if user.is_authenticated and GuidanceMember.objects.filter(user_id=user.pk).exists():
        return
    access.require_region_scope(user)


def can_log_visit(user, group: GuidanceGroup) -> bool:
    return (
        access.can_write_county(user, group.county_id) or group.members.filter(user=user).exists()
    )


# --- The city's supervision groups -------------------------------------------------------------
# Written by the city's organisation department (the ``supervise_region`` grant on the city,
# city reviewers' only write); read whole by whoever holds the city (its reviewers, the
# province above it) and by the group's members. A county held whole (its reviewers and
# discipline officers) reads the groups that cover it, and of them only its own visits;
# townships and everyone else never learn that a group exists.


def can_manage_supervision(user, city_id: int) -> bool:
    return user.is_superuser or city_id in access.direct_region_ids(user, "supervise_region")


def runs_supervision(user) -> bool:
    """Whether the user runs some city's supervision groups (and may create one)."""
    return user.is_superuser or bool(access.direct_region_ids(user, "supervise_region"))


def supervision_cities(user):
    """The cities whose supervision groups the user runs: a system administrator's are all
    of them; otherwise 403."""
    if user.is_superuser:
        cities = Region.objects.filter(kind=Region.Kind.CITY)
    else:
        ids = access.direct_region_ids(user, "supervise_region")
        cities = Region.objects.filter(pk__in=ids, kind=Region.Kind.CITY)
    cities = cities.order_by("code")
    if not cities.exists():
        raise PermissionDenied("只有市委组织部可以组建巡回督查组。")
    return cities


def supervision_city(user, pk=None) -> Region | None:
    """The city a new group is for: the one asked for (404 when the user does not run it),
    else the user's only city; None when the user runs several and has not chosen."""
    cities = supervision_cities(user)
    if pk not in (None, ""):
        city = cities.filter(pk=pk).first() if str(pk).isdecimal() else None
        if city is None:
            raise Http404
        return city
    first_two = list(cities[:2])
    return first_two[0] if len(first_two) == 1 else None


def _whole_supervision_q(user) -> Q:
    member_of = SupervisionMember.objects.filter(user_id=user.pk).values("group_id")
    return Q(city__in=access.regions_visible_to(user).filter(kind=Region.Kind.CITY)) | Q(
        pk__in=member_of
    )


def supervision_groups_visible_to(user):
    if user.is_superuser:
        return SupervisionGroup.objects.all()
    if not user.is_authenticated:
        return SupervisionGroup.objects.none()
    covering = SupervisionGroup.counties.through.objects.filter(
        region_id__in=access.counties_held(user)
    ).values("supervisiongroup_id")
    return SupervisionGroup.objects.filter(_whole_supervision_q(user) | Q(pk__in=covering))


def sees_whole_supervision(user, group: SupervisionGroup) -> bool:
    """The city's readers and the group's members read all of it (members from a prefetch
    when the list has one)."""
    if user.is_superuser or access.can_in_region(user, "view_region", group.city_id):
        return True
    return any(m.user_id == user.pk for m in group.members.all())


def supervision_counties_for(user, group: SupervisionGroup):
    counties = group.counties.all()
    if sees_whole_supervision(user, group):
        return counties
    return counties.filter(pk__in=access.counties_held(user))


def shown_counties(user, groups) -> None:
    """Set ``shown_counties`` on each group of a list: the covered counties the user reads,
    from the groups' prefetched ``counties`` and ``members`` (no query per group)."""
    held = access.counties_held(user)
    for group in groups:
        counties = list(group.counties.all())
        whole = sees_whole_supervision(user, group)
        group.shown_counties = counties if whole else [c for c in counties if c.pk in held]


def supervision_visits_for(user, group: SupervisionGroup):
    """A county reads only the findings about itself."""
    visits = group.visits.all()
    if sees_whole_supervision(user, group):
        return visits
    return visits.filter(county_id__in=access.counties_held(user))


def supervision_group_for_user(user, pk, *, write: bool = False) -> SupervisionGroup:
    qs = supervision_groups_visible_to(user).select_related("city")
    group = qs.filter(pk=pk).first() if str(pk).isdecimal() else None
    if group is None:
        raise Http404
    if write and not can_manage_supervision(user, group.city_id):
        raise PermissionDenied("只有市委组织部可以修改巡回督查组。")
    return group


def require_supervision_scope(user) -> None:
    """The list: whoever holds a county whole or a region above it, and the groups' members."""
    if user.is_superuser or access.counties_held(user):
        return
    if user.is_authenticated and SupervisionMember.objects.filter(user_id=user.pk).exists():
        return
    raise PermissionDenied("巡回督查组由市委组织部组建，区县及以上可以查看。")


def can_log_supervision_visit(user, group: SupervisionGroup) -> bool:
    return (
        can_manage_supervision(user, group.city_id)
        or group.members.filter(user_id=user.pk).exists()
    )


# --- Handovers --------------------------------------------------------------------------------


def handovers_visible_to(user):
    return Handover.objects.filter(unit__in=access.units_visible_to(user))


def handover_for_user(user, pk, *, write: bool = False) -> Handover:
    qs = Handover.objects.select_related("unit", "unit__township", "round")
    return _by_unit(qs, user, pk, write=write, unit_path="unit")
