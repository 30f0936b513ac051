"""Region-scoped access: the one place that decides who sees and changes what.

Grants are django-guardian object permissions on Region rows:
- ``view_region``: read everything under the region (unit data, rosters, seats);
- ``change_region``: write the data of units under the region (township staff);
- ``approve_region``: approve at that level (township leader, county reviewer).
A grant covers every region below it: a county's townships, a city's counties and their
townships, a province's cities and everything under them. Grants above the county are
read-only in practice: city and province reviewers hold ``view_region`` only.
Superusers see everything.
Objects outside a user's scope raise Http404 (never revealing they exist);
readable objects the user may not change raise PermissionDenied.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection, connections, router
from django.db.models import Q
from django.http import Http404
from guardian.models import GroupObjectPermission, UserObjectPermission

from renewal.models import (
    ExportJob,
    PartyBranch,
    PartyMember,
    Region,
    RenewalRound,
    RosterImportJob,
    SeatChange,
    Unit,
)


class _Scope:
    """What one permission's grants cover, read once per request (one query for the tree).

    ``ids``: every region granted or below a grant; ``counties``: the counties covered whole
    (granted, or below a granted city or province); ``townships``: townships granted one by
    one outside those counties; ``above``: granted cities and provinces and the cities below
    a granted province. Lists are filtered on these few ids (a province reviewer's scope has
    168 counties but 2,000 townships), never on ``ids`` itself.
    """

    __slots__ = ("above", "counties", "ids", "touched", "townships")

    def __init__(self, direct, tree):
        # ``tree``: the regions below all of the user's grants, {id: (kind, parent_id)}.
        children: dict[int, list[int]] = {}
        for pk, (_kind, parent) in tree.items():
            children.setdefault(parent, []).append(pk)
        found, level = {pk for pk in direct if pk in tree}, {pk for pk in direct if pk in tree}
        while level:
            level = {child for pk in level for child in children.get(pk, ())} - found
            found |= level
        rows = {pk: tree[pk] for pk in found}
        self.ids = frozenset(rows)
        self.counties = {pk for pk, (kind, _parent) in rows.items() if kind == Region.Kind.COUNTY}
        self.above = {pk for pk, (kind, _parent) in rows.items() if kind in Region.ABOVE_COUNTY}
        self.townships = {
            pk
            for pk in direct
            if pk in rows and rows[pk][0] in TOWNSHIP_KINDS and rows[pk][1] not in self.counties
        }
        # Counties read whole or in part: a township grant shows its county.
        self.touched = self.counties | {rows[pk][1] for pk in self.townships}


def _tree_below(region_ids) -> dict[int, tuple[str, int | None]]:
    """The regions and every region below them, as ``{id: (kind, parent_id)}``: one recursive
    query, at most four levels (省 → 市 → 县 → 乡镇)."""
    if not region_ids:
        return {}
    database = router.db_for_read(Region)
    table = connection.ops.quote_name(Region._meta.db_table)
    with connections[database].cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE below(id, kind, parent_id) AS (
                SELECT id, kind, parent_id FROM {table} WHERE id = ANY(%s)
                UNION
                SELECT r.id, r.kind, r.parent_id FROM {table} r JOIN below b ON r.parent_id = b.id
            )
            SELECT id, kind, parent_id FROM below
            """,
            [list(region_ids)],
        )
        return {pk: (kind, parent) for pk, kind, parent in cursor.fetchall()}


def forget_grants(user) -> None:
    """Drop the grants read for this user object (after its grants changed)."""
    for cache in ("_region_scope", "_region_direct", "_region_tree"):
        user.__dict__.pop(cache, None)


def _user_tree(user) -> dict[int, tuple[str, int | None]]:
    """Every region below any of the user's grants (all permissions at once), read once for
    the user object, which lives for the request."""
    tree = user.__dict__.get("_region_tree")
    if tree is None:
        direct = set().union(*_direct_grants(user).values()) if user.is_authenticated else ()
        tree = user.__dict__["_region_tree"] = _tree_below(direct)
    return tree


def _scope(user, perm: str) -> _Scope:
    cache = user.__dict__.setdefault("_region_scope", {})
    if perm not in cache:
        direct = direct_region_ids(user, perm) if user.is_authenticated else frozenset()
        cache[perm] = _Scope(direct, _user_tree(user) if direct else {})
    return cache[perm]


def _granted_ids(user, perm: str) -> frozenset[int]:
    """Ids of regions the user holds `perm` on, expanded to every region below them."""
    if not user.is_authenticated:
        return frozenset()
    return _scope(user, perm).ids


def with_descendants(region_ids) -> set[int]:
    """The regions and every region below them (at most three levels: 省 → 市 → 县 → 乡镇)."""
    return set(_tree_below(set(region_ids)))


def _counties_and_townships(user, perm) -> tuple[set[int], set[int]]:
    """The counties a grant covers whole, and the townships granted one by one."""
    scope = _scope(user, perm)
    return scope.counties, scope.townships


def counties_held(user, perm: str = "view_region") -> set[int]:
    """The counties the user holds whole: a grant on the county or on a city or province
    above it. A township grant does not count (it covers one township of the county)."""
    if not user.is_authenticated:
        return set()
    return set(_counties_and_townships(user, perm)[0])


def _region_q(user, perm, *, township_field="township_id", county_field="county_id") -> Q:
    """A county grant (or one above it) filters on the county column, not its townships."""
    counties, townships = _counties_and_townships(user, perm)
    return Q(**{f"{county_field}__in": counties}) | Q(**{f"{township_field}__in": townships})


def has_region_scope(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(_granted_ids(user, "view_region")))


def require_region_scope(user) -> None:
    """List pages are for users who hold a region; others (departments) are refused."""
    if not has_region_scope(user):
        raise PermissionDenied("您的账号没有区域数据的查看权限。")


def can_in_region(user, perm: str, region_id: int) -> bool:
    return user.is_superuser or region_id in _granted_ids(user, perm)


# --- Regions -----------------------------------------------------------------------


def regions_visible_to(user):
    if user.is_superuser:
        return Region.objects.all()
    return Region.objects.filter(_regions_q(_scope(user, "view_region")))


def _regions_q(scope: _Scope) -> Q:
    """The scope's regions, filtered on its few counties and granted regions rather than on
    every township id."""
    return Q(id__in=scope.above | scope.counties | scope.townships) | Q(
        parent_id__in=scope.counties
    )


TOWNSHIP_KINDS = (Region.Kind.TOWNSHIP, Region.Kind.SUBDISTRICT)


def townships_visible_to(user):
    if user.is_superuser:
        return Region.objects.filter(kind__in=TOWNSHIP_KINDS)
    scope = _scope(user, "view_region")
    return Region.objects.filter(
        Q(parent_id__in=scope.counties) | Q(id__in=scope.townships), kind__in=TOWNSHIP_KINDS
    )


def counties_visible_to(user):
    """Counties the user reads whole or in part (a township grant shows its county)."""
    if user.is_superuser:
        return Region.objects.filter(kind=Region.Kind.COUNTY)
    return Region.objects.filter(
        kind=Region.Kind.COUNTY, id__in=_scope(user, "view_region").touched
    )


def writable_townships(user):
    if user.is_superuser:
        return Region.objects.filter(kind__in=TOWNSHIP_KINDS)
    return Region.objects.filter(
        id__in=_granted_ids(user, "change_region"), kind__in=TOWNSHIP_KINDS
    )


# --- Units ---------------------------------------------------------------------------


def units_visible_to(user):
    if user.is_superuser:
        return Unit.objects.all()
    return Unit.objects.filter(_region_q(user, "view_region"))


def sees_every_unit(user) -> bool:
    """Whether the user sees every unit: a superuser, or one who holds every county whole
    (a grant on the province). A list need not then filter its rows by region."""
    if user.is_superuser:
        return True
    if not user.is_authenticated:
        return False
    cache = user.__dict__.setdefault("_region_scope", {})
    if "every_unit" not in cache:
        counties = _counties_and_townships(user, "view_region")[0]
        cache["every_unit"] = bool(counties) and not (
            Region.objects.filter(kind=Region.Kind.COUNTY).exclude(pk__in=counties).exists()
        )
    return cache["every_unit"]


def unit_region_q(user, perm: str = "view_region") -> Q:
    """The rows of a model with a ``unit`` whose unit the user may see (or, with ``perm``, do
    that to); a filter on the row's own join to its unit, which its ordering by the unit's code
    shares."""
    return _region_q(user, perm, township_field="unit__township_id", county_field="unit__county_id")


def units_writable_by(user):
    """The units whose records the user enters (as `can_write_unit`), for a list's "add"."""
    units = (
        Unit.objects.all()
        if user.is_superuser
        else Unit.objects.filter(township_id__in=_granted_ids(user, "change_region"))
    )
    return units.select_related("township").order_by("township__code", "code")


def unit_for_user(user, pk, *, write: bool = False, queryset=None) -> Unit:
    qs = queryset if queryset is not None else Unit.objects.select_related("township", "county")
    try:
        unit = qs.get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_in_region(user, "view_region", unit.township_id):
        raise Http404
    if write and not can_write_unit(user, unit):
        raise PermissionDenied("您只能查看、不能修改该村(社区)的数据。")
    return unit


def can_write_unit(user, unit: Unit, *, county_reviewer: bool = False) -> bool:
    """Whether the user may change the unit's records.

    The township's staff and leaders enter their units' data. Where the county reviews
    and corrects (voter registers on appeal, audits, handovers), ``county_reviewer``
    lets the county's reviewers (an approve grant on the county itself) write too.
    """
    if can_in_region(user, "change_region", unit.township_id):
        return True
    return county_reviewer and can_write_county(user, unit.county_id)


def can_write_county(user, county_id: int) -> bool:
    """County reviewers (an approve grant on the county itself) and admins."""
    return user.is_superuser or county_id in direct_region_ids(user, "approve_region")


# --- Party rosters ---------------------------------------------------------------------
# The unit's rules: the township's staff and leaders keep the roster; whoever reads the unit
# (county reviewers, discipline officers) reads it.


def branch_for_user(user, unit_pk, *, write: bool = False) -> PartyBranch:
    """The unit's party branch, reached through the unit (404 when it has none)."""
    unit = unit_for_user(user, unit_pk, write=write)
    branch = PartyBranch.objects.filter(unit=unit).first()
    if branch is None:
        raise Http404
    branch.unit = unit
    return branch


def member_for_user(user, pk, *, write: bool = False) -> PartyMember:
    try:
        member = PartyMember.objects.select_related(
            "person", "branch__unit__township", "branch__unit__county"
        ).get(pk=pk)
    except (PartyMember.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    unit = member.branch.unit
    if not can_in_region(user, "view_region", unit.township_id):
        raise Http404
    if write and not can_write_unit(user, unit):
        raise PermissionDenied("您只能查看、不能修改该村(社区)的党员名册。")
    return member


def require_roster_writer(user) -> None:
    """The roster template is for whoever keeps a township's rosters."""
    if not writable_townships(user).exists():
        raise PermissionDenied("您没有维护党员名册的权限。")


def roster_import_job_for_user(user, pk) -> RosterImportJob:
    """Only the uploader sees their job (its problems quote personal data), while they
    still keep that roster."""
    job = (
        RosterImportJob.objects.select_related("branch").filter(pk=pk, user_id=user.pk).first()
        if user.is_authenticated and str(pk).isdecimal()
        else None
    )
    if job is None:
        raise Http404
    job.branch = branch_for_user(user, job.branch.unit_id, write=True)
    return job


# --- Rounds and the timetable ---------------------------------------------------------


def round_for_user(user, pk, *, write: bool = False) -> RenewalRound:
    try:
        rnd = RenewalRound.objects.select_related("county").get(pk=pk)
    except (RenewalRound.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not counties_visible_to(user).filter(pk=rnd.county_id).exists():
        raise Http404
    if write and not can_in_region(user, "approve_region", rnd.county_id):
        raise PermissionDenied("只有县委组织部可以修改换届时间表。")
    return rnd


def rounds_visible_to(user):
    return RenewalRound.objects.filter(county__in=counties_visible_to(user))


# --- Seat changes ---------------------------------------------------------------------


def seat_changes_visible_to(user):
    if user.is_superuser:
        return SeatChange.objects.all()
    return SeatChange.objects.filter(
        _region_q(
            user,
            "view_region",
            township_field="unit__township_id",
            county_field="unit__county_id",
        )
    )


def seat_change_for_user(user, pk) -> SeatChange:
    try:
        change = SeatChange.objects.select_related("unit", "unit__township", "round").get(pk=pk)
    except (SeatChange.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_in_region(user, "view_region", change.unit.township_id):
        raise Http404
    return change


def can_decide_seat_change(user, change: SeatChange) -> bool:
    """Township leaders decide the first step, county reviewers the second."""
    if change.status == SeatChange.Status.PENDING_TOWNSHIP:
        return user.is_superuser or change.unit.township_id in direct_region_ids(
            user, "approve_region"
        )
    if change.status == SeatChange.Status.PENDING_COUNTY:
        return can_in_region(user, "approve_region", change.unit.county_id)
    return False


def leads_township(user, unit) -> bool:
    """The unit's township party committee (its leader's account) approves what the township
    decides (candidates, congress results); a county grant does not reach down to it."""
    return user.is_superuser or unit.township_id in direct_region_ids(user, "approve_region")


def direct_region_ids(user, perm: str) -> frozenset[int]:
    """Grants held on the region itself, not inherited from a county (cached per request).

    Read from guardian's grant tables directly (the user's own and their groups'), without
    the cast of every region id that ``get_objects_for_user`` joins on."""
    if user.is_superuser or not user.is_authenticated:
        return frozenset()
    return _direct_grants(user).get(perm, frozenset())


def _direct_grants(user) -> dict[str, frozenset[int]]:
    """Every region permission the user holds on regions, by codename: what guardian's
    ``get_objects_for_user(user, perm, klass=Region, accept_global_perms=False)`` answers
    for each one (grants of the user's own and of their groups, on regions that exist), in
    one query for all of them (cached on the user object, which lives for the request)."""
    cached = user.__dict__.get("_region_direct")
    if cached is not None:
        return cached
    grants: dict[str, set[int]] = {}
    alias = router.db_for_read(UserObjectPermission)
    with connections[alias].cursor() as cursor:
        cursor.execute(_grants_sql(connections[alias]), _grants_params(user))
        for codename, object_pk in cursor.fetchall():
            grants.setdefault(codename, set()).add(int(object_pk))
    cached = {codename: frozenset(ids) for codename, ids in grants.items()}
    user.__dict__["_region_direct"] = cached
    return cached


def _grants_sql(connection) -> str:
    """Written out once: the ORM's union of two joined querysets cost more to build than the
    database takes to answer it, on every request."""
    q = connection.ops.quote_name
    own, groups = UserObjectPermission._meta.db_table, GroupObjectPermission._meta.db_table
    perms = Permission._meta.db_table
    members = get_user_model().groups.through._meta.db_table
    regions = (Region._meta.db_table, Region._meta.pk.column)
    exists = f"SELECT CAST({q(regions[1])} AS varchar) FROM {q(regions[0])}"
    return (
        f"SELECT p.codename, o.object_pk FROM {q(own)} o"
        f" JOIN {q(perms)} p ON p.id = o.permission_id"
        f" WHERE o.user_id = %s AND p.content_type_id = %s AND o.object_pk IN ({exists})"
        " UNION"
        f" SELECT p.codename, g.object_pk FROM {q(groups)} g"
        f" JOIN {q(perms)} p ON p.id = g.permission_id"
        f" JOIN {q(members)} m ON m.group_id = g.group_id"
        f" WHERE m.user_id = %s AND p.content_type_id = %s AND g.object_pk IN ({exists})"
    )


def _grants_params(user) -> list:
    region_type = ContentType.objects.get_for_model(Region).pk
    return [user.pk, region_type, user.pk, region_type]


# --- Unmasking -------------------------------------------------------------------------------

# Roles whose grant lies above the county: they read everything below, write nothing.
ABOVE_COUNTY_ROLES = ("city_reviewer", "province_reviewer")
# Who reads people's full ID numbers and phones: those who enter or review the records.
UNMASKING_ROLES = ("township_staff", "township_leader", "county_reviewer")


def may_unmask(user, township_id: int) -> bool:
    """Township staff and leaders, county reviewers (on their region) and admins see a
    person's full ID number and phone. Discipline officers and the reviewers above the county
    read them masked: they check figures and procedure, not the people themselves."""
    if user.is_superuser:
        return True
    profile = getattr(user, "profile", None)
    return (
        profile is not None
        and profile.role in UNMASKING_ROLES
        and can_in_region(user, "view_region", township_id)
    )


# --- History (audit) --------------------------------------------------------------------


def can_read_history(user) -> bool:
    """County reviewers and admins read objects' change history."""
    if user.is_superuser:
        return True
    profile = getattr(user, "profile", None)
    return profile is not None and profile.role in ("county_reviewer", "admin")


# --- Export jobs ----------------------------------------------------------------------------


def export_job_for_user(user, pk) -> ExportJob:
    """An export belongs to whoever asked for it; nobody else may see or download it."""
    job = (
        ExportJob.objects.filter(pk=pk, user_id=user.pk).first() if user.is_authenticated else None
    )
    if job is None:
        raise Http404
    return job
