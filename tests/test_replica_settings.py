"""The read-replica settings: nothing changes without DATABASE_REPLICA_URL; with it, the
router, the middleware and a replica alias that tests read as the primary's test database.
Every page listed as read-only is a real URL name."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parents[1]

SHOW = """
import json
from django.conf import settings
replica = settings.DATABASES.get("replica")
print(json.dumps({
    "aliases": sorted(settings.DATABASES),
    "routers": settings.DATABASE_ROUTERS,
    "middleware": "renewal.kit.replica.ReplicaReadsMiddleware" in settings.MIDDLEWARE,
    "routing": settings.REPLICA_ROUTING,
    "replica": replica and {k: replica[k] for k in ("HOST", "PORT", "NAME", "TEST", "OPTIONS")},
}))
"""


def _settings(**env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(DEBUG="1", DJANGO_SETTINGS_MODULE="config.settings", **env_overrides)
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{SHOW}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_replica_url_nothing_changes():
    shown = _settings(DATABASE_URL="postgres://u@db.example:5432/renewal")
    assert shown == {
        "aliases": ["default"],
        "routers": [],
        "middleware": False,
        "routing": False,
        "replica": None,
    }


def test_a_replica_url_adds_the_router_and_a_mirrored_alias():
    shown = _settings(
        DATABASE_URL="postgres://u@db.example:5432/renewal",
        DATABASE_REPLICA_URL="postgres://u@replica.example:5432/renewal",
    )
    assert shown["routers"] == ["renewal.kit.replica.ReplicaRouter"]
    assert shown["middleware"] and shown["routing"]
    replica = shown["replica"]
    assert (replica["HOST"], replica["PORT"], replica["NAME"]) == (
        "replica.example",
        5432,
        "renewal",
    )
    assert replica["TEST"]["MIRROR"] == "default"
    assert replica["OPTIONS"]["connect_timeout"] == settings.REPLICA_CONNECT_TIMEOUT


def _url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_every_read_only_page_is_a_url_name():
    names = set(_url_names(get_resolver().url_patterns))
    assert set(settings.REPLICA_READ_VIEWS) <= names, set(settings.REPLICA_READ_VIEWS) - names
