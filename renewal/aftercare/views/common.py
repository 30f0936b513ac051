"""What every aftercare page shares: the list recipe (filter, sort, page) and form errors."""

from renewal.aftercare import access
from renewal.aftercare.forms import (
    ListFilterForm,
)
from renewal.kit.paging import KeyPaginator
from renewal.models import (
    DomainError,
)

PAGE_SIZE = 50


def fail(form, exc: DomainError) -> None:
    form.add_error(None, str(exc))


def filtered_list(request, queryset, *, unit_path: str, statuses: dict, sorts: dict):
    """Township / unit name / status filter, sort and page: one recipe for every list.

    ``unit_path`` leads from a row to its unit ("" when the rows are units).
    """
    prefix = f"{unit_path}__" if unit_path else ""
    form = ListFilterForm(
        request.GET or None,
        townships=access.townships_visible_to(request.user).order_by("code"),
        statuses=[(k, label) for k, (label, _) in statuses.items()],
        sorts=[(k, label) for k, (label, _) in sorts.items()],
    )
    sort = next(iter(sorts))
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            queryset = queryset.filter(**{f"{prefix}name__contains": data["q"]})
        if data["township"]:
            queryset = queryset.filter(**{f"{prefix}township": data["township"]})
        if data["status"]:
            queryset = queryset.filter(statuses[data["status"]][1])
        sort = data["sort"] or sort
    queryset = queryset.order_by(*sorts[sort][1], "pk")
    page = KeyPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return form, page
