"""Playwright for Python driving Debian's chromium (never a downloaded browser)."""

import os
import shutil

import pytest

from tests.fixtures import REQUIRE_SERVICES

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


@pytest.fixture
def page():
    if not os.path.exists(CHROMIUM):
        if REQUIRE_SERVICES:
            pytest.fail(f"REQUIRE_SERVICES=1 but no chromium at {CHROMIUM}")
        pytest.skip("chromium is not installed (REQUIRE_SERVICES unset)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by
    # the test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        yield from _browse(sync_playwright)
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _browse(sync_playwright):
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


def log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
