"""Villagers' elections, their boxes, rounds and recalls are reached through the unit's region.

Discipline officers and vetting departments have no business with the vote: 404.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ballots import villagers_access
from ballots.models import BallotBox, VillagersElection, VillagersRecall, VillagersRound
from renewal import access as region_access

# Who may see an election at all is decided once, by the set-up side's helper; the vote only
# narrows who may write: the township enters the vote, the county reads and approves it.
elections_visible_to = villagers_access.elections_visible_to


def election_for_user(user, pk, *, write=False) -> VillagersElection:
    election = villagers_access.election_for_user(user, pk)
    if write and not can_write(user, election):
        raise PermissionDenied("您只能查看、不能修改本次选举的数据。")
    return election


def box_for_user(user, pk, *, write=False) -> BallotBox:
    box = BallotBox.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if box is None:
        raise Http404
    box.election = election_for_user(user, box.election_id, write=write)
    return box


def round_for_user(user, pk, *, write=False) -> VillagersRound:
    rnd = VillagersRound.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if rnd is None:
        raise Http404
    rnd.election = election_for_user(user, rnd.election_id, write=write)
    return rnd


def recall_for_user(user, pk, *, write=False) -> VillagersRecall:
    recall = (
        VillagersRecall.objects.select_related("member__person").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if recall is None:
        raise Http404
    recall.election = election_for_user(user, recall.election_id, write=write)
    return recall


def can_write(user, election) -> bool:
    return region_access.can_write_unit(user, election.unit)


def can_approve(user, election) -> bool:
    """The township leader (批复) or the county reviewer confirms the result."""
    if user.is_superuser:
        return True
    approvers = region_access.direct_region_ids(user, "approve_region")
    return election.unit.township_id in approvers or election.unit.county_id in approvers


def require_approver(user, election) -> None:
    if not can_approve(user, election):
        raise PermissionDenied("只有乡镇(街道)党(工)委负责人或县委组织部可以确认选举结果。")
