"""The counting rules of the party congress and the villagers' election, one row per rule.
No database."""

from fractions import Fraction

import pytest

from ballots.counting import (
    PARTY_SOURCE,
    VILLAGERS_SOURCE,
    CountingRules,
    ElectionKind,
    MajorityBase,
    Quorum,
    count_round,
    default_rules,
    rules_for,
)
from ballots.record import parse_record

A, B, C, D, E = "王建国", "李秀英", "张伟", "刘洋", "陈静"
WRITE_IN = "赵磊"


def ballots(n: int, *for_names: str, **lists) -> list[dict]:
    """``n`` identical ballots voting for ``for_names`` (other lists by keyword)."""
    ballot = {"for": list(for_names), "against": [], "abstain": [], "write_in": []}
    ballot.update({key: list(names) for key, names in lists.items()})
    return [dict(ballot) for _ in range(n)]


def record(
    *,
    election="party-committee",
    seats=2,
    expected=50,
    present=45,
    issued=None,
    candidates=(A, B, C, D),
    ballot_list=None,
    totals=None,
    rules=None,
    round_kind=None,
) -> dict:
    data = {
        "format": "ballot-record/1",
        "election": election,
        "seats": seats,
        "expected": expected,
        "present": present,
        "ballots_issued": present if issued is None else issued,
        "candidates": list(candidates),
    }
    if totals is not None:
        data["totals"] = totals
    else:
        data["ballots"] = ballot_list or []
    if rules is not None:
        data["rules"] = rules
    if round_kind is not None:
        data["round"] = round_kind
    return data


def count(data: dict):
    return count_round(parse_record(data))


def rule(name, data, outcome, elected=(), tied=(), unfilled=0):
    return pytest.param(data, outcome, list(elected), list(tied), unfilled, id=name)


VILLAGERS = {"election": "villagers-committee", "expected": 100}
VILLAGERS_SUPPLEMENTARY = {
    "election": "villagers-post",
    "seats": 1,
    "expected": 100,
    "present": 60,
    "round_kind": "supplementary",
}

# One row per rule: the record, then the expected outcome, elected, tied and unfilled.
RULES = [
    rule(
        "more than half of those present elects",
        record(ballot_list=ballots(23, A, B) + ballots(22, A)),
        "elected",
        [A, B],
    ),
    rule(
        "exactly half of those present is not enough",
        record(present=44, ballot_list=ballots(22, A, B) + ballots(22, A)),
        "shortfall",
        [A],
        unfilled=1,
    ),
    rule(
        "tie at the cut-off goes to a re-vote",
        record(ballot_list=ballots(15, A, B) + ballots(15, A, C) + ballots(10, B, C)),
        "tie",
        [A],
        [B, C],
        1,
    ),
    rule(
        "one seat goes to the single qualifier",
        record(seats=1, ballot_list=ballots(25, A) + ballots(20, B)),
        "elected",
        [A],
    ),
    rule(
        "three tied for two seats all go to the re-vote",
        record(
            seats=3,
            ballot_list=ballots(12, A, B, C) + ballots(12, A, B, D) + ballots(12, A, C, D),
        ),
        "tie",
        [A],
        [B, C, D],
        2,
    ),
    rule(
        "tie below the cut-off does not matter",
        record(
            seats=3,
            candidates=(A, B, C, D, E),
            totals={"returned": 45, "invalid": 0, "for": {A: 30, B: 28, C: 26, D: 24, E: 24}},
        ),
        "elected",
        [A, B, C],
    ),
    rule(
        "tie among names short of half is not a re-vote",
        record(ballot_list=ballots(30, A) + ballots(15, B, C)),
        "shortfall",
        [A],
        unfilled=1,
    ),
    rule(
        "shortfall leaves seats unfilled",
        record(seats=3, ballot_list=ballots(30, A, B) + ballots(15, C)),
        "shortfall",
        [A, B],
        unfilled=1,
    ),
    rule(
        "returned more than issued voids the round",
        record(issued=44, ballot_list=ballots(45, A, B)),
        "void",
        unfilled=2,
    ),
    rule(
        "returned equal to issued stands, invalid ballots included",
        record(issued=45, ballot_list=ballots(44, A, B) + ballots(1, A, B, C)),
        "elected",
        [A, B],
    ),
    rule(
        "an invalid ballot still counts as returned",
        record(issued=44, ballot_list=ballots(44, A, B) + ballots(1, A, B, C)),
        "void",
        unfilled=2,
    ),
    rule(
        "quorum exactly 4/5 fails under more-than-4/5",
        record(expected=50, present=40, ballot_list=ballots(40, A, B)),
        "void",
        unfilled=2,
    ),
    rule(
        "quorum just over 4/5 passes under more-than-4/5",
        record(expected=50, present=41, ballot_list=ballots(41, A, B)),
        "elected",
        [A, B],
    ),
    rule(
        "quorum exactly 4/5 passes under at-least-4/5",
        record(present=40, rules={"quorum": "at-least-4/5"}, ballot_list=ballots(40, A, B)),
        "elected",
        [A, B],
    ),
    rule(
        "quorum below 4/5 fails under at-least-4/5",
        record(present=39, rules={"quorum": "at-least-4/5"}, ballot_list=ballots(39, A, B)),
        "void",
        unfilled=2,
    ),
    rule(
        "quorum none counts any attendance",
        record(present=10, rules={"quorum": "none"}, ballot_list=ballots(10, A, B)),
        "elected",
        [A, B],
    ),
    rule(
        "blank ballot is valid",
        record(ballot_list=ballots(40, A, B) + ballots(5)),
        "elected",
        [A, B],
    ),
    rule(
        "too many names invalidates the ballot",
        record(ballot_list=ballots(22, A, B) + ballots(23, A, B, C)),
        "shortfall",
        unfilled=2,
    ),
    rule(
        "a write-in counts toward too many names",
        record(ballot_list=ballots(22, A, B) + ballots(23, A, B, write_in=[WRITE_IN])),
        "shortfall",
        unfilled=2,
    ),
    rule(
        "write-in counts as a for vote",
        record(ballot_list=ballots(30, A, against=[B], write_in=[WRITE_IN]) + ballots(15, A, B)),
        "elected",
        [A, WRITE_IN],
    ),
    rule(
        "against and abstain are not votes",
        record(ballot_list=ballots(45, A, against=[B], abstain=[C, D])),
        "shortfall",
        [A],
        unfilled=1,
    ),
    rule(
        "expected as majority base, just over half",
        record(rules={"majority_base": "expected"}, ballot_list=ballots(26, A, B) + ballots(19, A)),
        "elected",
        [A, B],
    ),
    rule(
        "expected as majority base, half of present is not enough",
        record(rules={"majority_base": "expected"}, ballot_list=ballots(25, A, B) + ballots(20, A)),
        "shortfall",
        [A],
        unfilled=1,
    ),
    rule(
        "supplementary party round keeps the majority",
        record(round_kind="supplementary", ballot_list=ballots(22, A, B) + ballots(23, A)),
        "shortfall",
        [A],
        unfilled=1,
    ),
    rule(
        "quorum applies to a supplementary round",
        record(round_kind="supplementary", present=40, ballot_list=ballots(40, A, B)),
        "void",
        unfilled=2,
    ),
    rule(
        "villagers quorum exactly half of registered voters fails",
        record(**VILLAGERS, present=50, ballot_list=ballots(50, A, B)),
        "void",
        unfilled=2,
    ),
    rule(
        "villagers quorum just over half of registered voters passes",
        record(**VILLAGERS, present=51, ballot_list=ballots(51, A, B)),
        "elected",
        [A, B],
    ),
    rule(
        "villagers majority is of those who voted, not of registered voters",
        record(**VILLAGERS, present=60, ballot_list=ballots(31, A, B) + ballots(29, A)),
        "elected",
        [A, B],
    ),
    rule(
        "villagers half of those who voted is not enough",
        record(**VILLAGERS, present=60, ballot_list=ballots(30, A, B) + ballots(30, A)),
        "shortfall",
        [A],
        unfilled=1,
    ),
    rule(
        "supplementary villagers round needs one third, then plurality",
        record(
            **VILLAGERS_SUPPLEMENTARY, ballot_list=ballots(20, A) + ballots(19, B) + ballots(21, C)
        ),
        "elected",
        [C],
    ),
    rule(
        "supplementary villagers round below one third fails",
        record(
            **VILLAGERS_SUPPLEMENTARY, ballot_list=ballots(19, A) + ballots(18, B) + ballots(23)
        ),
        "shortfall",
        unfilled=1,
    ),
    rule(
        "supplementary villagers round exactly one third is enough",
        record(**VILLAGERS_SUPPLEMENTARY, ballot_list=ballots(20, A) + ballots(40)),
        "elected",
        [A],
    ),
    rule(
        "supplementary villagers tie at the cut-off goes to a re-vote",
        record(
            **VILLAGERS_SUPPLEMENTARY, ballot_list=ballots(25, A) + ballots(25, B) + ballots(10, C)
        ),
        "tie",
        [],
        [A, B],
        1,
    ),
    rule(
        "villagers quorum applies to a supplementary round",
        record(**{**VILLAGERS_SUPPLEMENTARY, "present": 50}, ballot_list=ballots(50, A)),
        "void",
        unfilled=1,
    ),
    rule(
        "totals counted on paper follow the same rules",
        record(
            totals={
                "returned": 45,
                "invalid": 2,
                "for": {A: 40, B: 23, C: 22, WRITE_IN: 1},
                "against": {A: 2},
                "abstain": {C: 1},
            }
        ),
        "elected",
        [A, B],
    ),
    rule(
        "void comes before tie",
        record(issued=44, totals={"returned": 45, "invalid": 0, "for": {A: 30, B: 30, C: 30}}),
        "void",
        unfilled=2,
    ),
]


@pytest.mark.parametrize(("data", "outcome", "elected", "tied", "unfilled"), RULES)
def test_counting_rules(data, outcome, elected, tied, unfilled):
    result = count(data)

    assert result.outcome == outcome
    assert result.valid == (outcome != "void")
    assert sorted(result.elected) == sorted(elected)
    assert sorted(result.tied) == sorted(tied)
    assert result.unfilled == unfilled
    if outcome == "void":
        assert not any(row.elected for row in result.results)


@pytest.mark.parametrize(
    ("data", "threshold"),
    [
        pytest.param(record(present=45), 22, id="threshold is half of present rounded down"),
        pytest.param(record(present=44), 22, id="threshold of an even base"),
        pytest.param(
            record(expected=50, rules={"majority_base": "expected"}),
            25,
            id="threshold of expected as base",
        ),
        pytest.param(
            record(round_kind="supplementary"), 22, id="supplementary party round has a threshold"
        ),
        pytest.param(
            record(election="villagers-post", seats=1, expected=80, round_kind="supplementary"),
            None,
            id="supplementary villagers round has no threshold",
        ),
    ],
)
def test_threshold(data, threshold):
    assert count(data).threshold == threshold


def test_invalid_ballots_are_returned_but_give_no_votes():
    result = count(record(ballot_list=ballots(40, A, B) + ballots(5, A, B, C, against=[D])))

    assert (result.ballots_returned, result.ballots_invalid, result.ballots_valid) == (45, 5, 40)
    row = {r.name: r for r in result.results}
    assert (row[A].votes, row[C].votes, row[D].against) == (40, 0, 0)


def test_results_list_every_printed_name_by_votes_then_name():
    result = count(record(ballot_list=ballots(30, C, against=[A])))

    assert [(r.name, r.votes, r.against) for r in result.results] == [
        (C, 30, 0),
        *sorted([(A, 0, 30), (B, 0, 0), (D, 0, 0)]),
    ]


def test_elected_are_listed_by_votes():
    result = count(record(ballot_list=ballots(30, B, A) + ballots(10, B)))

    assert result.elected == (B, A)


def test_rules_stored_as_text_are_read_as_settings():
    rules = CountingRules(
        quorum="at-least-4/5", majority_base="expected", supplementary_min_share="1/3", source="x"
    )

    assert rules.quorum is Quorum.AT_LEAST_4_5
    assert rules.majority_base is MajorityBase.EXPECTED
    assert rules.supplementary_min_share == Fraction(1, 3)


def test_write_in_on_an_invalid_ballot_is_not_listed():
    result = count(record(ballot_list=ballots(45, A, B, write_in=[WRITE_IN])))

    assert WRITE_IN not in {r.name for r in result.results}


def test_void_round_elects_no_one_and_keeps_the_tallies():
    result = count(record(issued=44, ballot_list=ballots(45, A, B)))

    assert result.to_json_dict()["valid"] is False
    assert result.reasons == ("ballots-exceed-issued",)
    assert result.results[0].votes == 45
    assert result.explanation[-1] == "本轮选举无效，应重新选举。"


def test_explanation_reads_as_in_the_format_document():
    result = count(record(seats=1, ballot_list=ballots(40, A, against=[B]) + ballots(5, B)))

    assert "王建国 得票 40，超过实到会有选举权人数 45 的半数，当选。" in result.explanation
    assert all(sentence.endswith("。") and "\n" not in sentence for sentence in result.explanation)


def test_explanation_has_one_sentence_for_a_tie():
    result = count(record(ballot_list=ballots(15, A, B) + ballots(15, A, C) + ballots(10, B, C)))

    tie = [sentence for sentence in result.explanation if "应就这" in sentence]
    assert tie == [
        (
            "张伟、李秀英 各得票 25，均超过实到会有选举权人数 45 的半数，同票争剩余的 1 个名额，"
            "应就这 2 人重新投票。"
        )
    ]


def test_output_object_has_the_documented_keys_in_order():
    output = count(record(ballot_list=ballots(45, A, B))).to_json_dict()

    assert list(output) == [
        "valid",
        "outcome",
        "reasons",
        "quorum_met",
        "ballots_returned",
        "ballots_invalid",
        "ballots_valid",
        "threshold",
        "results",
        "elected",
        "tied",
        "unfilled",
        "explanation",
    ]
    assert list(output["results"][0]) == ["name", "votes", "against", "abstain", "elected"]


@pytest.mark.parametrize(
    ("election", "quorum", "share", "source"),
    [
        ("party-committee", Quorum.MORE_THAN_4_5, None, PARTY_SOURCE),
        ("party-secretary", Quorum.MORE_THAN_4_5, None, PARTY_SOURCE),
        ("villagers-committee", Quorum.MORE_THAN_1_2, Fraction(1, 3), VILLAGERS_SOURCE),
        ("villagers-post", Quorum.MORE_THAN_1_2, Fraction(1, 3), VILLAGERS_SOURCE),
    ],
)
def test_default_rules_per_election_kind(election, quorum, share, source):
    rules = default_rules(ElectionKind(election))

    assert rules.quorum == quorum
    assert rules.majority_base == MajorityBase.PRESENT
    assert rules.supplementary_min_share == share
    assert rules.source == source


def test_overridden_rule_says_so_in_its_source():
    rules = rules_for(ElectionKind.PARTY_COMMITTEE, quorum=Quorum.AT_LEAST_4_5)

    assert rules.source.startswith(PARTY_SOURCE)
    assert "quorum" in rules.source
    assert rules_for(ElectionKind.PARTY_COMMITTEE) == default_rules(ElectionKind.PARTY_COMMITTEE)
