"""In a real browser: nominate, set up two boxes, enter them, count, approve, read 一肩挑."""

import datetime

import pytest

from ballots.tests.villagers_vote_helpers import (
    DEPUTIES,
    MAIN_VOTES,
    MEMBERS,
    MOBILE_VOTES,
    STAFF,
    make_election,
)
from ballots.villagers import vote as vv
from renewal.models import Term, TermMember
from tests.browser import log_in
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _label(person):
    return f"{person.name}（{person.get_sex_display()}，{person.birth_date:%Y}年生）"


def test_nominate_enter_two_boxes_count_and_approve(live_server, page, world, personas):
    election, people = make_election(world)
    staff = personas["staff_a"]
    for post, names in (("deputy_director", DEPUTIES), ("committee_member", MEMBERS)):
        ids = [
            vv.nomination_add(
                election=election,
                post=post,
                person=people[n],
                nominators=10,
                source="joint",
                actor=staff,
            ).pk
            for n in names
        ]
        vv.candidates_confirm(election=election, post=post, nomination_ids=ids)
    party = Term.objects.create(
        unit=world["unit_a1"],
        body="party",
        elected_on=datetime.date(2026, 11, 20),
        round=world["round"],
    )
    TermMember.objects.create(term=party, person=people["王建国"], post="secretary")
    base = f"{live_server.url}/villagers/{election.pk}"

    log_in(page, live_server, "staff_a", PASSWORD)
    page.goto(f"{base}/nominations/")
    for name, nominators in (("王建国", "35"), ("李秀英", "12")):
        page.select_option("#id_post", "director")
        page.select_option("#id_person", label=_label(people[name]))
        page.fill("#id_nominators", nominators)
        page.select_option("#id_source", "joint")
        page.click("button:has-text('登记提名')")
        page.wait_for_selector(f".messages li:has-text('已提名{name}')")
    page.locator("input[name=nomination]").first.check()
    page.click("button:has-text('确定主任正式候选人')")
    assert "还需 1 名" in page.inner_text(".messages")
    boxes = page.locator("form:has(button:has-text('确定主任正式候选人')) input[name=nomination]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("button:has-text('确定主任正式候选人')")
    page.wait_for_selector(".messages li:has-text('主任正式候选人（按姓氏笔画）：王建国、李秀英')")

    page.goto(f"{base}/polling/")
    for kind, name in (("main", "村委会中心会场"), ("mobile", "流动票箱一")):
        page.select_option("#id_kind", kind)
        page.fill("#id_name", name)
        page.click("button:has-text('设立')")
        page.wait_for_selector(f".messages li:has-text('已设立{name}')")
    assert "至少 3 名监票人随箱，现有 0 名" in page.inner_text("main")
    for name in STAFF[:3]:
        page.select_option("#id_person", label=_label(people[name]))
        page.select_option("#id_role", "scrutineer")
        page.select_option("#id_box", label="流动票箱：流动票箱一")
        page.click("button:has-text('添加')")
        page.wait_for_selector(f".messages li:has-text('已添加{name}')")

    labels = {"director": "主任", "deputy_director": "副主任", "committee_member": "委员"}
    for box, issued, votes in (
        ("村委会中心会场", "50", MAIN_VOTES),
        ("流动票箱一", "10", MOBILE_VOTES),
    ):
        page.goto(f"{base}/polling/")
        page.click(f"a:has-text('{box}')")
        page.wait_for_selector("#ballots_issued")
        page.fill("#ballots_issued", issued)
        page.fill("#ballots_returned", issued)
        page.fill("#ballots_invalid", "0")
        for post, tally in votes.items():
            for name, n in tally.items():
                page.fill(f"input[aria-label='{labels[post]}{name}得票']", str(n))
        if box == "流动票箱一":  # more back than issued: refused with its code, nothing lost
            page.fill("#ballots_returned", "11")
            page.click("button:has-text('保存本投票点结果')")
            page.wait_for_selector("#tally-problems")
            assert "F.101 收回票数（11）多于发出票数（10）" in page.inner_text("#tally-problems")
            assert page.input_value("#ballots_returned") == "11"
            page.fill("#ballots_returned", issued)
        else:  # the register counted one receipt fewer than ballots issued: say why
            page.fill("#rec-printed", "55")
            page.fill("#rec-unused", "5")
            page.fill("#rec-receipts", "49")
            page.click("button:has-text('保存本投票点结果')")
            page.wait_for_selector("#tally-warnings")
            assert "W.301 发出票数（50）与到会/领票登记人数（49）不符" in page.inner_text(
                "#tally-warnings"
            )
            assert page.input_value("#rec-receipts") == "49"
            page.check("#tally-warnings input[name=ack]")
            page.fill("#tally-warnings input[data-ack-reason='W.301']", "一名选民领票时漏登记")
        page.click("button:has-text('保存本投票点结果')")
        page.wait_for_selector(f".messages li:has-text('{box}的计票结果已保存')")
    page.click("a:has-text('村委会中心会场')")
    page.wait_for_selector("#acknowledgements")
    assert "一名选民领票时漏登记" in page.inner_text("#acknowledgements")

    page.goto(f"{base}/vote/")
    page.click("button:has-text('汇总所有票箱并计票')")
    page.wait_for_selector(".messages li:has-text('已汇总所有票箱并计票')")
    assert "主任：王建国" in page.inner_text("#result")
    page.click("td a:has-text('委员') >> nth=-1")
    page.wait_for_selector("input[name=present]")
    page.fill("#present", "55")
    page.fill("#ballots_returned", "55")
    page.fill("#ballots_invalid", "1")
    page.fill("input[aria-label='委员赵磊得票']", "30")
    page.fill("input[aria-label='委员孙丽得票']", "80")  # more than the valid ballots
    page.click("button:has-text('保存并计票')")
    page.wait_for_selector(".errorlist")
    # A villagers' ballot has no 反对 / 弃权: the message speaks of votes only.
    assert "F.102 委员孙丽得票（80）多于有效票（54）" in page.inner_text(".errorlist")
    assert page.input_value("input[aria-label='委员赵磊得票']") == "30"  # typed values kept
    page.fill("input[aria-label='委员孙丽得票']", "20")
    page.click("button:has-text('保存并计票')")
    page.wait_for_selector("#verdict")
    assert "赵磊 当选" in page.inner_text("#verdict")

    log_in(page, live_server, "leader_a", PASSWORD)
    page.goto(f"{base}/vote/")
    page.once("dialog", lambda d: d.accept())
    page.click("button:has-text('确认选举结果')")
    page.wait_for_selector(".messages li:has-text('选举结果已确认')")
    assert "一肩挑" in page.inner_text("#one-shoulder")
    assert "交叉任职 1 人：王建国" in page.inner_text("#result")
