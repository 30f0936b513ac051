"""Pagination that stays fast on every page of large, ordered lists.

The one mechanism every list that can reach thousands of rows pages through:

- **Narrow keys.** A page is chosen over the ids alone: one query reads the ids of the page
  in the list's ordering (a sort over the sort keys and the id, which the indexes can serve,
  instead of a sort of every joined row in full); a second reads those rows in full, with the
  list's ``select_related`` and ``prefetch_related``, and puts them back in the order of the
  ids. The ordering always ends on the id, so that pages never share or skip a row.
- **Deep pages.** ``OFFSET n`` makes PostgreSQL produce and discard n rows; past the middle
  of a list the ids are read in the reversed ordering from the other end and flipped.
- **Counts.** Up to ``settings.PAGING_EXACT_COUNT_LIMIT`` rows the count is exact (a count
  that stops one row past the limit). Above it, the full count is kept in the cache for
  ``settings.PAGING_COUNT_CACHE_SECONDS``, the pages of that time count nothing, and it is
  shown as approximate ("约 1,000,000"); rows added meanwhile are still on the pages, the
  deep pages being read from the real end (while the count is kept, as many rows as were
  added meanwhile fall between the two halves). Without the cache (Redis down) it is
  counted.

A list that is not a queryset (rows worked out in Python) is paged by slicing, as before.
"""

import hashlib
import inspect

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.utils.functional import cached_property
from django.utils.inspect import method_has_no_args


class Tally(int):
    """A number of rows; ``approximate`` when it was not counted for this request."""

    approximate = False

    def __new__(cls, value, approximate=False):
        tally = super().__new__(cls, value)
        tally.approximate = approximate
        return tally

    @property
    def label(self) -> str:
        """The number as a list shows it: "约 1,000,000" when approximate."""
        return f"约 {int(self):,}" if self.approximate else str(int(self))


def _cache_key(qs: QuerySet) -> str:
    """The list's rows, whatever columns and joins its display adds (select_related, …):
    the WHERE clause, with the user's region filter, is part of it."""
    if qs._iterable_class is ModelIterable and not qs.query.combinator:
        qs = qs.values("pk")
    sql, params = qs.query.sql_with_params()
    digest = hashlib.sha256(f"{qs.db}\x00{sql}\x00{params!r}".encode()).hexdigest()
    return f"paging:count:{digest}"


def narrowed(form, fields) -> bool:
    """Whether a list's filter form narrows it: a valid form with one of ``fields`` set (an
    invalid or unbound form filters nothing). When it does not, the list holds every row its
    total counts, and the paginator can take that count instead of counting again."""
    return form.is_valid() and any(form.cleaned_data.get(name) for name in fields)


def tally(qs) -> Tally:
    """How many rows ``qs`` holds: exact up to the limit, above it cached and approximate."""
    if not isinstance(qs, QuerySet):
        # As Django's Paginator: an object's own count(), else its length.
        count = getattr(qs, "count", None)
        if callable(count) and not inspect.isbuiltin(count) and method_has_no_args(count):
            return Tally(count())
        return Tally(len(qs))
    if qs._result_cache is not None:
        return Tally(len(qs._result_cache))
    if qs.query.is_empty():
        return Tally(0)
    bare = qs.order_by()
    # A long list's count kept from a recent request is used as it is: its pages meanwhile
    # count nothing at all.
    try:
        key = _cache_key(bare)
    except EmptyResultSet:  # a filter that can match nothing (``pk__in=[]``)
        return Tally(0)
    try:
        cached = cache.get(key)
    except Exception:  # a Redis that is down: count in PostgreSQL
        cached = None
    if cached is not None:
        return Tally(cached, approximate=True)
    limit = settings.PAGING_EXACT_COUNT_LIMIT
    counted = bare[: limit + 1].count()
    if counted <= limit:
        return Tally(counted)
    counted = bare.count()
    try:
        cache.set(key, counted, settings.PAGING_COUNT_CACHE_SECONDS)
    except Exception:
        pass
    return Tally(counted, approximate=True)


def _with_id_last(qs: QuerySet) -> QuerySet:
    """``qs`` ordered so that no two rows tie: its ordering with the primary key last."""
    order = list(qs.query.order_by)
    if not order and qs.query.default_ordering:
        order = list(qs.model._meta.ordering)
    last = order[-1] if order else None
    if isinstance(last, str) and last.lstrip("-") in ("pk", "id", qs.model._meta.pk.attname):
        return qs if qs.query.order_by else qs.order_by(*order)
    return qs.order_by(*order, "pk")


def _by_keys(object_list) -> bool:
    """Whether the list is paged over its ids: a queryset of model rows, not a union."""
    return (
        isinstance(object_list, QuerySet)
        and object_list._iterable_class is ModelIterable
        and not object_list.query.combinator
    )


class KeyPaginator(Paginator):
    """A Paginator whose pages read the ids first (see the module docstring)."""

    def __init__(self, object_list, per_page, *args, **kwargs):
        if _by_keys(object_list):
            object_list = _with_id_last(object_list)
        super().__init__(object_list, per_page, *args, **kwargs)

    @cached_property
    def count(self):
        return tally(self.object_list)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        qs = self.object_list
        # From the far end only for an ordered list: reversing an unordered one changes nothing.
        deep = bottom > self.count // 2 and isinstance(qs, QuerySet) and qs.ordered
        if not _by_keys(qs):
            # Rows worked out in Python, or dictionaries: sliced, deep ones from the far end.
            if deep:
                return Page(
                    list(qs.reverse()[self.count - top : self.count - bottom])[::-1], number, self
                )
            return Page(qs[bottom:top], number, self)
        ids = qs.values_list("pk", flat=True)
        if deep:
            # From the other end: the same rows, read in the reversed ordering.
            ids = list(ids.reverse()[self.count - top : self.count - bottom])[::-1]
        else:
            ids = list(ids[bottom:top])
        return Page(self.rows(ids), number, self)

    def rows(self, ids: list) -> list:
        """The full rows of ``ids``, in that order (a row deleted meanwhile is left out)."""
        if not ids:
            return []
        found = {row.pk: row for row in self.object_list.order_by().filter(pk__in=ids)}
        return [found[pk] for pk in ids if pk in found]
