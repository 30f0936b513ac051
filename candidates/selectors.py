"""The filtered candidacy list: the page, its htmx fragment and the roster export share it."""

from django.http import Http404

from candidates import access
from candidates.forms import CandidacyFilterForm
from renewal import access as region_access

FILTER_KEYS = ("q", "township", "body", "post", "status")


def filtered_candidacies(user, data):
    raw = (data or {}).get("township")
    if (
        raw
        and not region_access.townships_visible_to(user)
        .filter(pk=raw if str(raw).isdigit() else 0)
        .exists()
    ):
        raise Http404
    form = CandidacyFilterForm(
        data or None, townships=region_access.townships_visible_to(user).order_by("code")
    )
    qs = access.candidacies_visible_to(user).select_related("person", "unit", "unit__township")
    if form.is_valid():
        f = form.cleaned_data
        if f["q"]:
            qs = qs.filter(person__name__contains=f["q"])
        if f["township"]:
            qs = qs.filter(unit__township=f["township"])
        for key in ("body", "post", "status"):
            if f[key]:
                qs = qs.filter(**{key: f[key]})
    return form, qs.order_by("unit__code", "body", "post", "id")


def department_home(user, today) -> dict:
    """A vetting department's home page: the requests waiting for its answer."""
    pending = access.vetting_requests_visible_to(user).filter(status="pending")
    return {
        "department": user.profile.department,
        "vetting_pending": pending.count(),
        "vetting_overdue": pending.filter(batch__due_date__lt=today).count(),
    }
