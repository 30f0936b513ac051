"""Failed sign-ins: the lock django-axes keeps, the page a locked client sees, and the log.

Two counts are kept over the last ``LOGIN_LOCKOUT_MINUTES`` (axes' cool-off): the failures
against one login name, from anywhere, and the failures from one client address, against
any name. A name is locked after ``LOGIN_FAILURE_LIMIT`` failures; an address after
``LOGIN_IP_FAILURE_LIMIT`` (higher: a township office signs in from one address). While
either holds, even the right password is refused and the refusal does not lengthen the lock,
so the time the page gives is the time it ends. An administrator lifts a name's lock with
the "解除锁定" action on users, or deletes an address's rows in axes' own admin pages.
"""

import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

from renewal.kit import security_log
from renewal.models import SecurityEvent


def attempted_login(request, credentials=None):
    """The login name a sign-in typed, as axes records it (AXES_USERNAME_CALLABLE): cut to
    the longest an account can have. axes' column is 255 characters and refuses a longer
    name with a database error, a 500 where the page should say the name or password is
    wrong; a name that long belongs to nobody either way."""
    if credentials:
        name = credentials.get("username")
    else:
        name = getattr(request, "data", request.POST).get("username")
    longest = get_user_model()._meta.get_field("username").max_length
    return name[:longest] if isinstance(name, str) else name


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with a limit per login name and a higher one per address.

    axes compares one number with ``AXES_FAILURE_LIMIT`` (the per-name limit); an address
    over its own limit counts as at that limit, whatever the name's failures."""

    def get_failures(self, request, credentials=None) -> int:
        by_name, by_address = _counts(self.get_user_attempts(request, credentials))
        if by_address >= settings.LOGIN_IP_FAILURE_LIMIT:
            return max(by_name, settings.AXES_FAILURE_LIMIT)
        return by_name

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful sign-in clears the failures against that name only: never the
        address's count, which one good account would otherwise wipe for all the others."""
        username = get_client_username(request, credentials)
        return AccessAttempt.objects.filter(username=username).delete()[0] if username else 0


def _counts(attempts_list) -> tuple[int, int]:
    # AXES_LOCKOUT_PARAMETERS is ["username", "ip_address"]: one queryset for each, in order.
    by_name, by_address = (
        attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0 for attempts in attempts_list
    )
    return by_name, by_address


def locked_until(request, credentials=None) -> datetime.datetime | None:
    """When the lock on this request's name or address ends (the later of the two).

    Counting back from the newest failure, the lock ends when the failure that reached the
    limit falls out of the window: the newer ones alone stay under it."""
    cool_off = get_cool_off(request)
    since = timezone.now() - cool_off
    username = get_client_username(request, credentials)
    limits = [({"ip_address": request.axes_ip_address}, settings.LOGIN_IP_FAILURE_LIMIT)]
    if username:  # no name typed: no name's lock (not every nameless attempt together)
        limits.append(({"username": username}, settings.AXES_FAILURE_LIMIT))
    ends = []
    for where, limit in limits:
        total = 0
        rows = AccessAttempt.objects.filter(attempt_time__gte=since, **where)
        for at, failures in rows.order_by("-attempt_time").values_list(
            "attempt_time", "failures_since_start"
        ):
            total += failures
            if total >= limit:
                ends.append(at + cool_off)
                break
    return max(ends) if ends else None


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked client sees instead of the login form (AXES_LOCKOUT_CALLABLE)."""
    until = locked_until(request, credentials)
    until = timezone.localtime(until) if until else None
    same_day = until is not None and until.date() == timezone.localdate()
    return render(
        request,
        "registration/locked_out.html",
        {
            "until": until,
            "until_text": (f"{until:%H:%M}" if same_day else f"{until:%Y-%m-%d %H:%M}")
            if until
            else "",
            "minutes": settings.LOGIN_LOCKOUT_MINUTES,
            "limit": settings.AXES_FAILURE_LIMIT,
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def account_unlock(*, user, actor, request=None) -> int:
    """Lift the lock on a login name (every address's failures against it) and log who did."""
    with transaction.atomic():
        count = axes_reset(username=user.get_username())
        security_log.record(
            SecurityEvent.Kind.UNLOCKED, request=request, user=user, actor=actor, attempts=count
        )
    return count


# --- Signal receivers (connected in RenewalConfig.ready) ----------------------------------


def _account(username):
    if not username:
        return None
    return get_user_model().objects.filter(username=username).first()


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username") or ""
    security_log.record(
        SecurityEvent.Kind.LOGIN_FAILED,
        request=request,
        user=_account(username),
        username=username,
        locked=bool(getattr(request, "axes_locked_out", False)),
    )


def on_locked_out(sender, request, username, ip_address, **kwargs):
    # axes sends this on the failure that imposes the lock and again on each attempt it
    # refuses while locked; only the first is a new lock (only it has counted failures).
    if request is None or getattr(request, "axes_failures_since_start", None) is None:
        return
    security_log.record(
        SecurityEvent.Kind.LOCKED_OUT,
        request=request,
        user=_account(username),
        username=username or "",
        failures=request.axes_failures_since_start,
    )


def on_logged_in(sender, request, user, **kwargs):
    security_log.record(SecurityEvent.Kind.LOGIN, request=request, user=user)


def on_logged_out(sender, request, user, **kwargs):
    # The idle timeout logs its own event (IDLE_LOGOUT) for the same logout.
    if user is None or getattr(request, "idle_logout", False):
        return
    security_log.record(SecurityEvent.Kind.LOGOUT, request=request, user=user)
