"""Pages of issue 8: exit audits and the rectification ledger, key-unit plans, guidance
groups, handovers and onboarding. Thin: access helper → service → message → redirect."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from renewal import access, audits, guidance, handover, onboarding
from renewal import access_aftercare as acc
from renewal.forms_aftercare import (
    AuditForm,
    CategoryForm,
    FindingForm,
    GroupForm,
    HandoverOpenForm,
    ListFilterForm,
    PlanForm,
    PledgeForm,
    RectificationForm,
    RectificationUpdateForm,
    RefusalForm,
    SignForm,
    TrainingForm,
    VisitForm,
)
from renewal.kit.paging import DeepPaginator
from renewal.models import (
    AuditFinding,
    CommitteePledge,
    DomainError,
    ExitAudit,
    GuidanceMember,
    GuidanceVisit,
    HandoverItem,
    KeyUnitPlan,
    Person,
    Rectification,
    RenewalRound,
    Term,
    TrainingSession,
    Unit,
)

PAGE_SIZE = 50


def _fail(form, exc: DomainError) -> None:
    form.add_error(None, str(exc))


def _filtered(request, queryset, *, unit_path: str, statuses: dict, sorts: dict):
    """Township / unit name / status filter, sort and page: one recipe for every list."""
    form = ListFilterForm(
        request.GET or None,
        townships=access.townships_visible_to(request.user).order_by("code"),
        statuses=[(k, label) for k, (label, _) in statuses.items()],
        sorts=[(k, label) for k, (label, _) in sorts.items()],
    )
    sort = next(iter(sorts))
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            queryset = queryset.filter(**{f"{unit_path}__name__contains": data["q"]})
        if data["township"]:
            queryset = queryset.filter(**{f"{unit_path}__township": data["township"]})
        if data["status"]:
            queryset = queryset.filter(statuses[data["status"]][1])
        sort = data["sort"] or sort
    queryset = queryset.order_by(*sorts[sort][1], "pk")
    page = DeepPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return form, page, query.urlencode()


# --- Overview -----------------------------------------------------------------------------------


@login_required
def overview(request):
    access.require_region_scope(request.user)
    today = timezone.localdate()
    units = access.units_visible_to(request.user)
    rectifications = acc.rectifications_visible_to(request.user)
    handovers = acc.handovers_visible_to(request.user)
    rounds = access.rounds_visible_to(request.user).filter(is_active=True)
    key_without = (
        units.filter(is_key=True)
        .exclude(Exists(KeyUnitPlan.objects.filter(unit_id=OuterRef("pk"), round__in=rounds)))
        .count()
    )
    context = {
        "audits": acc.audits_visible_to(request.user).count(),
        "open_lines": rectifications.exclude(status=Rectification.Status.DONE).count(),
        "overdue_lines": rectifications.exclude(status=Rectification.Status.DONE)
        .filter(due_on__lt=today)
        .count(),
        "key_units": units.filter(is_key=True).count(),
        "key_without": key_without,
        "groups": acc.groups_visible_to(request.user).count(),
        "handovers_open": handovers.filter(completed_on__isnull=True).count(),
        "handovers_overdue": handovers.filter(handover.overdue_q(today)).count(),
        "can_write_county": any(acc.can_write_county(request.user, r.county_id) for r in rounds),
    }
    return render(request, "renewal/aftercare/overview.html", context)


# --- Exit audits ----------------------------------------------------------------------------------


AUDIT_STATUSES = {
    "open": (
        "有未整改问题",
        Q(
            Exists(
                AuditFinding.objects.filter(audits.open_findings_q()).filter(
                    audit_id=OuterRef("pk")
                )
            )
        ),
    ),
    "clear": (
        "问题已全部整改",
        ~Q(
            Exists(
                AuditFinding.objects.filter(audits.open_findings_q()).filter(
                    audit_id=OuterRef("pk")
                )
            )
        ),
    ),
}
AUDIT_SORTS = {
    "-audited_on": ("审计日期（新→旧）", ["-audited_on"]),
    "unit": ("村(社区)", ["unit__township__code", "unit__code"]),
    "-findings": ("问题数（多→少）", ["-n_findings"]),
}


@login_required
def audit_list(request):
    access.require_region_scope(request.user)
    if request.GET.get("open", "").isdigit():
        return redirect("aftercare:unit-audit", int(request.GET["open"]))
    qs = (
        acc.audits_visible_to(request.user)
        .select_related("unit", "unit__township")
        .annotate(
            n_findings=Count("findings", distinct=True),
            n_open=Count(
                "findings__rectifications",
                filter=~Q(findings__rectifications__status="done"),
                distinct=True,
            ),
        )
    )
    form, page, query = _filtered(
        request, qs, unit_path="unit", statuses=AUDIT_STATUSES, sorts=AUDIT_SORTS
    )
    units = (
        acc.writable_units(request.user)
        .select_related("township")
        .order_by("township__code", "code")
    )
    return render(
        request,
        "renewal/aftercare/audit_list.html",
        {"form": form, "page": page, "query": query, "units": units},
    )


def _audit_context(request, unit, rnd, audit, **forms):
    can_write = acc.can_write_unit(request.user, unit)
    today = timezone.localdate()
    findings = []
    if audit is not None:
        findings = list(
            audit.findings.select_related("category", "person").prefetch_related(
                Prefetch("rectifications", queryset=Rectification.objects.order_by("due_on", "id"))
            )
        )
        for finding in findings:
            lines = list(finding.rectifications.all())
            finding.lines = lines
            finding.is_open = not lines or any(r.status != "done" for r in lines)
            for line in lines:
                line.overdue = line.is_overdue(today)
            finding.line_form = forms.get(f"line_{finding.pk}") or RectificationForm(
                prefix=f"r{finding.pk}"
            )
    return {
        "unit": unit,
        "round": rnd,
        "audit": audit,
        "findings": findings,
        "can_write": can_write,
        "audit_form": forms.get("audit_form") or AuditForm(instance=audit),
        "finding_form": forms.get("finding_form")
        or FindingForm(
            categories=acc.categories_for_county(unit.county_id).filter(is_active=True),
            people=audits.person_choices(unit),
        ),
    }


@login_required
def unit_audit(request, unit_pk):
    unit = acc.unit_for_user(request.user, unit_pk, write=request.method == "POST")
    rnd = acc.active_round_for(unit)
    audit = ExitAudit.objects.filter(round=rnd, unit=unit).first()
    forms = {}
    if request.method == "POST":
        form = AuditForm(request.POST, instance=audit)
        if form.is_valid():
            try:
                audits.audit_record(actor=request.user, unit=unit, round_=rnd, **form.cleaned_data)
            except DomainError as exc:
                _fail(form, exc)
            else:
                messages.success(request, "离任审计信息已保存。")
                return redirect("aftercare:unit-audit", unit.pk)
        forms["audit_form"] = form
    return render(
        request,
        "renewal/aftercare/unit_audit.html",
        _audit_context(request, unit, rnd, audit, **forms),
    )


@login_required
@require_POST
def finding_add(request, pk):
    audit = acc.audit_for_user(request.user, pk, write=True)
    unit = audit.unit
    form = FindingForm(
        request.POST,
        categories=acc.categories_for_county(unit.county_id).filter(is_active=True),
        people=audits.person_choices(unit),
    )
    if form.is_valid():
        try:
            audits.finding_add(audit=audit, **form.cleaned_data)
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, "审计发现问题已登记，请为其建立整改事项。")
            return redirect("aftercare:unit-audit", unit.pk)
    context = _audit_context(request, unit, audit.round, audit, finding_form=form)
    return render(request, "renewal/aftercare/unit_audit.html", context)


@login_required
def finding_edit(request, pk):
    finding = acc.finding_for_user(request.user, pk, write=True)
    unit = finding.audit.unit
    form = FindingForm(
        request.POST or None,
        categories=acc.categories_for_county(unit.county_id).filter(
            Q(is_active=True) | Q(pk=finding.category_id)
        ),
        people=audits.person_choices(unit),
        initial={
            "category": finding.category_id,
            "description": finding.description,
            "amount": finding.amount,
            "person": finding.person_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            audits.finding_update(finding=finding, **form.cleaned_data)
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, "审计发现问题已更正。")
            return redirect(
                reverse("aftercare:unit-audit", args=[unit.pk]) + f"#finding-{finding.pk}"
            )
    return render(
        request,
        "renewal/aftercare/finding_form.html",
        {"form": form, "finding": finding, "unit": unit},
    )


@login_required
@require_POST
def rectification_add(request, pk):
    finding = acc.finding_for_user(request.user, pk, write=True)
    audit = finding.audit
    form = RectificationForm(request.POST, prefix=f"r{finding.pk}")
    if form.is_valid():
        try:
            audits.rectification_add(finding=finding, **form.cleaned_data)
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, "整改事项已列入整改台账。")
            return redirect("aftercare:unit-audit", audit.unit_id)
    context = _audit_context(
        request, audit.unit, audit.round, audit, **{f"line_{finding.pk}": form}
    )
    return render(request, "renewal/aftercare/unit_audit.html", context)


@login_required
def rectification_edit(request, pk):
    line = acc.rectification_for_user(request.user, pk, write=request.method == "POST")
    unit = line.finding.audit.unit
    initial = {
        "status": line.status,
        "due_on": line.due_on,
        "evidence": line.evidence,
        "closed_on": line.closed_on,
    }
    form = RectificationUpdateForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            audits.rectification_update(rectification=line, **form.cleaned_data)
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, "整改进展已更新。")
            return redirect("aftercare:unit-audit", unit.pk)
    return render(
        request,
        "renewal/aftercare/rectification_form.html",
        {
            "line": line,
            "unit": unit,
            "form": form,
            "can_write": acc.can_write_unit(request.user, unit),
            "overdue": line.is_overdue(timezone.localdate()),
        },
    )


@login_required
def rectification_attachment(request, pk):
    line = acc.rectification_for_user(request.user, pk)
    if not line.attachment:
        raise Http404
    return FileResponse(
        line.attachment.open("rb"), as_attachment=True, filename=line.attachment_name
    )


def ledger_statuses(today):
    not_done = ~Q(status=Rectification.Status.DONE)
    return {
        "unfinished": ("未完成（未整改或整改中）", not_done),
        "overdue": ("逾期未完成", not_done & Q(due_on__lt=today)),
        **{s.value: (s.label, Q(status=s.value)) for s in Rectification.Status},
    }


LEDGER_SORTS = {
    "due_on": ("整改时限（早→晚）", ["due_on"]),
    "unit": ("村(社区)", ["finding__audit__unit__township__code", "finding__audit__unit__code"]),
    "-updated_at": ("最近更新", ["-updated_at"]),
}


@login_required
def ledger(request):
    """The rectification ledger across every unit the user sees (county-wide for reviewers)."""
    access.require_region_scope(request.user)
    today = timezone.localdate()
    statuses = ledger_statuses(today)
    qs = acc.rectifications_visible_to(request.user).select_related(
        "finding__category", "finding__audit__unit__township"
    )
    form, page, query = _filtered(
        request, qs, unit_path="finding__audit__unit", statuses=statuses, sorts=LEDGER_SORTS
    )
    for line in page:
        line.overdue = line.is_overdue(today)
    return render(
        request,
        "renewal/aftercare/ledger.html",
        {"form": form, "page": page, "query": query, "today": today},
    )


# --- The county's audit categories ------------------------------------------------------------


@login_required
def category_list(request):
    county = acc.reviewer_county(request.user)
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category = audits.category_save(county_id=county.pk, **form.cleaned_data)
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, f"已添加问题类别“{category.name}”。")
            return redirect("aftercare:category-list")
    categories = acc.categories_for_county(county.pk).select_related("county")
    return render(
        request,
        "renewal/aftercare/category_list.html",
        {"county": county, "categories": categories, "form": form},
    )


@login_required
def category_edit(request, pk):
    category = acc.category_for_user(request.user, pk)
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            audits.category_save(
                county_id=category.county_id, category=category, **form.cleaned_data
            )
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, "问题类别已保存。")
            return redirect("aftercare:category-list")
    return render(
        request, "renewal/aftercare/category_form.html", {"form": form, "category": category}
    )


# --- Key units and their plans ------------------------------------------------------------------


PLAN_STATUSES = {
    "missing": ("未制定方案", Q(plan_status__isnull=True)),
    **{s.value: (s.label, Q(plan_status=s.value)) for s in KeyUnitPlan.Status},
}
PLAN_SORTS = {
    "unit": ("村(社区)", ["township__code", "code"]),
    "status": ("方案状态", ["plan_status"]),
}


@login_required
def plan_list(request):
    """Key and difficult units with their plan of the active round (or its absence)."""
    access.require_region_scope(request.user)
    plans = KeyUnitPlan.objects.filter(unit_id=OuterRef("pk"), round__is_active=True)
    qs = (
        access.units_visible_to(request.user)
        .filter(is_key=True)
        .select_related("township")
        .annotate(
            plan_status=Subquery(plans.values("status")[:1]),
            plan_leader=Subquery(plans.values("leader_name")[:1]),
            plan_updated=Subquery(plans.values("updated_at")[:1]),
            n_risks=Count("risk_points"),
        )
    )
    form, page, query = _filtered_units(request, qs)
    labels = dict(KeyUnitPlan.Status.choices)
    for unit in page:
        unit.plan_status_label = labels.get(unit.plan_status, "")
    return render(
        request, "renewal/aftercare/plan_list.html", {"form": form, "page": page, "query": query}
    )


def _filtered_units(request, qs):
    """_filtered for a queryset of units (the unit is the row itself)."""
    form = ListFilterForm(
        request.GET or None,
        townships=access.townships_visible_to(request.user).order_by("code"),
        statuses=[(k, label) for k, (label, _) in PLAN_STATUSES.items()],
        sorts=[(k, label) for k, (label, _) in PLAN_SORTS.items()],
    )
    sort = "unit"
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(name__contains=data["q"])
        if data["township"]:
            qs = qs.filter(township=data["township"])
        if data["status"]:
            qs = qs.filter(PLAN_STATUSES[data["status"]][1])
        sort = data["sort"] or sort
    qs = qs.order_by(*PLAN_SORTS[sort][1], "pk")
    page = DeepPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return form, page, query.urlencode()


@login_required
def unit_plan(request, unit_pk):
    unit = acc.unit_for_user(request.user, unit_pk, write=request.method == "POST")
    rnd = acc.active_round_for(unit)
    plan = KeyUnitPlan.objects.filter(round=rnd, unit=unit).first()
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            guidance.plan_save(unit=unit, round_=rnd, **form.cleaned_data)
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, "“一村一策”方案已保存。")
            return redirect("aftercare:unit-plan", unit.pk)
    return render(
        request,
        "renewal/aftercare/unit_plan.html",
        {
            "unit": unit,
            "round": rnd,
            "plan": plan,
            "form": form,
            "risks": unit.risk_points.all(),
            "visits": GuidanceVisit.objects.filter(unit=unit).select_related("group")[:20],
            "can_write": acc.can_write_unit(request.user, unit),
        },
    )


# --- Guidance groups ------------------------------------------------------------------------------


@login_required
def group_list(request):
    access.require_region_scope(request.user)
    groups = (
        acc.groups_visible_to(request.user)
        .select_related("county")
        .annotate(n_units=Count("units", distinct=True), n_visits=Count("visits", distinct=True))
        .prefetch_related("members")
        .order_by("county__code", "name")
    )
    page = DeepPaginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    can_create = any(
        acc.can_write_county(request.user, c.pk) for c in access.counties_visible_to(request.user)
    )
    return render(
        request, "renewal/aftercare/group_list.html", {"page": page, "can_create": can_create}
    )


def _users_by_name(county):
    users = get_user_model().objects.filter(
        Q(profile__region=county) | Q(profile__region__parent=county)
    )
    return {u.username: u for u in users}


def _group_form_view(request, county, rnd, group=None):
    units = (
        Unit.objects.filter(county=county)
        .select_related("township")
        .order_by("township__code", "code")
    )
    initial = {}
    if group is not None:
        initial = {
            "name": group.name,
            "leader_name": group.leader_name,
            "leader_post": group.leader_post,
            "members": "\n".join(
                " ".join(filter(None, [m.name, m.post, m.user.username if m.user else ""]))
                for m in group.members.select_related("user")
            ),
            "units": list(group.units.values_list("pk", flat=True)),
        }
    form = GroupForm(request.POST or None, initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            members = guidance.parse_members(data["members"], _users_by_name(county))
            group = guidance.group_save(
                county=county,
                round_=rnd,
                name=data["name"],
                leader_name=data["leader_name"],
                leader_post=data["leader_post"],
                members=members,
                units=data["units"],
                group=group,
            )
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, f"指导组“{group.name}”已保存。")
            return redirect("aftercare:group-detail", group.pk)
    return render(
        request,
        "renewal/aftercare/group_form.html",
        {"form": form, "group": group, "county": county},
    )


@login_required
def group_create(request):
    county = acc.reviewer_county(request.user)
    rnd = RenewalRound.objects.filter(county=county, is_active=True).first()
    if rnd is None:
        raise Http404
    return _group_form_view(request, county, rnd)


@login_required
def group_edit(request, pk):
    group = acc.group_for_user(request.user, pk, write=True)
    return _group_form_view(request, group.county, group.round, group)


def _group_context(request, group, visit_form=None):
    units = group.units.select_related("township").order_by("township__code", "code")
    return {
        "group": group,
        "members": GuidanceMember.objects.filter(group=group).select_related("user"),
        "units": units,
        "visits": group.visits.select_related("unit", "recorded_by")[:100],
        "can_edit": acc.can_write_county(request.user, group.county_id),
        "can_log": acc.can_log_visit(request.user, group),
        "visit_form": visit_form or VisitForm(units=units),
    }


@login_required
def group_detail(request, pk):
    group = acc.group_for_user(request.user, pk)
    return render(request, "renewal/aftercare/group_detail.html", _group_context(request, group))


@login_required
@require_POST
def visit_add(request, pk):
    group = acc.group_for_user(request.user, pk)
    if not acc.can_log_visit(request.user, group):
        raise PermissionDenied("只有县委组织部或本指导组成员可以登记走访。")
    form = VisitForm(request.POST, units=group.units.all())
    if form.is_valid():
        try:
            guidance.visit_record(actor=request.user, group=group, **form.cleaned_data)
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, "走访情况已登记。")
            return redirect("aftercare:group-detail", group.pk)
    return render(
        request, "renewal/aftercare/group_detail.html", _group_context(request, group, form)
    )


# --- Handovers ------------------------------------------------------------------------------------


HANDOVER_SORTS = {
    "due_on": ("交接时限（早→晚）", ["due_on"]),
    "unit": ("村(社区)", ["unit__township__code", "unit__code"]),
    "-approved_on": ("批复日期（新→旧）", ["-approved_on"]),
}


@login_required
def handover_list(request):
    access.require_region_scope(request.user)
    today = timezone.localdate()
    statuses = {
        "open": ("进行中", Q(completed_on__isnull=True)),
        "overdue": ("逾期未完成", handover.overdue_q(today)),
        "complete": ("已完成", Q(completed_on__isnull=False)),
    }
    qs = (
        acc.handovers_visible_to(request.user)
        .select_related("unit", "unit__township")
        .annotate(
            n_items=Count("items", distinct=True),
            n_signed=Count(
                "items",
                filter=Q(items__handed_over_on__isnull=False)
                & ~Q(items__outgoing_name="")
                & ~Q(items__incoming_name=""),
                distinct=True,
            ),
            n_refusals=Count("refusals", distinct=True),
        )
    )
    form, page, query = _filtered(
        request, qs, unit_path="unit", statuses=statuses, sorts=HANDOVER_SORTS
    )
    for h in page:
        h.overdue = h.is_overdue(today)
    can_open = acc.writable_units(request.user).exists()
    return render(
        request,
        "renewal/aftercare/handover_list.html",
        {"form": form, "page": page, "query": query, "can_open": can_open},
    )


@login_required
def handover_create(request):
    units = (
        acc.writable_units(request.user)
        .select_related("township")
        .order_by("township__code", "code")
    )
    if not units.exists():
        raise PermissionDenied("您没有可登记交接的村(社区)。")
    form = HandoverOpenForm(
        request.POST or None,
        units=units,
        initial={"approved_on": timezone.localdate(), "unit": request.GET.get("unit")},
    )
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        try:
            rnd = acc.active_round_for(unit)
            created = handover.handover_open(
                round_=rnd,
                unit=unit,
                body=form.cleaned_data["body"],
                approved_on=form.cleaned_data["approved_on"],
                opened_by=request.user,
            )
        except (DomainError, Http404) as exc:
            _fail(
                form,
                exc if isinstance(exc, DomainError) else DomainError("该区县没有进行中的换届。"),
            )
        else:
            messages.success(request, f"已开始交接，须在 {created.due_on:%Y-%m-%d} 前完成。")
            return redirect("aftercare:handover-detail", created.pk)
    return render(request, "renewal/aftercare/handover_create.html", {"form": form})


def _sign_initial(item) -> dict:
    return {
        "handed_over_on": item.handed_over_on or timezone.localdate(),
        "outgoing_name": item.outgoing_name,
        "incoming_name": item.incoming_name,
        "detail": item.detail,
    }


def _handover_context(request, ho, *, sign_forms=None, refusal_form=None):
    from discipline.services_intake import receipt_display

    today = timezone.localdate()
    items = list(ho.items.select_related("kind", "recorded_by"))
    sign_forms = sign_forms or {}
    for item in items:
        item.form = sign_forms.get(item.pk) or SignForm(
            prefix=f"i{item.pk}", initial=_sign_initial(item)
        )
    refusals = list(ho.refusals.select_related("item__kind", "report"))
    for refusal in refusals:
        # What a township user may see of the report: its number and public status only.
        refusal.receipt = receipt_display(refusal.report.receipt_code)
        refusal.report_status = refusal.report.public_status
    return {
        "ho": ho,
        "items": items,
        "signed": sum(1 for i in items if i.signed),
        "refusals": refusals,
        "overdue": ho.is_overdue(today),
        "can_write": acc.can_write_unit(request.user, ho.unit),
        "refusal_form": refusal_form
        or RefusalForm(items=ho.items.select_related("kind"), initial={"refused_on": today}),
    }


@login_required
def handover_detail(request, pk):
    ho = acc.handover_for_user(request.user, pk)
    template = "renewal/aftercare/handover_detail.html"
    if request.htmx and request.GET.get("part") == "status":
        template = "renewal/aftercare/partials/handover_status.html"
    return render(request, template, _handover_context(request, ho))


@login_required
@require_POST
def handover_sign(request, pk, item_pk):
    ho = acc.handover_for_user(request.user, pk, write=True)
    item = HandoverItem.objects.filter(handover=ho, pk=item_pk).first()
    if item is None:
        raise Http404
    form = SignForm(request.POST, prefix=f"i{item.pk}")
    if form.is_valid():
        try:
            handover.handover_item_sign(actor=request.user, item=item, **form.cleaned_data)
        except DomainError as exc:
            _fail(form, exc)
        else:
            ho.refresh_from_db()
            if ho.completed_on:
                messages.success(
                    request, f"交接清单已全部签收，交接于 {ho.completed_on:%Y-%m-%d} 完成。"
                )
                url = reverse("aftercare:handover-detail", args=[ho.pk])
                if request.htmx:
                    return HttpResponseClientRedirect(url)
                return redirect(url)
            if request.htmx:
                # Only this row is swapped, so what is typed in the other rows stays; the
                # status box reloads itself on the event.
                item = HandoverItem.objects.select_related("kind", "recorded_by").get(pk=item.pk)
                item.form = SignForm(prefix=f"i{item.pk}", initial=_sign_initial(item))
                response = render(
                    request,
                    "renewal/aftercare/partials/handover_row.html",
                    {
                        "ho": ho,
                        "item": item,
                        "can_write": True,
                    },
                )
                response["HX-Trigger"] = "handover-changed"
                return response
            messages.success(request, f"“{item.kind.name}”已记录双方签收。")
            return redirect(reverse("aftercare:handover-detail", args=[ho.pk]) + f"#item-{item.pk}")
    if request.htmx:
        item.form = form
        return render(
            request,
            "renewal/aftercare/partials/handover_row.html",
            {"ho": ho, "item": item, "can_write": True},
        )
    context = _handover_context(request, ho, sign_forms={item.pk: form})
    return render(request, "renewal/aftercare/handover_detail.html", context)


@login_required
@require_POST
def handover_refuse(request, pk):
    ho = acc.handover_for_user(request.user, pk, write=True)
    form = RefusalForm(request.POST, items=ho.items.select_related("kind"))
    if form.is_valid():
        try:
            refusal = handover.handover_refusal_record(
                actor=request.user, handover=ho, **form.cleaned_data
            )
        except DomainError as exc:
            _fail(form, exc)
        else:
            from discipline.services_intake import receipt_display

            messages.success(
                request,
                "拒不移交情况已登记，并已自动移送纪检监察机关，"
                f"举报编号 {receipt_display(refusal.report.receipt_code)}。",
            )
            return redirect("aftercare:handover-detail", ho.pk)
    context = _handover_context(request, ho, refusal_form=form)
    return render(request, "renewal/aftercare/handover_detail.html", context)


# --- Onboarding of the new committee ------------------------------------------------------------


@login_required
def onboarding_list(request):
    access.require_region_scope(request.user)
    new_terms = Term.objects.filter(unit_id=OuterRef("pk"), round__is_active=True)
    qs = (
        access.units_visible_to(request.user)
        .filter(Exists(new_terms))
        .select_related("township")
        .annotate(
            n_members=Count(
                "terms__members__person",
                filter=Q(terms__round__is_active=True),
                distinct=True,
            )
        )
        .order_by("township__code", "code")
    )
    page = DeepPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    ids = [u.pk for u in page]
    pledges = dict(
        CommitteePledge.objects.filter(unit_id__in=ids, round__is_active=True)
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    trainings = dict(
        TrainingSession.objects.filter(unit_id__in=ids, round__is_active=True)
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    for unit in page:
        unit.n_pledges = pledges.get(unit.pk, 0)
        unit.n_trainings = trainings.get(unit.pk, 0)
        unit.n_expected = unit.n_members * len(CommitteePledge.Kind.values)
    return render(request, "renewal/aftercare/onboarding_list.html", {"page": page})


def _onboarding_context(request, unit, rnd, *, training_form=None, pledge_form=None):
    from discipline.models import Talk

    changes = onboarding.committee_changes(rnd, unit)
    people = {}
    for change in changes:
        for seat in change.members:
            people.setdefault(seat.person_id, seat.person)
    people = sorted(people.values(), key=lambda p: (p.name, p.pk))
    pledges = {
        (p.person_id, p.kind): p for p in CommitteePledge.objects.filter(round=rnd, unit=unit)
    }
    kinds = CommitteePledge.Kind.choices
    pledge_rows = [
        (person, [(kind, label, pledges.get((person.pk, kind))) for kind, label in kinds])
        for person in people
    ]
    leaving_ids = {p.pk for c in changes for p in c.leaving}
    talks = {}
    for talk in Talk.objects.filter(
        unit=unit, round=rnd, phase=Talk.Phase.AFTER, person_id__in=leaving_ids
    ).order_by("held_on"):
        talks[talk.person_id] = talk
    for change in changes:
        change.leaving_rows = [(p, talks.get(p.pk)) for p in change.leaving]
    trainings = TrainingSession.objects.filter(round=rnd, unit=unit).prefetch_related("attendees")
    member_ids = {p.pk for p in people}
    training_rows = []
    for session in trainings:
        present = {p.pk for p in session.attendees.all()}
        training_rows.append(
            (
                session,
                [p for p in people if p.pk in present],
                [p for p in people if p.pk not in present and p.pk in member_ids],
            )
        )
    today = timezone.localdate()
    return {
        "unit": unit,
        "round": rnd,
        "changes": changes,
        "people": people,
        "kinds": kinds,
        "pledge_rows": pledge_rows,
        "training_rows": training_rows,
        "can_write": acc.can_write_unit(request.user, unit),
        "training_form": training_form
        or TrainingForm(
            people=people, initial={"held_on": today, "attendees": [p.pk for p in people]}
        ),
        "pledge_form": pledge_form or PledgeForm(people=people, initial={"signed_on": today}),
    }


@login_required
def unit_onboarding(request, unit_pk):
    unit = acc.unit_for_user(request.user, unit_pk)
    rnd = acc.active_round_for(unit)
    return render(
        request, "renewal/aftercare/unit_onboarding.html", _onboarding_context(request, unit, rnd)
    )


@login_required
@require_POST
def training_add(request, unit_pk):
    unit = acc.unit_for_user(request.user, unit_pk, write=True)
    rnd = acc.active_round_for(unit)
    people = Person.objects.filter(pk__in=onboarding.new_member_ids(rnd, unit))
    form = TrainingForm(request.POST, people=people)
    if form.is_valid():
        try:
            onboarding.training_record(
                actor=request.user,
                unit=unit,
                round_=rnd,
                title=form.cleaned_data["title"],
                held_on=form.cleaned_data["held_on"],
                attendee_ids=form.cleaned_data["attendees"],
            )
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, "培训情况已登记。")
            return redirect("aftercare:unit-onboarding", unit.pk)
    context = _onboarding_context(request, unit, rnd, training_form=form)
    return render(request, "renewal/aftercare/unit_onboarding.html", context)


@login_required
@require_POST
def pledge_add(request, unit_pk):
    unit = acc.unit_for_user(request.user, unit_pk, write=True)
    rnd = acc.active_round_for(unit)
    people = Person.objects.filter(pk__in=onboarding.new_member_ids(rnd, unit))
    form = PledgeForm(request.POST, people=people)
    if form.is_valid():
        data = form.cleaned_data
        try:
            onboarding.pledge_record(
                actor=request.user,
                unit=unit,
                round_=rnd,
                person=people.filter(pk=data["person"]).first(),
                kind=data["kind"],
                summary=data["summary"],
                signed_on=data["signed_on"],
            )
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, "承诺已登记。")
            return redirect("aftercare:unit-onboarding", unit.pk)
    context = _onboarding_context(request, unit, rnd, pledge_form=form)
    return render(request, "renewal/aftercare/unit_onboarding.html", context)
