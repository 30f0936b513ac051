"""In a real browser: a township reports its day, the county reviewer generates the
notice, and the dashboard, the notice and the big screen draw their charts from the
app's own static files (no CDN)."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from renewal.models import DailyReport, RollupSettings
from tests.browser import log_in, menu_item
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
    table = page.inner_text("table")
    assert "城关镇" in table and "盛乐镇" in table and "全县合计" in table
    assert "156" in table  # the township's report, rolled up
    assert "两升一降" in page.inner_text("#structure")

    page.goto(f"{live_server.url}/screen/{world['county_a'].pk}/")
    page.wait_for_selector("[data-chart][data-rendered='1'] canvas")
    assert "和林格尔县村(社区)“两委”换届工作进度" in page.inner_text("header")

    assert hosts == {urlsplit(live_server.url).netloc}, f"requests left the app: {hosts}"
