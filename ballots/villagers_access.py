"""Who sees and changes villagers' elections, their registers, objections, proxies and imports.

Township staff and leaders of the unit's township read and write; the county's reviewers
read and write (they correct registers on appeal); discipline officers and department users
do not see registers (personal data they do not need): 404, like anything outside a region.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ballots.models import (
    ElectionCommitteeMember,
    VillagersElection,
    VoterImportJob,
    VoterObjection,
    VoterProxy,
    VoterRegistration,
)
from renewal import access as region_access
from renewal.models import Profile, Unit

EXCLUDED_ROLES = (Profile.Role.DISCIPLINE_OFFICER, Profile.Role.DEPARTMENT_USER)


def excluded(user) -> bool:
    if not user.is_authenticated:
        return True
    if user.is_superuser:
        return False
    profile = getattr(user, "profile", None)
    return profile is None or profile.role in EXCLUDED_ROLES


def may_use(user) -> bool:
    return not excluded(user) and region_access.has_region_scope(user)


def require_use(user) -> None:
    if not may_use(user):
        raise Http404


def can_read_unit(user, unit: Unit) -> bool:
    return not excluded(user) and region_access.can_in_region(user, "view_region", unit.township_id)


def can_write_unit(user, unit: Unit) -> bool:
    if excluded(user):
        return False
    return region_access.can_write_unit(user, unit) or (
        unit.county_id in region_access.direct_region_ids(user, "approve_region")
    )


def unit_for_user(user, pk, *, write=False) -> Unit:
    unit = region_access.unit_for_user(user, pk)
    if not can_read_unit(user, unit):
        raise Http404
    if write and not can_write_unit(user, unit):
        raise PermissionDenied("您只能查看、不能修改该村(社区)的选举。")
    return unit


def elections_visible_to(user):
    if excluded(user):
        return VillagersElection.objects.none()
    return VillagersElection.objects.filter(unit__in=region_access.units_visible_to(user))


def election_for_user(user, pk, *, write=False) -> VillagersElection:
    try:
        election = VillagersElection.objects.select_related(
            "unit", "unit__township", "unit__county", "pack", "round"
        ).get(pk=pk)
    except (VillagersElection.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_read_unit(user, election.unit):
        raise Http404
    if write and not can_write_unit(user, election.unit):
        raise PermissionDenied("您只能查看、不能修改本次选举的数据。")
    return election


def _child(model, user, pk, *, write, related=()):
    try:
        obj = model.objects.select_related("election", *related).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    obj.election = election_for_user(user, obj.election_id, write=write)
    return obj


def registration_for_user(user, pk, *, write=False) -> VoterRegistration:
    return _child(VoterRegistration, user, pk, write=write, related=("person",))


def committee_member_for_user(user, pk, *, write=False) -> ElectionCommitteeMember:
    return _child(ElectionCommitteeMember, user, pk, write=write, related=("replaced_by",))


def objection_for_user(user, pk, *, write=False) -> VoterObjection:
    return _child(VoterObjection, user, pk, write=write, related=("person", "registration__person"))


def proxy_for_user(user, pk, *, write=False) -> VoterProxy:
    return _child(VoterProxy, user, pk, write=write)


def import_job_for_user(user, pk) -> VoterImportJob:
    """Only the uploader sees their job (its problems quote personal data)."""
    try:
        job = VoterImportJob.objects.select_related("election").get(pk=pk, user=user)
    except (VoterImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    job.election = election_for_user(user, job.election_id, write=True)
    return job
