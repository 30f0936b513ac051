"""Reads the pages share: the filtered candidacy list (the page, its htmx fragment and the
roster export), the filtered talent pool, a vetting department's home."""

from django.db.models import Q

from candidates import access
from candidates.forms import CandidacyFilterForm, ReserveFilterForm
from candidates.models import ReserveCadre
from renewal import access as region_access
from renewal.models import DomainError, Region
from renewal.selectors import check_filter_scope

FILTER_KEYS = ("q", "county", "township", "body", "post", "status", "sort")
# The fields that narrow the list when set (the sort only orders it).
CANDIDACY_FILTERS = ("q", "county", "township", "body", "post", "status")
# The candidate list's orders; each ends on the id, so that pages never share or skip a row.
# They read the copies of the unit's code and the person's name and date of birth kept on
# the candidacy (candidates.models.SORT_KEYS), so that each order is one of its indexes.
CANDIDACY_ORDER = {
    "unit": ("sort_unit_code", "body", "post", "id"),
    "name": ("sort_name", "sort_unit_code", "id"),
    "birth_date": ("sort_birth_date", "id"),
    # The youngest first: the reverse of the eldest first, the id too, so that one index
    # serves both, read either way.
    "-birth_date": ("-sort_birth_date", "-id"),
    "status": ("status", "sort_unit_code", "id"),
}
# The same orders within a region (a county's or a township's reader, or the region filter):
# its rows lie together in unit-code order, which the planner cannot know, so that it would
# read the index of all the rows from the start; by the unit's own code it reads the region's
# units in code order first, then each unit's candidacies.
REGION_ORDER = CANDIDACY_ORDER | {
    "unit": ("unit__code", "body", "post", "id"),
    "status": ("status", "unit__code", "id"),
}
# An export of the rows ticked on the list keeps their ids under this key ("12,40,41").
SELECTED_KEY = "ids"


MAX_ROWS = 500


def selected_ids(values) -> list[int]:
    """The ids ticked on a list page (``name="ids"``), in order, without repeats; anything
    that is not a whole number is ignored, as a row nobody could have ticked."""
    ids = list(dict.fromkeys(int(v) for v in values if str(v).isdecimal()))
    if len(ids) > MAX_ROWS:
        raise DomainError(f"一次最多选择 {MAX_ROWS} 条，请分批操作。")
    return ids


def selected_only(qs, params: dict):
    """The rows of ``qs`` among the ticked ids when the export was of selected rows."""
    raw = params.get(SELECTED_KEY)
    if raw is None:
        return qs
    return qs.filter(pk__in=selected_ids(raw.split(",")))


def region_filter_form(form_class, user, data):
    """A list's filter form with the region filters the user's scope offers (404 on a county
    or township outside it, like the object)."""
    check_filter_scope(user, data)
    counties = region_access.counties_visible_to(user).order_by("code")
    return form_class(
        data or None,
        townships=region_access.townships_visible_to(user).order_by("code"),
        counties=counties if counties[1:2].exists() else None,
    )


def filtered_candidacies(user, data):
    form = region_filter_form(CandidacyFilterForm, user, data)
    qs = access.candidacies_visible_to(user).select_related(
        "person", "unit", "unit__township", "unit__county"
    )
    sort, whole = "unit", region_access.sees_every_unit(user)
    if form.is_valid():
        f = form.cleaned_data
        sort = f["sort"] if f["sort"] in CANDIDACY_ORDER else sort
        whole = whole and not (f.get("county") or f.get("township"))
        if f["q"]:
            qs = qs.filter(person__name__contains=f["q"])
        qs = form.filter_region(qs, county_field="unit__county", township_field="unit__township")
        for key in ("body", "post", "status"):
            if f[key]:
                qs = qs.filter(**{key: f[key]})
    return form, qs.order_by(*(CANDIDACY_ORDER if whole else REGION_ORDER)[sort])


RESERVE_ORDER = {
    "unit": ("unit__code", "-added_at", "id"),
    "name": ("person__name", "id"),
    "-added_at": ("-added_at", "id"),
    "birth_date": ("person__birth_date", "id"),
    "-birth_date": ("-person__birth_date", "id"),
}


def filtered_reserves(user, data):
    """The talent pool the user may see, filtered and sorted: the form and the queryset."""
    form = region_filter_form(ReserveFilterForm, user, data)
    qs = access.reserves_visible_to(user).select_related(
        "person", "unit", "unit__township", "unit__county"
    )
    status, order = ReserveCadre.Status.ACTIVE, RESERVE_ORDER["unit"]
    if form.is_valid():
        f = form.cleaned_data
        if f["q"]:
            qs = qs.filter(
                Q(person__name__contains=f["q"])
                | Q(unit__name__contains=f["q"])
                | Q(direction__contains=f["q"])
                | Q(note__contains=f["q"])
            )
        qs = form.filter_region(qs, county_field="unit__county", township_field="unit__township")
        status = f["status"] or status
        order = RESERVE_ORDER.get(f["sort"], order)
    unit = (data or {}).get("unit", "")
    if str(unit).isdecimal():
        qs = qs.filter(unit_id=unit)
    if status != "all":
        qs = qs.filter(status=status)
    return form, qs.order_by(*order)


def department_home(user, today) -> dict:
    """A vetting department's home page: the requests waiting for its answer."""
    pending = access.vetting_requests_visible_to(user).filter(status="pending")
    return {
        "department": user.profile.department,
        "vetting_pending": pending.count(),
        "vetting_overdue": pending.filter(batch__due_date__lt=today).count(),
    }


def county_elects_women_seat(county_id: int) -> bool:
    """Whether the county elects a separate women's seat on the villagers' committee.

    The choice is the villagers' election rules (ballots, the layer above this one); it is
    read through the county's reverse relation so that candidates does not import ballots.
    """
    return Region.objects.filter(pk=county_id, villagers_rules__women_seat=True).exists()
