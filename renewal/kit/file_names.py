"""The names of the files users download: what the file is, for which region, and the day
in Beijing time (花名册-城关镇-20261205.xlsx), sent so that every browser keeps the Chinese
name and an old one still gets a usable ASCII name."""

import datetime
from urllib.parse import quote

from django.utils import timezone


def beijing_day(when: datetime.datetime | datetime.date | None = None) -> datetime.date:
    """The calendar day of ``when`` (default: now) in the project's time zone."""
    if when is None:
        return timezone.localdate()
    if isinstance(when, datetime.datetime):
        return timezone.localtime(when).date() if timezone.is_aware(when) else when.date()
    return when


def dated_name(*parts: str, when=None, ext: str = "xlsx") -> str:
    """``parts`` joined by "-", then the day as yyyymmdd: 花名册-城关镇-20261205.xlsx."""
    words = [p for p in parts if p]
    return "-".join([*words, f"{beijing_day(when):%Y%m%d}"]) + f".{ext}"


def disposition(name: str, fallback: str, *, inline: bool = False) -> str:
    """A Content-Disposition with the Chinese ``name`` as RFC 5987 ``filename*`` and the
    ASCII ``fallback`` as plain ``filename`` for clients that read only that."""
    kind = "inline" if inline else "attachment"
    ascii_name = fallback.encode("ascii", "replace").decode().replace('"', "")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
