"""Reads of a branch's roster: the filtered, sorted list and its counts (a fixed number of
queries whatever the page size)."""

import datetime

from django.db.models import Count, ProtectedError
from django.db.models.deletion import Collector

from renewal.models import PartyBranch, PartyMember
from renewal.roster.forms import SORTS, MemberFilterForm


def roster_members(branch: PartyBranch, data, day: datetime.date):
    """(form, members): the members ``data`` (a GET QueryDict) asks for, entitlement on ``day``."""
    form = MemberFilterForm(data or None)
    members = PartyMember.objects.filter(branch=branch).select_related("person")
    f = form.cleaned_data if form.is_valid() else {}
    listed = f.get("listed", "")
    if listed == "left":
        members = members.filter(left_on__lte=day)
    elif listed != "all":
        members = members.filter(PartyMember.on_roster_q(day))
    if f.get("q"):
        members = members.filter(person__name__contains=f["q"].strip())
    status = f.get("status")
    if status == "probation":
        members = members.filter(PartyMember.sanctioned_q(day))
    elif status:
        members = members.filter(status=status)
    if f.get("entitled") == "1":
        members = members.filter(PartyMember.entitled_q(day))
    elif f.get("entitled") == "0":
        members = members.exclude(PartyMember.entitled_q(day))
    order = SORTS.get(f.get("sort") or "joined", SORTS["joined"])[0]
    return form, members.order_by(*order)


def roster_counts(branch: PartyBranch | None, day: datetime.date) -> dict[str, int]:
    """Members on the roster on ``day`` and those entitled then (应到会 before exclusions)."""
    if branch is None:
        return {"listed": 0, "entitled": 0}
    return PartyMember.objects.filter(branch=branch).aggregate(
        listed=Count("id", filter=PartyMember.on_roster_q(day)),
        entitled=Count("id", filter=PartyMember.entitled_q(day)),
    )


def removable(member: PartyMember) -> bool:
    """Whether deleting the member would go through: nothing protects it (a congress's
    attendance roster does). Collects what a delete would touch, deletes nothing."""
    try:
        Collector(using=member._state.db or "default").collect([member])
    except ProtectedError:
        return False
    return True
