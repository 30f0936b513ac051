"""Pages of the other bodies a village elects: the supervision committee (set-up, nominations,
the meeting's vote, result) and the groups with their representatives and leaders. The
township enters; the county reads and, with the township leader, confirms the result."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ballots import double_entry as entered_twice
from ballots.check_forms import parse_acknowledgements
from ballots.models import (
    GroupOfficer,
    SupervisionElection,
    SupervisionNomination,
    VillagersRound,
)
from ballots.record import grouped_hash, record_hash
from ballots.villagers import access, entry_chain, groups
from ballots.villagers import supervision as sv
from ballots.villagers.body_forms import (
    GroupEditForm,
    GroupForm,
    OfficerForm,
    SupervisionApproveForm,
    SupervisionNominationForm,
    SupervisionSetupForm,
)
from ballots.villagers.views.vote import (
    SAVED,
    _counts,
    _double_entry,
    _tally_rows,
    _version,
    submit_tally,
)
from renewal.kit.confirmation import Ask, ask_first, asks
from renewal.models import DomainError

# --- Supervision committee -------------------------------------------------------------------


def _supervision_context(request, election, supervision, **extra):
    can_enter = access.can_enter_vote(request.user, election)
    open_ = supervision is None or supervision.status != SupervisionElection.Status.APPROVED
    ctx = {
        "election": election,
        "supervision": supervision,
        "body_name": election.unit.words["supervision"],
        "members": list(sv.committee_members(election)),
        "can_write": can_enter and open_,
    }
    if supervision is not None:
        nominations = list(
            supervision.nominations.select_related("person").prefetch_related("relatives")
        )
        counted = supervision.rounds.filter(status=VillagersRound.Status.COUNTED).exists()
        printed = sv.formal_names(supervision)
        elected = sv.elected_names(supervision)
        ctx.update(
            nominations=nominations,
            needed=sv.vv.candidates_needed(supervision.seats, election.pack.surplus_min_extra),
            rounds=list(supervision.rounds.all()),
            counted=counted,
            elected=elected,
            can_approve=access.can_approve(request.user, election)
            and supervision.status == SupervisionElection.Status.COUNTED,
            approve_form=SupervisionApproveForm(
                people=[printed[n] for n in elected if n in printed]
            ),
            term_members=_term_members(supervision),
        )
    ctx.update(extra)
    return ctx


def _term_members(supervision):
    if supervision.status != SupervisionElection.Status.APPROVED:
        return []
    election = supervision.villagers
    return list(
        sv.TermMember.objects.filter(
            term__unit_id=election.unit_id,
            term__round_id=election.round_id,
            term__body=sv.Body.SUPERVISION,
        )
        .select_related("person")
        .order_by("post", "id")
    )


@login_required
def supervision_page(request, pk):
    """The committee's election: its set-up (an edit page) and everything after it."""
    election = access.election_for_user(request.user, pk, write=request.method == "POST", vote=True)
    supervision = sv.supervision_of(election)
    initial = (
        {
            "assembly": supervision.assembly,
            "seats": supervision.seats,
            "meeting_day": supervision.meeting_day,
        }
        if supervision
        else {"seats": election.pack.supervision_min_seats, "meeting_day": election.election_day}
    )
    form = SupervisionSetupForm(request.POST or None, initial=initial, election=election)
    if request.method == "POST" and form.is_valid():
        try:
            sv.supervision_setup(election=election, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已保存。")
            return redirect("villagers:supervision", pk=election.pk)
    return render(
        request,
        "ballots/villagers/bodies/supervision.html",
        _supervision_context(
            request,
            election,
            supervision,
            form=form,
            nomination_form=SupervisionNominationForm(election=election),
        ),
        status=400 if form.errors else 200,
    )


def _supervision_or_404(election) -> SupervisionElection:
    supervision = sv.supervision_of(election)
    if supervision is None:
        raise Http404
    return supervision


@login_required
@require_POST
def supervision_nominate(request, pk):
    election = access.election_for_user(request.user, pk, write=True, vote=True)
    supervision = _supervision_or_404(election)
    form = SupervisionNominationForm(request.POST, election=election)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            data["relatives"] = sv.vv.parse_relatives(data["relatives"])
            sv.supervision_nominate(supervision=supervision, actor=request.user, **data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已提名{form.cleaned_data['person'].name}。")
            return redirect(reverse("villagers:supervision", args=[election.pk]) + "#nominations")
    return render(
        request,
        "ballots/villagers/bodies/supervision.html",
        _supervision_context(
            request,
            election,
            supervision,
            form=SupervisionSetupForm(
                initial={
                    "assembly": supervision.assembly,
                    "seats": supervision.seats,
                    "meeting_day": supervision.meeting_day,
                },
                election=election,
            ),
            nomination_form=form,
        ),
        status=400,
    )


@asks("supervision-nomination-delete")
def _ask_nomination_delete(nomination) -> Ask:
    return Ask(
        action="确认撤销提名",
        question=f"撤销{nomination.person.name}的提名？",
        consequence="撤销后须重新提名；已确定的正式候选人名单须重新确定。",
    )


@login_required
@require_POST
def supervision_nomination_delete(request, pk, nid):
    election = access.election_for_user(request.user, pk, write=True, vote=True)
    supervision = _supervision_or_404(election)
    try:
        nomination = supervision.nominations.select_related("person").get(pk=nid)
    except (SupervisionNomination.DoesNotExist, ValueError):
        raise Http404 from None
    back = reverse("villagers:supervision", args=[election.pk])
    if asked := ask_first(request, "supervision-nomination-delete", nomination, back=back):
        return asked
    try:
        sv.supervision_nomination_remove(nomination=nomination, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "提名已撤销。")
    return redirect(back + "#nominations")


@login_required
@require_POST
def supervision_confirm(request, pk):
    election = access.election_for_user(request.user, pk, write=True, vote=True)
    supervision = _supervision_or_404(election)
    ids = [int(v) for v in request.POST.getlist("nomination") if v.isdecimal()]
    try:
        rnd = sv.supervision_candidates_confirm(
            supervision=supervision, nomination_ids=ids, actor=request.user
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("villagers:supervision", args=[election.pk]) + "#nominations")
    messages.success(request, f"正式候选人已确定：{'、'.join(rnd.candidates)}。")
    return redirect("villagers:supervision-round", rid=rnd.pk)


@login_required
def supervision_round(request, rid):
    rnd = access.supervision_round_for_user(request.user, rid, write=request.method == "POST")
    supervision = rnd.election
    election = supervision.villagers
    post_data = request.POST if request.method == "POST" else None
    rows, votes, errors = _tally_rows(
        post_data, "s", rnd.candidates, (rnd.totals or {}).get("for", {}), write_ins=False
    )
    counts = {
        "present": rnd.present,
        "ballots_returned": (rnd.totals or {}).get("returned"),
        "ballots_invalid": (rnd.totals or {}).get("invalid"),
    }
    warnings, stale = [], None
    if post_data is not None:
        counts = {k: post_data.get(k, "") for k in counts}
        values, errs = _counts(
            post_data,
            [
                ("present", "实到会人数"),
                ("ballots_returned", "收回选票数"),
                ("ballots_invalid", "废票数"),
            ],
        )
        errors = errs + errors
        acknowledgements, ack_problems = parse_acknowledgements(post_data)
        if not errors:
            refused = submit_tally(
                lambda: sv.supervision_round_enter(
                    rnd=rnd,
                    version=_version(post_data),
                    actor=request.user,
                    votes=votes,
                    acknowledgements=acknowledgements,
                    **values,
                ),
                rnd,
                post_data,
                ack_problems,
            )
            if refused:
                errors, warnings, stale = refused
            else:
                state = entered_twice.state_of(sv.SUPERVISION, rnd)
                messages.success(request, SAVED.get(state, "本轮已计票。"))
                return redirect("villagers:supervision-round", rid=rnd.pk)
    return render(
        request,
        "ballots/villagers/bodies/supervision_round.html",
        _supervision_context(
            request,
            election,
            supervision,
            rnd=rnd,
            rows=rows,
            counts=counts,
            errors=errors,
            problems=errors,
            warnings=warnings,
            acked=set(post_data.getlist("ack")) if post_data is not None else set(),
            acknowledgements=rnd.acknowledgements.select_related("acknowledged_by__profile"),
            expected=sv.expected_at_meeting(supervision),
            chain=entry_chain.election_chain(election),
            seal=grouped_hash(record_hash(sv.round_record_json(rnd)))
            if rnd.status == VillagersRound.Status.COUNTED
            else "",
            can_enter=access.can_enter_vote(request.user, election)
            and rnd.status == VillagersRound.Status.OPEN
            and supervision.status != SupervisionElection.Status.APPROVED,
            stale=stale,
            **_double_entry(sv.SUPERVISION, rnd),
        ),
        status=400 if errors or warnings or stale else 200,
    )


@login_required
def supervision_record(request, rid):
    rnd = access.supervision_round_for_user(request.user, rid)
    try:
        data = sv.round_record_json(rnd)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("villagers:supervision-round", rid=rnd.pk)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    filename = f"ballot-record-supervision-{rnd.election.villagers_id}-{rnd.number}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@asks("supervision-approve")
def _ask_approve(supervision) -> Ask:
    return Ask(
        action="确认选举结果",
        question=f"确认{supervision.unit.name}{supervision.body_name}的选举结果？",
        consequence=f"确认后结果锁定，当选人登记为新一届{supervision.body_name}成员。",
    )


@login_required
@require_POST
def supervision_approve(request, pk):
    election = access.election_for_user(request.user, pk)
    access.require_approver(request.user, election)
    supervision = _supervision_or_404(election)
    back = reverse("villagers:supervision", args=[election.pk])
    printed = sv.formal_names(supervision)
    form = SupervisionApproveForm(
        request.POST,
        people=[printed[n] for n in sv.elected_names(supervision) if n in printed],
    )
    if not form.is_valid():
        messages.error(request, f"请从当选人中选定{supervision.body_name}主任。")
        return redirect(back + "#result")
    if asked := ask_first(request, "supervision-approve", supervision, back=back):
        return asked
    try:
        sv.supervision_approve(
            supervision=supervision, chair=form.cleaned_data["chair"], actor=request.user
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"选举结果已确认，新一届{supervision.body_name}成员已登记。")
    return redirect(back + "#result")


# --- Groups, representatives and leaders ---------------------------------------------------------


def _groups_context(request, election, **extra):
    unit_groups = list(election.unit.villager_groups.all())
    officers = list(
        election.group_officers.select_related("person", "group").order_by("group_id", "role", "id")
    )
    for o in officers:
        o.election = election  # the confirmations name the role in the unit's words
    for g in unit_groups:
        g.representatives = [
            o for o in officers if o.group_id == g.pk and o.role == GroupOfficer.Role.REPRESENTATIVE
        ]
        g.leader = next(
            (o for o in officers if o.group_id == g.pk and o.role == GroupOfficer.Role.LEADER),
            None,
        )
    return {
        "election": election,
        "groups": unit_groups,
        "share": groups.women_share(election),
        "words": election.unit.words,
        "can_write": access.can_enter_vote(request.user, election),
        **extra,
    }


@login_required
def group_list(request, pk):
    """The unit's groups with their representatives and leaders; a new group is added here."""
    election = access.election_for_user(request.user, pk, write=request.method == "POST", vote=True)
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            groups.group_add(unit=election.unit, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已添加{form.cleaned_data['name']}。")
            return redirect("villagers:groups", pk=election.pk)
    return render(
        request,
        "ballots/villagers/bodies/groups.html",
        _groups_context(
            request,
            election,
            form=form,
            officer_form=OfficerForm(election=election),
        ),
        status=400 if form.errors else 200,
    )


@login_required
def group_edit(request, pk, gid):
    election = access.election_for_user(request.user, pk, write=request.method == "POST", vote=True)
    group = access.group_of_election(election, gid)
    form = GroupEditForm(
        request.POST or None,
        initial={"name": group.name, "households": group.households, "order": group.order},
    )
    if request.method == "POST" and form.is_valid():
        try:
            groups.group_update(group=group, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已保存。")
            return redirect("villagers:groups", pk=election.pk)
    return render(
        request,
        "ballots/villagers/bodies/group_edit.html",
        {
            "election": election,
            "group": group,
            "form": form,
            "can_write": access.can_enter_vote(request.user, election),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def officer_add(request, pk):
    election = access.election_for_user(request.user, pk, write=True, vote=True)
    form = OfficerForm(request.POST, election=election)
    if form.is_valid():
        try:
            officer = groups.officer_add(election=election, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            share = groups.women_share(election).sentence()
            messages.success(request, f"已登记{officer.group.name}{officer.person.name}。{share}")
            back = reverse("villagers:groups", args=[election.pk])
            return redirect(f"{back}#group-{officer.group_id}")
    return render(
        request,
        "ballots/villagers/bodies/groups.html",
        _groups_context(request, election, form=GroupForm(), officer_form=form),
        status=400,
    )


@asks("group-officer-delete")
def _ask_officer_delete(officer) -> Ask:
    words = officer.election.unit.words
    role = words["leader" if officer.role == GroupOfficer.Role.LEADER else "representative"]
    return Ask(
        action="确认删除",
        question=f"删除{officer.group.name}{role}{officer.person.name}的登记？",
        consequence="删除后如需要须重新登记。",
    )


@login_required
@require_POST
def officer_delete(request, oid):
    officer = access.officer_for_user(request.user, oid, write=True)
    back = reverse("villagers:groups", args=[officer.election_id])
    if asked := ask_first(request, "group-officer-delete", officer, back=back):
        return asked
    groups.officer_remove(officer=officer, actor=request.user)
    messages.success(request, "已删除。")
    return redirect(back)
