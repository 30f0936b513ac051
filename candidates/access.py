"""Who sees and changes candidacies, reserves and vetting requests.

Region users reach candidacies through their units (renewal.access); department
users reach only the vetting requests addressed to their department, and through
them only a person's name, sex, date of birth, ID number and unit.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from candidates.models import (
    Candidacy,
    ImportJob,
    ReserveCadre,
    ReserveImportJob,
    VettingRequest,
)
from renewal import access as region_access

# The ground floor's helpers that this area's pages use as they are.
from renewal.access import can_write_unit as can_write_unit
from renewal.access import counties_visible_to as counties_visible_to
from renewal.access import require_region_scope as require_region_scope
from renewal.access import unit_for_user as unit_for_user
from renewal.access import units_writable_by as units_writable_by
from renewal.access import writable_townships as writable_townships
from renewal.models import Profile, Region


def _department_id(user):
    profile = getattr(user, "profile", None)
    if profile and profile.role == Profile.Role.DEPARTMENT_USER:
        return profile.department_id
    return None


def is_department_user(user) -> bool:
    return user.is_authenticated and _department_id(user) is not None


def candidacies_visible_to(user):
    # Unfiltered for one who sees every unit: a filter matching every row still costs a look
    # at each row's unit, on each page of a list of a million.
    if region_access.sees_every_unit(user):
        return Candidacy.objects.all()
    return Candidacy.objects.filter(region_access.unit_region_q(user))


def candidacy_for_user(user, pk, *, write=False) -> Candidacy:
    try:
        candidacy = Candidacy.objects.select_related(
            "person", "unit", "unit__township", "unit__county", "round"
        ).get(pk=pk)
    except (Candidacy.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not region_access.can_in_region(user, "view_region", candidacy.unit.township_id):
        raise Http404
    if write and not region_access.can_write_unit(user, candidacy.unit):
        raise PermissionDenied("您只能查看、不能修改该人选。")
    return candidacy


def can_approve_township(user, unit) -> bool:
    """The township party committee (its leader's account) approves; not the county."""
    return region_access.leads_township(user, unit)


def may_approve_townships(user) -> bool:
    """Whether the user leads some township's party committee (or is a superuser)."""
    if user.is_superuser:
        return True
    ids = region_access.direct_region_ids(user, "approve_region")
    return Region.objects.filter(pk__in=ids).exclude(kind=Region.Kind.COUNTY).exists()


def can_act_for_county(user, unit) -> bool:
    return user.is_superuser or unit.county_id in region_access.direct_region_ids(
        user, "approve_region"
    )


def township_approval_queue(user, candidacies):
    """Vetted candidacies waiting for the approval of a township the user leads."""
    queue = candidacies.filter(status=Candidacy.Status.VETTED)
    if user.is_superuser:
        return queue
    return queue.filter(
        unit__township_id__in=region_access.direct_region_ids(user, "approve_region")
    )


def county_signing_queue(user, candidacies):
    """Secretary candidacies approved by their township, waiting for the county's 双签."""
    queue = candidacies.filter(status=Candidacy.Status.TOWNSHIP_APPROVED, post="secretary")
    if user.is_superuser:
        return queue
    return queue.filter(unit__county_id__in=region_access.direct_region_ids(user, "approve_region"))


def can_unmask(user, candidacy) -> bool:
    """Township staff who enter the data, county reviewers and admins; not discipline, not
    the reviewers above the county."""
    return region_access.may_unmask(user, candidacy.unit.township_id)


def reserves_visible_to(user):
    return ReserveCadre.objects.filter(unit__in=region_access.units_visible_to(user))


def reserve_for_user(user, pk, *, write=False) -> ReserveCadre:
    try:
        reserve = ReserveCadre.objects.select_related("unit", "person").get(pk=pk)
    except (ReserveCadre.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not region_access.can_in_region(user, "view_region", reserve.unit.township_id):
        raise Http404
    if write and not region_access.can_write_unit(user, reserve.unit):
        raise PermissionDenied("您只能查看、不能修改后备干部库。")
    return reserve


def vetting_requests_visible_to(user):
    qs = VettingRequest.objects.select_related(
        "candidacy__person", "candidacy__unit", "department", "batch"
    )
    department = _department_id(user)
    if department is not None:
        return qs.filter(department_id=department)
    return qs.filter(candidacy__unit__in=region_access.units_visible_to(user))


def vetting_request_for_user(user, pk) -> VettingRequest:
    request = (
        vetting_requests_visible_to(user).filter(pk=pk).first() if user.is_authenticated else None
    )
    if request is None:
        raise Http404
    return request


def can_answer(user, request: VettingRequest) -> bool:
    return _department_id(user) == request.department_id


def may_import(user) -> bool:
    """Whoever may write some township's units may import candidates into them."""
    return region_access.writable_townships(user).exists()


def _own_job(model, user, pk):
    job = model.objects.filter(pk=pk, user_id=user.pk).first() if user.is_authenticated else None
    if job is None:
        raise Http404
    return job


def import_job_for_user(user, pk) -> ImportJob:
    """An import belongs to whoever uploaded it; nobody else may see it (404)."""
    return _own_job(ImportJob, user, pk)


def reserve_import_job_for_user(user, pk) -> ReserveImportJob:
    """Like the candidates' imports: the uploader's alone."""
    return _own_job(ReserveImportJob, user, pk)
