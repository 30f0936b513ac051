"""In a real browser: a clerk whose password an administrator reset logs in, is taken to the
change page, is refused a weak password with the rules in Chinese, sets a good one and goes
on to her work; the next login takes the new password."""

import pytest

from renewal.models import Profile
from tests.browser import log_in, menu_item
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW = "Hlgr-2026-xin"


def test_a_marked_clerk_changes_her_password_first(live_server, new_context, world, personas):
    Profile.objects.filter(user=personas["staff_a"]).update(must_change_password=True)
    page = new_context().new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "staff_a")
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/account/password/")
    assert "管理员要求您修改密码" in page.inner_text("main")

    page.goto(f"{live_server.url}/units/")  # nothing else opens before the change
    page.wait_for_url(f"{live_server.url}/account/password/")

    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", "abcdefgh1")
    page.fill("#id_new_password2", "abcdefgh1")
    page.click("button:has-text('修改密码')")
    page.wait_for_selector(".errorlist:has-text('至少 3 类')")

    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", NEW)
    page.fill("#id_new_password2", NEW)
    page.keyboard.press("Enter")
    page.wait_for_selector(".messages li:has-text('密码已修改')")
    menu_item(page, "村(社区)").click()
    page.wait_for_selector("#unit-results table")
    assert not Profile.objects.get(user=personas["staff_a"]).must_change_password

    again = new_context().new_page()
    log_in(again, live_server, "staff_a", NEW)
    assert again.locator("a:has-text('修改密码')").count() == 1
