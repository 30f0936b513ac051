"""In a real browser: two clerks enter the same tally differently, the coordinator sees the
two entries side by side with the differences marked, keeps the second, and it is counted."""

import datetime

import pytest

from ballots.congress import services as bs
from ballots.models import DoubleEntryRules
from ballots.tests.villagers_vote_helpers import (
    MAIN_VOTES,
    boxes_with_staff,
    make_election,
    nominate_all,
)
from ballots.villagers import vote as vv
from renewal.models import Profile
from tests.browser import log_in, menu_item
from tests.factories import formal_party_candidates, roster_members
from tests.fixtures import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NAMES = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆"]


@pytest.fixture
def required(world):
    DoubleEntryRules.objects.create(
        county=world["county_a"],
        effective_from=datetime.date(2026, 1, 1),
        required=True,
        coordinator=DoubleEntryRules.Coordinator.COUNTY_REVIEWER,
        source="县委组织部换届选举工作方案",
    )
    return make_user("staff_a2", Profile.Role.TOWNSHIP_STAFF, world["township_a"], full_name="孙伟")


def _round(world):
    people = formal_party_candidates(world["unit_a1"], NAMES)
    scrutineers = roster_members(world["unit_a1"], ["监票甲", "计票乙"])
    congress = bs.congress_create(
        unit=world["unit_a1"], held_on=datetime.date(2026, 11, 20), place="会议室", chair="王"
    )
    bs.attendance_update(
        congress=congress,
        version=congress.version,
        rows=[
            {"id": a.pk, "present": True, "excluded": "", "approved_by": ""}
            for a in congress.attendance.all()
        ],
    )
    bs.scrutineer_add(congress=congress, person=scrutineers[0], role="chief")
    bs.scrutineer_add(congress=congress, person=scrutineers[1], role="teller")
    return bs.round_open(congress=congress, kind="committee", seats=5, people=people)


def _figures(present, *, yang_for):
    """Each name's for / against / abstain adding up to the valid ballots (no warning)."""
    fors = {"王建国": present, "李秀英": present - 1, "张伟": present - 2, "刘洋": present - 3}
    fors |= {"陈静": present - 3, "杨帆": yang_for}
    return {name: (n, present - n, 0) for name, n in fors.items()}


def _enter(page, url, present, figures):
    page.goto(url)
    page.fill("#ballots_issued", str(present))
    page.fill("#returned", str(present))
    page.fill("#invalid", "0")
    for name, (f, a, b) in figures.items():
        page.fill(f"input[aria-label='{name}赞成']", str(f))
        page.fill(f"input[aria-label='{name}反对']", str(a))
        page.fill(f"input[aria-label='{name}弃权']", str(b))
    page.click("button:has-text('保存并计票')")


def test_coordinator_keeps_the_second_of_two_differing_congress_entries(
    live_server, new_context, world, personas, required
):
    rnd = _round(world)
    assert rnd.double_entry  # the county's setting
    _expected, present = bs.head_count(rnd.congress)
    first, second = _figures(present, yang_for=2), _figures(present, yang_for=3)
    for figures in (first, second):
        totals = {
            "returned": present,
            "invalid": 0,
            "for": {n: f for n, (f, _a, _b) in figures.items()},
            "against": {n: a for n, (_f, a, _b) in figures.items() if a},
            "abstain": {},
        }
        assert not bs.round_findings(rnd, ballots_issued=present, totals=totals)
    url = f"{live_server.url}/congress-rounds/{rnd.pk}/"

    clerk1 = new_context().new_page()
    log_in(clerk1, live_server, "staff_a", PASSWORD)
    _enter(clerk1, url, present, first)
    clerk1.wait_for_selector(".messages li:has-text('第一次录入已保存')")

    clerk2 = new_context().new_page()
    log_in(clerk2, live_server, "staff_a2", PASSWORD)
    _enter(clerk2, url, present, second)
    clerk2.wait_for_selector(".messages li:has-text('两次录入不一致，未计票')")
    assert "由县委组织部审核人员核对处理" in clerk2.inner_text("#next-step")
    rnd.refresh_from_db()
    assert rnd.status == "disputed" and rnd.result is None

    coordinator = new_context().new_page()
    log_in(coordinator, live_server, "reviewer", PASSWORD)
    menu_item(coordinator, "两次录入核对").click()
    coordinator.wait_for_selector("#double-entry-list")
    row = coordinator.locator("#double-entry-list tbody tr", has_text="大红城村")
    assert "王敏" in row.inner_text() and "孙伟" in row.inner_text()
    row.get_by_role("link", name="核对处理").click()
    coordinator.wait_for_selector("table.entry-compare")
    differing = coordinator.locator("table.entry-compare tr.differs")
    assert differing.count() == 2  # 杨帆's for and against
    cells = differing.first.locator("td.differs")
    assert cells.count() == 2
    assert cells.nth(0).inner_text() != cells.nth(1).inner_text()
    highlighted = cells.nth(0).evaluate("cell => getComputedStyle(cell).backgroundColor")
    plain = coordinator.locator("table.entry-compare tr:not(.differs) td").first
    assert highlighted != plain.evaluate("cell => getComputedStyle(cell).backgroundColor")
    assert "杨帆 赞成" in coordinator.inner_text("table.entry-compare tr.differs >> nth=0")

    questions = []
    coordinator.once("dialog", lambda d: (questions.append(d.message), d.accept()))
    coordinator.click("button:has-text('采用第二次录入')")
    coordinator.wait_for_selector(".messages li:has-text('已采用第二次录入并保存')")
    assert questions and "孙伟" in questions[0]
    rnd.refresh_from_db()
    assert rnd.status == "counted"
    assert rnd.totals["for"]["杨帆"] == 3
    assert rnd.entries.get().entered_by == required
    assert "计票结果" in coordinator.inner_text("#verdict")


def test_villagers_box_entries_that_differ_are_settled_by_the_coordinator(
    live_server, new_context, world, personas, required
):
    election, people = make_election(world)
    nominate_all(election, people, personas["staff_a"])
    main, _mobile = boxes_with_staff(election, people)
    url = f"{live_server.url}/villagers/boxes/{main.pk}/"

    def enter(page, director):
        page.goto(url)
        page.fill("#ballots_issued", "50")
        page.fill("#ballots_returned", "50")
        page.fill("#ballots_invalid", "0")
        for post, tally in {**MAIN_VOTES, "director": director}.items():
            label = {"director": "主任", "deputy_director": "副主任"}.get(post, "委员")
            for name, n in tally.items():
                page.fill(f"input[aria-label='{label}{name}得票']", str(n))
        page.click("button:has-text('保存本投票点结果')")

    clerk1 = new_context().new_page()
    log_in(clerk1, live_server, "staff_a", PASSWORD)
    enter(clerk1, MAIN_VOTES["director"])
    clerk1.wait_for_selector("#awaiting-second")

    clerk2 = new_context().new_page()
    log_in(clerk2, live_server, "staff_a2", PASSWORD)
    enter(clerk2, {"王建国": 39, "李秀英": 11})
    clerk2.wait_for_selector("#disputed")
    main.refresh_from_db()
    assert main.entered_at is None

    coordinator = new_context().new_page()
    log_in(coordinator, live_server, "reviewer", PASSWORD)
    coordinator.goto(f"{live_server.url}/double-entries/villagers-box/{main.pk}/")
    differing = coordinator.locator("table.entry-compare tr.differs")
    assert differing.count() == 2
    coordinator.once("dialog", lambda d: d.accept())
    coordinator.click("button:has-text('采用第一次录入')")
    coordinator.wait_for_selector(".messages li:has-text('已采用第一次录入并保存')")
    main.refresh_from_db()
    assert main.votes == MAIN_VOTES and main.entered_by == personas["staff_a"]
    assert vv.box_saved(main)["votes"] == MAIN_VOTES
