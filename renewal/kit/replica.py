"""Read-only pages read from a PostgreSQL streaming replica (a Django database router).

Only when DATABASE_REPLICA_URL is set (config/settings.py); without it neither the router nor
the middleware is installed and everything reads the primary.

Which requests read the replica is decided once per request, by the middleware, and handed
to the router in a context variable; the router only follows it:

- the page is listed in REPLICA_READ_VIEWS (dashboards, the big screen, notices, read-only
  lists) and the request is a GET or HEAD: everything else, every write and every page not
  listed, uses the primary;
- the session has not written anything in the last REPLICA_READ_AFTER_WRITE_SECONDS (after
  a POST its user sees what they just saved, not the replica's older copy);
- the replica answers, is still a standby, and is at most REPLICA_MAX_LAG_SECONDS behind
  (measured at most every REPLICA_LAG_CHECK_SECONDS per process).

Within such a request a write, or an open transaction on the primary, sends the reads that
follow to the primary too (read-after-write inside one request). A replica that fails in the
middle of a page is marked down and the page is built again from the primary: a replica
going away never costs the user a 500.
"""

import logging
import math
import threading
import time
from collections import deque
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections

log = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = DEFAULT_DB_ALIAS
# The session's last write (seconds since the epoch), for read-after-write across requests.
LAST_WRITE_KEY = "replica_last_write"
SAFE_METHODS = ("GET", "HEAD")


@dataclass
class _Routing:
    """One request's decision: read the replica or not, and the view to build again."""

    use_replica: bool = False
    view: tuple | None = None
    wrapper: object = field(default=None, repr=False)


_routing: ContextVar[_Routing | None] = ContextVar("replica_routing", default=None)


class ReplicaRouter:
    """Reads go where the current request's decision says; writes always to the primary."""

    def db_for_read(self, model, **hints):
        routing = _routing.get()
        if routing is None or not routing.use_replica:
            return None
        if connections[PRIMARY].in_atomic_block:
            return None  # a transaction reads its own writes
        return REPLICA

    def db_for_write(self, model, **hints):
        # Also for rows read from the replica and then saved (Django would otherwise write
        # them back where they were read).
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows, ids and all

    def allow_migrate(self, db, app_label, **hints):
        return False if db == REPLICA else None


# --- The replica's health, measured per process --------------------------------------------


@dataclass
class _Health:
    checked_at: float = -math.inf
    usable: bool = False
    lag: float | None = None


_health = _Health()
_health_lock = threading.Lock()


def _lsn(text: str) -> int:
    high, low = text.split("/")
    return int(high, 16) << 32 | int(low, 16)


# The primary's WAL position at this process's last measurements: (time, position).
_primary_positions: deque[tuple[float, int]] = deque(maxlen=64)


def replica_lag() -> float | None:
    """Seconds the replica's data is at most behind the primary's; None when it cannot serve
    reads: unreachable, or no longer a standby (promoted, so no longer a copy of this primary).

    Replayed up to the primary's current WAL position: 0. Otherwise the smaller of two upper
    bounds: the time since the last transaction it replayed ended, and the time since an
    earlier measurement at which the primary was at a position the replica has now replayed.
    (The first alone would count a quiet primary, or one long transaction, as lag.)
    """
    try:
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            primary_lsn = _lsn(cursor.fetchone()[0])
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
                " EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
            )
            in_recovery, replayed, since_replay = cursor.fetchone()
    except DatabaseError as exc:
        log.warning("read replica unavailable, reading the primary: %s", exc)
        _replica_close()
        return None
    now = time.time()
    with _health_lock:
        earlier = list(_primary_positions)
        _primary_positions.append((now, primary_lsn))
    if not in_recovery or replayed is None:
        log.warning("read replica is not a standby any more, reading the primary")
        return None
    replayed = _lsn(replayed)
    if replayed >= primary_lsn:
        return 0.0
    bounds = [now - at for at, position in earlier if position <= replayed]
    if since_replay is not None:
        bounds.append(float(since_replay))
    return min(bounds, default=math.inf)


def replica_usable() -> bool:
    """Whether the replica may serve reads now (its lag measured at most every
    REPLICA_LAG_CHECK_SECONDS in this process)."""
    now = time.monotonic()
    with _health_lock:
        if now - _health.checked_at < settings.REPLICA_LAG_CHECK_SECONDS:
            return _health.usable
    lag = replica_lag()
    usable = lag is not None and lag <= settings.REPLICA_MAX_LAG_SECONDS
    if lag is not None and not usable:
        log.info("read replica %.1f s behind, reading the primary", lag)
    with _health_lock:
        _health.checked_at, _health.usable, _health.lag = time.monotonic(), usable, lag
    return usable


def replica_health_forget(*, down: bool = False) -> None:
    """Measure again at the next request; with ``down``, count the replica unusable until
    then (it has just failed)."""
    with _health_lock:
        if down:
            _health.checked_at, _health.usable, _health.lag = time.monotonic(), False, None
        else:
            _health.checked_at = -math.inf


def _replica_close() -> None:
    try:
        connections[REPLICA].close()
    except DatabaseError:
        pass  # already broken: the next use connects afresh


# --- The request's decision -----------------------------------------------------------------


def _session_wrote_recently(request) -> bool:
    session = getattr(request, "session", None)
    if session is None:
        return False
    last = session.get(LAST_WRITE_KEY)
    return last is not None and time.time() - last < settings.REPLICA_READ_AFTER_WRITE_SECONDS


class ReplicaReadsMiddleware:
    """Decides per request whether its reads go to the replica (see the module's docstring).

    After SessionMiddleware and AuthenticationMiddleware: the session and the signed-in user
    are read from the primary before the decision (a session just created at sign-in may not
    have reached the replica yet).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        routing = _Routing()
        token = _routing.set(routing)
        try:
            response = self.get_response(request)
        finally:
            _routing.reset(token)
            wrappers = connections[PRIMARY].execute_wrappers
            if routing.wrapper in wrappers:
                wrappers.remove(routing.wrapper)
        if (
            settings.REPLICA_ROUTING
            and request.method not in SAFE_METHODS
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
        ):
            request.session[LAST_WRITE_KEY] = time.time()
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        routing = _routing.get()
        if routing is None or not settings.REPLICA_ROUTING or request.method not in SAFE_METHODS:
            return None
        match = request.resolver_match
        if match is None or match.view_name not in settings.REPLICA_READ_VIEWS:
            return None
        user = getattr(request, "user", None)
        if user is not None:
            user.is_authenticated  # noqa: B018 -- loads session and user from the primary
        if _session_wrote_recently(request) or not replica_usable():
            return None

        def primary_used(execute, sql, params, many, context):
            # Anything this page runs on the primary is a write (reads go to the replica):
            # what follows must see it.
            routing.use_replica = False
            return execute(sql, params, many, context)

        routing.use_replica = True
        routing.view = (view_func, view_args, view_kwargs)
        routing.wrapper = primary_used
        connections[PRIMARY].execute_wrappers.append(primary_used)
        return None

    def process_exception(self, request, exception):
        routing = _routing.get()
        if routing is None or not routing.use_replica:
            return None
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        log.warning(
            "read replica failed during %s, building it from the primary: %s",
            request.path,
            exception,
        )
        replica_health_forget(down=True)
        _replica_close()
        routing.use_replica = False
        view_func, view_args, view_kwargs = routing.view
        return view_func(request, *view_args, **view_kwargs)
