"""Shared test plugins for every app's tests: the personas and the sample world
(tests/fixtures.py), the one chromium of the browser tests (tests/browser.py), the real
Celery worker (tests/celery_worker.py), and the data migrations' rows put back after a flush
(tests/database.py)."""

import pytest

pytest_plugins = [
    "tests.database",
    "tests.fixtures",
    "tests.browser",
    "tests.celery_worker",
    "tests.redis_server",
]

# The longest test goes first: under pytest-xdist one worker starts it at once while the
# other works through the rest, instead of one worker starting it when the rest is done.
FIRST = "tests/whole_cycle/"


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: not item.nodeid.startswith(FIRST))


@pytest.fixture
def client():
    """pytest-django's client, whose ``login()`` passes a request, as a login form does: the
    lock on failed sign-ins (django-axes) needs one and counts these attempts like any other."""
    from tests.client import Client

    return Client()
