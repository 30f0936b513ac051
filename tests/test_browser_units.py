"""In a real browser: township staff log in, see only their units, filter, open one."""

import pytest

from tests.browser import log_in, menu_item
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_township_staff_sees_only_own_units(live_server, page, world, personas):
    log_in(page, live_server, "staff_a", PASSWORD)
    assert "本乡镇(街道)进度" in page.content()

    menu_item(page, "村(社区)").click()
    page.wait_for_selector("#unit-results table")
    rows = page.locator("#unit-results tbody tr")
    assert rows.count() == 2
    text = page.inner_text("#unit-results")
    assert "大红城村" in text and "南街社区" in text
    assert "盛乐村" not in text and "清水村" not in text

    # htmx filter: choosing 社区 swaps only the results, with the URL kept shareable.
    page.select_option("#id_kind", "community")
    page.wait_for_function("() => document.querySelectorAll('#unit-results tbody tr').length === 1")
    assert "kind=community" in page.url
    assert "南街社区" in page.inner_text("#unit-results")

    page.click("#unit-results >> text=南街社区")
    page.wait_for_selector("h1:has-text('南街社区')")
    assert "城关镇" in page.content()

    # Add a risk point through the htmx form, from the keyboard.
    page.select_option("#id_category", "dispute")
    page.fill("#id_description", "物业费纠纷")
    page.keyboard.press("Enter")
    page.wait_for_selector("#risk-list >> text=物业费纠纷")

    # Another township's unit answers 404.
    response = page.goto(f"{live_server.url}/units/{world['unit_b1'].pk}/")
    assert response.status == 404
    assert "不在您的管辖范围内" in page.content()
