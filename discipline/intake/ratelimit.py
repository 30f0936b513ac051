"""A small fixed-window rate limiter for the public pages (Redis in production).

Counters live in Django's cache, keyed by scope, client and window. The client's
address (REMOTE_ADDR, which renewal.kit.client_address has already set to the real
client behind trusted proxies) is hashed into the key, so no store holds a reporter's
IP address.

When the cache raises (Redis stopped or unreachable) the counters move to PostgreSQL
(``RateCounter``, one upserted row per key and window) so the limits still hold and the
page still answers; the error is caught here, not by making the cache ignore errors
everywhere.

Settings (optional): ``DISCIPLINE_RATE_LIMITS``: ``{scope: (limit, window_seconds)}``,
merged over ``DEFAULT_LIMITS``.
"""

import datetime
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac

from discipline.models import RateCounter
from renewal.kit.queueing import REDIS_DOWN

log = logging.getLogger(__name__)

DEFAULT_LIMITS = {
    "report": (5, 3600),  # reports accepted from one address per hour
    "report_post": (30, 3600),  # submissions of the report form, valid or not
    "status": (20, 3600),  # receipt-code lookups (against guessing)
}


def limits() -> dict[str, tuple[int, int]]:
    return DEFAULT_LIMITS | getattr(settings, "DISCIPLINE_RATE_LIMITS", {})


def _key(request, scope: str) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    client = salted_hmac("discipline.intake.ratelimit", address).hexdigest()[:32]
    return f"rl:{scope}:{client}"


def _cache_down(exc: Exception) -> None:
    log.warning("rate-limit cache unavailable (%s), counting in the database", type(exc).__name__)


def exceeded(request, scope: str) -> bool:
    """Whether the client has used up its allowance for the current window."""
    limit, window = limits()[scope]
    key, number = _key(request, scope), int(time.time()) // window
    try:
        used = cache.get(f"{key}:{number}") or 0
    except REDIS_DOWN as exc:
        _cache_down(exc)
        row = RateCounter.objects.filter(key=key, window_no=number).first()
        used = row.count if row else 0
    return used >= limit


def count(request, scope: str) -> int:
    """Count one use; returns the uses in the current window, this one included."""
    _limit, window = limits()[scope]
    key, number = _key(request, scope), int(time.time()) // window
    cache_key = f"{key}:{number}"
    try:
        cache.add(cache_key, 0, timeout=window)
        try:
            return cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window)
            return 1
    except REDIS_DOWN as exc:
        _cache_down(exc)
        return db_count(key, number, window)


def db_count(key: str, number: int, window: int) -> int:
    """Count one use in PostgreSQL (atomic upsert); a new window purges the finished ones."""
    expires = datetime.datetime.fromtimestamp((number + 1) * window, tz=datetime.UTC)
    table = RateCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, window_no, count, expires_at) VALUES (%s, %s, 1, %s) "
            f"ON CONFLICT (key, window_no) DO UPDATE SET count = {table}.count + 1 "
            "RETURNING count",
            [key, number, expires],
        )
        used = cursor.fetchone()[0]
    if used == 1:
        RateCounter.objects.filter(expires_at__lt=timezone.now()).delete()
    return used


def hit(request, scope: str) -> bool:
    """Count one use and say whether it is still within the limit."""
    limit, _window = limits()[scope]
    return count(request, scope) <= limit


def too_many(request, scope: str):
    _limit, window = limits()[scope]
    response = render(
        request,
        "discipline/public/rate_limited.html",
        {"minutes": max(1, window // 60)},
        status=429,
    )
    response["Retry-After"] = str(window)
    return response
