"""In a real browser: the supervision committee's election after the committee's result. A
close relative of an elected committee member is refused at nomination with the relationship
stated; a valid slate is fixed, its meeting's vote entered and counted, the result confirmed;
the representatives' share of women is shown against the rule."""

import pytest

from ballots.tests.supervision_helpers import SLATE, approved_election
from renewal.models import Body, TermMember
from tests.browser import log_in
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_relative_refused_valid_slate_elected_and_counted(live_server, page, world, personas):
    election, people = approved_election(world, personas["staff_a"], personas["leader_a"])
    base = f"{live_server.url}/villagers/{election.pk}"

    log_in(page, live_server, "staff_a", PASSWORD)
    page.goto(f"{base}/")
    # The county and the township see which edition of the law the election follows.
    assert "依据的组织法" in page.inner_text("#law-edition")
    page.click("main a:has-text('村务监督委员会')")
    page.wait_for_selector("h1:has-text('村务监督委员会选举')")
    assert "王建国（主任）" in page.inner_text("main")
    page.select_option("#id_assembly", "meeting")
    page.fill("#id_seats", "3")
    page.click("button:has-text('保存')")
    page.wait_for_selector(".messages li:has-text('已保存')")

    def nominate(name):
        form = page.locator("form[action$='/supervision/nominations/']")
        form.locator("select[name=person]").select_option(str(people[name].pk))
        form.locator("input[name=nominators]").fill("12")
        form.locator("select[name=source]").select_option("joint")
        form.locator("button:has-text('登记提名')").click()

    nominate("李秀英")
    error = page.locator("form[action$='/supervision/nominations/'] .errorlist")
    error.wait_for()
    assert "李秀英是村民委员会主任王建国的配偶" in error.inner_text()
    assert "近亲属不得担任村务监督委员会成员" in error.inner_text()
    # What was typed is kept.
    assert (
        page.locator(
            "form[action$='/supervision/nominations/'] input[name=nominators]"
        ).input_value()
        == "12"
    )
    nominate("陈静")
    assert "陈静是本届村民委员会委员" in page.locator(".errorlist").inner_text()
    for name in SLATE:
        nominate(name)
        page.wait_for_selector(f".messages li:has-text('已提名{name}')")
    assert "李秀英" not in page.inner_text("#nominations table")

    for box in page.locator("#nominations input[name=nomination]").all():
        box.check()
    page.click("button:has-text('确定正式候选人')")
    page.wait_for_selector(".messages li:has-text('正式候选人已确定')")
    # The meeting's vote: 60 of the 100 registered voters present.
    page.fill("#present", "60")
    page.fill("#ballots_returned", "60")
    page.fill("#ballots_invalid", "1")
    for name, votes in (("刘洋", "50"), ("孙丽", "45"), ("周一", "40"), ("吴二", "12")):
        page.fill(f"input[aria-label='监督委员会成员{name}得票']", votes)
    page.click("button:has-text('保存并计票')")
    verdict = page.locator("#verdict")
    verdict.wait_for()
    assert "刘洋、孙丽、周一 当选" in verdict.inner_text()
    assert "应到会 100 人，实到会 60 人" in verdict.inner_text()
    assert page.locator("a:has-text('导出选票记录')").is_visible()
    page.click("text=返回村务监督委员会选举")
    # The township enters; the township leader confirms.
    assert not page.locator("button:has-text('确认选举结果')").count()

    page.context.clear_cookies()
    log_in(page, live_server, "leader_a", PASSWORD)
    page.goto(f"{base}/supervision/")
    page.select_option("#id_chair", str(people["孙丽"].pk))
    page.once("dialog", lambda d: d.accept())
    page.click("button:has-text('确认选举结果')")
    page.wait_for_selector(".messages li:has-text('新一届村务监督委员会成员已登记')")
    assert "孙丽（监督委员会主任）" in page.inner_text("#result")
    posts = dict(
        TermMember.objects.filter(
            term__unit=election.unit, term__body=Body.SUPERVISION
        ).values_list("person__name", "post")
    )
    assert posts == {
        "刘洋": "supervision_member",
        "孙丽": "supervision_chair",
        "周一": "supervision_member",
    }


def test_representatives_share_of_women_is_shown(live_server, page, world, personas):
    election, people = approved_election(world, personas["staff_a"], personas["leader_a"])
    log_in(page, live_server, "staff_a", PASSWORD)
    page.goto(f"{live_server.url}/villagers/{election.pk}/groups/")
    page.fill("#id_name", "第一村民小组")
    page.fill("#id_households", "35")
    page.click("button:has-text('添加')")
    page.wait_for_selector(".messages li:has-text('已添加第一村民小组')")

    def record(name, role="representative", method="households"):
        form = page.locator("#officer-add form")
        form.locator("select[name=group]").select_option(label="第一村民小组")
        form.locator("select[name=role]").select_option(role)
        form.locator("select[name=person]").select_option(str(people[name].pk))
        form.locator("select[name=method]").select_option(method)
        form.locator("input[name=elected_on]").fill("2026-11-29")
        form.locator("button:has-text('登记')").click()

    for name in ("王建国", "张伟"):
        record(name)
        page.wait_for_selector(f".messages li:has-text('{name}')")
    assert "妇女 0 名" in page.inner_text("#women-share")
    assert "不符合，还差 1 名" in page.inner_text("#women-share")
    record("李秀英")
    page.wait_for_selector(".messages li:has-text('李秀英')")
    share = page.inner_text("#women-share")
    assert "代表 3 名，其中妇女 1 名" in share and "符合" in share and "还差" not in share
    record("刘洋", role="leader", method="households")
    assert "由小组会议推选产生" in page.locator("#officer-add .errorlist").inner_text()
