"""Reads that matter: the filtered unit list (page, fragment and export share it)."""

import datetime

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from renewal import access
from renewal.forms import SORTS, UnitFilterForm
from renewal.models import STAGE_NAMES, PartyMember, RenewalRound, Stage


def stage_due_dates(county_ids) -> dict[tuple[int, str], datetime.date]:
    rows = Stage.objects.filter(
        round__county_id__in=list(county_ids), round__is_active=True, enabled=True
    ).values_list("round__county_id", "code", "due_date")
    return {(county, code): due for county, code, due in rows if due}


def stage_choices(county_ids) -> list[tuple[str, str]]:
    rows = (
        Stage.objects.filter(round__county_id__in=list(county_ids), round__is_active=True)
        .order_by("order")
        .values_list("code", "name")
    )
    seen = {}
    for code, name in rows:
        seen.setdefault(code, name)
    return list(seen.items()) + [("done", STAGE_NAMES["done"])]


def unit_filter_form(user, data):
    counties = access.counties_visible_to(user).order_by("code")
    county_ids = list(counties.values_list("id", flat=True))
    form = UnitFilterForm(
        data or None,
        townships=access.townships_visible_to(user).order_by("code"),
        counties=counties if len(county_ids) > 1 else None,
        stage_choices=stage_choices(county_ids),
    )
    return form, county_ids


def check_filter_scope(user, data) -> None:
    """A filter naming a township or a county outside the user's scope answers 404, like the
    object."""
    data = data or {}
    for key, visible in (
        ("township", access.townships_visible_to),
        ("county", access.counties_visible_to),
    ):
        raw = data.get(key)
        if raw and not visible(user).filter(pk=raw if raw.isdecimal() else 0).exists():
            raise Http404


def filtered_units(user, data, *, today=None):
    """The units a user may see, filtered and sorted as `data` asks (a GET QueryDict)."""
    check_filter_scope(user, data)
    form, county_ids = unit_filter_form(user, data)
    qs = access.units_visible_to(user).select_related("township", "county")
    due = stage_due_dates(county_ids)
    if form.is_valid():
        f = form.cleaned_data
        if f["q"]:
            qs = qs.filter(Q(name__contains=f["q"]) | Q(code__startswith=f["q"]))
        qs = form.filter_region(qs)
        if f["kind"]:
            qs = qs.filter(kind=f["kind"])
        if f["stage"]:
            qs = qs.filter(stage=f["stage"])
        if f["key"]:
            qs = qs.filter(is_key=f["key"] == "1")
        if f["overdue"]:
            today = today or timezone.localdate()
            late = Q(pk__in=[])
            for (county, code), day in due.items():
                if day < today:
                    late |= Q(county_id=county, stage=code)
            qs = qs.filter(late)
        order = SORTS.get(f["sort"] or "code", SORTS["code"])[0]
    else:
        order = "code"
    qs = qs.order_by(order, "code") if order != "code" else qs.order_by("code")
    return form, qs, due


def active_round(county_id: int) -> RenewalRound | None:
    """The county's renewal round in progress, or None (at most one: a unique index)."""
    return RenewalRound.objects.filter(county_id=county_id, is_active=True).first()


def with_entitled_members(units, day: datetime.date):
    """Units annotated with ``entitled_members``: their branch's members entitled on ``day``
    (应到会 before any exclusion), counted from the roster in the same query."""
    counted = (
        PartyMember.objects.filter(PartyMember.entitled_q(day), branch__unit_id=OuterRef("pk"))
        .order_by()
        .values("branch__unit_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return units.annotate(
        entitled_members=Coalesce(Subquery(counted, output_field=IntegerField()), 0)
    )
