"""Playwright for Python driving Debian's chromium (never a downloaded browser).

One chromium for the whole session (per xdist worker); each test gets a context of its own
(cookies, storage and cache are per context), through `page` or `new_context`.
Loaded as a plugin by the root conftest.py, so that every test module shares the one browser.
"""

import asyncio
import os
import shutil

import pytest
from django.db import connections

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CONTEXT = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def _chromium():
    """The session's chromium, and the event loop Playwright's sync API runs it from.

    Playwright marks its loop as running in this thread after every call, and Django then
    refuses synchronous ORM calls. Between browser tests the loop is unmarked, so that the
    other tests run exactly as without a browser; `_browser_test` marks it again.
    """
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"no chromium at {CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        loop = asyncio._get_running_loop()
        asyncio._set_running_loop(None)
        yield browser, loop
        asyncio._set_running_loop(loop)
        browser.close()
    finally:
        playwright.stop()
        asyncio._set_running_loop(None)


@pytest.fixture
def _browser_test(_chromium):
    """For the length of one test: Playwright's loop marked as running, and the ORM allowed
    next to it (Playwright's sync API runs an event loop in this thread; the ORM calls made
    by the test itself are still synchronous and safe)."""
    browser, loop = _chromium
    asyncio._set_running_loop(loop)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield browser
    finally:
        # While a loop runs, Django keeps this thread's connections apart from the ones it
        # uses without a loop: close those the test opened, or they would stay open (and
        # keep the test database from being dropped) once the loop is unmarked.
        connections.close_all()
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        asyncio._set_running_loop(None)


@pytest.fixture
def new_context(_browser_test):
    """A factory of browser contexts (1366×768, zh-CN, 15 s timeout), closed after the test;
    keyword arguments go to `browser.new_context` (e.g. `java_script_enabled=False`)."""
    contexts = []

    def make(**options):
        context = _browser_test.new_context(**{**CONTEXT, **options})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


def log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")


def menu_item(page, label):
    """The main menu's link called exactly ``label`` (a group of the menu may bear the same
    name as one of its items)."""
    return page.get_by_role("navigation", name="主菜单").get_by_role("link", name=label, exact=True)
