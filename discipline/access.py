"""Who reaches discipline data.

Discipline officers (role discipline_officer, with a grant on a county or on a city or
province above it) see the reports and cases of the counties they hold; nobody else does (organisation-department and township users get
403 on discipline pages and 404 on discipline objects). The reporter's identity is
stricter still: only officers assigned to that case, holding the per-case guardian
grant ``discipline.view_reporter_identity``. Superusers get no shortcut here.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from guardian.models import UserObjectPermission

from discipline.models import Informant, LedgerImportJob, Report
from renewal import access as region_access

# The ground floor's helpers that this area's pages use as they are.
from renewal.access import can_write_unit as can_write_unit
from renewal.access import require_region_scope as require_region_scope
from renewal.access import townships_visible_to as townships_visible_to
from renewal.access import unit_for_user as unit_for_user
from renewal.access import units_visible_to as units_visible_to
from renewal.models import Profile, Unit

IDENTITY_PERM = "view_reporter_identity"


def is_discipline_officer(user) -> bool:
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    return profile is not None and profile.role == Profile.Role.DISCIPLINE_OFFICER


def require_discipline(user) -> None:
    if not is_discipline_officer(user):
        raise PermissionDenied("只有纪检监察人员可以查看。")


def discipline_counties(user) -> list[int]:
    if not is_discipline_officer(user):
        return []
    # A city's or a province's officer reads every county below; a county's its own.
    return sorted(region_access.counties_held(user, "view_region"))


def reports_visible_to(user):
    return Report.objects.filter(county_id__in=discipline_counties(user))


def report_for_user(user, pk, *, write: bool = False) -> Report:
    report = reports_visible_to(user).filter(pk=pk).first() if user.is_authenticated else None
    if report is None:
        raise Http404
    if write and not handles_county(user, report.county_id):
        raise PermissionDenied("上级纪检监察人员只能查看、不能办理本县的案件。")
    return report


def handles_county(user, county_id: int) -> bool:
    """The county's own officers handle its cases; officers above the county read them."""
    return is_discipline_officer(user) and county_id in region_access.direct_region_ids(
        user, "view_region"
    )


def is_assigned_officer(user, report: Report) -> bool:
    """A discipline officer assigned to the case: they alone open the reporter's attachments,
    and (with a grant) the reporter's identity."""
    return is_discipline_officer(user) and report.officers.filter(pk=user.pk).exists()


def can_read_identity(user, report: Report) -> bool:
    """Assigned to the case and granted on it; checked on the grant rows, not has_perm,
    so that no superuser or global permission opens it."""
    if not is_assigned_officer(user, report):
        return False
    return UserObjectPermission.objects.filter(
        user=user,
        permission__codename=IDENTITY_PERM,
        content_type__app_label="discipline",
        object_pk=str(report.pk),
    ).exists()


def units_for_officer(user):
    return Unit.objects.filter(county_id__in=discipline_counties(user))


def unit_for_officer(user, pk) -> Unit:
    unit = (
        units_for_officer(user).select_related("township", "county").filter(pk=pk).first()
        if str(pk).isdecimal()
        else None
    )
    if unit is None:
        raise Http404
    return unit


def informant_for_officer(user, pk) -> Informant:
    informant = (
        Informant.objects.filter(unit__county_id__in=discipline_counties(user), pk=pk)
        .select_related("unit")
        .first()
        if str(pk).isdecimal()
        else None
    )
    if informant is None:
        raise Http404
    return informant


def ledger_job_for_user(user, pk) -> LedgerImportJob:
    """A ledger import belongs to the officer who uploaded it; nobody else may see it (404)."""
    job = (
        LedgerImportJob.objects.filter(
            pk=pk, user_id=user.pk, county_id__in=discipline_counties(user)
        ).first()
        if is_discipline_officer(user)
        else None
    )
    if job is None:
        raise Http404
    return job
