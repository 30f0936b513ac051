"""In a real browser: after five wrong passwords the login page gives way to the lockout page,
in Chinese, with the time to try again; the right password then gets the same page."""

import pytest
from axes.models import AccessAttempt

from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_five_wrong_passwords_show_when_to_try_again(live_server, page, world, personas):
    page.goto(f"{live_server.url}/login/")
    for _ in range(4):
        page.fill("#id_username", "staff_a")
        page.fill("#id_password", "not-the-password")
        page.keyboard.press("Enter")
        page.wait_for_selector(".form-errors:has-text('用户名或密码不正确')")
    page.fill("#id_username", "staff_a")
    page.fill("#id_password", "not-the-password")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('暂时无法登录')")
    text = page.inner_text("main")
    assert "请于" in text and "后再试" in text

    page.click("text=返回登录页")
    page.fill("#id_username", "staff_a")
    page.fill("#id_password", PASSWORD)
    with page.expect_response(
        lambda r: r.url.endswith("/login/") and r.request.method == "POST"
    ) as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 429
    page.wait_for_selector("h1:has-text('暂时无法登录')")
    assert "锁定期间即使输入正确的密码也无法登录" in page.inner_text("main")
    assert AccessAttempt.objects.get(username="staff_a").failures_since_start == 5
