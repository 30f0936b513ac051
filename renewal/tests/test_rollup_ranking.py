"""Ranking, ties and the notice text (pure)."""

import datetime

import pytest

from renewal.rollup.services import TIE_RULE, RankRow, notice_text, rank_regions


def row(code, done, weighted, units=10, name=None):
    return RankRow(
        region_id=int(code),
        code=code,
        name=name or f"镇{code}",
        units=units,
        done_share=done,
        weighted=weighted,
    )


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [row("3", 0.5, 0.6), row("1", 0.2, 0.9), row("2", 0.8, 0.8)],
            [("2", 1), ("3", 2), ("1", 3)],
        ),
        (
            [row("1", 0.5, 0.5), row("2", 0.5, 0.7)],
            [("2", 1), ("1", 2)],
        ),
        (
            [row("2", 0.5, 0.7), row("1", 0.5, 0.7), row("3", 0.1, 0.2)],
            [("1", 1), ("2", 1), ("3", 3)],
        ),
        (
            [row("1", 0.5004, 0.7), row("2", 0.5001, 0.7)],
            [("1", 1), ("2", 1)],
        ),
        (
            [row("1", 0.0, 0.0, units=0), row("2", 0.0, 0.1)],
            [("2", 1), ("1", None)],
        ),
    ],
    ids=[
        "higher done share ranks first",
        "equal done share: weighted progress decides",
        "equal on both: same rank, listed by code, next rank skipped",
        "equal to 0.1 percentage point is a tie",
        "a township without units is not ranked",
    ],
)
def test_rank_regions(rows, expected):
    assert [(r.code, r.rank) for r in rank_regions(rows)] == expected


def test_notice_text_names_ranking_laggards_and_rule():
    text = notice_text(
        county_name="和林格尔县",
        day=datetime.date(2026, 3, 5),
        ranking=[
            {
                "rank": 1,
                "name": "城关镇",
                "done_share": 0.5,
                "done": 1,
                "units": 2,
                "weighted": 0.75,
            },
            {"rank": None, "name": "空镇", "done_share": 0, "done": 0, "units": 0, "weighted": 0},
        ],
        county={
            "units": 3,
            "stage_counts": {"preparation": 2, "done": 1},
            "done_share": 1 / 3,
            "weighted": 0.5,
            "overdue": 1,
            "figures": {"candidates_entered": 12},
            "report": {"disputes_mediated": 156, "problems_solved": 218},
        },
        figure_labels={"candidates_entered": "录入人选（人）"},
        laggards=["盛乐镇"],
        late=["城关镇"],
    )
    assert text.startswith("【和林格尔县村(社区)“两委”换届工作日通报】\n2026年3月5日")
    assert "全县共 3 个村(社区)，已完成换届 1 个（33.3%）" in text
    assert "1. 城关镇：完成 50.0%（1/2），加权进度 75.0%" in text
    assert "空镇" not in text
    assert "录入人选（人） 12" in text
    assert "化解矛盾纠纷（件） 156；为群众办实事（件） 218" in text
    assert "未报送日报的乡镇(街道)（1 个）：盛乐镇。" in text
    assert "逾时报送：城关镇。" in text
    assert text.endswith(TIE_RULE)


def test_notice_text_when_everyone_reported():
    text = notice_text(
        county_name="县",
        day=datetime.date(2026, 3, 5),
        ranking=[],
        county={
            "units": 0,
            "stage_counts": {},
            "done_share": 0,
            "weighted": 0,
            "overdue": 0,
            "figures": {},
            "report": {},
        },
        figure_labels={},
        laggards=[],
        late=[],
    )
    assert "各乡镇(街道)均已报送日报。" in text
