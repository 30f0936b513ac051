"""A Redis server of the test's own, which the test can stop and start again.

`redis_server` starts ``redis-server`` on a free port with no persistence; the tests
point the cache (and, when they need it, Celery's broker) at ``redis_server.url`` and
call ``stop()`` / ``start()`` to see what the app does while Redis is gone and after it
is back. Fails, never skips, when redis-server is missing.
"""

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager

import pytest
import redis


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self, binary: str):
        self.binary = binary
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    pytest.fail("redis-server did not start")
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None

    @contextmanager
    def down(self):
        """Redis stopped for the length of the block, started again afterwards."""
        self.stop()
        try:
            yield
        finally:
            self.start()


@pytest.fixture(scope="module")
def redis_server():
    binary = shutil.which("redis-server")
    if not binary:
        pytest.fail("redis-server is not installed: apt-get install redis-server")
    server = RedisServer(binary)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_cache(redis_server, settings):
    """The default cache on the test's own Redis (production's backend, not locmem)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    if redis_server.proc is None:
        redis_server.start()
    redis.Redis.from_url(redis_server.url).flushdb()
    return redis_server
