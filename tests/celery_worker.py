"""A real Celery worker on Redis for the tests that need one: it runs against this process's
test database, and this process's tasks go to it (not in-process) while it runs."""

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]


def _redis_url():
    url = os.environ.get("REDIS_URL", "")
    problem = None
    if not url:
        problem = "REDIS_URL is not set"
    else:
        try:
            redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            problem = f"Redis at {url} does not answer: {exc}"
    if problem:
        pytest.fail(f"the real-worker tests need Redis: {problem}")
    return url


def _worker_env(redis_url):
    """The worker uses the same test database as this process."""
    env = dict(os.environ, REDIS_URL=redis_url, DJANGO_SETTINGS_MODULE="config.test_settings")
    db = settings.DATABASES["default"]
    if os.environ.get("DATABASE_URL"):
        parts = urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + db["NAME"]))
    else:
        env["EMBEDDED_DB_NAME"] = db["NAME"]
    return env


def reset_producers(app) -> None:
    """Drop the app's cached broker connections and producers, so the next task is sent
    with the broker settings in force now (Celery keeps both after first use)."""
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


def _route_to(prefix: str) -> dict:
    """The app's task routes (config/settings.py), each to this test's copy of its queue."""
    return {
        name: {**route, "queue": prefix + route["queue"]}
        for name, route in settings.CELERY_TASK_ROUTES.items()
    }


def reset_routes(app) -> None:
    """Make the app route by the task_routes in force now (Celery keeps its router)."""
    app.amqp._rtable = None
    app.amqp.__dict__.pop("router", None)


@contextmanager
def celery_worker():
    """A solo Celery worker on queues of its own: pytest-xdist workers share the Redis
    database, and each one's tasks must reach only the worker it started (which uses its
    database). Each of the app's named queues (rollup, exports, imports, default) has this
    test's copy, prefixed; tasks are routed by the app's own routes, to those copies."""
    redis_url = _redis_url()
    prefix = (
        f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}-{uuid.uuid4().hex}-"
    )
    queues = [prefix + name for name in settings.WORKER_QUEUES]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-P",
            "solo",
            "-c",
            "1",
            "-Q",
            ",".join(queues),
            "-l",
            "info",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=_worker_env(redis_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    old = {
        "task_always_eager": celery_app.conf.task_always_eager,
        "broker_url": celery_app.conf.broker_url,
        "task_default_queue": celery_app.conf.task_default_queue,
        "task_routes": celery_app.conf.task_routes,
    }
    celery_app.conf.update(
        task_always_eager=False,
        broker_url=redis_url,
        task_default_queue=prefix + settings.CELERY_TASK_DEFAULT_QUEUE,
        task_routes=_route_to(prefix),
    )
    reset_producers(celery_app)  # producer connections follow the new broker_url
    reset_routes(celery_app)
    try:
        yield proc
    finally:
        celery_app.conf.update(**old)
        reset_producers(celery_app)
        reset_routes(celery_app)
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        redis.Redis.from_url(redis_url).delete(*queues)


@pytest.fixture
def worker():
    """A real worker for the length of one test (see `celery_worker`)."""
    with celery_worker() as proc:
        yield proc
