from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ballots import checks
from ballots import double_entry as entered_twice
from ballots.check_forms import parse_acknowledgements, parse_reconciliation
from ballots.congress import access, printing, services
from ballots.congress.entry import MAX_WRITE_INS, parse_ballot_lines, parse_totals
from ballots.congress.forms import (
    CongressForm,
    ReasonForm,
    ReportForm,
    RoundForm,
    ScrutineerForm,
    WriteInForm,
)
from ballots.models import Attendance, Congress, ElectionRound, TallyCheck
from ballots.record import grouped_hash
from renewal.kit.confirmation import Ask, ask_first, asks
from renewal.kit.dates import chinese_date
from renewal.kit.file_names import dated_name, disposition
from renewal.kit.forms import errors_in_words
from renewal.kit.naming import ballot_names, standing
from renewal.kit.paging import KeyPaginator, tally
from renewal.models import DomainError

SAVED = {
    ElectionRound.Status.AWAITING_SECOND: "第一次录入已保存，请由另一个账号再次录入核对。",
    ElectionRound.Status.DISPUTED: "两次录入不一致，未计票，已交协调人核对处理。",
}


def _version(post) -> int:
    """The form's version stamp; a tampered one just reads as stale."""
    raw = post.get("version", "")
    return int(raw) if raw.isdecimal() else -1


@login_required
def congress_list(request):
    access.require_region_scope(request.user)
    visible = access.congresses_visible_to(request.user)
    qs = visible.select_related("unit", "unit__township")
    status = request.GET.get("status", "")
    if status in Congress.Status.values:
        qs = qs.filter(status=status)
    page = KeyPaginator(qs.order_by("-held_on", "unit__code"), 50).get_page(request.GET.get("page"))
    units_without = (
        access.units_writable_by(request.user)
        .filter(county__rounds__is_active=True)
        .exclude(congresses__round__is_active=True)
    )
    context = {
        "page": page,
        "total": tally(visible),
        "status": status,
        "statuses": Congress.Status.choices,
        "units_without": units_without,
    }
    return render(request, "ballots/congress_list.html", context)


@login_required
def congress_create(request, unit_pk):
    unit = access.unit_for_user(request.user, unit_pk, write=True)
    form = CongressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            congress = services.congress_create(unit=unit, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已建立党员大会，请登记到会情况。")
            return redirect("ballots:congress-attendance", pk=congress.pk)
    return render(request, "ballots/congress_form.html", {"form": form, "unit": unit})


@login_required
def congress_detail(request, pk):
    congress = access.congress_for_user(request.user, pk)
    met, verdict = services.quorum_verdict(congress)
    can_write = access.can_write_unit(request.user, congress.unit)
    return render(
        request,
        "ballots/congress_detail.html",
        {
            "congress": congress,
            "verdict": verdict,
            "quorum_met": met,
            "rounds": congress.rounds.all(),
            "scrutineers": congress.scrutineers.select_related("person"),
            "elected": services.elected_members(congress),
            "write_ins": services.unresolved_write_ins(congress),
            "write_in_members": services.write_in_choices(congress),
            "counting_started": services.counting_started(congress),
            "can_write": can_write and not congress.is_locked,
            "can_approve": access.can_approve(request.user, congress),
            "can_reopen": access.can_reopen(request.user, congress) and congress.is_locked,
            "secretary": services.elected_secretary(congress),
            "roster_changes": services.roster_changes(congress),
            **_round_forms(congress),
            "scrutineer_form": ScrutineerForm(congress=congress),
            "report_form": ReportForm(),
            "reason_form": ReasonForm(),
        },
    )


def _round_choices(congress):
    """Who may be put on a ballot now: the formal committee candidates, and for the secretary
    and deputy the newly elected members (or, where the congress elects them directly, the
    formal candidates for those posts); with the names as they would be printed."""
    formal = [c.person for c in services.formal_committee_candidates(congress)]
    elected = services.elected_members(congress)
    if services.by_plenary(congress):
        officers = [e.person for e in elected if e.person_id]
        names = {e.person_id: e.name for e in elected if e.person_id}
    else:
        officers = [c.person for c in services.formal_officer_candidates(congress)]
        names = {}
    names = ballot_names(standing(p) for p in formal) | names
    return formal, officers, names


def _round_forms(congress, data=None):
    formal, officers, names = _round_choices(congress)
    # Where the county requires every tally entered twice, the box is ticked (and the
    # service ticks it whatever is posted).
    twice = entered_twice.policy_for(congress.unit.county_id, congress.held_on).required
    return {
        "double_entry_required": twice,
        "round_form": RoundForm(
            data,
            people=formal,
            names=names,
            initial={
                "kind": "committee",
                "seats": _party_seats(congress),
                "people": formal,
                "double_entry": twice,
            },
            prefix="committee",
        ),
        "officer_form": RoundForm(
            data,
            people=officers,
            names=names,
            initial={"kind": "secretary", "seats": 1, "double_entry": twice},
            prefix="officer",
        )
        if officers
        else None,
    }


def _party_seats(congress):
    seats = congress.unit.seats.filter(round=congress.round).first()
    return seats.party if seats else 5


MARK_ALL = {
    "present": "已将全部党员登记为到会（已登记不计入原因的除外）并保存，请取消个别未到会人员的勾选后再保存。",
    "absent": "已清除全部到会勾选并保存。",
}


@login_required
def congress_attendance(request, pk):
    congress = access.congress_for_user(request.user, pk, write=request.method == "POST")
    rows = list(congress.attendance.select_related("member__person"))
    # Same-name members told apart as on the ballot; who has no vote says why, on the day.
    shown = ballot_names(standing(a.member.person) for a in rows)
    for a in rows:
        a.shown_name = shown[a.member.person_id]
        a.why = a.member.entitlement(congress.held_on)
    if request.method == "POST":
        data = [
            {
                "id": a.pk,
                "present": request.POST.get(f"present-{a.pk}") == "on",
                "excluded": request.POST.get(f"excluded-{a.pk}", ""),
                "approved_by": request.POST.get(f"approved-{a.pk}", ""),
            }
            for a in rows
        ]
        for row in data:
            if row["excluded"] and row["excluded"] not in Attendance.Exclusion.values:
                row["excluded"] = ""
        # 全部到会 / 全不到会 without script: every row at once, then the clerk corrects the few.
        mark_all = request.POST.get("mark_all")
        try:
            services.attendance_update(
                congress=congress,
                version=_version(request.POST),
                rows=data,
                mark_all=(mark_all == "present") if mark_all in MARK_ALL else None,
            )
        except (DomainError, ValueError) as exc:
            messages.error(request, str(exc))
            # Keep what was typed: show the posted values instead of the stored ones.
            for a, row in zip(rows, data, strict=True):
                a.present, a.excluded, a.exclusion_approved_by = (
                    row["present"],
                    row["excluded"],
                    row["approved_by"],
                )
        else:
            if request.htmx:
                return _quorum_fragment(request, congress)
            if mark_all in MARK_ALL:
                messages.success(request, MARK_ALL[mark_all])
                return redirect("ballots:congress-attendance", pk=congress.pk)
            messages.success(request, "到会情况已保存。")
            return redirect("ballots:congress-detail", pk=congress.pk)
    met, verdict = services.quorum_verdict(congress)
    return render(
        request,
        "ballots/attendance.html",
        {
            "congress": congress,
            "rows": rows,
            "verdict": verdict,
            "quorum_met": met,
            "exclusions": Attendance.Exclusion.choices,
            "counts": services.attendance_figures(
                (a.can_vote, bool(a.excluded), a.present) for a in rows
            ),
            "can_write": access.can_write_unit(request.user, congress.unit)
            and not congress.is_locked,
        },
    )


def _quorum_fragment(request, congress):
    congress.refresh_from_db()
    met, verdict = services.quorum_verdict(congress)
    return render(
        request,
        "ballots/partials/quorum.html",
        {"verdict": verdict, "quorum_met": met, "congress": congress},
    )


@login_required
def congress_quorum(request, pk):
    """The live verdict (htmx): what the roster as ticked would give, before saving."""
    congress = access.congress_for_user(request.user, pk)
    if request.method != "POST":
        return _quorum_fragment(request, congress)
    rows = list(congress.attendance.filter(can_vote=True))
    expected = sum(1 for a in rows if not request.POST.get(f"excluded-{a.pk}"))
    present = sum(1 for a in rows if request.POST.get(f"present-{a.pk}") == "on")
    met, verdict = services.verdict_for(congress, expected=expected, present=present)
    return render(
        request,
        "ballots/partials/quorum.html",
        {"verdict": verdict, "quorum_met": met, "congress": congress, "preview": True},
    )


@login_required
@require_POST
def scrutineer_add(request, pk):
    congress = access.congress_for_user(request.user, pk, write=True)
    form = ScrutineerForm(request.POST, congress=congress)
    if form.is_valid():
        try:
            services.scrutineer_add(
                congress=congress,
                person=form.cleaned_data["member"].member.person,
                role=form.cleaned_data["role"],
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已添加。")
    else:
        messages.error(request, "请选择人员和职责。")
    return redirect("ballots:congress-detail", pk=congress.pk)


@login_required
@require_POST
def round_create(request, pk):
    congress = access.congress_for_user(request.user, pk, write=True)
    prefix = "officer" if request.POST.get("which") == "officer" else "committee"
    formal, officers, names = _round_choices(congress)
    form = RoundForm(
        request.POST, people=officers if prefix == "officer" else formal, names=names, prefix=prefix
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            rnd = services.round_open(
                congress=congress,
                kind=data["kind"],
                seats=data["seats"],
                people=list(data["people"]),
                double_entry=data["double_entry"],
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            return redirect("ballots:round-detail", pk=rnd.pk)
    else:
        errors = errors_in_words(form)
        messages.error(request, f"轮次未建立：{errors}")
    return redirect("ballots:congress-detail", pk=congress.pk)


@login_required
def round_detail(request, pk):
    rnd = access.round_for_user(request.user, pk, write=request.method == "POST")
    congress = rnd.congress
    problems, warnings, stale = [], [], None
    if request.method == "POST":
        issued, totals, problems = parse_totals(rnd.candidates, request.POST)
        ballots = None
        if request.POST.get("mode") == "ballots":
            ballots, ballot_problems = parse_ballot_lines(
                rnd.candidates, request.POST.get("ballot_lines", "")
            )
            problems = [p for p in problems if p.startswith("发出选票")] + ballot_problems
            totals = None
        reconciliation = parse_reconciliation(request.POST, problems)
        acknowledgements, ack_problems = parse_acknowledgements(request.POST)
        if not problems:
            try:
                services.round_enter(
                    actor=request.user,
                    rnd=rnd,
                    version=_version(request.POST),
                    ballots_issued=issued,
                    totals=totals,
                    ballots=ballots,
                    reconciliation=reconciliation,
                    acknowledgements=acknowledgements,
                )
            except services.TallyRefused as exc:
                problems = [f.message for f in exc.findings]
            except services.TallyWarnings as exc:
                warnings = [(f, request.POST.get(f.reason_field, "")) for f in exc.findings]
                problems = ack_problems
            except entered_twice.StaleEntry as exc:
                stale = {"message": str(exc), "rows": exc.rows}
                rnd.refresh_from_db()
            except DomainError as exc:
                problems = [str(exc)]
            else:
                rnd.refresh_from_db()
                messages.success(request, SAVED.get(rnd.status, "已计票。"))
                return redirect("ballots:round-detail", pk=rnd.pk)
    met, verdict = services.round_verdict(rnd)
    rows = [
        {
            "i": i,
            "name": name,
            "for": request.POST.get(f"for-{i}", ""),
            "against": request.POST.get(f"against-{i}", ""),
            "abstain": request.POST.get(f"abstain-{i}", ""),
        }
        for i, name in enumerate(rnd.candidates)
    ]
    write_ins = [
        {
            "k": k,
            "name": request.POST.get(f"wi-name-{k}", ""),
            "for": request.POST.get(f"wi-for-{k}", ""),
        }
        for k in range(min(rnd.seats, MAX_WRITE_INS))
    ]
    return render(
        request,
        "ballots/round_detail.html",
        {
            "rnd": rnd,
            "congress": congress,
            "verdict": verdict,
            "quorum_met": met,
            "rows": rows,
            "write_ins": write_ins,
            "problems": problems,
            "warnings": warnings,
            "stale": stale,
            "acked": set(request.POST.getlist("ack")),
            "rec": _reconciliation_shown(request, rnd),
            "acknowledgements": rnd.acknowledgements.select_related("acknowledged_by__profile"),
            "post": request.POST,
            "following": rnd.following.all(),
            "chain": services.round_chain(rnd),
            "seal": grouped_hash(services.round_seal(rnd)[0])
            if rnd.status == ElectionRound.Status.COUNTED
            else "",
            "can_write": access.can_write_unit(request.user, congress.unit)
            and not congress.is_locked,
        },
    )


def _reconciliation_shown(request, rnd) -> dict:
    """The ballot count on the entry form: as typed after a refused save, else as stored."""
    if request.method == "POST":
        return {k: request.POST.get(f"rec-{k}", "") for k in ("printed", "spoiled", "unused")}
    stored = (rnd.ballots_printed, rnd.ballots_spoiled, rnd.ballots_unused)
    return {
        k: "" if v is None else str(v)
        for k, v in zip(("printed", "spoiled", "unused"), stored, strict=True)
    }


@login_required
def round_record(request, pk):
    rnd = access.round_for_user(request.user, pk)
    try:
        data = services.round_record_json(rnd)
    except DomainError:
        raise Http404 from None
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = (
        f'attachment; filename="ballot-record-{rnd.congress.unit.code}-{rnd.number}.json"'
    )
    return response


@login_required
def round_pdf(request, pk, what):
    rnd = access.round_for_user(request.user, pk)
    congress = rnd.congress
    expected, present = services.head_count(congress)
    title = f"{congress.unit.branch.name if hasattr(congress.unit, 'branch') else congress.unit.name}换届选举"
    if what == "ballots":
        build = partial(
            printing.ballot_pdf,
            printing.BallotSpec(
                title=f"{title} {rnd.get_kind_display()}选票",
                instructions=[
                    f"应选 {rnd.seats} 名。在赞成的候选人姓名下方空格内划“○”，不赞成的划“×”，"
                    "弃权的不划任何符号；另选他人的，在另选他人栏内写上其姓名，并在其下方空格内划“○”。",
                    "所划“○”（含另选他人）超过应选人数的为废票。",
                ],
                candidates=list(rnd.candidates),
                seats=rnd.seats,
                write_in_rows=rnd.seats,
                copies=max(present, 1),
                spares=max(2, present // 10),
                serial_prefix=f"{congress.unit.code[-6:]}-{rnd.number}-",
            ),
        )
    elif what == "tally":
        build = partial(
            printing.tally_sheet_pdf,
            printing.TallySpec(
                title=f"{title} {rnd.get_kind_display()}计票单",
                candidates=list(rnd.candidates),
                seats=rnd.seats,
                expected=expected,
                present=present,
                ballots_issued=rnd.ballots_issued or present,
                reconciliation={
                    "printed": rnd.ballots_printed,
                    "spoiled": rnd.ballots_spoiled,
                    "unused": rnd.ballots_unused,
                },
            ),
        )
    else:
        raise Http404
    name = dated_name(
        congress.unit.name,
        f"第{rnd.number}轮{'选票' if what == 'ballots' else '计票单'}",
        ext="pdf",
    )
    return _pdf_response(request, build, (name, f"round-{rnd.pk}-{what}.pdf"), back=rnd)


@login_required
@require_POST
def congress_report(request, pk):
    congress = access.congress_for_user(request.user, pk, write=True)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            congress = services.congress_report(
                congress=congress, notice_start=form.cleaned_data["notice_start"]
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"已报批，公示期 {congress.notice_start:%Y-%m-%d} 至 {congress.notice_end:%Y-%m-%d}"
                f"（{services.NOTICE_WORKING_DAYS} 个工作日）。",
            )
    else:
        messages.error(request, "请填写公示开始日期。")
    return redirect("ballots:congress-detail", pk=congress.pk)


@asks("congress-approve")
def _ask_approve(congress) -> Ask:
    return Ask(
        action="确认批复",
        question=f"批复{congress.unit.name}党员大会的选举结果？",
        consequence="批复后选举结果锁定，不能再修改，当选人登记为新一届党组织班子成员；"
        "如需更正，须由县委组织部写明原因重新打开。",
    )


@login_required
@require_POST
def congress_approve(request, pk):
    congress = access.congress_for_user(request.user, pk)
    if not access.can_approve(request.user, congress):
        raise PermissionDenied("选举结果由乡镇(街道)党(工)委批复。")
    back = reverse("ballots:congress-detail", args=[congress.pk])
    if asked := ask_first(request, "congress-approve", congress, back=back):
        return asked
    try:
        services.congress_approve(actor=request.user, congress=congress)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已批复，选举结果已锁定。")
    return redirect("ballots:congress-detail", pk=congress.pk)


@login_required
@require_POST
def congress_reopen(request, pk):
    congress = access.congress_for_user(request.user, pk)
    if not access.can_reopen(request.user, congress):
        raise PermissionDenied("只有县委组织部可以重新打开已批复的结果。")
    try:
        services.congress_reopen(
            actor=request.user, congress=congress, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已重新打开，可以修改后重新报批。")
    return redirect("ballots:congress-detail", pk=congress.pk)


@login_required
def congress_report_pdf(request, pk):
    congress = access.congress_for_user(request.user, pk)
    unit, township = congress.unit, congress.unit.township
    expected, present = services.head_count(congress)
    members = services.elected_members(congress)
    officers = services.elected_officers(congress)
    paragraphs = [
        f"{chinese_date(congress.held_on)}，{unit.name}在{congress.place}召开党员大会，"
        f"{congress.chair}主持。应到会有选举权党员 {expected} 人，实到 {present} 人。"
    ]
    rounds = [r for r in congress.rounds.all() if r.result]
    paragraphs += [f"{r}：" + "".join(r.result.get("explanation", [])) for r in rounds]
    paragraphs.append("当选委员：" + "、".join(e.name for e in members) + "。")
    paragraphs += [f"当选{o.round.get_kind_display()}：{o.name}。" for o in officers]
    if congress.notice_start:
        paragraphs.append(
            f"公示期：{chinese_date(congress.notice_start)}至{chinese_date(congress.notice_end)}。"
        )
    paragraphs.append("特此报告，请予批复。")
    report = printing.Report(
        title=f"关于{unit.name}党组织换届选举结果的报告",
        addressee=f"{township.name}党(工)委：",
        paragraphs=tuple(paragraphs),
        issuer=report_issuer(unit),
        date=chinese_date(timezone.localdate()),
        seals=tuple(
            printing.Seal(label=str(rnd), grouped=grouped, qr_text=text)
            for rnd, grouped, text in services.round_seals(congress)
        ),
        keep=(
            unit.name,
            township.name,
            congress.chair,
            congress.place,
            *(e.name for e in members),
            *(o.name for o in officers),
            *(name for r in rounds for name in r.candidates),
        ),
    )
    return _pdf_response(
        request,
        lambda: printing.report_pdf(report),
        (dated_name(unit.name, "选举结果报告", ext="pdf"), f"congress-{congress.pk}-report.pdf"),
        back=congress,
    )


def report_issuer(unit) -> str:
    """The 落款 of a unit's report: its party organisation by its full name, which names the
    township (中共城关镇新华村支部委员会), whatever the branch record was called."""
    township = unit.township.name
    branch = getattr(unit, "branch", None)
    name = branch.name if branch else f"{unit.name}党组织"
    if township in name:
        return name
    if name.startswith("中共"):
        return f"中共{township}{name[2:]}"
    return f"{township}{name}"


def _pdf_response(request, build, names: tuple[str, str], *, back):
    """A PDF, or back to the page with the printer's Chinese message (a name the embedded
    font cannot draw, too many names for one ballot) instead of a server error. ``names``:
    the file's Chinese name and its ASCII fallback."""
    try:
        pdf = build()
    except ValueError as exc:
        messages.error(request, f"无法生成 PDF：{exc}")
        if isinstance(back, Congress):
            return redirect("ballots:congress-detail", pk=back.pk)
        return redirect("ballots:round-detail", pk=back.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = disposition(*names, inline=True)
    return response


@login_required
@require_POST
def round_reduce(request, pk):
    rnd = access.round_for_user(request.user, pk, write=True)
    raw = request.POST.get("agreed", "").strip()
    try:
        services.round_reduce_seats(
            rnd=rnd,
            agreed=int(raw) if raw.isdecimal() else -1,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, str(exc) if raw.isdecimal() else "同意人数应为非负整数。")
    else:
        messages.success(request, "已记录减少职数，本轮不再另行选举。")
    return redirect("ballots:round-detail", pk=rnd.pk)


@login_required
@require_POST
def congress_file_secretary(request, pk):
    congress = access.congress_for_user(request.user, pk)
    if not access.can_reopen(request.user, congress):
        raise PermissionDenied("书记备案由县委组织部办理。")
    try:
        services.congress_file_secretary(actor=request.user, congress=congress)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "书记已报县备案。")
    return redirect("ballots:congress-detail", pk=congress.pk)


@login_required
@require_POST
def write_in_resolve(request, pk, entrant_pk):
    """Say which member on the roster an elected write-in is (before the result is reported)."""
    rnd = access.round_for_user(request.user, pk, write=True)
    entrant = get_object_or_404(rnd.entrants, pk=entrant_pk, write_in=True)
    form = WriteInForm(request.POST, members=services.write_in_choices(rnd.congress))
    if not form.is_valid():
        messages.error(request, "请选择名册中的党员。")
    else:
        try:
            services.write_in_resolve(entrant=entrant, person=form.cleaned_data["person"])
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"已确认另选他人“{entrant.name}”为{form.cleaned_data['person'].name}。"
            )
    return redirect("ballots:congress-detail", pk=rnd.congress_id)


@asks("scrutineer-remove")
def _ask_scrutineer_remove(scrutineer) -> Ask:
    role = scrutineer.get_role_display()
    return Ask(
        action=f"确认取消{role}",
        question=f"取消{scrutineer.person.name}的{role}职责？",
        consequence=f"取消后其不再担任本次大会的{role}；计票前须另行推选足额的监票人和计票人。",
    )


@login_required
@require_POST
def scrutineer_remove(request, pk, scrutineer_pk):
    congress = access.congress_for_user(request.user, pk, write=True)
    scrutineer = get_object_or_404(congress.scrutineers.select_related("person"), pk=scrutineer_pk)
    back = reverse("ballots:congress-detail", args=[congress.pk])
    if asked := ask_first(request, "scrutineer-remove", scrutineer, back=back):
        return asked
    try:
        services.scrutineer_remove(scrutineer=scrutineer)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"已取消{scrutineer.person.name}的{scrutineer.get_role_display()}职责。"
        )
    return redirect("ballots:congress-detail", pk=congress.pk)


# --- The coded tally checks -------------------------------------------------------------------


def _check_rows(rows) -> list[printing.CheckRow]:
    return [
        printing.CheckRow(
            code=c.code,
            severity=c.get_severity_display(),
            text=checks.shown_text(c.text)
            if not c.villagers_text
            else f"党员大会：{checks.shown_text(c.text)}；"
            f"村(居)委会选举：{checks.shown_text(c.villagers_text)}",
            source=c.source,
            version=f"{c.version}（{c.effective_from:%Y-%m-%d} 起）",
        )
        for c in rows
    ]


@login_required
def tally_checks(request):
    """Every coded check of a tally, as clerks see it on a refused or warned entry."""
    access.require_region_scope(request.user)
    checks_ = list(TallyCheck.objects.all())
    return render(
        request,
        "ballots/tally_checks.html",
        {"checks": list(zip(checks_, _check_rows(checks_), strict=True))},
    )


@login_required
def tally_checks_pdf(request):
    access.require_region_scope(request.user)
    pdf = printing.tally_checks_pdf("计票核对规则", _check_rows(TallyCheck.objects.all()))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = disposition(
        dated_name("计票核对规则", "", ext="pdf"), "tally-checks.pdf", inline=True
    )
    return response
