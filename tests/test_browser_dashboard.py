"""In a real browser: a township reports its day, the county reviewer generates the
notice, and the dashboard, the notice and the big screen draw their charts from the
app's own static files (no CDN)."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from renewal.models import STAGE_NAMES, DailyReport, RollupSettings
from renewal.models.rounds import STAGE_CODES
from tests.browser import log_in, menu_item
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = [(1366, 768), (1920, 1080)]  # an office screen, a meeting-room display


def _charts_rendered(page, count):
    page.wait_for_function(
        f"() => document.querySelectorAll('[data-chart][data-rendered=\"1\"] canvas').length"
        f" >= {count}"
    )


def _overflow(page):
    """How far the page runs past the window (<= 0: it fits)."""
    return page.evaluate(
        """() => ({width: document.documentElement.scrollWidth
                         - document.documentElement.clientWidth,
                   height: document.documentElement.scrollHeight
                          - document.documentElement.clientHeight})"""
    )


def _series(page, chart):
    """The series a chart was drawn with, as ECharts holds them (names in legend order)."""
    return page.evaluate(
        """(chart) => echarts.getInstanceByDom(document.querySelector(`[data-chart=${chart}]`))
                         .getOption().series.map((s) => ({name: s.name,
                             colour: s.itemStyle && s.itemStyle.color, data: s.data,
                             barMinHeight: s.barMinHeight, label: s.label}))""",
        chart,
    )


def test_daily_report_to_dashboard(live_server, page, world, personas):
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))

    RollupSettings.objects.create(
        county=world["county_a"],
        effective_from=datetime.date(2020, 1, 1),
        daily_report_deadline=datetime.time.max,
        source="测试设置",
    )

    # Township staff submit today's report from the keyboard.
    log_in(page, live_server, "staff_a", PASSWORD)
    menu_item(page, "乡镇日报").click()
    page.click("text=报送城关镇今日日报")
    page.fill("#id_talks_held", "12")
    page.fill("#id_disputes_mediated", "156")
    page.fill("#id_problems_solved", "218")
    page.fill("#id_petitions_handled", "3")
    page.focus("#id_petitions_handled")
    page.keyboard.press("Enter")
    page.wait_for_selector("#report-results >> text=城关镇")
    assert DailyReport.objects.get(township=world["township_a"]).disputes_mediated == 156
    page.click("text=退出")

    # The county reviewer generates today's notice and opens the dashboard.
    log_in(page, live_server, "reviewer", PASSWORD)
    menu_item(page, "看板与通报").click()
    page.wait_for_selector("h1:has-text('和林格尔县换届工作看板')")
    assert "尚未生成日统计" in page.content()
    page.click("text=日通报")
    # Today's report deadline is not over (the county's setting below): generating today's
    # notice asks first and names the township that has not reported.
    page.fill("#id_day", timezone.localdate().isoformat())
    page.click("text=生成 / 重建日通报")
    assert "盛乐镇" in page.inner_text("#not-reported")
    page.click("text=仍然生成")
    page.wait_for_selector("text=查看通报")
    page.click("text=查看通报")
    page.wait_for_selector("[data-chart][data-rendered='1'] canvas")
    notice = page.input_value("#notice-text")
    assert "1. 城关镇" in notice and "未报送日报的乡镇(街道)（1 个）：盛乐镇。" in notice

    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_selector("h1:has-text('和林格尔县换届工作看板')")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-chart][data-rendered=\"1\"] canvas').length >= 2"
    )
    table = page.inner_text("#township-table table")
    assert "城关镇" in table and "盛乐镇" in table and "全县合计" in table
    assert "156" not in table  # the day's report is a detail, opened on demand
    page.click("#township-table tbody tr:first-child summary")
    assert "156" in page.inner_text("#township-table table")  # the township's report
    # No unit has elected its new committee yet: no verdict on its structure.
    structure = page.inner_text("#structure")
    assert "尚无新一届班子数据" in structure
    assert "两升一降" not in structure and "均已达标" not in structure
    stage_names = [STAGE_NAMES[code] for code in STAGE_CODES]
    for width, height in SCREENS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/dashboard/{world['county_a'].pk}/")
        _charts_rendered(page, 2)
        assert _overflow(page)["width"] <= 0, f"dashboard wider than {width}"
        stages = _series(page, "stages")
        assert [s["name"] for s in stages] == stage_names  # workflow order, legend too
        assert len({s["colour"] for s in stages}) == len(stages)  # one colour per stage
        bars = _series(page, "completion")[0]
        assert 0 in bars["data"] and bars["barMinHeight"] > 0  # 盛乐镇 has done nothing
        assert bars["label"]["show"] and bars["label"]["formatter"] == "{c}%"

        page.goto(f"{live_server.url}/screen/{world['county_a'].pk}/")
        _charts_rendered(page, 2)
        assert "和林格尔县村(社区)“两委”换届工作进度" in page.inner_text("header")
        assert "每 5 分钟刷新" in page.inner_text("header")
        assert "尚无新一届班子数据" in page.inner_text("#structure")
        assert [s["name"] for s in _series(page, "stages")] == stage_names
        overflow = _overflow(page)
        assert overflow["width"] <= 0, f"big screen wider than {width}"
        assert overflow["height"] <= 0, f"big screen taller than {height}"

    assert hosts == {urlsplit(live_server.url).netloc}, f"requests left the app: {hosts}"
