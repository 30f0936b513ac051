"""How the test database is emptied after a transactional test, and the rows the data
migrations write, put back afterwards.

Emptying: Django's flush truncates every table in one TRUNCATE. PostgreSQL gives each of the
few hundred tables (with their indexes and history tables) new files, which costs seconds per
test under load; the tables of one test hold a handful of rows, which DELETE removes in
milliseconds. The DELETEs run as a replication replica (`session_replication_role`), so that
neither the audit triggers record them nor the append-only guards refuse them, and the
foreign-key checks, triggers too, stay out of the way of deleting every table at once.

Seeded rows: transactional tests (live server, real Celery worker, concurrency) end with a flush, which
empties every table, including what the data migrations loaded: departments, catalogues,
rule packs, default settings. Tests that come after, in whatever order and on whatever xdist
worker, and the next run on a kept database (--reuse-db), need those rows. `flush` and
`migrate` both send post_migrate; on it, the RunPython steps of this project's migrations
run again, except those `migrate` has just run. They are written to be re-run
(get_or_create / update_or_create), like any data migration of this project must be.

Loaded as a plugin by the root conftest.py.
"""

from functools import cache
from pathlib import Path

from django.apps import apps as global_apps
from django.conf import settings
from django.db import connections, transaction
from django.db.backends.postgresql.operations import DatabaseOperations
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython
from django.db.models.signals import post_migrate


@cache
def _data_steps() -> dict[str, list[tuple[tuple[str, str], RunPython]]]:
    """app label → its migrations' RunPython operations, in migration order."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    steps: dict[str, list] = {}
    ordered = []
    for leaf in loader.graph.leaf_nodes():
        for key in loader.graph.forwards_plan(leaf):
            if key not in ordered:
                ordered.append(key)
    for app_label, name in ordered:
        for operation in loader.graph.nodes[(app_label, name)].operations:
            if isinstance(operation, RunPython):
                steps.setdefault(app_label, []).append(((app_label, name), operation))
    return steps


def _is_project_app(app_config) -> bool:
    path = Path(app_config.path).resolve()
    return path.is_relative_to(settings.BASE_DIR) and "site-packages" not in path.parts


def restore_seeded_rows(sender, app_config, using, apps=global_apps, plan=None, **kwargs):
    if not _is_project_app(app_config):
        return
    just_run = {(m.app_label, m.name) for m, _backwards in plan or ()}
    schema_editor = connections[using].schema_editor()
    with transaction.atomic(using=using):
        for key, operation in _data_steps().get(app_config.label, []):
            if key not in just_run:
                operation.code(apps, schema_editor)


post_migrate.connect(restore_seeded_rows, dispatch_uid="tests.database.restore_seeded_rows")

_truncate = DatabaseOperations.sql_flush


def _delete_every_row(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    """sql_flush for a whole test database: DELETE, table by table, in flush's transaction.

    A flush that restarts the sequences, or empties only some apps' tables (and must cascade
    to the tables that refer to them), keeps PostgreSQL's TRUNCATE."""
    if reset_sequences or allow_cascade or not tables or not _may_replicate(self.connection):
        return _truncate(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    return [
        "SET LOCAL session_replication_role = replica",
        *(f"DELETE FROM {self.quote_name(table)}" for table in tables),
    ]


def _may_replicate(connection) -> bool:
    """Only a superuser may switch triggers off with session_replication_role."""
    if not hasattr(connection, "_tests_may_replicate"):
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            connection._tests_may_replicate = bool(cursor.fetchone()[0])
    return connection._tests_may_replicate


DatabaseOperations.sql_flush = _delete_every_row


def pytest_configure(config):
    """Without DATABASE_URL, start the embedded PostgreSQL once, in the pytest-xdist
    controller, before the workers connect: they would otherwise set it up (its system
    user, data directory, database) at the same moment."""
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    if settings.DATABASES["default"]["ENGINE"] == "config.embedded_db":
        from config.embedded_db.base import embedded_address

        embedded_address()
