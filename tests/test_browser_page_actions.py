"""In a real browser, under the Content-Security-Policy: the behaviours that were inline
handlers work from static/js/page-actions.js — a removal asks first and does nothing when
refused, a status filter applies on choosing, the new-election picker opens the chosen
unit's form, and the daily notice's text is copied with one click."""

import datetime

import pytest

from ballots.congress import services as bs
from renewal.rollup import services as rollup
from tests.browser import log_in
from tests.factories import roster_members
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_page_actions_work_without_inline_handlers(live_server, new_context, world, personas):
    unit = world["unit_a1"]
    congress = bs.congress_create(
        unit=unit, held_on=datetime.date(2026, 11, 20), place="会议室", chair="王"
    )
    chief, teller = roster_members(unit, ["监票甲", "计票乙"])
    bs.scrutineer_add(congress=congress, person=chief, role="chief")
    bs.scrutineer_add(congress=congress, person=teller, role="teller")
    rollup.daily_report_submit(
        actor=personas["staff_a"], township=world["township_a"], day=datetime.date(2026, 3, 10)
    )
    run = rollup.rollup_run(county=world["county_a"], day=datetime.date(2026, 3, 10))

    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    log_in(page, live_server, "staff_a", PASSWORD)

    # Refusing the question keeps the scrutineer; accepting it removes them.
    page.goto(f"{live_server.url}/congresses/{congress.pk}/")
    questions = []
    page.once("dialog", lambda d: (questions.append(d.message), d.dismiss()))
    page.locator("li:has-text('监票甲') button:has-text('取消')").click()
    page.wait_for_timeout(300)
    assert len(questions) == 1 and questions[0].startswith("取消监票甲的")
    assert congress.scrutineers.count() == 2
    page.once("dialog", lambda d: d.accept())
    page.locator("li:has-text('监票甲') button:has-text('取消')").click()
    page.wait_for_load_state()
    page.wait_for_selector("li:has-text('计票乙')")
    assert list(congress.scrutineers.values_list("person__name", flat=True)) == ["计票乙"]

    # Choosing a status reloads the list with the filter.
    page.goto(f"{live_server.url}/congresses/")
    page.select_option("select[name=status]", index=1)
    page.wait_for_url("**/congresses/?status=*")

    # The new-election picker opens the chosen unit's form.
    page.goto(f"{live_server.url}/villagers/")
    page.select_option("#new-election-unit", label="城关镇 · 南街社区")
    page.click("button:has-text('新建选举')")
    page.wait_for_url(f"**/villagers/units/{world['unit_a2'].pk}/**")

    # 复制全文 puts the notice on the clipboard.
    run.refresh_from_db()
    page.goto(f"{live_server.url}/rollup/notices/{run.pk}/")
    page.click("button:has-text('复制全文')")
    page.wait_for_selector("button:has-text('已复制')")
    assert page.evaluate("navigator.clipboard.readText()") == run.notice_text
