"""The city's supervision groups (巡回督查组) and their visits to the counties."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from renewal.aftercare import access, supervision
from renewal.aftercare.forms import SupervisionGroupForm, SupervisionVisitForm
from renewal.aftercare.views.common import PAGE_SIZE, fail
from renewal.aftercare.views.guidance import (
    members_formset,
    members_from,
    with_members_accounts,
)
from renewal.kit.paging import KeyPaginator
from renewal.models import DomainError, Region, RenewalRound, SupervisionMember


@login_required
def group_list(request):
    access.require_supervision_scope(request.user)
    groups = (
        access.supervision_groups_visible_to(request.user)
        .select_related("city")
        .prefetch_related("members", "counties")
        .order_by("city__code", "-year", "name", "pk")
    )
    page = KeyPaginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    access.shown_counties(request.user, page)
    can_create = access.runs_supervision(request.user)
    return render(
        request,
        "renewal/aftercare/supervision_list.html",
        {"page": page, "can_create": can_create},
    )


def _city_accounts(city) -> dict[int, object]:
    """The accounts a member may be linked to: the city's own users."""
    users = (
        get_user_model()
        .objects.filter(profile__region=city)
        .select_related("profile__region")
        .order_by("last_name", "first_name", "pk")
    )
    return {u.pk: u for u in users}


def _default_year(city) -> int:
    """The year of the renewal under way in the city's counties, else this year."""
    year = (
        RenewalRound.objects.filter(county__parent=city, is_active=True)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return year or timezone.localdate().year


def _group_form_view(request, city, group=None, cities=None):
    counties = Region.objects.filter(parent=city, kind=Region.Kind.COUNTY).order_by("code")
    accounts = with_members_accounts(_city_accounts(city), group)
    if group is None:
        initial = {"year": _default_year(city)}
    else:
        initial = {
            "name": group.name,
            "year": group.year,
            "leader_name": group.leader_name,
            "leader_post": group.leader_post,
            "counties": list(group.counties.values_list("pk", flat=True)),
        }
    form = SupervisionGroupForm(request.POST or None, initial=initial, counties=counties)
    members_form = members_formset(request, group, accounts)
    if request.method == "POST" and form.is_valid() and members_form.is_valid():
        data = form.cleaned_data
        try:
            group = supervision.group_save(
                city=city,
                year=data["year"],
                name=data["name"],
                leader_name=data["leader_name"],
                leader_post=data["leader_post"],
                members=members_from(members_form, accounts),
                counties=data["counties"],
                group=group,
            )
        except DomainError as exc:
            fail(form, exc)
        else:
            messages.success(request, f"巡回督查组“{group.name}”已保存。")
            return redirect("aftercare:supervision-detail", group.pk)
    return render(
        request,
        "renewal/aftercare/supervision_form.html",
        {
            "form": form,
            "members_form": members_form,
            "group": group,
            "city": city,
            "cities": cities,
        },
    )


@login_required
def group_create(request):
    """A city's organisation department forms a group for its city; whoever runs several
    cities' groups (a system administrator) first chooses the city (``?city=``)."""
    cities = access.supervision_cities(request.user)
    city = access.supervision_city(request.user, request.GET.get("city"))
    several = cities[1:2].exists()
    if city is None:
        return render(
            request,
            "renewal/aftercare/supervision_form.html",
            {"city": None, "group": None, "cities": cities},
        )
    return _group_form_view(request, city, cities=cities if several else None)


@login_required
def group_edit(request, pk):
    group = access.supervision_group_for_user(request.user, pk, write=True)
    return _group_form_view(request, group.city, group)


def _visit_form(group, data=None, initial=None):
    """The visit form: a group of one county starts with that county chosen."""
    counties = group.counties.order_by("code")
    if data is None and not (initial or {}).get("county"):
        only = list(counties[:2])
        if len(only) == 1:
            initial = {**(initial or {}), "county": only[0].pk}
    return SupervisionVisitForm(data, initial=initial, counties=counties)


def _group_context(request, group, visit_form=None):
    user = request.user
    visits = access.supervision_visits_for(user, group).select_related(
        "county", "unit", "unit__township", "recorded_by__profile"
    )
    can_log = access.can_log_supervision_visit(user, group)
    return {
        "group": group,
        "counties": access.supervision_counties_for(user, group).order_by("code"),
        "members": SupervisionMember.objects.filter(group=group).select_related("user__profile"),
        "visits": visits[:200],
        "can_edit": access.can_manage_supervision(user, group.city_id),
        "can_log": can_log,
        "visit_form": (visit_form or _visit_form(group)) if can_log else None,
    }


@login_required
def group_detail(request, pk):
    group = access.supervision_group_for_user(request.user, pk)
    return render(
        request, "renewal/aftercare/supervision_detail.html", _group_context(request, group)
    )


def _require_logger(user, group) -> None:
    if not access.can_log_supervision_visit(user, group):
        raise PermissionDenied("只有市委组织部或本督查组成员可以登记督查情况。")


@login_required
@require_POST
def visit_add(request, pk):
    group = access.supervision_group_for_user(request.user, pk)
    _require_logger(request.user, group)
    form = _visit_form(group, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            supervision.visit_record(
                actor=request.user,
                group=group,
                county=data["county"],
                unit=data["unit"],
                visited_on=data["visited_on"],
                findings=data["findings"],
                follow_up=data["follow_up"],
            )
        except DomainError as exc:
            fail(form, exc)
        else:
            messages.success(request, "督查情况已登记。")
            return redirect("aftercare:supervision-detail", group.pk)
    return render(
        request,
        "renewal/aftercare/supervision_detail.html",
        _group_context(request, group, form),
    )


@login_required
@require_GET
def visit_place(request, pk):
    """The visit form's county, township and unit lists for the county and township chosen
    (an htmx fragment that replaces them when one changes). A county the group does not
    cover is not found; a township or unit the county's lists do not hold is dropped."""
    group = access.supervision_group_for_user(request.user, pk)
    _require_logger(request.user, group)
    county = request.GET.get("county", "")
    if county and not (county.isdecimal() and group.counties.filter(pk=county).exists()):
        raise Http404
    initial = {name: request.GET.get(name, "") for name in SupervisionVisitForm.PLACE}
    form = _visit_form(group, initial=initial)
    return render(
        request,
        "renewal/aftercare/partials/supervision_visit_place.html",
        {"group": group, "visit_form": form},
    )
