"""Every task goes to one of the named queues, and every queue has a worker: `make worker`
takes them all, docker-compose.yml has one worker service per queue."""

import re
from pathlib import Path

from django.conf import settings

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]


def _queue(task_name: str) -> str:
    return celery_app.amqp.router.route({}, task_name)["queue"].name


def test_tasks_go_to_their_queues():
    celery_app.loader.import_default_modules()
    ours = [name for name in celery_app.tasks if not name.startswith("celery.")]
    assert ours
    assert {name: _queue(name) for name in ours} == {
        "renewal.rollup.tasks.nightly_rollup": "rollup",
        "renewal.rollup.tasks.rollup_catch_up": "default",
        "renewal.kit.exports.run_export": "exports",
        "renewal.kit.exports.purge_old_exports": "default",
        "renewal.kit.uploads.check_import": "imports",
        "renewal.kit.uploads.run_import": "imports",
        "renewal.kit.uploads.purge_stale_imports": "default",
        "renewal.kit.retention.purge_old_logs": "default",
        "renewal.tasks.refresh_unit_stages": "default",
    }
    assert {_queue(name) for name in ours} == set(settings.WORKER_QUEUES)


def test_make_worker_consumes_every_queue():
    makefile = (ROOT / "Makefile").read_text()
    queues = re.search(r"celery -A config worker .*-Q (\S+)", makefile).group(1)
    assert sorted(queues.split(",")) == sorted(settings.WORKER_QUEUES)


def test_compose_has_a_worker_for_each_queue():
    compose = (ROOT / "docker-compose.yml").read_text()
    consumed = re.findall(r'"celery", "-A", "config", "worker", .*"-Q", "(\w+)"', compose)
    assert sorted(consumed) == sorted(settings.WORKER_QUEUES)
