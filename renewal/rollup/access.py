"""Who reads the roll-up: county dashboards, township snapshots, notices, daily reports.

- County users (a grant on the county itself: reviewers, discipline officers; and
  superusers) read everything of their county: dashboard, big screen, notices with
  the workbook, every township's snapshot and daily report.
- Township users (staff, leaders) read their own township's snapshot and daily
  reports, and the published notice of their county (ranking and text, which name
  townships only); county-only pages of their own county answer 403.
- Anyone else (another county, departments) gets 404: the object is not theirs.
- City and province reviewers (a read-only grant on a city or a province) read their
  city's or province's pages and, read-only, every county page below them like a county
  user; a county user opening a city's page, or one city's reviewer another city's,
  gets 404.
- Reviewers and admins (approve on the county) run or rebuild a county's roll-up.
- Township staff and leaders write their own township's daily report.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from renewal.access import can_in_region as can_in_region
from renewal.access import counties_visible_to, direct_region_ids, with_descendants

# The ground floor's helpers that this area's pages use as they are.
from renewal.access import require_region_scope as require_region_scope
from renewal.models import Region, RollupRun


def is_county_user(user, county_id: int) -> bool:
    """A grant on the county itself or on a city or province above it (not a township's)."""
    return can_in_region(user, "view_region", county_id)


def area_for_user(user, pk) -> Region:
    """A city or a province the user reads (its grant or one above it), else 404."""
    area = Region.objects.filter(pk=pk, kind__in=Region.ABOVE_COUNTY).first()
    if area is None or not can_in_region(user, "view_region", area.pk):
        raise Http404
    return area


def area_notice_for_user(user, pk) -> RollupRun:
    run = (
        RollupRun.objects.select_related("county")
        .filter(pk=pk, county__kind__in=Region.ABOVE_COUNTY)
        .first()
    )
    if run is None:
        raise Http404
    area_for_user(user, run.county_id)
    return run


def is_township_user_of(user, county_id: int) -> bool:
    direct = direct_region_ids(user, "view_region")
    return bool(direct) and Region.objects.filter(pk__in=direct, parent_id=county_id).exists()


def county_for_user(user, pk, *, county_page: bool = True) -> Region:
    """A county the user may read; ``county_page`` pages are refused to township users."""
    county = Region.objects.filter(pk=pk, kind=Region.Kind.COUNTY).first()
    if county is None:
        raise Http404
    if is_county_user(user, county.pk):
        return county
    if is_township_user_of(user, county.pk):
        if county_page:
            raise PermissionDenied("全县看板仅供县级用户查看；乡镇(街道)请查看本乡镇的统计。")
        return county
    raise Http404


def home_region(user) -> Region | None:
    """The region the user's pages start at: the province or city of a reviewer above the
    county, the county of county users, the township of township users."""
    if user.is_superuser:
        return (
            Region.objects.filter(kind=Region.Kind.COUNTY, rounds__is_active=True)
            .order_by("code")
            .first()
            or Region.objects.filter(kind=Region.Kind.COUNTY).order_by("code").first()
        )
    direct = direct_region_ids(user, "view_region")
    return Region.objects.filter(pk__in=direct).order_by("kind", "code").first()


def home_county(user) -> Region | None:
    """The county the user's county-level pages (statistical forms, daily reports) open at:
    their county, their township's county, or the first county below their city or province."""
    region = home_region(user)
    if region is None or region.is_county:
        return region
    if region.is_above_county:
        below = with_descendants([region.pk])
        return Region.objects.filter(pk__in=below, kind=Region.Kind.COUNTY).order_by("code").first()
    return region.parent


def reads_above_county(user) -> bool:
    """Superusers, and reviewers whose grant is a city or a province: they choose a county."""
    region = home_region(user)
    return user.is_superuser or bool(region and region.is_above_county)


def counties_to_choose(user):
    """The counties a reviewer above the county (or a superuser) picks between."""
    if not reads_above_county(user):
        return Region.objects.none()
    return counties_visible_to(user).order_by("code")


def township_for_user(user, pk, *, write: bool = False) -> Region:
    township = (
        Region.objects.exclude(kind=Region.Kind.COUNTY)
        .select_related("parent")
        .filter(pk=pk)
        .first()
    )
    if township is None:
        raise Http404
    if not (
        is_county_user(user, township.parent_id)
        or township.pk in direct_region_ids(user, "view_region")
    ):
        raise Http404
    if write and not (user.is_superuser or reports_for(user, township)):
        raise PermissionDenied("只有本乡镇(街道)的工作人员可以报送日报。")
    return township


def reports_for(user, township: Region) -> bool:
    """Township staff and leaders write their own township's daily report."""
    return township.pk in direct_region_ids(user, "change_region")


def notice_for_user(user, pk, *, workbook: bool = False) -> RollupRun:
    run = RollupRun.objects.select_related("county").filter(pk=pk).first()
    if run is None:
        raise Http404
    county_for_user(user, run.county_id, county_page=workbook)
    return run


def can_run_rollup(user, county_id: int) -> bool:
    return can_in_region(user, "approve_region", county_id) and is_county_user(user, county_id)


def townships_readable(user, county_id: int):
    """The townships of a county whose reports and snapshots the user reads."""
    townships = Region.objects.filter(parent_id=county_id)
    if is_county_user(user, county_id):
        return townships
    return townships.filter(pk__in=direct_region_ids(user, "view_region"))
