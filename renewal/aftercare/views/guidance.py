"""The county's guidance groups (指导组) and their visits."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from renewal.aftercare import access, guidance
from renewal.aftercare.forms import (
    GroupForm,
    MemberFormSet,
    VisitForm,
)
from renewal.aftercare.views.common import PAGE_SIZE, fail
from renewal.kit.paging import KeyPaginator
from renewal.kit.people import person_label
from renewal.models import (
    DomainError,
    GuidanceMember,
    RenewalRound,
    Unit,
)

# --- Guidance groups ------------------------------------------------------------------------------


@login_required
def group_list(request):
    access.require_group_scope(request.user)
    groups = (
        access.groups_with_counts(request.user)
        .select_related("county")
        .prefetch_related("members")
        .order_by("county__code", "name")
    )
    page = KeyPaginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    can_create = any(
        access.can_write_county(request.user, c.pk)
        for c in access.counties_visible_to(request.user)
    )
    return render(
        request, "renewal/aftercare/group_list.html", {"page": page, "can_create": can_create}
    )


def _county_accounts(county) -> dict[int, object]:
    """The accounts a member of the county's guidance group may be: the county's and its
    townships' users."""
    users = (
        get_user_model()
        .objects.filter(Q(profile__region=county) | Q(profile__region__parent=county))
        .select_related("profile__region")
        .order_by("profile__region__code", "last_name", "first_name", "pk")
    )
    return {u.pk: u for u in users}


def with_members_accounts(accounts: dict[int, object], group) -> dict[int, object]:
    """The accounts a member of the team may be linked to, and those its members already are:
    a member whose user has since moved to another region keeps the link when the form is
    saved unchanged."""
    if group is None:
        return accounts
    linked = (
        get_user_model()
        .objects.filter(pk__in=group.members.exclude(user=None).values("user_id"))
        .exclude(pk__in=accounts)
        .select_related("profile__region")
    )
    return {**accounts, **{u.pk: u for u in linked}}


def members_formset(request, group, accounts: dict[int, object]):
    """The members' rows of a team's form (a guidance or a supervision group); ``accounts``
    are the users a member may be linked to (see ``with_members_accounts``)."""
    choices = [(pk, _account_label(u)) for pk, u in accounts.items()]
    initial = []
    if group is not None:
        initial = [
            {"name": m.name, "post": m.post, "user": m.user_id, "member": m.pk}
            for m in group.members.all()
        ]
    return MemberFormSet(
        request.POST or None, initial=initial, prefix="members", form_kwargs={"accounts": choices}
    )


def _account_label(user) -> str:
    region = getattr(getattr(user, "profile", None), "region", None)
    return f"{person_label(user)} · {region.name}" if region else person_label(user)


def members_from(members_form, accounts: dict[int, object]) -> list[tuple]:
    """The filled rows of a valid members' formset: (name, post, account or None, the id of
    the member row the line showed or None)."""
    return [
        (row["name"], row["post"], accounts.get(row["user"]), row.get("member"))
        for row in (f.cleaned_data for f in members_form)
        if row.get("name")
    ]


def _group_form_view(request, county, rnd, group=None):
    units = (
        Unit.objects.filter(county=county)
        .select_related("township")
        .order_by("township__code", "code")
    )
    accounts = with_members_accounts(_county_accounts(county), group)
    initial = {}
    if group is not None:
        initial = {
            "name": group.name,
            "leader_name": group.leader_name,
            "leader_post": group.leader_post,
            "units": list(group.units.values_list("pk", flat=True)),
        }
    form = GroupForm(request.POST or None, initial=initial, units=units)
    members_form = members_formset(request, group, accounts)
    if request.method == "POST" and form.is_valid() and members_form.is_valid():
        data = form.cleaned_data
        members = members_from(members_form, accounts)
        try:
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
            fail(form, exc)
        else:
            messages.success(request, f"指导组“{group.name}”已保存。")
            return redirect("aftercare:group-detail", group.pk)
    return render(
        request,
        "renewal/aftercare/group_form.html",
        {"form": form, "members_form": members_form, "group": group, "county": county},
    )


@login_required
def group_create(request):
    county = access.reviewer_county(request.user)
    rnd = RenewalRound.objects.filter(county=county, is_active=True).first()
    if rnd is None:
        raise Http404
    return _group_form_view(request, county, rnd)


@login_required
def group_edit(request, pk):
    group = access.group_for_user(request.user, pk, write=True)
    return _group_form_view(request, group.county, group.round, group)


def _group_context(request, group, visit_form=None):
    units = (
        access.group_units_for(request.user, group)
        .select_related("township")
        .order_by("township__code", "code")
    )
    visits = access.group_visits_for(request.user, group)
    return {
        "group": group,
        "members": GuidanceMember.objects.filter(group=group).select_related("user__profile"),
        "units": units,
        "visits": visits.select_related("unit", "recorded_by__profile")[:100],
        "can_edit": access.can_write_county(request.user, group.county_id),
        "can_log": access.can_log_visit(request.user, group),
        "visit_form": visit_form or VisitForm(units=units),
    }


@login_required
def group_detail(request, pk):
    group = access.group_for_user(request.user, pk)
    return render(request, "renewal/aftercare/group_detail.html", _group_context(request, group))


@login_required
@require_POST
def visit_add(request, pk):
    group = access.group_for_user(request.user, pk)
    if not access.can_log_visit(request.user, group):
        raise PermissionDenied("只有县委组织部或本指导组成员可以登记走访。")
    form = VisitForm(request.POST, units=group.units.all())
    if form.is_valid():
        try:
            guidance.visit_record(actor=request.user, group=group, **form.cleaned_data)
        except DomainError as exc:
            fail(form, exc)
        else:
            messages.success(request, "走访情况已登记。")
            return redirect("aftercare:group-detail", group.pk)
    return render(
        request, "renewal/aftercare/group_detail.html", _group_context(request, group, form)
    )
