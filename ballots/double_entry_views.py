"""The coordinator's pages (``ballots.double_entry``): the tallies whose two entries differ,
and one tally's two entries side by side, where the coordinator keeps the first, keeps the
second, or sends both back. One page for every kind of tally."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from ballots import double_entry as entered_twice
from ballots.congress import access as congress_access
from ballots.villagers import access as villagers_access
from renewal.kit.confirmation import Ask, ask_first, asks
from renewal.kit.people import person_name
from renewal.models import DomainError

Kind = entered_twice.Kind

READERS = {
    Kind.CONGRESS_ROUND: congress_access.round_for_user,
    Kind.VILLAGERS_BOX: villagers_access.box_for_user,
    Kind.VILLAGERS_ROUND: villagers_access.round_for_user,
    Kind.SUPERVISION_ROUND: villagers_access.supervision_round_for_user,
}
ASK_KEYS = {
    entered_twice.KEEP_FIRST: "double-entry-keep-first",
    entered_twice.KEEP_SECOND: "double-entry-keep-second",
    entered_twice.SEND_BACK: "double-entry-send-back",
}
DONE = {
    entered_twice.KEEP_FIRST: "已采用第一次录入并保存。",
    entered_twice.KEEP_SECOND: "已采用第二次录入并保存。",
    entered_twice.SEND_BACK: "两次录入已退回，请由两个账号重新分别录入。",
}


def _kinds(user) -> list[str]:
    """Villagers' elections are not the business of every reader of a region."""
    if villagers_access.excluded(user):
        return [Kind.CONGRESS_ROUND]
    return list(Kind.values)


def _keep(which: str):
    def build(dispute) -> Ask:
        kept = dispute.first if which == "第一次" else dispute.second
        return Ask(
            action=f"确认采用{which}录入",
            question=f"采用{dispute.title}的{which}录入（{person_name(kept.entered_by)}录入）？",
            consequence=f"按{which}录入的数字保存并计票，另一次录入不再采用；处理情况记入操作记录。",
        )

    return build


asks(ASK_KEYS[entered_twice.KEEP_FIRST])(_keep("第一次"))
asks(ASK_KEYS[entered_twice.KEEP_SECOND])(_keep("第二次"))


@asks(ASK_KEYS[entered_twice.SEND_BACK])
def _ask_send_back(dispute) -> Ask:
    return Ask(
        action="确认退回重新录入",
        question=f"退回{dispute.title}的两次录入？",
        consequence="两次录入都不采用，须由两个账号根据纸质计票单重新分别录入；处理情况记入操作记录。",
    )


@login_required
def dispute_list(request):
    congress_access.require_region_scope(request.user)
    disputes = entered_twice.disputes_visible_to(request.user, kinds=_kinds(request.user))
    rows = [
        {
            "dispute": d,
            "can_resolve": entered_twice.can_coordinate(
                request.user, d.subject.unit(d.tally), d.subject.day(d.tally)
            ),
            "url": reverse("ballots:double-entry-detail", args=[d.kind, d.tally.pk]),
        }
        for d in disputes
    ]
    return render(request, "ballots/double_entry_list.html", {"rows": rows})


@login_required
def dispute_detail(request, kind, pk):
    read = READERS.get(kind) if kind in _kinds(request.user) else None
    if read is None:
        raise Http404
    tally = read(request.user, pk)
    subject = entered_twice.SUBJECTS[kind]
    unit, day = subject.unit(tally), subject.day(tally)
    coordinator = entered_twice.can_coordinate(request.user, unit, day)
    policy = entered_twice.policy_for(unit.county_id, day)
    here = reverse("ballots:double-entry-detail", args=[kind, tally.pk])
    dispute = entered_twice.dispute_of(kind, tally)
    if request.method == "POST":
        if not coordinator:
            raise PermissionDenied(f"两次录入不一致由{policy.coordinator_label}处理。")
        choice = request.POST.get("choice", "")
        if dispute is not None and choice in ASK_KEYS:
            if asked := ask_first(request, ASK_KEYS[choice], dispute, back=here):
                return asked
        try:
            entered_twice.entry_resolve(kind=kind, pk=tally.pk, actor=request.user, choice=choice)
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect(here)
        messages.success(request, DONE[choice])
        return redirect(subject.url(tally))
    participant = dispute is not None and request.user.pk in (
        dispute.first.entered_by_id,
        dispute.second.entered_by_id,
    )
    return render(
        request,
        "ballots/double_entry_detail.html",
        {
            "kind": kind,
            "tally": tally,
            "title": subject.title(tally),
            "tally_url": subject.url(tally),
            "dispute": dispute,
            "waiting": entered_twice.state_of(kind, tally) == entered_twice.FIRST,
            "drafts": entered_twice.drafts_of(kind, tally),
            "policy": policy,
            "can_resolve": coordinator and not participant,
            "participant": participant,
            "first_label": f"第一次录入（{person_name(dispute.first.entered_by)}）"
            if dispute
            else "",
            "second_label": f"第二次录入（{person_name(dispute.second.entered_by)}）"
            if dispute
            else "",
        },
    )
