"""In a real browser: a township clerk edits a unit, wrongly first; the errors name the
fields in Chinese; the county reviewer then reads the change in the unit's 修改记录 as
people say it (who by name and role, the field by its label, 从 → 到)."""

import pytest

from tests.browser import log_in
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_edit_is_refused_in_chinese_then_read_in_the_history(
    live_server, new_context, world, personas
):
    unit = world["unit_a1"]
    clerk = new_context().new_page()
    log_in(clerk, live_server, "staff_a", PASSWORD)
    clerk.goto(f"{live_server.url}/units/{unit.pk}/edit/")
    clerk.fill("#id_name", "")
    clerk.fill("#id_population", "-3")
    clerk.click("button:has-text('保存')")
    errors = clerk.inner_text("form.card")
    assert "请填写名称。" in errors and "户籍人口不能小于 0。" in errors
    assert "这个字段" not in errors and "确保" not in errors

    clerk.fill("#id_name", "大红城村")
    clerk.fill("#id_population", "1500")
    clerk.fill("#id_risk_assessed_on", "2026-11-01")
    clerk.click("button:has-text('保存')")
    clerk.wait_for_selector("text=已保存。")

    reviewer = new_context().new_page()
    log_in(reviewer, live_server, "reviewer", PASSWORD)
    reviewer.goto(f"{live_server.url}/units/{unit.pk}/")
    reviewer.click("text=修改记录")
    reviewer.wait_for_selector("h1:has-text('修改记录')")
    first = reviewer.locator("tbody tr").first.inner_text()
    assert "王敏（乡镇(街道)工作人员）" in first
    assert "户籍人口" in first and "1200 → 1500" in first
    assert "2026年11月1日" in first and "当前阶段" in first and "推荐人选" in first
    assert "staff_a" not in reviewer.content() and "recommendation" not in first
