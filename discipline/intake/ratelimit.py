"""A small fixed-window rate limiter for the public pages (Redis in production).

Counters live in Django's cache, keyed by scope, client and window. The client's
address is hashed into the key, so the cache holds no reporter's IP address.

Settings (all optional):

- ``DISCIPLINE_RATE_LIMITS``: ``{scope: (limit, window_seconds)}``, merged over
  ``DEFAULT_LIMITS``;
- ``DISCIPLINE_TRUST_X_FORWARDED_FOR``: behind exactly one reverse proxy that appends
  the client address to ``X-Forwarded-For``, take the client from its last entry.
  Off by default: the header is the client's to forge.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.crypto import salted_hmac

DEFAULT_LIMITS = {
    "report": (5, 3600),  # reports accepted from one address per hour
    "report_post": (30, 3600),  # submissions of the report form, valid or not
    "status": (20, 3600),  # receipt-code lookups (against guessing)
}


def limits() -> dict[str, tuple[int, int]]:
    return DEFAULT_LIMITS | getattr(settings, "DISCIPLINE_RATE_LIMITS", {})


def client_ip(request) -> str:
    if getattr(settings, "DISCIPLINE_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR", "")


def _key(request, scope: str, window: int) -> str:
    client = salted_hmac("discipline.intake.ratelimit", client_ip(request)).hexdigest()[:32]
    return f"rl:{scope}:{client}:{int(time.time()) // window}"


def exceeded(request, scope: str) -> bool:
    """Whether the client has used up its allowance for the current window."""
    limit, window = limits()[scope]
    return (cache.get(_key(request, scope, window)) or 0) >= limit


def count(request, scope: str) -> int:
    """Count one use; returns the uses in the current window, this one included."""
    _limit, window = limits()[scope]
    key = _key(request, scope, window)
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


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
