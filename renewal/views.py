from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from renewal import access, selectors, services
from renewal.forms import (
    BranchForm,
    DecisionForm,
    PasswordChangeForm,
    RiskPointForm,
    SeatChangeForm,
    StageFormSet,
    UnitCreateForm,
    UnitFilterForm,
    UnitForm,
)
from renewal.kit import exports as export_jobs
from renewal.kit import home as home_sections
from renewal.kit import security_events, security_log
from renewal.kit.confirmation import Ask, ask_first, asks
from renewal.kit.exports import export_dir, export_start
from renewal.kit.file_names import dated_name, disposition
from renewal.kit.forms import errors_in_words
from renewal.kit.history import events_for
from renewal.kit.paging import KeyPaginator, narrowed, tally
from renewal.kit.uploads import XLSX
from renewal.models import (
    STAGE_NAMES,
    AccessLog,
    DomainError,
    ExportJob,
    Profile,
    Region,
    RiskPoint,
    SeatChange,
    SecurityEvent,
    Unit,
)
from renewal.roster.selectors import roster_counts
from renewal.selectors import check_filter_scope, filtered_units, stage_due_dates


def _apply_domain_error(form, exc):
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))


# --- Home -------------------------------------------------------------------------------


@login_required
def home(request):
    profile = getattr(request.user, "profile", None)
    role = profile.role if profile else ("admin" if request.user.is_superuser else None)
    context = {"role": role, "today": timezone.localdate()}
    if role in REGION_ROLES:
        units = access.units_visible_to(request.user)
        counties = access.counties_visible_to(request.user)
        # A user reading several counties (a grant on a city or a province) reads the progress
        # per county; a county-only user reads it per township.
        context["by_county"] = len(counties) > 1
        context["townships"] = _progress_summary(
            units,
            counties.order_by("code")
            if context["by_county"]
            else access.townships_visible_to(request.user).order_by("code"),
            "county_id" if context["by_county"] else "township_id",
        )
        context["stage_names"] = STAGE_NAMES
        context["key_units"] = (
            units.filter(is_key=True)
            .select_related("township")
            .annotate(risks=Count("risk_points"))
            .order_by("code")[:20]
        )
    if role in ("township_leader", "county_reviewer", "admin"):
        pending = access.seat_changes_visible_to(request.user).filter(
            status__in=[SeatChange.Status.PENDING_TOWNSHIP, SeatChange.Status.PENDING_COUNTY]
        )
        context["to_decide"] = [
            c
            for c in pending.select_related("unit", "unit__township")[:50]
            if access.can_decide_seat_change(request.user, c)
        ]
    if role in ("township_staff", "township_leader"):
        context["my_requests"] = (
            SeatChange.objects.filter(requested_by=request.user)
            .select_related("unit")
            .order_by("-requested_at")[:10]
        )
    if role == "admin":
        context["role_counts"] = (
            Profile.objects.values("role").annotate(n=Count("id")).order_by("role")
        )
        context["role_names"] = dict(Profile.Role.choices)
        context["recent_logs"] = AccessLog.objects.select_related("user__profile")[:10]
        context["region_count"] = Region.objects.count()
        context["unit_count"] = Unit.objects.count()
    context.update(home_sections.context_for(role, request.user, context["today"]))
    return render(request, "renewal/home.html", context)


REGION_ROLES = (
    "township_staff",
    "township_leader",
    "county_reviewer",
    "city_reviewer",
    "province_reviewer",
    "discipline_officer",
)


def _progress_summary(units, regions, field):
    """Per region (township or county, as `field` says): units, key units, units per stage
    and overdue units (3 queries)."""
    today = timezone.localdate()
    counts = units.values(field, "county_id", "stage").annotate(n=Count("id"))
    due = stage_due_dates(set(units.values_list("county_id", flat=True).distinct()))
    rows = {}
    for region in regions:
        rows[region.pk] = {"region": region, "total": 0, "key": 0, "stages": {}, "overdue": 0}
    for row in counts:
        summary = rows.get(row[field])
        if summary is None:
            continue
        summary["total"] += row["n"]
        stages = summary["stages"]
        stages[row["stage"]] = stages.get(row["stage"], 0) + row["n"]
        day = due.get((row["county_id"], row["stage"]))
        if day and day < today:
            summary["overdue"] += row["n"]
    for row in units.filter(is_key=True).values(field).annotate(n=Count("id")):
        if row[field] in rows:
            rows[row[field]]["key"] = row["n"]
    return list(rows.values())


def township_options(form, selected):
    """The township <select> options, built directly: hundreds of them at province scale.

    A user who sees several counties picks the county first: only its townships are offered
    (a province has thousands), or the county of a township already chosen; with no county
    the list says to choose one. A one-county user gets all their townships."""
    queryset = form.fields["township"].queryset
    if queryset is None:
        return ""
    if form.many_counties:
        county = _chosen_county(form, queryset, selected)
        if county is None:
            return mark_safe('<option value="" disabled>请先选择区县</option>')
        queryset = queryset.filter(parent_id=county)
    return _options(queryset.values_list("id", "name"), selected)


def _options(rows, selected: str) -> str:
    """<option>s of (id, name) rows, the one whose id is ``selected`` marked selected."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((pk, mark_safe(" selected") if str(pk) == selected else "", name) for pk, name in rows),
    )


def _chosen_county(form, townships, selected) -> int | None:
    # The county chosen stands even when another filter is refused (a search too long): the
    # fields that are valid stay in cleaned_data.
    county = None
    if form.is_bound:
        form.is_valid()
        county = form.cleaned_data.get("county")
    if county is not None:
        return county.pk
    if selected.isdecimal():
        return townships.filter(pk=selected).values_list("parent_id", flat=True).first()
    return None


def county_options(form, selected) -> str:
    """The county <select> options of a several-county list (a province has 168), built
    directly as the township options are."""
    return _options(form.fields["county"].queryset.values_list("id", "name"), selected)


def township_choice(request, form) -> dict:
    """The context a filtered list needs for its township <select>: its options, and on a
    partial (htmx) refresh of a several-county list the select again, swapped out of band so
    it follows the county just chosen."""
    if request.htmx and not form.many_counties:
        return {"township_options": ""}
    choice = {
        "township_options": township_options(form, request.GET.get("township", "")),
        "township_oob": bool(request.htmx),
    }
    if form.many_counties and not request.htmx:
        choice["county_options"] = county_options(form, request.GET.get("county", ""))
    return choice


# The unit list's filter fields that narrow it when set (the sort only orders it).
UNIT_FILTERS = ("q", "county", "township", "kind", "stage", "key", "overdue")


@login_required
def unit_list(request):
    access.require_region_scope(request.user)
    form, units, due = filtered_units(request.user, request.GET)
    size = 100 if request.GET.get("size") == "100" else settings.UNITS_PAGE_SIZE
    paginator = KeyPaginator(units, size)
    total = tally(access.units_visible_to(request.user))
    if not narrowed(form, UNIT_FILTERS):
        paginator.count = total  # every unit the user sees: counted once
    page = paginator.get_page(request.GET.get("page"))
    today = timezone.localdate()
    for unit in page:
        day = due.get((unit.county_id, unit.stage))
        unit.due_date, unit.is_overdue = day, bool(day and day < today)
    context = {
        "form": form,
        "page": page,
        "total": total,
        **township_choice(request, form),
        "stage_names": STAGE_NAMES,
        "many_counties": form.many_counties,
        "can_create": access.writable_townships(request.user).exists(),
    }
    template = "renewal/partials/unit_results.html" if request.htmx else "renewal/unit_list.html"
    return render(request, template, context)


@login_required
def unit_detail(request, pk):
    unit = access.unit_for_user(request.user, pk)
    rnd = selectors.active_round(unit.county_id)
    seats = unit.seats.filter(round=rnd).first() if rnd else None
    branch = getattr(unit, "branch", None)
    today = timezone.localdate()
    terms = unit.terms.prefetch_related("members__person").order_by("-elected_on", "body")
    due = stage_due_dates([unit.county_id])
    day = due.get((unit.county_id, unit.stage))
    context = {
        "unit": unit,
        "round": rnd,
        "seats": seats,
        "branch": branch,
        "roster": roster_counts(branch, today),
        "today": today,
        "terms": terms,
        "risk_points": unit.risk_points.all(),
        "risk_form": RiskPointForm(),
        "seat_changes": unit.seat_changes.select_related("requested_by__profile").all()[:20],
        "can_write": access.can_write_unit(request.user, unit),
        "can_history": access.can_read_history(request.user),
        "stage_name": STAGE_NAMES.get(unit.stage, unit.stage),
        "due_date": day,
        "is_overdue": bool(day and day < today),
        "stages": _stage_bar(rnd, unit.stage),
        "congress": unit.congresses.filter(round=rnd).first() if rnd else None,
    }
    return render(request, "renewal/unit_detail.html", context)


def _stage_bar(rnd, current):
    """The enabled stages with their state for this unit: done, now or todo."""
    if rnd is None:
        return []
    bar, reached = [], current == "done"
    for stage in rnd.stages.filter(enabled=True):
        if stage.code == current:
            stage.state, reached = "now", True
        else:
            stage.state = "todo" if reached else "done"
        bar.append(stage)
    return bar


@login_required
def unit_create(request):
    townships = access.writable_townships(request.user).order_by("code")
    if not townships.exists():
        raise PermissionDenied("您没有新增村(社区)的权限。")
    form = UnitCreateForm(request.POST or None, townships=townships)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("township", "code")}
        try:
            unit = services.unit_create(
                township=form.cleaned_data["township"], code=form.cleaned_data["code"], **data
            )
        except (DomainError, ValidationError) as exc:
            _apply_domain_error(form, exc)
        else:
            messages.success(request, f"已新增{unit.get_kind_display()}“{unit.name}”。")
            return redirect("renewal:unit-detail", pk=unit.pk)
    return render(request, "renewal/unit_form.html", {"form": form, "creating": True})


@login_required
def unit_edit(request, pk):
    unit = access.unit_for_user(request.user, pk, write=True)
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(
                unit=unit, **{f: form.cleaned_data[f] for f in UnitForm.Meta.fields}
            )
        except (DomainError, ValidationError) as exc:
            _apply_domain_error(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("renewal:unit-detail", pk=unit.pk)
    return render(request, "renewal/unit_form.html", {"form": form, "unit": unit})


def _risk_fragment(request, unit, form=None):
    return render(
        request,
        "renewal/partials/risk_points.html",
        {
            "unit": unit,
            "risk_points": unit.risk_points.all(),
            "risk_form": form or RiskPointForm(),
            "can_write": True,
        },
    )


@login_required
@require_POST
def risk_point_add(request, pk):
    unit = access.unit_for_user(request.user, pk, write=True)
    form = RiskPointForm(request.POST)
    if form.is_valid():
        services.risk_point_add(unit=unit, **form.cleaned_data)
        form = None
    if request.htmx:
        return _risk_fragment(request, unit, form)
    if form is not None:
        messages.error(request, "风险点未保存：" + errors_in_words(form))
    return redirect("renewal:unit-detail", pk=unit.pk)


@asks("risk-delete")
def _ask_risk_delete(point) -> Ask:
    return Ask(
        action="确认删除",
        question=f"删除{point.unit.name}的风险点“{point.get_category_display()}：{point.description}”？",
        consequence="删除后不能恢复；情况仍然存在的，须重新登记。",
    )


@login_required
@require_POST
def risk_point_delete(request, pk, point_pk):
    unit = access.unit_for_user(request.user, pk, write=True)
    point = get_object_or_404(RiskPoint.objects.select_related("unit"), pk=point_pk, unit=unit)
    back = reverse("renewal:unit-detail", args=[unit.pk])
    if asked := ask_first(request, "risk-delete", point, back=back):
        return asked
    services.risk_point_delete(point=point)
    if request.htmx:
        return _risk_fragment(request, unit)
    return redirect("renewal:unit-detail", pk=unit.pk)


@login_required
def branch_edit(request, pk):
    unit = access.unit_for_user(request.user, pk, write=True)
    branch = getattr(unit, "branch", None)
    if branch is None:
        raise Http404
    form = BranchForm(request.POST or None, instance=branch)
    if request.method == "POST" and form.is_valid():
        try:
            services.branch_update(branch=branch, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            _apply_domain_error(form, exc)
        else:
            messages.success(request, "党组织信息已保存。")
            return redirect("renewal:unit-detail", pk=unit.pk)
    return render(request, "renewal/branch_form.html", {"form": form, "unit": unit})


# --- Seats ------------------------------------------------------------------------------


@login_required
def seat_change_create(request, pk):
    unit = access.unit_for_user(request.user, pk, write=True)
    form = SeatChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.seat_change_request(
                actor=request.user, unit=unit, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            if change.status == SeatChange.Status.APPROVED:
                messages.success(request, "职数未超过县定默认职数，已直接调整并记录。")
            else:
                messages.success(request, "职数调整申请已提交，待乡镇(街道)党(工)委审批。")
            return redirect("renewal:unit-detail", pk=unit.pk)
    rnd = selectors.active_round(unit.county_id)
    return render(
        request, "renewal/seat_change_form.html", {"form": form, "unit": unit, "round": rnd}
    )


@login_required
def seat_change_list(request):
    access.require_region_scope(request.user)
    visible = access.seat_changes_visible_to(request.user)
    changes = visible.select_related("unit", "unit__township", "requested_by__profile")
    status = request.GET.get("status", "open")
    if status == "open":
        changes = changes.filter(status__in=["pending_township", "pending_county"])
    elif status in SeatChange.Status.values:
        changes = changes.filter(status=status)
    page = KeyPaginator(changes.order_by("-requested_at"), 50).get_page(request.GET.get("page"))
    for change in page:
        change.can_decide = access.can_decide_seat_change(request.user, change)
    context = {
        "page": page,
        "total": tally(visible),
        "status": status,
        "statuses": SeatChange.Status.choices,
        "units": access.units_writable_by(request.user).filter(county__rounds__is_active=True),
    }
    return render(request, "renewal/seat_change_list.html", context)


@login_required
def seat_change_decide(request, pk):
    change = access.seat_change_for_user(request.user, pk)
    if not access.can_decide_seat_change(request.user, change):
        raise PermissionDenied("您不能审批这项申请。")
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.seat_change_decide(
                actor=request.user,
                change=change,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "审批意见已记录。")
            return redirect("renewal:seat-change-list")
    return render(request, "renewal/seat_change_decide.html", {"form": form, "change": change})


# --- Timetable --------------------------------------------------------------------------


@login_required
def round_detail(request, pk):
    rnd = access.round_for_user(request.user, pk)
    can_edit = access.can_in_region(request.user, "approve_region", rnd.county_id)
    formset = StageFormSet(request.POST or None, queryset=rnd.stages.all())
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("只有县委组织部可以修改换届时间表。")
        if formset.is_valid():
            rows = [
                {
                    "id": f.instance.pk,
                    **{k: f.cleaned_data[k] for k in ("name", "due_date", "enabled")},
                }
                for f in formset.forms
            ]
            try:
                services.timetable_update(rnd=rnd, stages=rows)
            except DomainError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "换届时间表已保存，各村(社区)阶段已重新计算。")
                return redirect("renewal:round-detail", pk=rnd.pk)
    counted = dict(
        Unit.objects.filter(county=rnd.county).values_list("stage").annotate(n=Count("id"))
    )
    # Every stage has its number, 0 included: the page looks each one up by code.
    stage_counts = {stage.code: counted.get(stage.code, 0) for stage in rnd.stages.all()}
    return render(
        request,
        "renewal/round_detail.html",
        {"round": rnd, "formset": formset, "can_edit": can_edit, "stage_counts": stage_counts},
    )


@login_required
def round_list(request):
    access.require_region_scope(request.user)
    rounds = access.rounds_visible_to(request.user).select_related("county")
    return render(request, "renewal/round_list.html", {"rounds": rounds})


# --- Exports ------------------------------------------------------------------------------


@login_required
@require_POST
def unit_export(request):
    access.require_region_scope(request.user)
    params = {k: v for k, v in request.POST.items() if k in UnitFilterForm.base_fields}
    check_filter_scope(request.user, params)
    job = export_start(user=request.user, params=params)
    return redirect("renewal:export-detail", pk=job.pk)


@login_required
def export_detail(request, pk):
    job = access.export_job_for_user(request.user, pk)
    template = (
        "renewal/partials/export_status.html" if request.htmx else "renewal/export_detail.html"
    )
    return render(
        request,
        template,
        {"job": job, "timeout_minutes": settings.EXPORT_QUEUE_TIMEOUT_MINUTES},
    )


@login_required
@require_POST
def export_retry(request, pk):
    job = access.export_job_for_user(request.user, pk)
    try:
        export_jobs.export_retry(job)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已重新提交导出。")
    return redirect("renewal:export-detail", pk=job.pk)


@login_required
def export_download(request, pk):
    job = access.export_job_for_user(request.user, pk)
    if job.status != ExportJob.Status.DONE:
        raise Http404
    path = export_dir() / job.file_name
    if not path.exists():
        raise Http404
    label = EXPORT_FILE_LABELS.get(job.kind, "导出")
    profile = getattr(job.user, "profile", None)
    region = profile.region if profile and profile.region_id else None
    response = FileResponse(path.open("rb"), content_type=XLSX)
    response["Content-Disposition"] = disposition(
        dated_name(label, region.name if region else "", when=job.created_at),
        dated_name(job.kind, region.code if region else "", when=job.created_at),
    )
    return response


# The downloaded file's name, by what it holds (the region and day follow).
EXPORT_FILE_LABELS = {
    "units": "村社区名册",
    "candidates": "候选人花名册",
    "security_log": "安全日志",
}


# --- History ------------------------------------------------------------------------------


@login_required
def unit_history(request, pk):
    unit = access.unit_for_user(request.user, pk)
    if not access.can_read_history(request.user):
        raise PermissionDenied("只有县委组织部和系统管理员可以查看修改记录。")
    page = KeyPaginator(events_for(unit), 50).get_page(request.GET.get("page"))
    return render(request, "renewal/history.html", {"unit": unit, "page": page})


# --- The user's own password --------------------------------------------------------------


class PasswordChange(auth_views.PasswordChangeView):
    """Every user changes their own password here; one an administrator has marked must do it
    before anything else (renewal.kit.passwords.PasswordChangeRequiredMiddleware)."""

    form_class = PasswordChangeForm
    template_name = "renewal/password_change.html"
    success_url = reverse_lazy("renewal:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        Profile.objects.filter(user=self.request.user).update(must_change_password=False)
        security_log.record(
            SecurityEvent.Kind.PASSWORD_CHANGED, request=self.request, user=self.request.user
        )
        messages.success(self.request, "密码已修改，请牢记新密码。")
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        profile = getattr(self.request.user, "profile", None)
        context["forced"] = bool(profile and profile.must_change_password)
        context["rules"] = password_validators_help_texts()
        return context


# --- Security log (administrators) ----------------------------------------------------------


@login_required
def security_event_list(request):
    security_events.require_security_admin(request.user)
    form = security_events.SecurityLogFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = KeyPaginator(security_events.security_log_rows(data), 50).get_page(
        request.GET.get("page")
    )
    known = security_events.people_in(page)
    return render(
        request,
        "renewal/security_events.html",
        {
            "form": form,
            "page": page,
            "rows": [
                (row, security_events.who(row, known), security_events.describe(row, known))
                for row in page
            ],
            "counts": security_events.security_log_counts(data),
            "labels": security_events.KIND_LABELS,
            "export_params": {k: str(v) for k, v in data.items() if v},
        },
    )


@login_required
@require_POST
def security_event_export(request):
    security_events.require_security_admin(request.user)
    form = security_events.SecurityLogFilterForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "筛选条件有误，没有导出：" + errors_in_words(form),
        )
        return redirect("renewal:security-events")
    params = {k: str(v) for k, v in form.cleaned_data.items() if v}
    job = export_start(user=request.user, params=params, kind="security_log")
    return redirect("renewal:export-detail", pk=job.pk)
