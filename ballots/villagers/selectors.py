"""Counts of the other bodies a round elects, per unit, for reports and statistical forms:
supervision committee members (from the confirmed terms), representatives (with women) and
group leaders (from the recorded results). Each is one query over any number of units."""

import datetime
from collections.abc import Iterable

from django.db.models import Count, Q

from ballots.models import GroupOfficer, VillagersRecall
from renewal.models import Body, Person, Post, TermMember


def supervision_members(round_, unit_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """{unit_id: {"members": n, "women": n, "chairs": n}} of the round's confirmed 村(居)务监督
    委员会 (the latest term of each unit in the round)."""
    rows = (
        TermMember.objects.filter(
            term__round=round_, term__unit_id__in=list(unit_ids), term__body=Body.SUPERVISION
        )
        .exclude(recalls__status=VillagersRecall.Status.PASSED)
        .values("term__unit_id")
        .annotate(
            members=Count("id"),
            women=Count("id", filter=Q(person__sex=Person.Sex.FEMALE)),
            chairs=Count("id", filter=Q(post=Post.SUPERVISION_CHAIR)),
        )
    )
    return {
        r["term__unit_id"]: {"members": r["members"], "women": r["women"], "chairs": r["chairs"]}
        for r in rows
    }


def _officers(round_, unit_ids, role, day) -> dict[int, dict[str, int]]:
    found = GroupOfficer.objects.filter(
        election__round=round_, election__unit_id__in=list(unit_ids), role=role
    )
    if day is not None:
        found = found.filter(elected_on__lte=day)
    rows = found.values("election__unit_id").annotate(
        total=Count("id"),
        women=Count("id", filter=Q(person__sex=Person.Sex.FEMALE)),
    )
    return {r["election__unit_id"]: {"total": r["total"], "women": r["women"]} for r in rows}


def representatives(
    round_, unit_ids: Iterable[int], *, day: datetime.date | None = None
) -> dict[int, dict[str, int]]:
    """{unit_id: {"total": n, "women": n}} of the 村(居)民代表 recorded in the round (those
    elected by the end of ``day`` when given)."""
    return _officers(round_, unit_ids, GroupOfficer.Role.REPRESENTATIVE, day)


def group_leaders(
    round_, unit_ids: Iterable[int], *, day: datetime.date | None = None
) -> dict[int, dict[str, int]]:
    """{unit_id: {"total": n, "women": n}} of the 村(居)民小组长 recorded in the round (those
    elected by the end of ``day`` when given)."""
    return _officers(round_, unit_ids, GroupOfficer.Role.LEADER, day)
