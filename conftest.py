"""Shared test plugins for every app's tests: the personas and the sample world
(tests/fixtures.py), the one chromium of the browser tests (tests/browser.py), and the data
migrations' rows put back after a flush (tests/database.py)."""

pytest_plugins = ["tests.database", "tests.fixtures", "tests.browser", "tests.celery_worker"]
