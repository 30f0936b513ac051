"""In a real browser, with the idle timeout cut to seconds: a clerk typing into a form is
warned before the timeout, clicks 继续工作 and keeps what she typed and her session; left
alone past the timeout, her next click lands on the login page with the reason, and signing
in again brings her back."""

import time

import pytest

from tests.browser import log_in, menu_item
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_warning_keep_alive_then_timeout(live_server, page, world, personas, settings):
    settings.SESSION_IDLE_SECONDS, settings.SESSION_IDLE_WARNING_SECONDS = 8, 5
    log_in(page, live_server, "staff_a", PASSWORD)
    page.goto(f"{live_server.url}/account/password/")
    page.fill("#id_old_password", "half-typed")

    page.wait_for_selector(".idle-warning:has-text('分钟后将自动退出')", timeout=8_000)
    assert "您已较长时间未操作，1 分钟后将自动退出" in page.inner_text(".idle-warning")
    with page.expect_response(lambda r: r.url.endswith("/account/keep-alive/")) as kept:
        page.click(".idle-warning >> text=继续工作")
    assert kept.value.status == 204
    page.wait_for_selector(".idle-warning", state="hidden")
    assert page.input_value("#id_old_password") == "half-typed"
    assert page.url == f"{live_server.url}/account/password/"

    # 6 s after the keep-alive (14 s since the page was opened): the session still lives.
    time.sleep(6)
    menu_item(page, "村(社区)").click()
    page.wait_for_url(f"{live_server.url}/units/")

    time.sleep(9)
    menu_item(page, "候选人").click()
    page.wait_for_url(f"{live_server.url}/login/?next=%2Fcandidates%2F")
    assert "由于 8 秒未操作，已自动退出，请重新登录" in page.inner_text("main")
    page.fill("#id_username", "staff_a")
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/candidates/")
