"""The rows the data migrations write, put back whenever the test database is emptied.

Transactional tests (live server, real Celery worker, concurrency) end with a flush, which
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
from django.db import connections
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
    for key, operation in _data_steps().get(app_config.label, []):
        if key not in just_run:
            operation.code(apps, schema_editor)


post_migrate.connect(restore_seeded_rows, dispatch_uid="tests.database.restore_seeded_rows")


def pytest_configure(config):
    """Without DATABASE_URL, start the embedded PostgreSQL once, in the pytest-xdist
    controller, before the workers connect: they would otherwise set it up (its system
    user, data directory, database) at the same moment."""
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    if settings.DATABASES["default"]["ENGINE"] == "config.embedded_db":
        from config.embedded_db.base import embedded_address

        embedded_address()
