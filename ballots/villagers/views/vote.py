"""Villagers' election pages: nominations, officials and boxes, entry, counting, result, recall."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ballots import double_entry as entered_twice
from ballots.check_catalogue import TallyRefused, TallyWarnings
from ballots.check_forms import parse_acknowledgements, parse_reconciliation
from ballots.models import (
    VillagersElection,
    VillagersNomination,
    VillagersPost,
    VillagersRecall,
    VillagersRound,
)
from ballots.record import grouped_hash, record_hash
from ballots.villagers import access, entry_chain
from ballots.villagers import vote as vv
from ballots.villagers.forms import (
    BallotSetupForm,
    BoxForm,
    NominationForm,
    OfficialForm,
    RecallForm,
    RecallVoteForm,
)
from renewal.kit.confirmation import Ask, ask_first, asks
from renewal.kit.paging import KeyPaginator, tally
from renewal.models import Body, DomainError, TermMember

WRITE_IN_ROWS = 3
SORTS = {
    "day": ("election_day", "unit__code"),
    "-day": ("-election_day", "unit__code"),
    "unit": ("unit__code",),
    "status": ("status", "unit__code"),
}


def _int(post, key) -> int | None:
    raw = (post.get(key) or "").strip()
    return int(raw) if raw.isdecimal() else None


def _version(post) -> int:
    return _int(post, "version") or -1


SAVED = {
    entered_twice.FIRST: "第一次录入已保存，请由另一个账号再次录入核对。",
    entered_twice.DISPUTED: "两次录入不一致，未保存，已交协调人核对处理。",
}


def _double_entry(kind: str, tally) -> dict:
    """Where a tally entered twice stands, for its entry page."""
    return {
        "entry_state": entered_twice.state_of(kind, tally),
        "double_required": entered_twice.required(entered_twice.SUBJECTS[kind], tally),
        "dispute_url": reverse("ballots:double-entry-detail", args=[kind, tally.pk]),
    }


# --- List and overview ------------------------------------------------------------------------


@login_required
def vote_list(request):
    if access.excluded(request.user):
        raise Http404
    access.require_region_scope(request.user)
    qs = access.elections_visible_to(request.user).select_related("unit", "unit__township")
    status = request.GET.get("status", "")
    if status in VillagersElection.Status.values:
        qs = qs.filter(status=status)
    township = request.GET.get("township", "")
    if township.isdecimal():
        qs = qs.filter(unit__township_id=int(township))
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(unit__name__contains=q)
    sort = request.GET.get("sort", "-day")
    qs = qs.order_by(*SORTS.get(sort, SORTS["-day"]))
    page = KeyPaginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "ballots/villagers/vote/list.html",
        {
            "page": page,
            "total": tally(access.elections_visible_to(request.user)),
            "status": status,
            "statuses": VillagersElection.Status.choices,
            "townships": access.townships_visible_to(request.user).order_by("code"),
            "township": township,
            "q": q,
            "sort": sort,
        },
    )


def _context(request, election, **extra):
    return {
        "election": election,
        "setup": vv.setup_for(election),
        "seats": vv.seats_by_post(election),
        "can_write": access.can_enter_vote(request.user, election)
        and election.status != VillagersElection.Status.APPROVED,
        **extra,
    }


@login_required
def vote_detail(request, pk):
    election = access.election_for_user(request.user, pk)
    setup = vv.setup_for(election)
    rounds = list(election.vote_rounds.select_related("previous"))
    elected = vv.elected_by_post(election)
    return render(
        request,
        "ballots/villagers/vote/detail.html",
        _context(
            request,
            election,
            rounds=rounds,
            elected=[(VillagersPost(p).label, names) for p, names in elected.items()],
            roles=vv.dual_roles_detail(election),
            can_approve=access.can_approve(request.user, election)
            and election.status == VillagersElection.Status.COUNTED,
            setup_form=BallotSetupForm(
                initial={"mode": setup.mode, "deputy_seats": setup.deputy_seats}
            ),
            boxes=list(election.boxes.all()),
            registered=vv.registered_voters(election).count(),
            write_ins=vv.unresolved_write_ins(election),
            members=_members(election).annotate(
                recalled=Exists(
                    VillagersRecall.objects.filter(member=OuterRef("pk"), status="passed")
                )
            ),
        ),
    )


@login_required
@require_POST
def ballot_setup(request, pk):
    election = access.election_for_user(request.user, pk, write=True, vote=True)
    form = BallotSetupForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择计票方式，副主任职数填 0 到 3 的整数。")
    else:
        try:
            vv.ballot_setup_update(election=election, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "计票方式和职数已保存。")
    return redirect("villagers:vote-detail", pk=election.pk)


# --- Nominations ------------------------------------------------------------------------------


@login_required
def nominations(request, pk):
    election = access.election_for_user(request.user, pk, write=request.method == "POST", vote=True)
    seats = vv.seats_by_post(election)
    form = NominationForm(request.POST or None, election=election, posts=list(seats))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            vv.nomination_add(
                election=election,
                post=data["post"],
                person=data["person"],
                nominators=data["nominators"],
                source=data["source"],
                relatives=vv.parse_relatives(data["relatives"]),
                education=data["education"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            shown = vv.nominee_names(election).get(data["person"].pk, data["person"].name)
            messages.success(request, f"已提名{shown}为{VillagersPost(data['post']).label}候选人。")
            return redirect("villagers:nominations", pk=election.pk)
    rows = election.nominations.select_related("person").prefetch_related("relatives")
    shown = vv.nominee_names(election)
    by_post = {p: [] for p in seats}
    for n in rows:
        n.shown_name = shown[n.person_id]
        by_post.setdefault(n.post, []).append(n)
    posts = []
    for post, seat_count in seats.items():
        noms = sorted(by_post.get(post, []), key=lambda n: vv.stroke_sort_key(n.shown_name))
        posts.append(
            {
                "code": post,
                "label": VillagersPost(post).label,
                "seats": seat_count,
                "needed": vv.candidates_needed(seat_count, election.pack.surplus_min_extra),
                "nominations": noms,
                "formal": [n.shown_name for n in noms if n.formal],
            }
        )
    return render(
        request,
        "ballots/villagers/vote/nominations.html",
        _context(
            request,
            election,
            form=form,
            posts=posts,
            women_seat=VillagersPost.WOMEN_MEMBER in seats,
            counting_started=election.vote_rounds.exists(),
        ),
    )


@asks("nomination-delete")
def _ask_nomination_delete(nomination) -> Ask:
    post = nomination.get_post_display()
    return Ask(
        action="确认撤销提名",
        question=f"撤销{nomination.person.name}的{post}提名？",
        consequence=f"撤销后其不再是{post}的被提名人，不能被确定为正式候选人；如需恢复，须重新登记提名。",
    )


@login_required
@require_POST
def nomination_delete(request, pk, nid):
    election = access.election_for_user(request.user, pk, write=True, vote=True)
    nomination = (
        VillagersNomination.objects.filter(pk=nid, election=election)
        .select_related("person")
        .first()
    )
    if nomination is None:
        raise Http404
    back = reverse("villagers:nominations", args=[election.pk])
    if asked := ask_first(request, "nomination-delete", nomination, back=back):
        return asked
    try:
        vv.nomination_remove(nomination=nomination, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已撤销该提名。")
    return redirect("villagers:nominations", pk=election.pk)


@login_required
@require_POST
def candidates_confirm(request, pk, post):
    election = access.election_for_user(request.user, pk, write=True, vote=True)
    if post not in VillagersPost.values:
        raise Http404
    ids = [int(v) for v in request.POST.getlist("nomination") if v.isdecimal()]
    try:
        names = vv.candidates_confirm(
            election=election, post=post, nomination_ids=ids, actor=request.user
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"{VillagersPost(post).label}正式候选人（按姓氏笔画）：{'、'.join(names)}。"
        )
    return redirect("villagers:nominations", pk=election.pk)


# --- Officials and boxes ------------------------------------------------------------------------


def _polling_page(request, election, *, official_form=None, box_form=None):
    boxes = list(election.boxes.prefetch_related("officials__person"))
    for box in boxes:
        box.blocker = vv.box_blocker(box, scrutineers=len(box.officials.all()))
        box.entry_state = entered_twice.state_of(vv.BOX, box)
    return render(
        request,
        "ballots/villagers/vote/polling.html",
        _context(
            request,
            election,
            boxes=boxes,
            officials=election.officials.select_related("person", "box"),
            official_form=official_form or OfficialForm(election=election),
            box_form=box_form or BoxForm(),
            min_scrutineers=election.pack.mobile_box_min_scrutineers,
            counting_started=election.vote_rounds.exists(),
        ),
    )


@login_required
def polling(request, pk):
    election = access.election_for_user(request.user, pk)
    return _polling_page(request, election)


@login_required
@require_POST
def official_add(request, pk):
    election = access.election_for_user(request.user, pk, write=True, vote=True)
    form = OfficialForm(request.POST, election=election)
    if form.is_valid():
        try:
            vv.official_add(election=election, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已添加{form.cleaned_data['person'].name}。")
            return redirect("villagers:polling", pk=election.pk)
    return _polling_page(request, election, official_form=form)


@asks("official-delete")
def _ask_official_delete(official) -> Ask:
    role = official.get_role_display()
    return Ask(
        action="确认撤换",
        question=f"撤换{official.person.name}的{role}职责？",
        consequence=f"撤换后其不再担任本次选举的{role}，所在投票点须另行登记工作人员。",
    )


@login_required
@require_POST
def official_delete(request, pk, oid):
    election = access.election_for_user(request.user, pk, write=True, vote=True)
    official = election.officials.filter(pk=oid).select_related("box", "person").first()
    if official is None:
        raise Http404
    back = reverse("villagers:polling", args=[election.pk])
    if asked := ask_first(request, "official-delete", official, back=back):
        return asked
    try:
        vv.official_remove(official=official)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已撤换。")
    return redirect("villagers:polling", pk=election.pk)


@login_required
@require_POST
def box_add(request, pk):
    election = access.election_for_user(request.user, pk, write=True, vote=True)
    form = BoxForm(request.POST)
    if form.is_valid():
        try:
            vv.box_add(election=election, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已设立{form.cleaned_data['name']}。")
            return redirect("villagers:polling", pk=election.pk)
    return _polling_page(request, election, box_form=form)


def _tally_rows(post_data, prefix, candidates, stored, *, write_ins=True):
    """Rows of a per-name tally form; typed values (or the stored ones) and their errors.
    ``write_ins``: the ballot has 另选他人 lines."""
    rows, votes, errors = [], {}, []
    for i, name in enumerate(candidates):
        key = f"{prefix}-c{i}"
        raw = post_data.get(key, "") if post_data is not None else str(stored.get(name, "") or "")
        rows.append({"name": name, "key": key, "value": raw, "write_in": False})
        if post_data is not None and raw.strip():
            if not raw.strip().isdecimal():
                errors.append(f"{name} 的票数“{raw}”不是整数。")
            else:
                votes[name] = int(raw)
    others = [(n, v) for n, v in stored.items() if n not in candidates]
    for k in range(max(WRITE_IN_ROWS, len(others)) if write_ins else 0):
        nkey, vkey = f"{prefix}-w{k}-name", f"{prefix}-w{k}-votes"
        if post_data is not None:
            wname, wraw = post_data.get(nkey, "").strip()[:40], post_data.get(vkey, "").strip()
        else:
            wname, wraw = (others[k][0], str(others[k][1])) if k < len(others) else ("", "")
        rows.append({"name": wname, "key": vkey, "name_key": nkey, "value": wraw, "write_in": True})
        if post_data is not None and (wname or wraw):
            if not wname or not wraw.isdecimal():
                errors.append("另选他人须同时填写姓名和整数票数。")
            elif wname in candidates:
                errors.append(f"{wname}是候选人，请在其姓名行填写票数。")
            else:
                votes[wname] = votes.get(wname, 0) + int(wraw)
    return rows, votes, errors


def _counts(post_data, keys):
    values, errors = {}, []
    for key, label in keys:
        raw = (post_data.get(key) or "").strip()
        if not raw.isdecimal():
            errors.append(f"请填写{label}（整数）。")
        else:
            values[key] = int(raw)
    return values, errors


def submit_tally(enter, tally, post_data, ack_problems):
    """Save a tally form through ``enter()``; None when saved, else what the form shows: the
    refusing checks, the warnings awaiting a reason, or a lost race (the saved figures beside
    the typed ones, ``tally`` reloaded so that the form carries the new version)."""
    try:
        enter()
    except TallyRefused as exc:
        return [f.message for f in exc.findings], [], None
    except TallyWarnings as exc:
        return ack_problems, [(f, post_data.get(f.reason_field, "")) for f in exc.findings], None
    except entered_twice.StaleEntry as exc:
        tally.refresh_from_db()
        return [], [], {"message": str(exc), "rows": exc.rows}
    except DomainError as exc:
        return [str(exc)], [], None
    return None


@login_required
def box_entry(request, bid):
    box = access.box_for_user(request.user, bid, write=request.method == "POST")
    election = box.election
    formal = vv.formal_candidates(election)
    seats = vv.seats_by_post(election)
    post_data = request.POST if request.method == "POST" else None
    sections, votes, errors = [], {}, []
    for post in seats:
        rows, tally, errs = _tally_rows(
            post_data, post, formal.get(post, []), (box.votes or {}).get(post, {})
        )
        sections.append({"code": post, "label": VillagersPost(post).label, "rows": rows})
        votes[post], errors = tally, errors + errs
    counts = {
        "ballots_issued": box.ballots_issued,
        "ballots_returned": box.ballots_returned,
        "ballots_invalid": box.ballots_invalid,
    }
    rec = vv.stored_reconciliation(box).as_dict()
    warnings, stale = [], None
    if post_data is not None:
        rec = {k: post_data.get(f"rec-{k}", "") for k in rec}
        counts = {k: post_data.get(k, "") for k in counts}
        values, errs = _counts(
            post_data,
            [
                ("ballots_issued", "发出选票数"),
                ("ballots_returned", "收回选票数"),
                ("ballots_invalid", "废票数"),
            ],
        )
        errors = errs + errors
        reconciliation = parse_reconciliation(post_data, errors)
        acknowledgements, ack_problems = parse_acknowledgements(post_data)
        if not errors:
            refused = submit_tally(
                lambda: vv.box_enter(
                    box=box,
                    version=_version(post_data),
                    actor=request.user,
                    votes=votes,
                    reconciliation=reconciliation,
                    acknowledgements=acknowledgements,
                    **values,
                ),
                box,
                post_data,
                ack_problems,
            )
            if refused:
                errors, warnings, stale = refused
            else:
                state = entered_twice.state_of(vv.BOX, box)
                messages.success(request, SAVED.get(state, f"{box.name}的计票结果已保存。"))
                if state:
                    return redirect("villagers:box-entry", bid=box.pk)
                return redirect("villagers:polling", pk=election.pk)
    can_write = access.can_enter_vote(request.user, election) and not election.vote_rounds.exists()
    return render(
        request,
        "ballots/villagers/vote/box_entry.html",
        _context(
            request,
            election,
            box=box,
            sections=sections,
            counts=counts,
            rec=rec,
            errors=errors,
            problems=errors,
            warnings=warnings,
            acked=set(post_data.getlist("ack")) if post_data is not None else set(),
            post=post_data or {},
            acknowledgements=box.acknowledgements.select_related("acknowledged_by__profile"),
            blocker=vv.box_blocker(box),
            can_enter=can_write and election.status != VillagersElection.Status.APPROVED,
            stale=stale,
            **_double_entry(vv.BOX, box),
        ),
        status=400 if errors or warnings or stale else 200,
    )


# --- Counting and later rounds --------------------------------------------------------------------


@login_required
@require_POST
def count(request, pk):
    election = access.election_for_user(request.user, pk, write=True, vote=True)
    try:
        vv.election_count(election=election, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已汇总所有票箱并计票。")
    return redirect("villagers:vote-detail", pk=election.pk)


@login_required
def round_detail(request, rid):
    rnd = access.round_for_user(request.user, rid, write=request.method == "POST")
    election = rnd.election
    post_data = request.POST if request.method == "POST" else None
    stale = None
    rows, votes, errors = _tally_rows(
        post_data, "r", rnd.candidates, (rnd.totals or {}).get("for", {})
    )
    counts = {
        "present": rnd.present,
        "ballots_returned": (rnd.totals or {}).get("returned"),
        "ballots_invalid": (rnd.totals or {}).get("invalid"),
    }
    rec = vv.stored_reconciliation(rnd).as_dict()
    warnings = []
    if post_data is not None:
        counts = {k: post_data.get(k, "") for k in counts}
        rec = {k: post_data.get(f"rec-{k}", "") for k in rec}
        values, errs = _counts(
            post_data,
            [
                ("present", "参加投票人数"),
                ("ballots_returned", "收回选票数"),
                ("ballots_invalid", "废票数"),
            ],
        )
        errors = errs + errors
        reconciliation = parse_reconciliation(post_data, errors)
        acknowledgements, ack_problems = parse_acknowledgements(post_data)
        if not errors:
            refused = submit_tally(
                lambda: vv.round_enter(
                    rnd=rnd,
                    version=_version(post_data),
                    actor=request.user,
                    votes=votes,
                    reconciliation=reconciliation,
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
                state = entered_twice.state_of(vv.ROUND, rnd)
                messages.success(request, SAVED.get(state, "本轮已计票。"))
                return redirect("villagers:round-detail", rid=rnd.pk)
    return render(
        request,
        "ballots/villagers/vote/round.html",
        _context(
            request,
            election,
            rnd=rnd,
            rows=rows,
            counts=counts,
            rec=rec,
            errors=errors,
            problems=errors,
            warnings=warnings,
            acked=set(post_data.getlist("ack")) if post_data is not None else set(),
            acknowledgements=rnd.acknowledgements.select_related("acknowledged_by__profile"),
            chain=entry_chain.election_chain(election),
            seal=grouped_hash(record_hash(vv.round_record_json(rnd)))
            if rnd.status == VillagersRound.Status.COUNTED
            else "",
            can_enter=access.can_enter_vote(request.user, election)
            and rnd.status == VillagersRound.Status.OPEN
            and election.status != VillagersElection.Status.APPROVED,
            stale=stale,
            **_double_entry(vv.ROUND, rnd),
        ),
        status=400 if errors or warnings or stale else 200,
    )


@login_required
def round_record(request, rid):
    rnd = access.round_for_user(request.user, rid)
    try:
        data = vv.round_record_json(rnd)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("villagers:round-detail", rid=rnd.pk)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    filename = f"ballot-record-villagers-{rnd.election_id}-{rnd.number}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Approval ------------------------------------------------------------------------------------


@asks("villagers-approve")
def _ask_approve(election) -> Ask:
    committee = election.committee_name
    return Ask(
        action="确认选举结果",
        question=f"确认{election.unit.name}{committee}的选举结果？",
        consequence=f"确认后选举结果锁定，不能再修改，当选人登记为新一届{committee}成员。",
    )


@login_required
@require_POST
def approve(request, pk):
    election = access.election_for_user(request.user, pk)
    access.require_approver(request.user, election)
    back = reverse("villagers:vote-detail", args=[election.pk])
    if asked := ask_first(request, "villagers-approve", election, back=back):
        return asked
    try:
        vv.election_approve(election=election, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"选举结果已确认，新一届{election.committee_name}成员已登记。")
    return redirect("villagers:vote-detail", pk=election.pk)


# --- Recall --------------------------------------------------------------------------------------


def _members(election):
    return (
        TermMember.objects.filter(
            term__unit_id=election.unit_id,
            term__round_id=election.round_id,
            term__body=Body.VILLAGERS,
        )
        .select_related("person")
        .order_by("id")
    )


@login_required
def recalls(request, pk):
    election = access.election_for_user(request.user, pk, write=request.method == "POST", vote=True)
    form = RecallForm(request.POST or None, members=_members(election))
    if request.method == "POST" and form.is_valid():
        try:
            vv.recall_propose(election=election, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "罢免要求已登记。")
            return redirect("villagers:recalls", pk=election.pk)
    items = list(election.recalls.select_related("member__person"))
    for r in items:
        r.verdict = vv.recall_verdict(r)
    registered = vv.registered_voters(election).count()
    return render(
        request,
        "ballots/villagers/vote/recalls.html",
        _context(
            request,
            election,
            form=form,
            recalls=items,
            vote_form=RecallVoteForm(initial={"registered": registered}),
            registered=registered,
            needed=vv.signatures_needed(registered, election.pack.recall_proposal_share_den),
            can_recall=access.can_enter_vote(request.user, election)
            and election.status == VillagersElection.Status.APPROVED,
        ),
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def recall_vote(request, rid):
    recall = access.recall_for_user(request.user, rid, write=True)
    form = RecallVoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请完整填写罢免投票情况（日期和整数人数）。")
    else:
        try:
            recall = vv.recall_vote(recall=recall, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, vv.recall_verdict(recall))
    return redirect("villagers:recalls", pk=recall.election_id)


@login_required
@require_POST
def write_in_resolve(request, pk, wid):
    """Say which registered voter an elected write-in is (before the result is confirmed)."""
    election = access.election_for_user(request.user, pk, write=True, vote=True)
    write_in = get_object_or_404(election.write_ins, pk=wid)
    registration = vv.voter_by_id_number(election, request.POST.get("id_number", ""))
    if registration is None:
        messages.error(request, "请填写该当选人的公民身份号码：须是本次选举的登记选民。")
    else:
        try:
            vv.write_in_resolve(write_in=write_in, person=registration.person)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"已确认另选他人“{write_in.name}”为登记选民{registration.person.name}。"
            )
    return redirect("villagers:vote-detail", pk=election.pk)
