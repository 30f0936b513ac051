"""Helpers for a list's rows drawn in Python rather than through the template engine.

Fifty rows of ``{% url %}``, ``|date`` and choice labels cost a list page more than
everything else on it; a row tag (e.g. ``{% unit_rows %}``) draws the very same markup with
these.
"""

from django.urls import reverse

SENTINEL = 987654321


def url_with_pk(name: str):
    """``reverse(name, args=[pk])`` for many pks: reversed once, each pk put in its place."""
    sample = reverse(name, args=[SENTINEL])
    head, found, tail = sample.partition(str(SENTINEL))
    if not found or str(SENTINEL) in head + tail:
        return lambda pk: reverse(name, args=[pk])
    return lambda pk: f"{head}{int(pk)}{tail}"


def ymd(day) -> str:
    """A date as the ``date:"Y-m-d"`` filter writes it ("" for none)."""
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}" if day else ""
