"""In a real browser: a county reviewer signs in for the first time, is asked to bind an
authenticator, types the secret shown on the page into "her app" (the test computes the code),
sees her recovery codes and reaches the home page; the next sign-in asks for a code."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from renewal.models import SecurityEvent
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def app_code(secret: str, *, later: bool = False) -> str:
    """What an authenticator app shows for the secret typed by hand (30-second steps)."""
    key = b32decode(secret.replace(" ", ""))
    totp = TOTP(key)
    if later:  # a code is accepted once: the next sign-in uses the next step's code
        totp.time = time.time() + 30
    return f"{totp.token():06d}"


def sign_in(page, live_server):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "reviewer")
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")


def test_reviewer_binds_an_authenticator_then_signs_in_with_it(
    live_server, new_context, world, personas, settings
):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["county_reviewer"]
    settings.TWO_FACTOR_FOR_SUPERUSERS = True
    page = new_context().new_page()
    sign_in(page, live_server)
    page.wait_for_url(f"{live_server.url}/account/second-factor/?next=%2F")
    assert "须使用动态口令" in page.inner_text("main")
    assert page.locator(".qr svg").is_visible()

    page.goto(f"{live_server.url}/units/")  # nothing else opens before binding
    page.wait_for_url(f"{live_server.url}/account/second-factor/?next=%2Funits%2F")

    secret = page.inner_text("#otp-secret")
    page.fill("#id_code", "000000" if app_code(secret) != "000000" else "111111")
    page.click("button:has-text('完成绑定')")
    page.wait_for_selector(".errorlist:has-text('验证码不正确')")
    time.sleep(1.1)  # the wait django-otp imposes after one wrong code
    page.fill("#id_code", app_code(secret))
    page.keyboard.press("Enter")

    page.wait_for_selector("#recovery-codes")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    assert page.locator("button[data-print]").is_visible()
    page.click("text=我已保存，继续")
    page.wait_for_url(f"{live_server.url}/units/")
    page.wait_for_selector("#unit-results table")
    kinds = set(SecurityEvent.objects.values_list("kind", flat=True))
    assert {SecurityEvent.Kind.OTP_ENROLLED, SecurityEvent.Kind.OTP_FAILED} <= kinds

    page.click("button:has-text('退出')")
    page.wait_for_url(f"{live_server.url}/login/")
    sign_in(page, live_server)
    page.wait_for_url(f"{live_server.url}/account/second-factor/verify/?next=%2F")
    page.fill("#id_code", app_code(secret, later=True))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("a:has-text('动态口令')").count() == 1
