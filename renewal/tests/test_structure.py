"""班子结构: the pure statistics, table-driven (no database)."""

import datetime

import pytest

from renewal.rollup.structure import (
    Member,
    Targets,
    TermFacts,
    committee_figures,
    shortfall_labels,
    structure_summary,
    two_up_one_down,
    unit_compliance,
)

D = datetime.date
ELECTED = D(2026, 3, 1)
BORN = D(1980, 1, 1)


def m(pid, *, sex="M", born=BORN, edu="senior", post="party_member", tags=()):
    return Member(pid, sex, born, edu, post, tuple(tags))


def party(unit, *members, on=ELECTED):
    return TermFacts(unit, "party", on, tuple(members))


def villagers(unit, *members, on=ELECTED):
    return TermFacts(unit, "villagers", on, tuple(members))


def test_figures_count_a_person_on_both_committees_once():
    secretary = m(1, post="secretary", edu="college", born=D(1990, 3, 2))
    figs = committee_figures(
        [
            party(1, secretary, m(2, sex="F")),
            villagers(1, m(1, post="director", edu="college", born=D(1990, 3, 2)), m(3)),
        ]
    )
    assert figs.units == 1 and figs.members == 3
    assert figs.one_shoulder == 1.0  # the secretary is the director
    assert figs.cross_posts == pytest.approx(1 / 3, abs=1e-4)
    assert figs.women == pytest.approx(1 / 3, abs=1e-4)
    assert figs.college == pytest.approx(1 / 3, abs=1e-4)
    # ages on 2026-03-01: 35 (born 1990-03-02 → not yet 36), 46, 46
    assert figs.average_age == pytest.approx((35 + 46 + 46) / 3, abs=0.05)
    assert figs.under35 == 0.0 and figs.under40 == pytest.approx(1 / 3, abs=1e-4)


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        ([party(1, m(1, post="secretary"))], None),
        ([party(1, m(1, post="secretary")), villagers(1, m(2, post="director"))], 0.0),
        ([party(1, m(1, post="secretary")), villagers(1, m(1, post="director"))], 1.0),
        (
            [
                party(1, m(1, post="secretary")),
                villagers(1, m(1, post="director")),
                party(2, m(3, post="secretary")),
                villagers(2, m(4, post="director")),
            ],
            0.5,
        ),
    ],
    ids=[
        "one-shoulder needs both committees elected",
        "different persons are not one-shoulder",
        "secretary who is director is one-shoulder",
        "ratio over units with both committees",
    ],
)
def test_one_shoulder_ratio(terms, expected):
    assert committee_figures(terms).one_shoulder == expected


def test_veterans_share_reads_the_person_tag():
    figs = committee_figures([party(1, m(1, tags=["veteran"]), m(2), m(3), m(4))])
    assert figs.veterans == 0.25


def test_no_terms_gives_unknowns_not_zeros():
    figs = committee_figures([])
    assert figs.members == 0 and figs.average_age is None and figs.women is None


@pytest.mark.parametrize(
    ("now", "before", "met", "age_change"),
    [
        (
            [party(1, m(1, edu="college", sex="F", born=D(1990, 1, 1)), m(2))],
            [party(1, m(3, born=D(1970, 1, 1)), m(4))],
            True,
            -10.0,
        ),
        (
            [party(1, m(1, edu="college", born=D(1990, 1, 1)), m(2))],
            [party(1, m(3, sex="F", born=D(1970, 1, 1)), m(4))],
            False,
            -10.0,
        ),
        ([party(1, m(1))], [], False, None),
    ],
    ids=["education up, women up, age down", "women down fails", "no previous term"],
)
def test_two_up_one_down(now, before, met, age_change):
    verdict = two_up_one_down(committee_figures(now), committee_figures(before))
    assert verdict["met"] is met
    assert verdict["age_change"] == age_change


@pytest.mark.parametrize(
    ("members", "shortfalls"),
    [
        (
            [
                m(1, sex="F", edu="college", born=D(1995, 1, 1)),
                m(2, edu="bachelor"),
            ],
            [],
        ),
        ([m(1, edu="college", born=D(1995, 1, 1)), m(2, edu="bachelor")], ["women"]),
        ([m(1, sex="F", edu="college"), m(2, edu="bachelor")], ["young"]),
        ([m(1, sex="F", edu="college", born=D(1995, 1, 1)), m(2)], ["college"]),
        ([m(1)], ["women", "young", "college"]),
    ],
    ids=[
        "a woman, a member under 35 and two with 大专+ comply",
        "no woman",
        "nobody under 35",
        "only one member with 大专+",
        "misses every target",
    ],
)
def test_unit_compliance(members, shortfalls):
    result = unit_compliance(7, [party(7, *members)], Targets())
    assert result.shortfalls == shortfalls
    assert result.compliant is (not shortfalls)


def test_targets_are_data():
    strict = Targets(college_min=3)
    members = [m(1, sex="F", edu="college", born=D(1995, 1, 1)), m(2, edu="bachelor")]
    assert unit_compliance(1, [party(1, *members)], strict).shortfalls == ["college"]
    assert shortfall_labels(["college"], strict) == ["大专及以上成员少于 3 名"]


def test_summary_lists_noncompliant_units_in_order():
    good = [m(1, sex="F", edu="college", born=D(1995, 1, 1)), m(2, edu="bachelor")]
    summary = structure_summary(
        [party(3, m(10)), party(1, *good), party(2, m(20, sex="F"))], [], Targets()
    )
    assert summary["compliance"]["units"] == 3 and summary["compliance"]["compliant"] == 1
    assert [row[0] for row in summary["noncompliant"]] == [2, 3]
