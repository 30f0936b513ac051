"""In a real browser at 1366×768: the city's organisation department forms a supervision group
(巡回督查组) over both counties and records a visit with its findings; county A's reviewer
finds the group in the menu and reads the finding about county A, with nothing to change.
The group's edit page is saved unchanged with the other edit pages
(tests/test_browser_edit_round_trips.py)."""

import pytest
from django.utils import timezone

from renewal.models import SupervisionGroup, SupervisionVisit
from tests.browser import log_in, menu_item
from tests.fixtures import PASSWORD
from tests.test_browser_layout import screenshot_dir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_city_forms_a_group_records_a_visit_and_the_county_reads_it(
    live_server, new_context, world, personas, tmp_path
):
    shots = screenshot_dir(tmp_path)
    city = new_context().new_page()
    log_in(city, live_server, "city_reviewer", PASSWORD)
    menu_item(city, "巡回督查组").click()
    city.wait_for_selector("h1:has-text('市级巡回督查组')")
    city.click("main >> a.btn:has-text('新建巡回督查组')")
    city.wait_for_selector("h1:has-text('新建巡回督查组')")
    assert city.input_value("#id_year") == "2026"
    city.fill("#id_name", "市第一巡回督查组")
    city.fill("#id_leader_name", "吴组长")
    city.fill("#id_leader_post", "市委组织部副部长")
    city.get_by_label("和林格尔县").check()
    city.get_by_label("清水河县").check()
    city.fill("#id_members-0-name", "郑成员")
    city.fill("#id_members-0-post", "市委组织部组织二科科长")
    city.screenshot(path=shots / "supervision-form.png")
    city.click("main form button:has-text('保存')")
    city.wait_for_selector(".messages:has-text('巡回督查组“市第一巡回督查组”已保存')")
    group = SupervisionGroup.objects.get()
    assert {c.name for c in group.counties.all()} == {"和林格尔县", "清水河县"}

    # The unit is chosen county → township → unit; each choice brings the next list.
    city.focus("#id_county")
    city.select_option("#id_county", label="和林格尔县")
    city.wait_for_selector("#id_township >> option:has-text('城关镇')", state="attached")
    # The list just changed keeps the focus: the keyboard goes on to the next with Tab.
    assert city.evaluate("document.activeElement.id") == "id_county"
    city.select_option("#id_township", label="城关镇")
    city.wait_for_selector("#id_unit >> option:has-text('大红城村')", state="attached")
    units = city.locator("#id_unit option").all_inner_texts()
    assert units == ["不具体到村(社区)", "南街社区", "大红城村"]
    city.select_option("#id_unit", label="大红城村")
    city.fill("#id_findings", "候选人资格联审材料不全")
    city.fill("#id_follow_up", "一周内补齐并报市委组织部")
    # Without a date the visit is refused, and what was chosen and typed stays.
    city.click("main form button:has-text('登记')")
    city.wait_for_selector(".errorlist:has-text('督查日期')")
    assert city.input_value("#id_findings") == "候选人资格联审材料不全"
    assert city.locator("#id_unit option:checked").inner_text() == "大红城村"
    assert city.locator("#id_township option:checked").inner_text() == "城关镇"
    assert not SupervisionVisit.objects.exists()

    city.fill("#id_visited_on", timezone.localdate().isoformat())
    city.click("main form button:has-text('登记')")
    city.wait_for_selector(".messages:has-text('督查情况已登记')")
    assert SupervisionVisit.objects.get().unit.name == "大红城村"
    visits = city.inner_text("main section:has(h2:has-text('督查记录')) table")
    assert "候选人资格联审材料不全" in visits and "大红城村" in visits
    city.screenshot(path=shots / "supervision-detail-city.png")

    county = new_context().new_page()
    log_in(county, live_server, "reviewer", PASSWORD)
    menu_item(county, "巡回督查组").click()
    county.click("text=市第一巡回督查组")
    county.wait_for_selector("h1:has-text('市第一巡回督查组')")
    main = county.inner_text("main")
    assert "候选人资格联审材料不全" in main and "一周内补齐并报市委组织部" in main
    # County A reads what concerns county A only, and changes nothing.
    assert "清水河县" not in main
    assert "登记督查情况" not in main and not county.locator("main a:has-text('修改')").count()
    county.screenshot(path=shots / "supervision-detail-county.png")

    other = new_context().new_page()
    log_in(other, live_server, "staff_a", PASSWORD)
    response = other.goto(f"{live_server.url}/supervision/{group.pk}/")
    assert response.status == 404
