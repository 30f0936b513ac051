"""Discipline officers' pages (cases, dashboard, ledger) and the units' pledges and talks.

Case pages are for the county's discipline officers only (discipline.access): lists answer
403 to everyone else, cases 404. Nothing here reads the reporter's identity.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from candidates.imports import MAX_UPLOAD_BYTES, TOO_BIG
from candidates.models import Candidacy
from discipline import access, ledger
from discipline import services_cases as services
from discipline.models import ProhibitionItem, Report, Talk
from renewal import access as region_access
from renewal.kit.idcard import mask_id_number
from renewal.models import DomainError, Person, Region, Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE = forms.DateInput(attrs={"type": "date"})


def _form_errors(form) -> str:
    return "；".join(
        f"{form.fields[k].label if k in form.fields else ''}{e}"
        for k, es in form.errors.items()
        for e in es
    )


# --- Case forms: one per stage, each built for its report --------------------------------------


class LinkForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label="涉及村(社区)",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    candidacies = forms.ModelMultipleChoiceField(
        label="涉及候选人", queryset=Candidacy.objects.none(), required=False
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(county_id=report.county_id)
        if report.township_id:
            units = units.filter(Q(township_id=report.township_id) | Q(report=report))
        self.fields["units"].queryset = units.distinct().order_by("code")
        self.fields["candidacies"].queryset = Candidacy.objects.filter(
            unit__county_id=report.county_id
        ).select_related("person", "unit")

    def run(self, actor, report):
        d = self.cleaned_data
        services.case_link(
            actor=actor, report=report, units=d["units"], candidacies=d["candidacies"]
        )
        return "已保存涉及的村(社区)和候选人。"


class AssignForm(forms.Form):
    officers = forms.ModelMultipleChoiceField(
        label="承办人员",
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少指定一名承办人员。"},
    )
    check_group = forms.CharField(label="核查组", max_length=60)

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = services.officers_for_county(report.county)
        self.fields["officers"].label_from_instance = lambda u: u.get_full_name() or u.username

    def run(self, actor, report):
        d = self.cleaned_data
        services.case_assign(
            actor=actor, report=report, officers=d["officers"], check_group=d["check_group"]
        )
        return "已交办核查组。"


class CheckForm(forms.Form):
    findings = forms.CharField(label="核查情况", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)

    def run(self, actor, report):
        services.case_check(actor=actor, report=report, findings=self.cleaned_data["findings"])
        return "核查情况已登记。"


class ConcludeForm(forms.Form):
    substantiated = forms.TypedChoiceField(
        label="核查结论",
        choices=[("1", "属实"), ("0", "不属实")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    items = forms.ModelMultipleChoiceField(
        label="违反的纪律条目",
        queryset=ProhibitionItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    action_taken = forms.CharField(
        label="处理结果", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = services.allowed_items(report).select_related("catalogue")

    def run(self, actor, report):
        d = self.cleaned_data
        services.case_conclude(
            actor=actor,
            report=report,
            substantiated=d["substantiated"],
            items=d["items"],
            action_taken=d["action_taken"],
        )
        return "案件已办结。" + ("请按期通报。" if d["substantiated"] else "")


class NotifyForm(forms.Form):
    notified_on = forms.DateField(label="通报日期", widget=DATE)
    scope = forms.CharField(label="通报范围", max_length=100)

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)

    def run(self, actor, report):
        d = self.cleaned_data
        services.case_notify(
            actor=actor, report=report, notified_on=d["notified_on"], scope=d["scope"]
        )
        return "已登记通报。"


CASE_ACTIONS = {
    "links": LinkForm,
    "assign": AssignForm,
    "check": CheckForm,
    "conclude": ConcludeForm,
    "notify": NotifyForm,
}


# --- Cases ---------------------------------------------------------------------------------


@login_required
def case_list(request):
    access.require_discipline(request.user)
    qs = access.reports_visible_to(request.user).select_related("township")
    status = request.GET.get("status", "unfinished")
    if status == "unfinished":
        qs = qs.filter(services.unfinished_q())
    elif status == "overdue":
        qs = qs.filter(services.overdue_q())
    elif status == "awaiting_notice":
        qs = qs.filter(status=Report.Status.CONCLUDED, substantiated=True)
    elif status in Report.Status.values:
        qs = qs.filter(status=status)
    townships = Region.objects.filter(
        parent_id__in=access.discipline_counties(request.user)
    ).order_by("code")
    township = request.GET.get("township", "")
    if township.isdigit():
        qs = qs.filter(township_id=int(township))
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(subject__contains=q)
    page = Paginator(qs.order_by("stage_due", "received_at"), 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for report in page:
        report.due = services.effective_due(report)
        report.is_overdue = bool(
            report.due
            and report.due < today
            and not services.is_finished(report.status, report.substantiated)
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "discipline/cases/case_list.html",
        {
            "page": page,
            "status": status,
            "statuses": [
                ("unfinished", "未办完"),
                ("overdue", "已逾期"),
                ("awaiting_notice", "查实待通报"),
                *Report.Status.choices,
                ("all", "全部"),
            ],
            "townships": townships,
            "township": township,
            "q": q,
            "query": query.urlencode(),
        },
    )


@login_required
def case_detail(request, pk):
    report = access.report_for_user(request.user, pk)
    report = (
        Report.objects.select_related("county", "township", "received_by")
        .prefetch_related("units", "officers", "items__catalogue")
        .get(pk=report.pk)
    )
    today = timezone.localdate()
    due = services.effective_due(report)
    status = report.status
    forms_for = {
        Report.Status.RECEIVED: ["links", "assign"],
        Report.Status.ASSIGNED: ["check", "assign", "links"],
        Report.Status.CHECKED: ["conclude", "assign", "links"],
        Report.Status.CONCLUDED: ["notify"] if report.substantiated else [],
        Report.Status.NOTIFIED: [],
    }[status]
    initial = {
        "assign": {"officers": list(report.officers.all()), "check_group": report.check_group},
        "links": {"units": list(report.units.all()), "candidacies": []},
        "notify": {"notified_on": today},
    }
    context = {
        "r": report,
        "due": due,
        "is_overdue": bool(
            due and due < today and not services.is_finished(status, report.substantiated)
        ),
        "candidacies": report.candidacies.select_related("person", "unit", "unit__township"),
        "link_options": Candidacy.objects.filter(unit__in=report.units.all())
        .exclude(status__in=Candidacy.CLOSED)
        .select_related("person", "unit")
        .order_by("unit__code", "body", "post", "id"),
        "linked_ids": set(report.candidacies.values_list("pk", flat=True)),
        "forms": {
            name: CASE_ACTIONS[name](report=report, initial=initial.get(name), prefix=name)
            for name in forms_for
        },
        "can_read_identity": access.can_read_identity(request.user, report),
        "stages": _stagebar(report),
    }
    return render(request, "discipline/cases/case_detail.html", context)


def _stagebar(report):
    """The stages as (label, "done" / "now" / ""); no notice stage for an unfounded case."""
    finished = services.is_finished(report.status, report.substantiated)
    now = Report.Status.values.index(report.status)
    bar = []
    for index, (value, label) in enumerate(Report.Status.choices):
        if value == Report.Status.NOTIFIED and report.substantiated is False:
            continue
        if index < now or (index == now and finished):
            bar.append((label, "done"))
        else:
            bar.append((label, "now" if index == now else ""))
    return bar


@login_required
@require_POST
def case_action(request, pk, action):
    if action not in CASE_ACTIONS:
        raise Http404
    report = access.report_for_user(request.user, pk)
    form = CASE_ACTIONS[action](request.POST, report=report, prefix=action)
    if form.is_valid():
        try:
            done = form.run(request.user, report)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
    else:
        messages.error(request, "未保存：" + _form_errors(form))
    return redirect("discipline:case-detail", pk=report.pk)


@login_required
def dashboard(request):
    access.require_discipline(request.user)
    figures = services.dashboard_figures(request.user)
    ages = figures["total"].ages
    return render(
        request,
        "discipline/cases/dashboard.html",
        {
            **figures,
            "max_open": max([r.open for r in figures["rows"]] + [1]),
            "age_totals": list(zip(figures["buckets"], ages, strict=True)),
            "max_age": max([*ages, 1]),
            "limits": services.stage_limits(),
        },
    )


# --- Pledges and talks -----------------------------------------------------------------------


@login_required
def coverage(request):
    region_access.require_region_scope(request.user)
    units = region_access.units_visible_to(request.user).select_related("township")
    townships = region_access.townships_visible_to(request.user).order_by("code")
    township = request.GET.get("township", "")
    if township.isdigit():
        units = units.filter(township_id=int(township))
    page = Paginator(units.order_by("code"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "discipline/cases/coverage.html",
        {
            "page": page,
            "rows": services.unit_discipline(list(page.object_list)),
            "townships": townships,
            "township": township,
        },
    )


class PledgeForm(forms.Form):
    candidacy = forms.IntegerField()
    decision = forms.ChoiceField(choices=[("sign", "签订"), ("refuse", "拒签")])
    signed_on = forms.DateField(label="签订日期", required=False, widget=DATE)
    note = forms.CharField(label="说明", required=False, max_length=200)


class TalkForm(forms.Form):
    person = forms.TypedChoiceField(label="谈话对象", coerce=int)
    phase = forms.ChoiceField(label="阶段", choices=Talk.Phase.choices)
    held_on = forms.DateField(label="谈话日期", widget=DATE)
    talked_by = forms.CharField(label="谈话人", max_length=40)
    summary = forms.CharField(label="谈话要点", required=False, max_length=300)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "请选择")] + list(people)


@login_required
def unit_pledges_talks(request, unit_pk):
    unit = region_access.unit_for_user(request.user, unit_pk)
    (d,) = services.unit_discipline([unit])
    people = d.people(d.before | d.after)
    return render(
        request,
        "discipline/cases/unit_pledges_talks.html",
        {
            "unit": unit,
            "d": d,
            "before": d.people(d.before),
            "after": d.people(d.after),
            "can_write": region_access.can_write_unit(request.user, unit),
            "talk_form": TalkForm(
                people=people, initial={"held_on": timezone.localdate(), "phase": "before"}
            ),
            "talks": unit.talks.select_related("person").order_by("-held_on", "-id")[:100],
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def pledge_record(request, unit_pk):
    unit = region_access.unit_for_user(request.user, unit_pk, write=True)
    form = PledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "承诺书未登记：" + _form_errors(form))
        return redirect("discipline:unit-pledges-talks", unit_pk=unit.pk)
    d = form.cleaned_data
    candidacy = (
        Candidacy.objects.filter(pk=d["candidacy"], unit=unit).select_related("person").first()
    )
    if candidacy is None:
        raise Http404
    refused = d["decision"] == "refuse"
    try:
        services.pledge_record(
            actor=request.user,
            candidacy=candidacy,
            signed_on=None if refused else d["signed_on"],
            refused=refused,
            note=d["note"],
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{candidacy.person.name}拒签承诺书，已取消其人选资格。"
            if refused
            else f"已登记{candidacy.person.name}签订承诺书。",
        )
    return redirect("discipline:unit-pledges-talks", unit_pk=unit.pk)


@login_required
@require_POST
def talk_record(request, unit_pk):
    unit = region_access.unit_for_user(request.user, unit_pk, write=True)
    (d,) = services.unit_discipline([unit])
    form = TalkForm(request.POST, people=d.people(d.before | d.after))
    if not form.is_valid():
        messages.error(request, "谈话未登记：" + _form_errors(form))
        return redirect("discipline:unit-pledges-talks", unit_pk=unit.pk)
    f = form.cleaned_data
    person = Person.objects.get(pk=f["person"])
    try:
        services.talk_record(
            actor=request.user,
            unit=unit,
            person=person,
            phase=f["phase"],
            held_on=f["held_on"],
            talked_by=f["talked_by"],
            summary=f["summary"],
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已登记与{person.name}的谈心谈话。")
    return redirect("discipline:unit-pledges-talks", unit_pk=unit.pk)


# --- The disciplined-cadres ledger -------------------------------------------------------------


class LedgerUploadForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件",
        help_text=f"请使用台账模板填写，.xlsx 格式，不超过 {MAX_UPLOAD_BYTES // 2**20} MB。",
        error_messages={
            "required": "请选择要导入的 Excel 文件。",
            "empty": "上传的文件是空的。",
            "invalid": "没有收到文件，请重新选择。",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                "只能导入 .xlsx 格式的 Excel 文件（.xls、.csv 请先用 Excel 或 WPS 另存为 .xlsx）。"
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(TOO_BIG)
        return upload


@login_required
def ledger_list(request):
    access.require_discipline(request.user)
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            token, preview = ledger.ledger_upload(
                user=request.user, upload=form.cleaned_data["file"]
            )
        except DomainError as exc:
            form.add_error("file", str(exc))
        else:
            if token:
                return redirect("discipline:ledger-preview", token=token)
            problems = preview.problems
    entries = ledger.ledger_entries(request.user)
    matched_only = request.GET.get("matched") == "1"
    if matched_only:
        entries = entries.filter(matched=True)
    q = request.GET.get("q", "").strip()
    if q:
        entries = entries.filter(Q(name__contains=q) | Q(workplace__contains=q))
    page = Paginator(entries.order_by("-decided_on", "id"), settings.UNITS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    matches = ledger.matches_for(request.user, page.object_list)
    for entry in page:
        entry.masked = mask_id_number(entry.id_number)
        entry.candidacies = matches.get(entry.id_number_hash, [])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "discipline/cases/ledger_list.html",
        {
            "form": form,
            "problems": problems,
            "page": page,
            "matched_only": matched_only,
            "q": q,
            "query": query.urlencode(),
        },
    )


@login_required
def ledger_template(request):
    access.require_discipline(request.user)
    response = HttpResponse(ledger.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename="受处分干部台账模板.xlsx"
    )
    return response


@login_required
def ledger_preview(request, token):
    try:
        preview = ledger.ledger_preview(user=request.user, token=token)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("discipline:ledger")
    return render(
        request,
        "discipline/cases/ledger_preview.html",
        {"preview": preview, "token": token, "rows": preview.rows[:200]},
    )


@login_required
@require_POST
def ledger_confirm(request, token):
    try:
        summary = ledger.ledger_confirm(user=request.user, token=token)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"已导入 {summary['created']} 条台账记录"
            + (f"，{summary['existing']} 条已在台账中未重复导入" if summary["existing"] else "")
            + (
                f"；其中 {summary['matched']} 人是在审人选，已在资格联审中提示"
                if summary["matched"]
                else ""
            )
            + "。上传的文件已删除。",
        )
    return redirect("discipline:ledger")


@login_required
@require_POST
def ledger_cancel(request, token):
    ledger.ledger_cancel(user=request.user, token=token)
    messages.success(request, "已取消导入，上传的文件已删除。")
    return redirect("discipline:ledger")
