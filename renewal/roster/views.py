"""The roster pages of a unit: the list with who is entitled today and why, add, edit
(status, dates, transfers), remove a member entered by mistake, and the Excel import."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from renewal import access
from renewal.kit.import_pages import ImportPages
from renewal.kit.paging import KeyPaginator
from renewal.models import DomainError
from renewal.roster import selectors, services
from renewal.roster.forms import MemberAddForm, MemberDatesForm, require_reason
from renewal.roster.importer import IMPORTER

PAGES = ImportPages(
    IMPORTER, "roster", access.roster_import_job_for_user, access.require_roster_writer
)


def _refused(form, exc: DomainError) -> None:
    fields = getattr(exc, "fields", None) or {None: str(exc)}
    for field, message in fields.items():
        form.add_error(field if field in form.fields else None, message)


@login_required
def member_list(request, pk):
    branch = access.branch_for_user(request.user, pk)
    today = timezone.localdate()
    form, members = selectors.roster_members(branch, request.GET, today)
    page = KeyPaginator(members, settings.UNITS_PAGE_SIZE).get_page(request.GET.get("page"))
    for member in page:
        member.entitled_today = member.entitled_on(today)
        member.why = member.entitlement(today)
    context = {
        "unit": branch.unit,
        "branch": branch,
        "form": form,
        "page": page,
        "today": today,
        "counts": selectors.roster_counts(branch, today),
        "can_write": access.can_write_unit(request.user, branch.unit),
        "congress": services.open_congress(branch),
    }
    template = (
        "renewal/roster/partials/member_results.html"
        if request.htmx
        else "renewal/roster/member_list.html"
    )
    return render(request, template, context)


def _correction(form, branch) -> dict:
    """The reason field while the roster is frozen (see services.open_congress)."""
    congress = services.open_congress(branch)
    if congress is not None:
        require_reason(form, services.frozen_refusal(congress))
    return {"congress": congress}


def _reason(form, request) -> dict:
    return {"reason": form.cleaned_data.get("reason", ""), "actor": request.user}


@login_required
def member_add(request, pk):
    branch = access.branch_for_user(request.user, pk, write=True)
    form = MemberAddForm(request.POST or None)
    frozen = _correction(form, branch)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_add(
                branch=branch, **form.person(), **form.dates(), **_reason(form, request)
            )
        except DomainError as exc:
            _refused(form, exc)
        else:
            why = member.entitlement(timezone.localdate())
            messages.success(request, f"已将{member.person.name}加入党员名册：{why}。")
            if "another" in request.POST:
                return redirect("roster:member-add", pk=branch.unit.pk)
            return redirect("roster:member-list", pk=branch.unit.pk)
    return render(
        request,
        "renewal/roster/member_form.html",
        {"form": form, "unit": branch.unit, "branch": branch, **frozen},
    )


@login_required
def member_edit(request, pk):
    member = access.member_for_user(request.user, pk, write=True)
    form = MemberDatesForm(request.POST or None, instance=member)
    frozen = _correction(form, member.branch)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.member_update(member=member, **form.dates(), **_reason(form, request))
        except DomainError as exc:
            _refused(form, exc)
        else:
            why = saved.entitlement(timezone.localdate())
            messages.success(request, f"{saved.person.name}的党员信息已保存：{why}。")
            return redirect("roster:member-list", pk=member.branch.unit.pk)
    return render(
        request,
        "renewal/roster/member_form.html",
        {
            "form": form,
            "member": member,
            "unit": member.branch.unit,
            "branch": member.branch,
            "removable": selectors.removable(member),
            **frozen,
        },
    )


@login_required
def member_remove(request, pk):
    member = access.member_for_user(request.user, pk, write=True)
    unit = member.branch.unit
    congress = services.open_congress(member.branch)
    if request.method == "POST":
        try:
            services.member_remove(
                member=member, reason=request.POST.get("reason", ""), actor=request.user
            )
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect("roster:member-remove", pk=member.pk)
        messages.success(request, f"已从党员名册中删除误录的{member.person.name}。")
        return redirect("roster:member-list", pk=unit.pk)
    refusal = None if selectors.removable(member) else services.removal_refusal(member)
    return render(
        request,
        "renewal/roster/member_remove.html",
        {
            "member": member,
            "unit": unit,
            "refusal": refusal,
            "congress": congress,
            "frozen_refusal": congress and services.frozen_refusal(congress),
        },
    )


@login_required
def roster_import(request, pk):
    branch = access.branch_for_user(request.user, pk, write=True)
    return PAGES.upload(
        request,
        "renewal/roster/import_form.html",
        back_url=reverse("roster:member-list", args=[branch.unit.pk]),
        back_label="返回党员名册",
        branch=branch,
    )
