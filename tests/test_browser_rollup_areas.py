"""The province reviewer drills down in a real browser at 1366×768: the province's dashboard,
its city, the city's county (the county dashboard, read-only), a township, its units. The
charts are drawn from the served ECharts, and nothing overflows the window's width. A
screenshot of each level is saved to $SCREENSHOT_DIR when set, else under tmp_path."""

import datetime
import os
import pathlib

import pytest

from renewal.rollup.areas import area_rollup_tree
from renewal.rollup.services import rollup_run
from tests.browser import log_in
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.date(2026, 3, 10)
FITS = "document.documentElement.scrollWidth <= window.innerWidth"


def test_province_reviewer_drills_down_to_a_unit(
    live_server, new_context, world, personas, tmp_path
):
    for county in (world["county_a"], world["county_b"]):
        rollup_run(county=county, day=DAY)
    area_rollup_tree(region=world["province"], day=DAY)
    shots = pathlib.Path(os.environ.get("SCREENSHOT_DIR") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)

    page = new_context().new_page()
    log_in(page, live_server, "province_reviewer", PASSWORD)
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_selector("h1:has-text('内蒙古自治区换届工作看板')")
    page.wait_for_selector("[data-chart='completion'][data-rendered='1']")
    assert page.evaluate(FITS)
    page.screenshot(path=shots / "province.png", full_page=True)

    page.click("table.area-ranking a:has-text('呼和浩特市')")
    page.wait_for_selector("h1:has-text('呼和浩特市换届工作看板')")
    page.wait_for_selector("[data-chart='stages'][data-rendered='1']")
    assert page.is_visible("a:has-text('返回内蒙古自治区')")
    assert page.evaluate(FITS)
    page.screenshot(path=shots / "city.png", full_page=True)

    page.click("table.area-ranking a:has-text('和林格尔县')")
    page.wait_for_selector("h1:has-text('和林格尔县换届工作看板')")
    assert page.is_visible("a:has-text('返回呼和浩特市')")
    assert page.evaluate(FITS)
    page.screenshot(path=shots / "county.png", full_page=True)

    page.click("table.township-figures a:has-text('城关镇')")
    page.wait_for_selector("h1:has-text('城关镇换届工作日统计')")
    page.click("a:has-text('本乡镇村(社区)')")
    page.wait_for_selector("a:has-text('大红城村')")
    page.click("a:has-text('大红城村')")
    page.wait_for_selector("h1:has-text('大红城村')")
    page.screenshot(path=shots / "unit.png", full_page=True)
