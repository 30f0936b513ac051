"""Read-only pages read a real PostgreSQL streaming replica; writes and a session that has
just written use the primary; a lagging or absent replica is passed over.

The replica is the one bin/pg-replica starts (`.ci/run` and `make test` call it): a hot
standby of the test server on REPLICA_PORT, which receives the test database from the
primary. These tests fail, never skip, when it is missing.
"""

import socket
import time
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from renewal.kit import replica as replica_routing
from renewal.models import RollupRun, Unit

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def _one(alias, sql, params=None):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _replayed():
    """Wait until the replica has replayed everything committed on the primary so far."""
    lsn = _one("default", "SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + 30
    while not _one("replica", "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]):
        if time.monotonic() > deadline:
            pytest.fail(f"the replica did not replay the primary's WAL up to {lsn} in 30 s")
        time.sleep(0.05)


@pytest.fixture
def replica(settings):
    """The streaming replica, and routing to it switched on (off in the test settings)."""
    where = "{HOST}:{PORT}".format(**connections["replica"].settings_dict)
    try:
        in_recovery = _one("replica", "SELECT pg_is_in_recovery()")
    except OperationalError as exc:
        pytest.fail(
            f"the read-replica tests need a streaming replica of the test server on {where}: "
            f"start it with bin/pg-replica ({exc})"
        )
    if not in_recovery:
        pytest.fail(
            f"the server on {where} is not a standby: start the replica with bin/pg-replica"
        )
    _one("replica", "SELECT pg_wal_replay_resume()")
    settings.REPLICA_ROUTING = True
    settings.REPLICA_MAX_LAG_SECONDS = 3600
    settings.REPLICA_LAG_CHECK_SECONDS = 0
    settings.REPLICA_READ_AFTER_WRITE_SECONDS = 60
    replica_routing.replica_health_forget()
    yield
    _one("replica", "SELECT pg_wal_replay_resume()")
    replica_routing.replica_health_forget()


@contextmanager
def _queries():
    """The queries each alias runs inside the block."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as standby,
    ):
        yield primary, standby


def _orm(queries):
    """The ORM's queries (the lag measurement, a query of its own, left out)."""
    return [q["sql"] for q in queries if 'FROM "' in q["sql"] or "INTO" in q["sql"]]


def _selects(queries, table):
    return [q["sql"] for q in queries if q["sql"].startswith("SELECT") and table in q["sql"]]


@pytest.fixture
def reviewer(client, world, personas):
    client.force_login(personas["reviewer"])
    return client


def _hold_over(client):
    """End the session's read-after-write hold, as REPLICA_READ_AFTER_WRITE_SECONDS would."""
    session = client.session
    session[replica_routing.LAST_WRITE_KEY] = time.time() - 3600
    session.save()


def test_the_dashboard_reads_the_replica_and_a_post_writes_the_primary(replica, reviewer, world):
    county = world["county_a"]
    dashboard = reverse("rollup:dashboard", args=[county.pk])

    # A POST (the roll-up, run in-process here) writes on the primary and reads nothing from
    # the replica.
    with _queries() as (primary, standby):
        response = reviewer.post(
            reverse("rollup:run", args=[county.pk]),
            {"day": timezone.localdate().isoformat(), "confirmed": "1"},
        )
    assert response.status_code == 302
    assert RollupRun.objects.filter(county=county).exists()
    assert any("INSERT INTO" in q["sql"] for q in primary.captured_queries)
    assert not _orm(standby.captured_queries)

    # Right after it the same session reads the primary: it sees its own run at once.
    with _queries() as (primary, standby):
        response = reviewer.get(dashboard)
    assert response.status_code == 200 and response.context["run"] is not None
    assert not _orm(standby.captured_queries)
    assert _selects(primary.captured_queries, '"renewal_rollup')

    # Once the hold is over, the dashboard's reads all go to the replica.
    _hold_over(reviewer)
    _replayed()
    with _queries() as (primary, standby):
        response = reviewer.get(dashboard)
    assert response.status_code == 200 and response.context["run"] is not None
    assert _selects(standby.captured_queries, '"renewal_rollup')
    assert not _selects(primary.captured_queries, '"renewal_rollup')
    # The connection that answered is a standby; the one that wrote is not.
    assert _one("replica", "SELECT pg_is_in_recovery()") is True
    assert _one("default", "SELECT pg_is_in_recovery()") is False


def test_a_page_not_listed_reads_the_primary(replica, reviewer, world):
    _replayed()
    with _queries() as (_primary, standby):
        response = reviewer.get(reverse("renewal:unit-detail", args=[world["unit_a1"].pk]))
    assert response.status_code == 200
    assert not _orm(standby.captured_queries)


def _new_unit(world):
    return Unit.objects.create(
        township=world["township_a"],
        county=world["county_a"],
        code="150123100777",
        name="复制延迟村",
        kind=Unit.Kind.VILLAGE,
        population=800,
    )


@contextmanager
def _replay_paused():
    _one("replica", "SELECT pg_wal_replay_pause()")
    try:
        yield
    finally:
        _one("replica", "SELECT pg_wal_replay_resume()")


def test_a_lagging_replica_is_passed_over(replica, reviewer, world, settings):
    units = reverse("renewal:unit-list")
    _hold_over(reviewer)
    _replayed()
    with _replay_paused():
        _new_unit(world)  # committed on the primary, not replayed on the replica
        time.sleep(1.2)
        # Within the allowed lag the page reads the replica, which has not got the unit yet.
        with _queries() as (primary, standby):
            response = reviewer.get(units)
        assert response.status_code == 200 and "复制延迟村" not in response.text
        assert _selects(standby.captured_queries, '"renewal_unit"')

        # Beyond it, the primary: the new unit is there.
        settings.REPLICA_MAX_LAG_SECONDS = 1
        with _queries() as (primary, standby):
            response = reviewer.get(units)
        assert response.status_code == 200 and "复制延迟村" in response.text
        assert not _orm(standby.captured_queries)
        assert _selects(primary.captured_queries, '"renewal_unit"')
    # Caught up again, the replica serves again.
    settings.REPLICA_MAX_LAG_SECONDS = 10
    _replayed()
    with _queries() as (_primary, standby):
        response = reviewer.get(units)
    assert "复制延迟村" in response.text
    assert _selects(standby.captured_queries, '"renewal_unit"')


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _replica_gone():
    """The replica alias pointed at a port where nothing listens."""
    conn = connections["replica"]
    conn.close()
    port = conn.settings_dict["PORT"]
    conn.settings_dict["PORT"] = _closed_port()
    try:
        yield
    finally:
        conn.close()
        conn.settings_dict["PORT"] = port
        replica_routing.replica_health_forget()


def test_an_absent_replica_is_passed_over(replica, reviewer, world):
    _hold_over(reviewer)
    with _replica_gone():
        response = reviewer.get(reverse("rollup:screen", args=[world["county_a"].pk]))
        assert response.status_code == 200
        assert replica_routing.replica_usable() is False


def test_a_replica_lost_in_the_middle_of_a_page_is_passed_over(
    replica, reviewer, world, monkeypatch
):
    """Measured as up, gone by the page's first query: the page is built from the primary."""
    _hold_over(reviewer)
    _replayed()
    with _replica_gone():
        monkeypatch.setattr(replica_routing, "replica_usable", lambda: True)
        with CaptureQueriesContext(connections["default"]) as primary:
            response = reviewer.get(reverse("renewal:unit-list"))
        assert response.status_code == 200 and "大红城村" in response.text
        assert _selects(primary.captured_queries, '"renewal_unit"')
