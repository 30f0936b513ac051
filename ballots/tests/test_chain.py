"""The entry chain's arithmetic (ballots.chain): pure, no database."""

import dataclasses
import datetime

import pytest

from ballots.chain import Head, Link, check_chain, entry_figures, entry_hash

WHEN = datetime.datetime(2026, 11, 20, 9, 30, 15, 123456, tzinfo=datetime.UTC)
FIRST = entry_figures(
    ballots_issued=10,
    totals={"returned": 10, "invalid": 0, "for": {"王建国": 9}, "against": {}, "abstain": {}},
    ballots=None,
)
SECOND = dict(FIRST)


def chained(*figures_list, who=(7, 8)) -> list[Link]:
    links, previous = [], ""
    for n, figures in enumerate(figures_list):
        when = WHEN + datetime.timedelta(minutes=n)
        digest = entry_hash(previous, figures=figures, entered_by=who[n], entered_at=when)
        links.append(Link(previous, digest, figures, who[n], when))
        previous = digest
    return links


def changed(links, position, **fields):
    links = list(links)
    links[position - 1] = dataclasses.replace(links[position - 1], **fields)
    return links


def test_the_same_instant_in_another_time_zone_hashes_the_same():
    beijing = WHEN.astimezone(datetime.timezone(datetime.timedelta(hours=8)))
    assert entry_hash("", figures=FIRST, entered_by=7, entered_at=beijing) == entry_hash(
        "", figures=FIRST, entered_by=7, entered_at=WHEN
    )


def test_untouched_chain_is_intact():
    verdict = check_chain(chained(FIRST, SECOND), counted_from=SECOND)
    assert verdict.intact and verdict.entries == 2 and verdict.sentence == "记录链完整"


@pytest.mark.parametrize(
    ("tamper", "broken_at"),
    [
        pytest.param(
            lambda links: changed(links, 1, figures={**FIRST, "ballots_issued": 11}),
            1,
            id="a figure of the first entry changed",
        ),
        pytest.param(lambda links: changed(links, 2, entered_by=9), 2, id="who entered changed"),
        pytest.param(
            lambda links: changed(links, 2, entered_at=WHEN), 2, id="when it was entered changed"
        ),
        pytest.param(lambda links: changed(links, 2, prev_hash="0" * 64), 2, id="link replaced"),
        pytest.param(lambda links: links[1:], 1, id="first entry deleted"),
        pytest.param(
            lambda links: [chained({**FIRST, "ballots_issued": 11})[0], links[1]],
            2,
            id="first entry changed and rehashed: the next one's link no longer matches",
        ),
    ],
)
def test_a_changed_entry_breaks_the_chain_where_it_was_changed(tamper, broken_at):
    verdict = check_chain(tamper(chained(FIRST, SECOND)))
    assert verdict.broken_at == broken_at
    assert verdict.sentence == f"记录链在第 {broken_at} 条处断开"


def test_round_counted_from_other_figures_is_reported():
    verdict = check_chain(chained(FIRST, SECOND), counted_from={**SECOND, "ballots_issued": 9})
    assert not verdict.intact and verdict.broken_at is None
    assert "不一致" in verdict.sentence


def test_no_entries_yet():
    assert check_chain([]).sentence == "尚无录入记录"


def test_chain_ending_where_its_head_says_is_intact():
    links = chained(FIRST, SECOND)
    head = Head(head_hash=links[-1].entry_hash, length=2)
    assert check_chain(links, head=head).intact


def test_last_entry_missing_is_reported_against_the_head():
    links = chained(FIRST, SECOND)
    head = Head(head_hash=links[-1].entry_hash, length=2)
    verdict = check_chain(links[:1], head=head)
    assert not verdict.intact and verdict.broken_at is None
    assert verdict.sentence == "记录链末尾的录入缺失：应有 2 条，现存 1 条"
    assert check_chain([], head=head).sentence == "记录链末尾的录入缺失：应有 2 条，现存 0 条"


def test_last_entry_replaced_by_a_rehashed_one_is_reported_against_the_head():
    links = chained(FIRST, SECOND)
    head = Head(head_hash=links[-1].entry_hash, length=2)
    forged = chained(FIRST, {**SECOND, "ballots_issued": 11})
    verdict = check_chain(forged, head=head)
    assert not verdict.intact and verdict.sentence == "记录链最后一条录入与保存时不一致"
