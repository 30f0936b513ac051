"""Who sees and changes villagers' elections: set-up, register, objections, proxies, imports,
and the vote (nominations, boxes, rounds, result, recall).

Reading follows the unit's region. Discipline officers and vetting departments have no
business with an election (registers are personal data they do not need): 404, like
anything outside a region.

Writing has two rules, both ``renewal.access.can_write_unit``:
- the set-up and the register: the township's staff and leaders, and the county's
  reviewers, who correct registers on appeal (``county_reviewer=True``);
- the vote: the township enters it; the county reads it and confirms the result.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ballots.models import (
    BallotBox,
    ElectionCommitteeMember,
    ElectionNotice,
    GroupOfficer,
    SupervisionRound,
    VillagersElection,
    VillagersRecall,
    VillagersRound,
    VoterImportJob,
    VoterObjection,
    VoterProxy,
    VoterRegistration,
)
from renewal import access as region_access

# The ground floor's helpers that this area's pages use as they are.
from renewal.access import require_region_scope as require_region_scope
from renewal.access import townships_visible_to as townships_visible_to
from renewal.access import units_visible_to as units_visible_to
from renewal.models import Profile, Unit, VillagerGroup

EXCLUDED_ROLES = (Profile.Role.DISCIPLINE_OFFICER, Profile.Role.DEPARTMENT_USER)
READ_ONLY = "您只能查看、不能修改本次选举的数据。"


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


def can_prepare(user, unit: Unit) -> bool:
    """The set-up and the register of the unit's election."""
    return not excluded(user) and region_access.can_write_unit(user, unit, county_reviewer=True)


def can_enter_vote(user, election: VillagersElection) -> bool:
    """The vote of the election: the township enters it."""
    return not excluded(user) and region_access.can_write_unit(user, election.unit)


def can_approve(user, election: VillagersElection) -> bool:
    """The township leader (批复) or the county reviewer confirms the result."""
    if user.is_superuser:
        return True
    approvers = region_access.direct_region_ids(user, "approve_region")
    return election.unit.township_id in approvers or election.unit.county_id in approvers


def require_approver(user, election: VillagersElection) -> None:
    if not can_approve(user, election):
        raise PermissionDenied("只有乡镇(街道)党(工)委负责人或县委组织部可以确认选举结果。")


def unit_for_user(user, pk, *, write=False) -> Unit:
    unit = region_access.unit_for_user(user, pk)
    if not can_read_unit(user, unit):
        raise Http404
    if write and not can_prepare(user, unit):
        raise PermissionDenied("您只能查看、不能修改该村(社区)的选举。")
    return unit


def elections_visible_to(user):
    if excluded(user):
        return VillagersElection.objects.none()
    return VillagersElection.objects.filter(unit__in=region_access.units_visible_to(user))


def election_for_user(user, pk, *, write=False, vote=False) -> VillagersElection:
    """The election, or 404; ``write`` asks for the set-up rule, or the vote's with ``vote``."""
    try:
        election = VillagersElection.objects.select_related(
            "unit", "unit__township", "unit__county", "pack", "round"
        ).get(pk=pk)
    except (VillagersElection.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_read_unit(user, election.unit):
        raise Http404
    if write:
        allowed = can_enter_vote(user, election) if vote else can_prepare(user, election.unit)
        if not allowed:
            raise PermissionDenied(READ_ONLY)
    return election


def _child(model, user, pk, *, write, vote=False, related=()):
    try:
        obj = model.objects.select_related("election", *related).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    obj.election = election_for_user(user, obj.election_id, write=write, vote=vote)
    return obj


# --- Set-up and register --------------------------------------------------------------------


def registration_for_user(user, pk, *, write=False) -> VoterRegistration:
    return _child(VoterRegistration, user, pk, write=write, related=("person",))


def registration_to_unmask(user, pk) -> VoterRegistration:
    """A registration whose full ID number and phone the user may see (403 for readers who
    see them masked, such as the reviewers above the county)."""
    registration = registration_for_user(user, pk)
    if not can_unmask(user, registration.election):
        raise PermissionDenied("您只能查看隐去部分号码的身份信息。")
    return registration


def can_unmask(user, election: VillagersElection) -> bool:
    return region_access.may_unmask(user, election.unit.township_id)


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


# --- The vote ---------------------------------------------------------------------------------


def box_for_user(user, pk, *, write=False) -> BallotBox:
    return _child(BallotBox, user, pk, write=write, vote=True)


def round_for_user(user, pk, *, write=False) -> VillagersRound:
    return _child(VillagersRound, user, pk, write=write, vote=True)


def recall_for_user(user, pk, *, write=False) -> VillagersRecall:
    return _child(VillagersRecall, user, pk, write=write, vote=True, related=("member__person",))


def notice_for_user(user, pk) -> ElectionNotice:
    """An archived 公告 of a villagers' election the user may read, or 404."""
    try:
        notice = ElectionNotice.objects.get(pk=pk, villagers_election__isnull=False)
    except (ElectionNotice.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    notice.villagers_election = election_for_user(user, notice.villagers_election_id)
    return notice


# --- The other bodies: supervision committee, groups, representatives and leaders ------------


def supervision_round_for_user(user, pk, *, write=False) -> SupervisionRound:
    try:
        rnd = SupervisionRound.objects.select_related("election").get(pk=pk)
    except (SupervisionRound.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    villagers = election_for_user(user, rnd.election.villagers_id, write=write, vote=True)
    rnd.election.villagers = villagers
    return rnd


def group_of_election(election: VillagersElection, pk) -> VillagerGroup:
    """A group of the election's unit (read access to the election already checked)."""
    try:
        return VillagerGroup.objects.get(pk=pk, unit_id=election.unit_id)
    except (VillagerGroup.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def officer_for_user(user, pk, *, write=False) -> GroupOfficer:
    return _child(GroupOfficer, user, pk, write=write, vote=True, related=("person", "group"))
