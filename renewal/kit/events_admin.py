"""The audit-events page of the admin (/admin/pghistory/events/), fit for a large database.

pghistory's own page reads a query that unions every event table and works out, for each
event, its data and its difference from the previous event of the same object. Ordered by
time, a page of that needs every event of every table worked out first; the counts (the
paginator's, the "全部" total, one per filter choice with facets switched on) read every
event again. Once the events number in the millions that is tens of seconds; and its change
list predates Django 5's facets, so switching them on failed.

Here nothing is counted in full (facets off, no total, the paginator counts at most
MAX_COUNTED_EVENTS), and an unfiltered page works out only the events that can be on it:
when the page ends at the n-th newest event, that event is no older than the n-th newest of
any single table, so the newest such time is a safe lower bound, found with one query of
n rows per table, and PostgreSQL applies it inside every table before the per-event work.
A filtered page (one event model, one object, a label) reads only what the filter selects.
"""

from django.contrib.admin import ShowFacets
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.utils.functional import cached_property
from pghistory import config, core
from pghistory.admin import EventsAdmin as BaseEventsAdmin
from pghistory.admin.core import EventsChangeList as BaseEventsChangeList

# The pages offered: the newest events; older ones are found with the filters.
MAX_COUNTED_EVENTS = 10_000


def newest_bound(rank: int):
    """A time no later than the rank-th newest event across all event tables (None: no bound)."""
    quote = connection.ops.quote_name
    tables = sorted({model._meta.db_table for model in core.event_models()})
    if not tables:
        return None
    parts = [
        f"(SELECT pgh_created_at FROM {quote(table)} "
        f"ORDER BY pgh_created_at DESC OFFSET %s LIMIT 1)"
        for table in tables
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT GREATEST({', '.join(parts)})", [rank - 1] * len(tables))
        return cursor.fetchone()[0]


class EventsPaginator(Paginator):
    """Counts at most MAX_COUNTED_EVENTS rows; pages the unfiltered list from a time bound."""

    windowed = False  # set by the change list when no filter narrows the events

    @cached_property
    def count(self):
        # Without ordering, so the scan stops at the cap.
        return self.object_list.order_by()[:MAX_COUNTED_EVENTS].count()

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        object_list = self.object_list
        newest_first = list(object_list.query.order_by[:1]) == ["-pgh_created_at"]
        if self.windowed and newest_first and top > bottom:
            bound = newest_bound(top)
            if bound is not None:
                object_list = object_list.filter(pgh_created_at__gte=bound)
        return Page(object_list[bottom:top], number, self)


class EventsChangeList(BaseEventsChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        # Django 5's signature (facets pass exclude_parameters); pghistory's lacks it.
        qset = super(BaseEventsChangeList, self).get_queryset(
            request, exclude_parameters=exclude_parameters
        )
        if not config.admin_all_events() and not self.has_active_filters:
            return self.root_queryset.model.no_objects.all()
        return qset

    def get_results(self, request):
        request.events_unfiltered = not self.has_active_filters and not self.query
        super().get_results(request)


class EventsAdmin(BaseEventsAdmin):
    show_facets = ShowFacets.NEVER
    show_full_result_count = False

    def get_changelist(self, request, **kwargs):
        return EventsChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = EventsPaginator(queryset, per_page, orphans, allow_empty_first_page)
        paginator.windowed = getattr(request, "events_unfiltered", False)
        return paginator

    def changelist_view(self, request, extra_context=None):
        # The union's cost estimate switches on PostgreSQL's JIT, which then spends longer
        # compiling than the bounded query takes to run.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
            response = super().changelist_view(request, extra_context=extra_context)
            if hasattr(response, "render"):
                response.render()
        return response
