"""In a real browser: the new committee's handover, from the checklist to completion."""

import pytest

from renewal.models import Handover
from renewal.tests.aftercare_setup import ensure_catalogues, new_committee
from tests.browser import log_in, menu_item
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_handover_from_checklist_to_completion(live_server, page, world, personas):
    ensure_catalogues()
    new_committee(world["unit_a1"], world["round"])  # the approved result writes the Term
    handover = Handover.objects.get(unit=world["unit_a1"], body="party")
    items = list(handover.items.select_related("kind"))
    assert len(items) == 6

    log_in(page, live_server, "staff_a", PASSWORD)
    menu_item(page, "审计与交接").click()
    page.click("main >> a.btn:has-text('交接')")
    page.click("text=大红城村")
    page.wait_for_selector("h1:has-text('党组织委员会交接')")
    assert "已签收 0/6 项" in page.inner_text("#handover-status")

    # A missing signature is refused, and what was typed stays.
    first = items[0]
    row = page.locator(f"#item-{first.pk}")
    row.locator(f"#id_i{first.pk}-outgoing_name").fill("王老书记")
    row.locator(f"#id_i{first.pk}-outgoing_name").press("Enter")
    page.wait_for_selector(f"#item-{first.pk} .errorlist")
    assert page.input_value(f"#id_i{first.pk}-outgoing_name") == "王老书记"

    # Every item signed by both sides, from the keyboard. Each row is saved on its own
    # (htmx swaps only that row), so what is typed in the next row is not lost.
    second = items[1]
    page.fill(f"#id_i{second.pk}-detail", "办公楼一栋及钥匙")
    for number, item in enumerate(items, start=1):
        row = page.locator(f"#item-{item.pk}")
        if item != second:
            row.locator(f"#id_i{item.pk}-detail").fill(f"{item.kind.name}清点无误")
        row.locator(f"#id_i{item.pk}-outgoing_name").fill("王老书记")
        row.locator(f"#id_i{item.pk}-incoming_name").fill("李新书记")
        row.locator(f"#id_i{item.pk}-incoming_name").press("Enter")
        if number < len(items):
            page.wait_for_selector(f"#item-{item.pk} .tag.ok")
            page.wait_for_selector(f"#handover-status:has-text('已签收 {number}/6 项')")
        if number == 1:
            assert page.input_value(f"#id_i{second.pk}-detail") == "办公楼一栋及钥匙"

    page.wait_for_selector("#handover-state:has-text('交接完成')")
    assert "已签收 6/6 项" in page.inner_text("#handover-status")
    assert "交接清单已全部签收" in page.inner_text(".messages")
    assert "办公楼一栋及钥匙" in page.inner_text(f"#item-{second.pk}")
    handover.refresh_from_db()
    assert handover.completed_on is not None

    # The list shows it complete, and not among the overdue ones.
    page.goto(f"{live_server.url}/handovers/?status=complete")
    assert "大红城村" in page.inner_text("main table")
    page.goto(f"{live_server.url}/handovers/?status=overdue")
    assert "大红城村" not in page.inner_text("main table")
