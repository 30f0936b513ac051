"""The villagers' tally sheets: per box and for a round's combined tally, each with the
reconciliation block the scrutineers sign (the same block as the party congress sheet)."""

import io
import re

import pytest
from pypdf import PdfReader

from ballots import checks
from ballots.congress.printing import (
    BallotCount,
    BoxCountRow,
    TallySection,
    TallySpec,
    VillagersTallySpec,
    reconciliation_lines,
    tally_sheet_pdf,
    villagers_tally_sheet_pdf,
)
from ballots.tests.villagers_vote_helpers import (
    MAIN_VOTES,
    MOBILE_VOTES,
    boxes_with_staff,
    make_election,
    nominate_all,
)
from ballots.villagers import vote as vv


def text_of(pdf: bytes) -> str:
    """All pages' text without whitespace (a name set on two lines reads as one)."""
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


COUNT = BallotCount(
    issued=58,
    receipts=58,
    receipts_label="领票登记",
    printed=62,
    printed_label="印制（领取）选票",
    spoiled=1,
    unused=3,
    returned=57,
    valid=56,
    invalid=1,
    show_proxies=True,
    proxies_used=2,
    show_mobile=True,
    mobile_issued=8,
    mobile_returned=8,
)


def spec(**changes) -> VillagersTallySpec:
    fields = {
        "title": "大红城村村民委员会选举 第1轮汇总计票单",
        "subtitle": "登记选民 100 人　应选 1 名",
        "sections": [
            TallySection(
                label="主任", seats=1, candidates=["王建国", "李秀英"], votes={"王建国": 40}
            ),
            TallySection(label="委员", seats=2, candidates=["陈静", "杨帆", "赵磊"]),
        ],
        "count": COUNT,
        "present": 58,
        "boxes": [
            BoxCountRow("中心会场：村委会", 52, 50, 49, 1, 1, 1, 50, 2),
            BoxCountRow("流动票箱：一组", 10, 8, 8, 0, 0, 2, 8, 0),
        ],
    }
    return VillagersTallySpec(**(fields | changes))


def test_sheet_has_each_post_its_names_and_entered_votes():
    text = text_of(villagers_tally_sheet_pdf(spec()))
    assert "主任栏应选1名" in text and "委员栏应选2名" in text
    for name in ("王建国", "李秀英", "陈静", "杨帆", "赵磊"):
        assert name in text
    assert "得票" in text and "反对" not in text and "弃权" not in text
    assert text.count("另选他人（写姓名）") == 3  # one per seat


def test_sheet_has_the_reconciliation_block_with_every_figure():
    text = text_of(villagers_tally_sheet_pdf(spec()))
    for line in (
        "印制（领取）选票62张＝发出选票58张＋作废选票（损坏调换）1张＋未使用选票3张",
        "领票登记58人",
        "收回选票57张",
        "有效票56张",
        "无效票1张",
        "使用委托投票2张",
        "流动票箱随箱发出选票8张，收回8张",
        "计票人：",
        "总监票人：",
    ):
        assert line in text, line


def test_combined_sheet_lists_each_box_and_their_sum():
    text = text_of(villagers_tally_sheet_pdf(spec()))
    assert "各投票点选票清点" in text
    assert "中心会场：村委会525049111502" in text
    assert "流动票箱：一组108800280" in text
    assert "合计625857113582" in text


def test_figures_not_counted_print_as_lines_to_fill_in():
    blank = BallotCount(issued=None, show_proxies=True)
    text = text_of(villagers_tally_sheet_pdf(spec(count=blank, boxes=[])))
    assert "印制选票＿＿＿＿张＝发出选票＿＿＿＿张" in text
    assert "使用委托投票＿＿＿＿张" in text and "流动票箱" not in text


def test_congress_and_villagers_sheets_share_one_block():
    congress = TallySpec(
        title="某村党支部换届选举 计票单",
        candidates=["王建国", "李秀英", "张伟"],
        seats=2,
        expected=30,
        present=28,
        ballots_issued=28,
        reconciliation={"printed": 30, "spoiled": 1, "unused": 1},
    )
    text = text_of(tally_sheet_pdf(congress))
    lines = reconciliation_lines(
        BallotCount(issued=28, receipts=28, printed=30, spoiled=1, unused=1)
    )
    for line in lines:
        assert squeeze(line) in text, line
    assert "使用委托投票" not in text


def test_refuses_a_post_without_candidates():
    with pytest.raises(ValueError, match="候选人名单为空"):
        villagers_tally_sheet_pdf(spec(sections=[TallySection("主任", 1, [])]))


# --- the pages ------------------------------------------------------------------------------


def entered(world, actor):
    election, people = make_election(world)
    nominate_all(election, people, actor)
    main, mobile = boxes_with_staff(election, people)
    for box, issued, votes, rec in (
        (main, 50, MAIN_VOTES, checks.Reconciliation(55, 2, 3, 50, 2)),
        (mobile, 10, MOBILE_VOTES, checks.Reconciliation(12, 0, 2, 10, 0)),
    ):
        box.refresh_from_db()
        vv.box_enter(
            box=box,
            version=box.version,
            actor=actor,
            ballots_issued=issued,
            ballots_returned=issued,
            ballots_invalid=0,
            votes=votes,
            reconciliation=rec,
            acknowledgements=checks.AcknowledgeAll("委托投票经村选举委员会登记"),
        )
    return election, main, mobile


@pytest.mark.django_db
def test_box_sheet_from_its_page_carries_the_box_figures(client, world, personas):
    _election, main, mobile = entered(world, personas["staff_a"])
    client.force_login(personas["staff_a"])
    page = client.get(f"/villagers/boxes/{mobile.pk}/").content.decode()
    assert f"/villagers/boxes/{mobile.pk}/tally.pdf" in page
    response = client.get(f"/villagers/boxes/{mobile.pk}/tally.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    assert "流动票箱（流动票箱一）计票单" in text
    assert "随箱领取选票12张＝发出选票10张＋作废选票（损坏调换）0张＋未使用选票2张" in text
    assert "流动票箱随箱发出选票10张，收回10张" in text
    assert "主任栏" in text and "副主任栏" in text and "委员栏" in text
    main_text = text_of(client.get(f"/villagers/boxes/{main.pk}/tally.pdf").content)
    assert "使用委托投票2张" in main_text and "流动票箱随箱" not in main_text


@pytest.mark.django_db
def test_round_sheet_sums_every_box_and_later_rounds_have_their_own(client, world, personas):
    election, _main, _mobile = entered(world, personas["staff_a"])
    vv.election_count(election=election, actor=personas["staff_a"])
    first = election.vote_rounds.get(post="director", round_type="first")
    client.force_login(personas["reviewer"])
    assert (
        f"/villagers/rounds/{first.pk}/tally.pdf"
        in client.get(f"/villagers/rounds/{first.pk}/").content.decode()
    )
    text = text_of(client.get(f"/villagers/rounds/{first.pk}/tally.pdf").content)
    assert "第1轮汇总计票单" in text
    assert "印制（领取）选票67张＝发出选票60张＋作废选票（损坏调换）2张＋未使用选票5张" in text
    assert "领票登记60人" in text and "使用委托投票2张" in text
    assert "流动票箱随箱发出选票10张，收回10张" in text
    assert "合计676060025602" in text  # printed, issued, returned, invalid, … of both boxes

    later = election.vote_rounds.get(round_type="supplementary")
    text = text_of(client.get(f"/villagers/rounds/{later.pk}/tally.pdf").content)
    assert f"第{later.number}轮计票单" in text and "各投票点" not in text
    assert "印制（领取）选票＿＿＿＿张" in text


@pytest.mark.django_db
def test_a_box_entered_again_answers_only_for_its_new_figures(world, personas):
    _election, main, _mobile = entered(world, personas["staff_a"])
    warned = set(main.acknowledgements.values_list("code", flat=True))
    assert warned  # the proxies used warn on the main box
    main.refresh_from_db()
    vv.box_enter(
        box=main,
        version=main.version,
        actor=personas["staff_a"],
        ballots_issued=50,
        ballots_returned=50,
        ballots_invalid=0,
        votes=MAIN_VOTES,
        reconciliation=checks.Reconciliation(55, 2, 3, 50, 2),
        acknowledgements=checks.AcknowledgeAll("复核后重新录入"),
    )
    reasons = set(main.acknowledgements.values_list("reason", flat=True))
    assert reasons == {"复核后重新录入"}
    assert set(main.acknowledgements.values_list("code", flat=True)) == warned
