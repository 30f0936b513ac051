"""Discipline officers' pages: cases through their stages, and the dashboard.

Case pages are for the county's discipline officers only (discipline.access): lists answer
403 to everyone else, cases 404. Nothing here reads the reporter's identity.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from candidates.models import Candidacy
from discipline import access
from discipline.cases import services
from discipline.cases.forms import AssignForm, CheckForm, ConcludeForm, LinkForm, NotifyForm
from discipline.forms import form_errors
from discipline.models import Report
from renewal.kit.paging import KeyPaginator, tally
from renewal.models import DomainError, Region

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
    if township.isdecimal():
        qs = qs.filter(township_id=int(township))
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(subject__contains=q)
    page = KeyPaginator(qs.order_by("stage_due", "received_at"), 50).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    for report in page:
        report.due = services.effective_due(report)
        report.is_overdue = bool(
            report.due
            and report.due < today
            and not services.is_finished(report.status, report.substantiated)
        )
    return render(
        request,
        "discipline/cases/case_list.html",
        {
            "page": page,
            "total": tally(access.reports_visible_to(request.user)),
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
        },
    )


@login_required
def case_detail(request, pk):
    report = access.report_for_user(request.user, pk)
    report = (
        Report.objects.select_related("county", "township", "received_by")
        .prefetch_related("units", "officers__profile", "items__catalogue")
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
    if not access.handles_county(request.user, report.county_id):
        forms_for = []  # officers above the county read the case
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
        # Attachments open for the officers assigned to the case only (each download logged).
        "attachments": list(report.attachments.order_by("pk")),
        "assigned": access.is_assigned_officer(request.user, report),
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
    report = access.report_for_user(request.user, pk, write=True)
    form = CASE_ACTIONS[action](request.POST, report=report, prefix=action)
    if form.is_valid():
        try:
            done = form.run(request.user, report)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
    else:
        messages.error(request, "未保存：" + form_errors(form))
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
