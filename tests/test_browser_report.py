"""In a real browser, with and without JavaScript: an anonymous report through the public
page, its receipt code, and its status seen with that code."""

import pytest
from django.core.cache import cache

from discipline.intake.crypto import receipt_digest
from discipline.models import Report
from tests.files import PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_anonymous_report_and_its_status(
    live_server, new_context, world, settings, tmp_path, javascript
):
    cache.clear()
    settings.MEDIA_ROOT = str(tmp_path)
    page = new_context(java_script_enabled=javascript).new_page()

    page.goto(f"{live_server.url}/report/")
    page.select_option("#county", label="和林格尔县")
    page.click("button:has-text('下一步')")
    page.wait_for_selector("h1:has-text('和林格尔县')")

    page.select_option("#id_place", label="城关镇 · 大红城村")
    page.fill("#id_subject", "大红城村某候选人")
    page.fill("#id_content", "选举前一晚挨家挨户发购物卡，请求投他一票。")
    assert page.is_checked("#id_anonymous")
    page.set_input_files(
        "#id_attachments", files=[{"name": "照片.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.click("button:has-text('提交举报')")

    code = page.locator("#receipt-code").inner_text().strip()
    assert len(code.replace("-", "")) == 12
    assert "请立即抄写或截图保存查询码" in page.content()
    report = Report.objects.get()
    assert report.receipt_hash == receipt_digest(code.replace("-", ""))
    assert report.anonymous and report.channel == Report.Channel.WEB
    assert report.units.get() == world["unit_a1"]
    assert report.attachments.get().original_name == "附件1.png"

    page.click("main a:has-text('查询办理进度')")
    page.fill("#id_code", code.lower())
    page.click("button:has-text('查询')")
    result = page.locator("#status-result")
    assert "已受理，等待交办" in result.inner_text()
    assert "购物卡" not in page.content()
    assert code not in page.url and code.replace("-", "") not in page.url

    page.fill("#id_code", "AAAA-BBBB-CCCC")
    page.click("button:has-text('查询')")
    assert "未找到与该查询码对应的举报" in page.locator("#status-result").inner_text()
