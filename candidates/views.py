from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from candidates import access, bulk, services
from candidates.forms import (
    CandidacyForm,
    InspectionForm,
    KnownPersonForm,
    PersonForm,
    ReasonForm,
    VettingAnswerForm,
    VettingSendForm,
)
from candidates.models import (
    Candidacy,
    NegativeList,
    NegativeListItem,
    VettingRequest,
)
from candidates.selectors import (
    CANDIDACY_FILTERS,
    FILTER_KEYS,
    SELECTED_KEY,
    filtered_candidacies,
    selected_ids,
)
from renewal.kit.confirmation import Ask, ask_first, asks
from renewal.kit.exports import export_start
from renewal.kit.forms import errors_in_words
from renewal.kit.naming import Standing, ballot_names
from renewal.kit.paging import KeyPaginator, narrowed, tally
from renewal.models import COMMITTEE_CHOICES, COMMITTEES, AccessLog, Body, DomainError
from renewal.selectors import active_round
from renewal.views import township_choice


def _error(form, exc, field=None):
    message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
    form.add_error(field if field in getattr(form, "fields", {}) else None, message)


# --- Lists ---------------------------------------------------------------------------------


@login_required
def candidacy_list(request):
    access.require_region_scope(request.user)
    form, qs = filtered_candidacies(request.user, request.GET)
    # The list shows no phone numbers (not decrypted for each row), and the county only to
    # those who see several.
    qs = qs.defer("person__phone")
    if not form.many_counties:
        qs = qs.select_related(None).select_related("person", "unit", "unit__township")
    paginator = KeyPaginator(qs, settings.UNITS_PAGE_SIZE)
    total = tally(access.candidacies_visible_to(request.user))
    if not narrowed(form, CANDIDACY_FILTERS):
        paginator.count = total  # every candidacy the user sees: counted once
    page = paginator.get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "total": total}
    context |= township_choice(request, form)
    if request.htmx:
        return render(request, "candidates/partials/candidacy_results.html", context)
    new_units = access.units_writable_by(request.user)
    context |= {
        "can_write": new_units.exists(),
        "new_units": new_units,
    }
    return render(request, "candidates/list.html", context)


@login_required
@require_POST
def candidacy_export(request):
    access.require_region_scope(request.user)
    params = {k: v for k, v in request.POST.items() if k in FILTER_KEYS}
    filtered_candidacies(request.user, params)  # 404 on a township outside the user's scope
    if request.POST.get("scope") == "selected":
        # The ticked rows only; the exporter keeps to the user's region, so an id outside it
        # exports nothing.
        try:
            ids = selected_ids(request.POST.getlist("ids"))
        except DomainError as exc:
            ids, problem = [], str(exc)
        else:
            problem = "请先勾选要导出的人选。"
        if not ids:
            messages.error(request, problem)
            url = reverse("candidates:candidacy-list")
            return redirect(f"{url}?{urlencode(params)}" if params else url)
        params[SELECTED_KEY] = ",".join(map(str, ids))
    job = export_start(user=request.user, params=params, kind="candidates")
    return redirect("renewal:export-detail", pk=job.pk)


# --- Entering and editing --------------------------------------------------------------------


PERSON_KEYS = ("id_number", "phone", *services.PERSON_FIELDS)


def save_person(person_form, *, keep_blank=False, allow_rename=False):
    """The person the form describes, created or updated; None with the errors on the form.

    ``keep_blank``: blank fields keep what is on record (finding someone by ID number).
    ``allow_rename``: the form edits that very person, so a new name is a correction.
    """
    data = person_form.cleaned_data
    try:
        phone = services.normalize_phone(data.get("phone"))
    except DomainError as exc:
        person_form.add_error("phone", str(exc))
        return None
    fields = {k: v for k, v in data.items() if k in PERSON_KEYS and k not in ("id_number", "phone")}
    if keep_blank:
        fields = {k: v for k, v in fields.items() if v not in (None, "", [])}
        phone = phone or None  # blank keeps the number on record
    try:
        return services.person_upsert(
            id_number=data["id_number"], phone=phone, allow_rename=allow_rename, **fields
        )
    except services.NameMismatch as exc:
        person_form.add_error("name", str(exc))
    except DomainError as exc:
        person_form.add_error(None, str(exc))
    return None


@login_required
def candidacy_create(request):
    unit = access.unit_for_user(
        request.user, request.GET.get("unit") or request.POST.get("unit"), write=True
    )
    person_form = KnownPersonForm(request.POST or None, prefix="p")
    candidacy_form = CandidacyForm(request.POST or None, prefix="c")
    if request.method == "POST" and person_form.is_valid() and candidacy_form.is_valid():
        try:
            with transaction.atomic():
                person = save_person(person_form, keep_blank=True)
                if person is None:
                    raise Invalid
                c = candidacy_form.cleaned_data
                candidacy = services.candidacy_create(
                    actor=request.user,
                    unit=unit,
                    person=person,
                    body=c["body"],
                    post=c["post"],
                    is_continuing=c["is_continuing"],
                    notes=c["notes"],
                    recommendations=candidacy_form.recommendations(),
                )
        except Invalid:
            pass
        except (DomainError, ValidationError) as exc:
            _error(candidacy_form, exc)
        else:
            messages.success(request, f"已录入初步人选 {candidacy.person.name}。")
            return redirect("candidates:candidacy-detail", pk=candidacy.pk)
    return render(
        request,
        "candidates/candidacy_form.html",
        {"unit": unit, "person_form": person_form, "candidacy_form": candidacy_form},
    )


class Invalid(Exception):
    """Rolls back the person when the rest of the form cannot be saved."""


@login_required
def candidacy_edit(request, pk):
    candidacy = access.candidacy_for_user(request.user, pk, write=True)
    person = candidacy.person
    # The edit form shows the full numbers to the clerk who keeps them: logged like a reveal.
    _log_unmasked(request.user, candidacy, page="修改人选")
    votes = {r.source: r.votes for r in candidacy.recommendations.all()}
    person_form = PersonForm(
        request.POST or None,
        prefix="p",
        instance=person,
        initial={"id_number": person.id_number, "phone": person.phone},
    )
    candidacy_form = CandidacyForm(
        request.POST or None,
        prefix="c",
        initial={
            "body": candidacy.body,
            "post": candidacy.post,
            "is_continuing": "1" if candidacy.is_continuing else "0",
            "notes": candidacy.notes,
            "votes_party_members": votes.get("party_members"),
            "votes_masses": votes.get("masses"),
            "votes_higher": votes.get("higher"),
        },
    )
    fixed = candidacy.is_fixed
    for name, field in candidacy_form.fields.items():
        field.disabled = fixed or name in ("body", "post")
    if request.method == "POST" and person_form.is_valid() and candidacy_form.is_valid():
        try:
            with transaction.atomic():
                if person_form.cleaned_data["id_number"].upper() != person.id_number:
                    person_form.add_error(
                        "id_number", "公民身份号码不能在此修改；号码有误请退出后重新录入。"
                    )
                    raise Invalid
                if save_person(person_form, allow_rename=True) is None:
                    raise Invalid
                c = candidacy_form.cleaned_data
                if not fixed:
                    services.candidacy_update(
                        actor=request.user,
                        candidacy=candidacy,
                        is_continuing=c["is_continuing"],
                        notes=c["notes"],
                    )
                    services.recommendations_set(
                        candidacy=candidacy, votes=candidacy_form.recommendations()
                    )
        except Invalid:
            pass
        except (DomainError, ValidationError) as exc:
            _error(candidacy_form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("candidates:candidacy-detail", pk=candidacy.pk)
    return render(
        request,
        "candidates/candidacy_form.html",
        {
            "unit": candidacy.unit,
            "candidacy": candidacy,
            "person_form": person_form,
            "candidacy_form": candidacy_form,
        },
    )


# --- The candidate page --------------------------------------------------------------------------


@login_required
def candidacy_detail(request, pk):
    candidacy = access.candidacy_for_user(request.user, pk)
    user = request.user
    unit = candidacy.unit
    can_write = access.can_write_unit(user, unit)
    requests = candidacy.vetting.select_related("department", "batch").prefetch_related("items")
    context = {
        "c": candidacy,
        "person": candidacy.person,
        "findings": services.candidacy_findings(candidacy),
        "flags": services.flags.flags_for(candidacy.person),
        "blockers": services.vetting_waiting_reasons(candidacy),
        "can_recheck": (can_write or access.can_act_for_county(user, unit))
        and candidacy.status == Candidacy.Status.INSPECTED,
        "recommendations": candidacy.recommendations.all(),
        "vetting": requests,
        "log": candidacy.log.select_related("by__profile"),
        "can_write": can_write,
        "can_unmask": access.can_unmask(user, candidacy),
        "can_approve": access.can_approve_township(user, unit)
        and candidacy.status == Candidacy.Status.VETTED,
        "can_sign": access.can_act_for_county(user, unit)
        and candidacy.is_secretary
        and candidacy.status == Candidacy.Status.TOWNSHIP_APPROVED,
        "can_overturn": access.can_act_for_county(user, unit),
        "can_reopen": candidacy.is_closed and (can_write or access.can_act_for_county(user, unit)),
        "inspection_form": InspectionForm(initial={"inspected_on": timezone.localdate()}),
        "reason_form": ReasonForm(),
    }
    return render(request, "candidates/candidacy_detail.html", context)


@login_required
@require_POST
def candidacy_unmask(request, pk):
    candidacy = access.candidacy_for_user(request.user, pk)
    if not access.can_unmask(request.user, candidacy):
        raise PermissionDenied("您的角色不能查看完整的身份证号和电话。")
    _log_unmasked(request.user, candidacy, page="查看完整信息")
    return render(request, "candidates/partials/unmasked.html", {"person": candidacy.person})


def _log_unmasked(user, candidacy, *, page: str) -> None:
    """Every page that shows a person's full ID and phone numbers leaves a line in the log."""
    AccessLog.objects.create(
        user=user,
        action=AccessLog.Action.UNMASK,
        target=f"人员 {candidacy.person.name}（人选 #{candidacy.pk}）",
        detail={"person": candidacy.person_id, "fields": ["id_number", "phone"], "page": page},
    )


@login_required
@require_POST
def candidacy_inspection(request, pk):
    candidacy = access.candidacy_for_user(request.user, pk, write=True)
    form = InspectionForm(request.POST)
    if form.is_valid():
        f = form.cleaned_data
        try:
            services.candidacy_record_inspection(
                actor=request.user,
                candidacy=candidacy,
                passed=f["result"] == "passed",
                score=f["score"],
                inspected_on=f["inspected_on"],
                notes=f["notes"],
            )
        except (DomainError, ValidationError) as exc:
            messages.error(
                request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
            )
        else:
            messages.success(request, "考察结果已登记。")
    else:
        messages.error(request, "考察结果未保存：" + errors_in_words(form))
    return redirect("candidates:candidacy-detail", pk=candidacy.pk)


ACTIONS = {
    "withdraw": "退出",
    "disqualify": "取消资格",
    "reopen": "重新启用",
    "approve": "乡镇(街道)审核通过",
    "sign": "备案签字",
    "recheck": "重新核对联审",
}


@asks("candidacy-disqualify")
def _ask_disqualify(candidacy) -> Ask:
    return Ask(
        action="确认取消资格",
        question=f"取消{candidacy.person.name}（{candidacy.unit.name}）的候选人资格？",
        consequence="取消资格后，其不再进入正式候选人名单，也不能被确定为正式候选人；"
        "只有写明原因重新启用才能恢复。",
    )


@login_required
@require_POST
def candidacy_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    candidacy = access.candidacy_for_user(request.user, pk)
    user, unit = request.user, candidacy.unit
    reason = request.POST.get("reason", "")
    allowed = {
        "withdraw": access.can_write_unit(user, unit),
        "disqualify": access.can_write_unit(user, unit) or access.can_act_for_county(user, unit),
        "reopen": access.can_write_unit(user, unit) or access.can_act_for_county(user, unit),
        "approve": access.can_approve_township(user, unit),
        "sign": access.can_act_for_county(user, unit),
        "recheck": access.can_write_unit(user, unit) or access.can_act_for_county(user, unit),
    }[action]
    if not allowed:
        raise PermissionDenied(f"您不能对该人选执行“{ACTIONS[action]}”。")
    if action == "disqualify":
        back = reverse("candidates:candidacy-detail", args=[candidacy.pk])
        if asked := ask_first(request, "candidacy-disqualify", candidacy, back=back):
            return asked
    try:
        if action == "withdraw":
            services.candidacy_withdraw(actor=user, candidacy=candidacy, reason=reason)
        elif action == "disqualify":
            services.candidacy_disqualify(actor=user, candidacy=candidacy, reason=reason)
        elif action == "reopen":
            services.candidacy_reopen(actor=user, candidacy=candidacy, reason=reason)
        elif action == "approve":
            services.candidacy_approve_township(actor=user, candidacy=candidacy)
        elif action == "recheck":
            services.vetting_recheck(actor=user, candidacy=candidacy)
        else:
            services.candidacy_county_sign(actor=user, candidacy=candidacy)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已{ACTIONS[action]}。")
    return redirect("candidates:candidacy-detail", pk=candidacy.pk)


# --- Formal list per unit ----------------------------------------------------------------------


@login_required
def unit_candidates(request, unit_pk):
    unit = access.unit_for_user(request.user, unit_pk)
    rnd = active_round(unit.county_id)
    bodies = []
    for body, label in COMMITTEE_CHOICES:
        qs = (
            Candidacy.objects.filter(round=rnd, unit=unit, body=body)
            .select_related("person")
            .order_by("post", "id")
        )
        bodies.append(
            {
                "body": body,
                "label": unit.committee_label if body == Body.VILLAGERS else label,
                "candidacies": qs,
                "check": services.unit_list_check(unit=unit, body=body),
            }
        )
    return render(
        request,
        "candidates/unit_candidates.html",
        {
            "unit": unit,
            "bodies": bodies,
            "can_write": access.can_write_unit(request.user, unit),
            "can_confirm": access.can_approve_township(request.user, unit),
        },
    )


@login_required
@require_POST
def unit_formal_confirm(request, unit_pk, body):
    unit = access.unit_for_user(request.user, unit_pk)
    if body not in COMMITTEES:
        raise Http404
    if not access.can_approve_township(request.user, unit):
        raise PermissionDenied("正式候选人名单由乡镇(街道)党(工)委审批。")
    try:
        confirmed = services.formal_list_confirm(actor=request.user, unit=unit, body=body)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已确定 {len(confirmed)} 名正式候选人。")
    return redirect("candidates:unit-candidates", unit_pk=unit.pk)


# --- Approval queues ---------------------------------------------------------------------------


@login_required
def approvals(request):
    access.require_region_scope(request.user)
    visible = access.candidacies_visible_to(request.user).select_related(
        "person", "unit", "unit__township"
    )
    to_approve = access.township_approval_queue(request.user, visible)
    to_sign = access.county_signing_queue(request.user, visible)
    rnd_counties = access.counties_visible_to(request.user)
    indicators = []
    for county in rnd_counties:
        rnd = active_round(county.pk)
        if rnd is None:
            continue
        secretaries = (
            visible.filter(unit__county=county, post="secretary")
            .exclude(status__in=Candidacy.CLOSED)
            .select_related("person")
            .prefetch_related(services.MEMBERSHIPS)
        )
        day = services.election_day(rnd)
        facts = [services.facts_for(c, day=day) for c in secretaries]
        indicators.append(
            (
                county,
                services.eligibility.young_secretary_share(
                    facts, services.rules_for_county(county.pk), election_day=day
                ),
            )
        )
    to_approve, to_sign = _named(to_approve[:200]), _named(to_sign[:200])
    return render(
        request,
        "candidates/approvals.html",
        {
            "to_approve": to_approve,
            "to_sign": to_sign,
            "indicators": indicators,
            "overdue": access.vetting_requests_visible_to(request.user)
            .filter(status="pending", batch__due_date__lt=timezone.localdate())
            .order_by("batch__due_date")[:200],
        },
    )


def _named(candidacies) -> list[Candidacy]:
    """The candidacies, each with ``shown_name``: same-name people told apart."""
    candidacies = list(candidacies)
    names = ballot_names(
        Standing(c.person_id, c.person.name, c.person.birth_date) for c in candidacies
    )
    for c in candidacies:
        c.shown_name = names[c.person_id]
    return candidacies


# --- Vetting -------------------------------------------------------------------------------------


@login_required
def vetting_send(request):
    townships = access.writable_townships(request.user)
    if not townships.exists():
        raise PermissionDenied("只有乡镇(街道)工作人员可以发送联审。")
    # Those already under vetting stay on the list: more departments may be asked.
    eligible = (
        Candidacy.objects.filter(
            unit__township__in=townships,
            status__in=[Candidacy.Status.PRELIMINARY, Candidacy.Status.INSPECTED],
        )
        .select_related("person", "unit")
        .prefetch_related("vetting__department")
        .order_by("unit__code", "id")
    )
    presets = bulk.vetting_presets()
    chosen = next((p for p in presets if p["code"] == request.POST.get("preset")), None)
    if chosen is not None:
        # A preset pressed without script: tick its departments, send nothing yet.
        form = VettingSendForm(initial=_with_preset(request.POST, chosen), candidacies=eligible)
    else:
        form = VettingSendForm(request.POST or None, candidacies=eligible)
    if request.method == "POST" and chosen is None and form.is_valid():
        f = form.cleaned_data
        try:
            batch = services.vetting_send(
                actor=request.user,
                candidacies=f["candidacies"],
                departments=f["departments"],
                due_date=f["due_date"],
                note=f["note"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            sent = batch.requests.count()
            text = f"已发送 {sent} 项联审请求（{len(f['candidacies'])} 名人选）。"
            if batch.skipped:
                text += "已征求过意见的部门未重复发送：" + "；".join(
                    f"{c.person.name}—{d.name}" for c, d in batch.skipped
                )
                text += "。"
            messages.success(request, text)
            return redirect(f"{_vetting_url()}?batch={batch.pk}")
    return render(request, "candidates/vetting_send.html", {"form": form, "presets": presets})


def _with_preset(post, preset) -> dict:
    """The form as typed, with the preset's departments ticked besides those already ticked."""
    departments = list(dict.fromkeys([*post.getlist("departments"), *map(str, preset["ids"])]))
    return {
        "candidacies": post.getlist("candidacies"),
        "departments": departments,
        "due_date": post.get("due_date", ""),
        "note": post.get("note", ""),
    }


def _vetting_url():
    return "/candidates/vetting/"


@login_required
def vetting_queue(request):
    user = request.user
    if not access.is_department_user(user):
        access.require_region_scope(user)
    qs = access.vetting_requests_visible_to(user)
    status = request.GET.get("status", "pending")
    if status in VettingRequest.Status.values:
        qs = qs.filter(status=status)
    if request.GET.get("batch", "").isdecimal():
        qs = qs.filter(batch_id=request.GET["batch"])
    page = KeyPaginator(qs.order_by("batch__due_date", "id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "candidates/vetting_queue.html",
        {
            "page": page,
            "status": status,
            "statuses": VettingRequest.Status.choices,
            "is_department": access.is_department_user(user),
            "can_bulk": access.is_department_user(user) and status == "pending",
            "today": timezone.localdate(),
        },
    )


def _items_for(request_obj):
    body = request_obj.candidacy.body
    county = request_obj.candidacy.unit.county_id
    lists = NegativeList.objects.filter(is_active=True).filter(
        Q(county__isnull=True) | Q(county_id=county)
    )
    ids = [lst.pk for lst in lists if lst.applies_to(body)]
    return NegativeListItem.objects.filter(catalogue_id__in=ids).select_related("catalogue")


@login_required
def vetting_answer(request, pk):
    req = access.vetting_request_for_user(request.user, pk)
    if not access.can_answer(request.user, req):
        raise PermissionDenied("只有被征求意见的部门可以答复。")
    form = VettingAnswerForm(request.POST or None, request.FILES or None, items=_items_for(req))
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data
        try:
            services.vetting_answer(
                actor=request.user,
                request=req,
                passed=f["passed"],
                items=f["items"],
                document_number=f["document_number"],
                comment=f["comment"],
                attachment=f["attachment"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已答复 {req.candidacy.person.name}。")
            return redirect("candidates:vetting-queue")
    else:
        # Departments need the full ID number to search their records; every view is logged.
        AccessLog.objects.create(
            user=request.user,
            action=AccessLog.Action.UNMASK,
            target=f"联审人员 {req.candidacy.person.name}（请求 #{req.pk}）",
            detail={"person": req.candidacy.person_id, "fields": ["id_number"]},
        )
    return render(request, "candidates/vetting_answer.html", {"req": req, "form": form})


@login_required
def vetting_attachment(request, pk):
    req = access.vetting_request_for_user(request.user, pk)
    if not req.attachment:
        raise Http404
    return FileResponse(
        req.attachment.open("rb"),
        as_attachment=True,
        filename=req.attachment.name.rsplit("/", 1)[-1],
    )


@login_required
@require_POST
def vetting_caution(request, pk):
    req = access.vetting_request_for_user(request.user, pk)
    if not access.can_write_unit(request.user, req.candidacy.unit):
        raise PermissionDenied("书面说明由乡镇(街道)填写。")
    try:
        services.vetting_caution_explain(
            actor=request.user, request=req, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "书面说明已保存。")
    return redirect("candidates:candidacy-detail", pk=req.candidacy_id)


@login_required
@require_POST
def vetting_overturn(request, pk):
    req = access.vetting_request_for_user(request.user, pk)
    if not access.can_act_for_county(request.user, req.candidacy.unit):
        raise PermissionDenied("只有县委组织部可以否决联审意见。")
    try:
        services.vetting_overturn(
            actor=request.user, request=req, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已否决该联审意见。")
    return redirect("candidates:candidacy-detail", pk=req.candidacy_id)


@login_required
def status_counts(request):
    """Counts per status for the county dashboard widget (htmx fragment)."""
    access.require_region_scope(request.user)
    counts = (
        access.candidacies_visible_to(request.user)
        .values("status")
        .annotate(n=Count("id"))
        .order_by("status")
    )
    labels = dict(Candidacy.Status.choices)
    return render(
        request,
        "candidates/partials/status_counts.html",
        {"counts": [(labels[r["status"]], r["n"], r["status"]) for r in counts]},
    )
