"""Exit audits, their findings and rectification lines, the ledger and the county's categories."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from renewal.aftercare import access, audits
from renewal.aftercare.forms import (
    AuditForm,
    CategoryForm,
    FindingForm,
    RectificationForm,
    RectificationUpdateForm,
)
from renewal.aftercare.views.common import fail, filtered_list
from renewal.models import (
    AuditFinding,
    DomainError,
    ExitAudit,
    Rectification,
)

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
    if request.GET.get("open", "").isdecimal():
        return redirect("aftercare:unit-audit", int(request.GET["open"]))
    qs = (
        access.audits_visible_to(request.user)
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
    form, page = filtered_list(
        request, qs, unit_path="unit", statuses=AUDIT_STATUSES, sorts=AUDIT_SORTS
    )
    units = (
        access.writable_units(request.user)
        .select_related("township")
        .order_by("township__code", "code")
    )
    return render(
        request,
        "renewal/aftercare/audit_list.html",
        {"form": form, "page": page, "units": units},
    )


def _audit_context(request, unit, rnd, audit, **forms):
    can_write = access.can_write(request.user, unit)
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
            categories=access.categories_for_county(unit.county_id).filter(is_active=True),
            people=audits.person_choices(unit),
        ),
    }


@login_required
def unit_audit(request, unit_pk):
    unit = access.unit_for_user(request.user, unit_pk, write=request.method == "POST")
    rnd = access.active_round_for(unit)
    audit = ExitAudit.objects.filter(round=rnd, unit=unit).first()
    forms = {}
    if request.method == "POST":
        form = AuditForm(request.POST, instance=audit)
        if form.is_valid():
            try:
                audits.audit_record(actor=request.user, unit=unit, round_=rnd, **form.cleaned_data)
            except DomainError as exc:
                fail(form, exc)
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
    audit = access.audit_for_user(request.user, pk, write=True)
    unit = audit.unit
    form = FindingForm(
        request.POST,
        categories=access.categories_for_county(unit.county_id).filter(is_active=True),
        people=audits.person_choices(unit),
    )
    if form.is_valid():
        try:
            audits.finding_add(audit=audit, **form.cleaned_data)
        except DomainError as exc:
            fail(form, exc)
        else:
            messages.success(request, "审计发现问题已登记，请为其建立整改事项。")
            return redirect("aftercare:unit-audit", unit.pk)
    context = _audit_context(request, unit, audit.round, audit, finding_form=form)
    return render(request, "renewal/aftercare/unit_audit.html", context)


@login_required
def finding_edit(request, pk):
    finding = access.finding_for_user(request.user, pk, write=True)
    unit = finding.audit.unit
    form = FindingForm(
        request.POST or None,
        categories=access.categories_for_county(unit.county_id).filter(
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
            audits.finding_update(finding=finding, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            fail(form, exc)
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
    finding = access.finding_for_user(request.user, pk, write=True)
    audit = finding.audit
    form = RectificationForm(request.POST, prefix=f"r{finding.pk}")
    if form.is_valid():
        try:
            audits.rectification_add(finding=finding, **form.cleaned_data)
        except DomainError as exc:
            fail(form, exc)
        else:
            messages.success(request, "整改事项已列入整改台账。")
            return redirect("aftercare:unit-audit", audit.unit_id)
    context = _audit_context(
        request, audit.unit, audit.round, audit, **{f"line_{finding.pk}": form}
    )
    return render(request, "renewal/aftercare/unit_audit.html", context)


@login_required
def rectification_edit(request, pk):
    line = access.rectification_for_user(request.user, pk, write=request.method == "POST")
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
            audits.rectification_update(rectification=line, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            fail(form, exc)
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
            "can_write": access.can_write(request.user, unit),
            "overdue": line.is_overdue(timezone.localdate()),
        },
    )


@login_required
def rectification_attachment(request, pk):
    line = access.rectification_for_user(request.user, pk)
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
    qs = access.rectifications_visible_to(request.user).select_related(
        "finding__category", "finding__audit__unit__township"
    )
    form, page = filtered_list(
        request, qs, unit_path="finding__audit__unit", statuses=statuses, sorts=LEDGER_SORTS
    )
    for line in page:
        line.overdue = line.is_overdue(today)
    return render(
        request,
        "renewal/aftercare/ledger.html",
        {"form": form, "page": page, "today": today},
    )


# --- The county's audit categories ------------------------------------------------------------


@login_required
def category_list(request):
    county = access.reviewer_county(request.user)
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category = audits.category_save(county_id=county.pk, **form.cleaned_data)
        except DomainError as exc:
            fail(form, exc)
        else:
            messages.success(request, f"已添加问题类别“{category.name}”。")
            return redirect("aftercare:category-list")
    categories = access.categories_for_county(county.pk).select_related("county")
    return render(
        request,
        "renewal/aftercare/category_list.html",
        {"county": county, "categories": categories, "form": form},
    )


@login_required
def category_edit(request, pk):
    category = access.category_for_user(request.user, pk)
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            audits.category_save(
                county_id=category.county_id, category=category, **form.cleaned_data
            )
        except DomainError as exc:
            fail(form, exc)
        else:
            messages.success(request, "问题类别已保存。")
            return redirect("aftercare:category-list")
    return render(
        request, "renewal/aftercare/category_form.html", {"form": form, "category": category}
    )
