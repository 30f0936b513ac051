"""In a real browser: tick attendance, see the live quorum verdict, enter totals, read the verdict."""

import datetime

import pytest

from ballots.congress import services as bs
from tests.browser import log_in
from tests.factories import add_roster, formal_party_candidates, roster_members
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NAMES = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆"]


def test_enter_totals_and_read_the_verdict(live_server, page, world, personas):
    add_roster(world["unit_a1"].branch, 2)
    formal_party_candidates(world["unit_a1"], NAMES)
    scrutineers = roster_members(world["unit_a1"], ["监票甲", "计票乙"])
    congress = bs.congress_create(
        unit=world["unit_a1"],
        held_on=datetime.date(2026, 11, 20),
        place="村委会会议室",
        chair="王书记",
    )

    bs.scrutineer_add(congress=congress, person=scrutineers[0], role="chief")
    bs.scrutineer_add(congress=congress, person=scrutineers[1], role="teller")

    log_in(page, live_server, "staff_a", PASSWORD)

    page.goto(f"{live_server.url}/congresses/{congress.pk}/attendance/")
    assert "实到 0 人" in page.inner_text("#quorum-box")
    boxes = page.locator("input[type=checkbox][name^=present-]")
    for i in range(9):
        boxes.nth(i).check()
    page.wait_for_function(
        "() => document.querySelector('#quorum-box').innerText.includes('实到 9 人')"
    )
    assert "超过五分之四，可以进行选举" in page.inner_text("#quorum-box")
    page.click("button:has-text('保存到会情况')")
    page.wait_for_selector("h1:has-text('党员大会')")

    for name in NAMES:  # the formal candidates are offered, all ticked; none is typed
        assert page.is_checked(f"label:has-text('{name}') input")
    page.click("button:has-text('建立委员会选举轮次')")
    page.wait_for_selector("input[name=returned]")
    page.fill("#ballots_issued", "9")
    page.fill("#returned", "9")
    page.fill("#invalid", "0")
    votes = {"王建国": 9, "李秀英": 8, "张伟": 7, "刘洋": 6, "陈静": 6, "杨帆": 3}
    for name, n in votes.items():
        page.fill(f"input[aria-label='{name}赞成']", str(n))
    page.fill("input[aria-label='张伟反对']", "5")  # 7 + 5 > 9 valid ballots
    page.fill("#rec-printed", "12")
    page.fill("#rec-unused", "3")
    page.click("button:has-text('保存并计票')")
    # An F rule refuses the save, with its code and the figures; what was typed stays.
    page.wait_for_selector("#tally-problems")
    assert "F.102 张伟得票（含反对、弃权，合计 12）多于有效票（9）" in page.inner_text(
        "#tally-problems"
    )
    assert page.input_value("input[aria-label='王建国赞成']") == "9"  # typed values kept
    assert page.input_value("#rec-printed") == "12"

    page.fill("input[aria-label='张伟反对']", "1")
    page.click("button:has-text('保存并计票')")
    # Only the for votes (and one against) were typed: W rules ask for a reason each.
    page.wait_for_selector("#tally-warnings")
    warned = page.inner_text("#tally-warnings")
    assert "W.201 王建国赞成（9）、反对（0）、弃权（0）之和（9）" not in warned  # 9 is all valid
    assert "W.201 杨帆赞成（3）、反对（0）、弃权（0）之和（3）少于有效票（9）" in warned
    assert page.input_value("input[aria-label='王建国赞成']") == "9"
    boxes = page.locator("#tally-warnings input[name=ack]")
    count = boxes.count()
    assert count >= 1
    for i in range(count):  # ticked without a reason: asked again, nothing saved
        boxes.nth(i).check()
    page.click("button:has-text('保存并计票')")
    page.wait_for_selector("#tally-problems")
    assert "已勾选的核对提示须填写理由" in page.inner_text("#tally-problems")
    boxes = page.locator("#tally-warnings input[name=ack]")
    reasons = page.locator("#tally-warnings input[data-ack-reason]")
    for i in range(boxes.count()):
        boxes.nth(i).check()
        reasons.nth(i).fill("计票单只登记了赞成票")
    page.click("button:has-text('保存并计票')")
    page.wait_for_selector("#verdict")
    history = page.inner_text("#acknowledgements")
    assert "W.201" in history and "计票单只登记了赞成票" in history
    verdict = page.inner_text("#verdict")
    assert "选举有效" in verdict
    assert "王建国 得票 9，超过实到会有选举权人数 9 的半数，当选。" in verdict

    # The list of every coded check, from the round page, and its printable PDF.
    page.click("a:has-text('计票核对规则') >> nth=-1")
    page.wait_for_selector("#tally-checks")
    listed = page.inner_text("#tally-checks")
    assert "F.102" in listed and "拒绝保存" in listed
    assert "W.201" in listed and "需说明理由" in listed
    assert "{" not in listed  # placeholders read as 某人 / N
    pdf = page.request.get(f"{live_server.url}/tally-checks/pdf/")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
