"""Handing work to the Celery worker when the broker (Redis) may be gone.

Queueing a task talks to the broker; with Redis stopped or unreachable that raises one of
``BROKER_DOWN`` (kombu's wrapper, redis-py's own error, or a bare socket error). The callers
decide what a lost hand-over means: bounded work (an import's check and save, one county's
roll-up) is done in the request instead, an export fails at once with a retry button.
The cache is only ever used for progress figures, so a cache error is never worth a failure.
"""

import logging

from django.core.cache import cache
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

BROKER_DOWN = (OperationalError, RedisError, OSError)
# What the Redis cache raises when its server is gone (redis-py's errors are not OSErrors).
REDIS_DOWN = BROKER_DOWN


def enqueue_or_run(task, *args) -> bool:
    """Queue ``task``; with the broker unreachable, run it now in this process.

    Returns whether it was queued (False: it has already run here). Nobody waits for the
    task's return value, so none is stored: queueing touches the broker only, never the
    result store (which, once unreachable, would need the process restarted).
    """
    try:
        task.apply_async(args=args, ignore_result=True)
        return True
    except BROKER_DOWN as exc:
        log.warning(
            "broker unreachable (%s), running %s%s inline", type(exc).__name__, task.name, args
        )
        task.apply(args=args, throw=True)
        return False


def progress_get(key: str, default):
    try:
        return cache.get(key, default)
    except BROKER_DOWN:
        return default


def progress_set(key: str, value, timeout: int) -> None:
    try:
        cache.set(key, value, timeout)
    except BROKER_DOWN:
        pass  # progress is a courtesy: the work itself goes on


def progress_delete(key: str) -> None:
    try:
        cache.delete(key)
    except BROKER_DOWN:
        pass
