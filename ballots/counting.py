"""Counting one election round: the party congress rules (中国共产党基层组织选举工作条例) and the
villagers' committee rules (村民委员会组织法 and the provincial 办法).

Pure functions over frozen dataclasses: no ORM, no settings. The JSON file format
(ballot-record/1) is parsed and validated in ``ballots.record``; a DB-backed service can
build a ``BallotRecord`` itself, with ``CountingRules`` from its versioned rule
settings, and call ``count_round``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from fractions import Fraction
from itertools import chain, compress
from operator import add, attrgetter
from typing import NamedTuple


class ElectionKind(StrEnum):
    PARTY_COMMITTEE = "party-committee"
    PARTY_SECRETARY = "party-secretary"
    VILLAGERS_COMMITTEE = "villagers-committee"
    VILLAGERS_POST = "villagers-post"

    @property
    def is_party(self) -> bool:
        return self in (ElectionKind.PARTY_COMMITTEE, ElectionKind.PARTY_SECRETARY)


class RoundKind(StrEnum):
    FIRST = "first"
    SUPPLEMENTARY = "supplementary"  # 另行选举


class Quorum(StrEnum):
    MORE_THAN_4_5 = "more-than-4/5"
    AT_LEAST_4_5 = "at-least-4/5"
    MORE_THAN_1_2 = "more-than-1/2"
    NONE = "none"


class MajorityBase(StrEnum):
    PRESENT = "present"
    EXPECTED = "expected"


class Outcome(StrEnum):
    # Declaration order is the order of precedence: the first that applies wins.
    VOID = "void"
    TIE = "tie"
    SHORTFALL = "shortfall"
    ELECTED = "elected"


class Reason(StrEnum):
    QUORUM_NOT_MET = "quorum-not-met"
    BALLOTS_EXCEED_ISSUED = "ballots-exceed-issued"
    TIE_AT_CUT_OFF = "tie-at-cut-off"
    SEATS_UNFILLED = "seats-unfilled"


@dataclass(frozen=True)
class _QuorumSpec:
    numerator: int
    denominator: int
    strict: bool  # "more than" when true, "at least" when false
    words: str


_QUORUM_SPECS: Mapping[Quorum, _QuorumSpec] = {
    Quorum.MORE_THAN_4_5: _QuorumSpec(4, 5, True, "五分之四"),
    Quorum.AT_LEAST_4_5: _QuorumSpec(4, 5, False, "五分之四"),
    Quorum.MORE_THAN_1_2: _QuorumSpec(1, 2, True, "半数"),
}

# (strict, met) -> how attendance compares with the quorum.
_RELATIONS = {
    (True, True): "超过",
    (True, False): "未超过",
    (False, True): "不少于",
    (False, False): "少于",
}

_SHARE_WORDS: Mapping[Fraction, str] = {Fraction(1, 3): "三分之一", Fraction(1, 2): "二分之一"}

PARTY_SOURCE = "《中国共产党基层组织选举工作条例》(2020) 第二十八条"
VILLAGERS_SOURCE = "《中华人民共和国村民委员会组织法》第十五条"


@dataclass(frozen=True)
class CountingRules:
    """The rule settings one round is counted under.

    ``supplementary_min_share`` is the share of ballots returned that a winner of a
    supplementary round needs, seats then going by plurality; ``None`` means a
    supplementary round uses the same majority as a first round (the party rule).
    """

    quorum: Quorum
    majority_base: MajorityBase
    supplementary_min_share: Fraction | None
    source: str

    def __post_init__(self):
        # Settings stored as text (a DB row, a file) come in as "more-than-4/5", "1/3".
        object.__setattr__(self, "quorum", Quorum(self.quorum))
        object.__setattr__(self, "majority_base", MajorityBase(self.majority_base))
        if self.supplementary_min_share is not None:
            share = Fraction(self.supplementary_min_share)
            if not 0 < share <= 1:
                raise ValueError(f"supplementary_min_share must be in (0, 1], got {share}")
            object.__setattr__(self, "supplementary_min_share", share)


PARTY_RULES = CountingRules(
    quorum=Quorum.MORE_THAN_4_5,
    majority_base=MajorityBase.PRESENT,
    supplementary_min_share=None,
    source=PARTY_SOURCE,
)

VILLAGERS_RULES = CountingRules(
    # Quorum "more than half of registered voters vote" is checked against
    # ``present``: for villagers the record defines it as the voters who took a
    # ballot, i.e. 参加投票的村民 of 组织法 §15, the same people whose number is the
    # majority base. Ballots returned is not used because a voter who took a ballot
    # and failed to return it still took part in the vote; a short return shows up as
    # fewer valid votes for everyone instead.
    quorum=Quorum.MORE_THAN_1_2,
    majority_base=MajorityBase.PRESENT,
    supplementary_min_share=Fraction(1, 3),
    source=VILLAGERS_SOURCE,
)


def default_rules(election: ElectionKind) -> CountingRules:
    return PARTY_RULES if election.is_party else VILLAGERS_RULES


def rules_for(election: ElectionKind, **overrides) -> CountingRules:
    """Default rules of the election kind with some settings replaced.

    When a setting differs from the default, the source says so, so that an
    explanation never cites a regulation for a rule it does not contain.
    """
    base = default_rules(election)
    rules = replace(base, **overrides)
    changed = [
        name
        for name in ("quorum", "majority_base", "supplementary_min_share")
        if getattr(rules, name) != getattr(base, name)
    ]
    if changed and "source" not in overrides:
        rules = replace(rules, source=f"{base.source}；本轮另行规定了 {'、'.join(changed)}")
    return rules


class Ballot(NamedTuple):
    """One returned ballot. ``for_`` is the ballot's "for" list. A named tuple, not a
    dataclass: a file of 100 000 ballots is built with ``Ballot._make`` at C speed."""

    for_: tuple[str, ...] = ()
    against: tuple[str, ...] = ()
    abstain: tuple[str, ...] = ()
    write_in: tuple[str, ...] = ()

    def is_valid(self, seats: int) -> bool:
        # A write-in is a "for" vote; marking fewer names than seats, or none, is valid.
        return len(self.for_) + len(self.write_in) <= seats


@dataclass(frozen=True)
class Totals:
    """Counts made on paper, instead of individual ballots. Write-ins are in ``for_``."""

    returned: int
    invalid: int
    for_: Mapping[str, int] = field(default_factory=dict)
    against: Mapping[str, int] = field(default_factory=dict)
    abstain: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class BallotRecord:
    """One round of one election. Exactly one of ``ballots`` and ``totals`` is set."""

    election: ElectionKind
    seats: int
    expected: int
    present: int
    ballots_issued: int
    candidates: tuple[str, ...]
    rules: CountingRules
    ballots: tuple[Ballot, ...] | None = None
    totals: Totals | None = None
    round: RoundKind = RoundKind.FIRST
    # The result stored by the app, as read from the file; ``recount --verify``.
    result: Mapping | None = None

    @property
    def ballots_returned(self) -> int:
        if self.totals is not None:
            return self.totals.returned
        return len(self.ballots or ())


@dataclass(frozen=True)
class NameResult:
    name: str
    votes: int
    against: int
    abstain: int
    elected: bool

    def to_json_dict(self) -> dict:
        return {
            "name": self.name,
            "votes": self.votes,
            "against": self.against,
            "abstain": self.abstain,
            "elected": self.elected,
        }


@dataclass(frozen=True)
class CountResult:
    outcome: Outcome
    reasons: tuple[Reason, ...]
    quorum_met: bool
    ballots_returned: int
    ballots_invalid: int
    threshold: int | None
    results: tuple[NameResult, ...]
    elected: tuple[str, ...]
    tied: tuple[str, ...]
    unfilled: int
    explanation: tuple[str, ...]

    @property
    def valid(self) -> bool:
        return self.outcome != Outcome.VOID

    @property
    def ballots_valid(self) -> int:
        return self.ballots_returned - self.ballots_invalid

    def to_json_dict(self) -> dict:
        """The output object of ballot-record.md, keys in the documented order."""
        return {
            "valid": self.valid,
            "outcome": self.outcome.value,
            "reasons": [reason.value for reason in self.reasons],
            "quorum_met": self.quorum_met,
            "ballots_returned": self.ballots_returned,
            "ballots_invalid": self.ballots_invalid,
            "ballots_valid": self.ballots_valid,
            "threshold": self.threshold,
            "results": [result.to_json_dict() for result in self.results],
            "elected": list(self.elected),
            "tied": list(self.tied),
            "unfilled": self.unfilled,
            "explanation": list(self.explanation),
        }


# --- counting -----------------------------------------------------------------------


def quorum_met(rules: CountingRules, *, expected: int, present: int) -> bool:
    spec = _QUORUM_SPECS.get(rules.quorum)
    if spec is None:  # Quorum.NONE
        return True
    if spec.strict:
        return present * spec.denominator > expected * spec.numerator
    return present * spec.denominator >= expected * spec.numerator


@dataclass(frozen=True)
class _Tally:
    invalid: int
    votes: Mapping[str, int]
    against: Mapping[str, int]
    abstain: Mapping[str, int]


def _tally(record: BallotRecord) -> _Tally:
    if record.totals is not None:
        totals = record.totals
        return _Tally(totals.invalid, totals.for_, totals.against, totals.abstain)
    # Column by column over the valid ballots (an invalid one is returned but contributes
    # nothing); Counter counts at C speed.
    ballots = record.ballots or ()
    marked = map(
        add,
        map(len, map(attrgetter("for_"), ballots)),
        map(len, map(attrgetter("write_in"), ballots)),
    )
    valid = list(map(record.seats.__ge__, marked))  # Ballot.is_valid, for every ballot at once

    def counted(column: str) -> dict[str, int]:
        names = compress(map(attrgetter(column), ballots), valid)
        return dict(Counter(chain.from_iterable(names)))

    votes = Counter(counted("for_"))
    votes.update(counted("write_in"))
    return _Tally(valid.count(False), dict(votes), counted("against"), counted("abstain"))


def _ranked_names(record: BallotRecord, tally: _Tally) -> list[str]:
    """Printed names and every name with a vote: by votes descending, then by name."""
    names = set(record.candidates) | {name for name, n in tally.votes.items() if n > 0}
    return sorted(names, key=lambda name: (-tally.votes.get(name, 0), name))


def _by_plurality(record: BallotRecord) -> bool:
    return (
        record.round == RoundKind.SUPPLEMENTARY and record.rules.supplementary_min_share is not None
    )


def _majority_base(record: BallotRecord) -> int:
    if record.rules.majority_base == MajorityBase.EXPECTED:
        return record.expected
    return record.present


def _qualifies(record: BallotRecord, votes: int, returned: int) -> bool:
    if votes <= 0:
        # Only matters when the base is 0 (e.g. no ballot returned in a plurality
        # round): a seat is never filled by someone nobody voted for.
        return False
    share = record.rules.supplementary_min_share
    if _by_plurality(record):
        return votes * share.denominator >= returned * share.numerator
    return 2 * votes > _majority_base(record)


@dataclass(frozen=True)
class _Selection:
    elected: tuple[str, ...]
    tied: tuple[str, ...]
    qualified: frozenset[str]


def _select(qualified: list[tuple[str, int]], seats: int) -> _Selection:
    """``qualified`` is ranked by votes. A tie straddling the last seat goes to a re-vote."""
    names = frozenset(name for name, _ in qualified)
    if len(qualified) <= seats:
        return _Selection(tuple(name for name, _ in qualified), (), names)
    cut = qualified[seats - 1][1]
    if qualified[seats][1] != cut:
        return _Selection(tuple(name for name, _ in qualified[:seats]), (), names)
    above = tuple(name for name, votes in qualified if votes > cut)
    tied = tuple(name for name, votes in qualified if votes == cut)
    return _Selection(above, tied, names)


def count_round(record: BallotRecord) -> CountResult:
    """Count one round. ``record`` is assumed valid (see ``ballots.record.validate_record``)."""
    rules = record.rules
    returned = record.ballots_returned
    tally = _tally(record)
    met = quorum_met(rules, expected=record.expected, present=record.present)
    over_issued = returned > record.ballots_issued

    reasons: list[Reason] = []
    if not met:
        reasons.append(Reason.QUORUM_NOT_MET)
    if over_issued:
        reasons.append(Reason.BALLOTS_EXCEED_ISSUED)
    void = bool(reasons)

    names = _ranked_names(record, tally)
    if void:
        selection = _Selection((), (), frozenset())
    else:
        qualified = [
            (name, tally.votes.get(name, 0))
            for name in names
            if _qualifies(record, tally.votes.get(name, 0), returned)
        ]
        selection = _select(qualified, record.seats)

    if void:
        outcome = Outcome.VOID
        unfilled = record.seats
    else:
        unfilled = record.seats - len(selection.elected)
        if selection.tied:
            outcome = Outcome.TIE
            reasons.append(Reason.TIE_AT_CUT_OFF)
        elif unfilled:
            outcome = Outcome.SHORTFALL
            reasons.append(Reason.SEATS_UNFILLED)
        else:
            outcome = Outcome.ELECTED

    elected = set(selection.elected)
    results = tuple(
        NameResult(
            name=name,
            votes=tally.votes.get(name, 0),
            against=tally.against.get(name, 0),
            abstain=tally.abstain.get(name, 0),
            elected=name in elected,
        )
        for name in names
    )
    threshold = None if _by_plurality(record) else _majority_base(record) // 2
    explanation = _explain(
        record,
        met=met,
        over_issued=over_issued,
        invalid=tally.invalid,
        outcome=outcome,
        results=results,
        selection=selection,
        unfilled=unfilled,
    )
    return CountResult(
        outcome=outcome,
        reasons=tuple(reasons),
        quorum_met=met,
        ballots_returned=returned,
        ballots_invalid=tally.invalid,
        threshold=threshold,
        results=results,
        elected=selection.elected,
        tied=selection.tied,
        unfilled=unfilled,
        explanation=tuple(explanation),
    )


# --- explanation: one sentence per decision, to be read out at the meeting -----------


def _names(names) -> str:
    return "、".join(names)


def _share_words(share: Fraction) -> str:
    return _SHARE_WORDS.get(share, f"{share.numerator}/{share.denominator}")


def _quorum_sentence(record: BallotRecord, met: bool) -> str:
    if record.election == ElectionKind.PARTY_SECRETARY:
        # The new committee's plenary (or, where the county lets it, the congress) elects.
        counts = f"应参加选举的有选举权人员 {record.expected} 人，实到会 {record.present} 人"
        whole = "应参加选举人数"
        verdict = "会议有效" if met else "不得进行选举"
    elif record.election.is_party:
        counts = f"应到会有选举权的党员 {record.expected} 人，实到会 {record.present} 人"
        whole = "应到会人数"
        verdict = "会议有效" if met else "不得进行选举"
    else:
        counts = f"登记选民 {record.expected} 人，参加投票 {record.present} 人"
        whole = "登记选民人数"
        verdict = "投票人数符合规定" if met else "选举无效"
    spec = _QUORUM_SPECS.get(record.rules.quorum)
    if spec is None:
        return f"{counts}，本轮规则不设到会人数要求。"
    relation = _RELATIONS[spec.strict, met]
    return f"{counts}，{relation}{whole}的{spec.words}，{verdict}。"


def _ballots_sentence(record: BallotRecord, returned: int, over_issued: bool) -> str:
    if over_issued:
        return (
            f"发出选票 {record.ballots_issued} 张，收回 {returned} 张，"
            "收回数多于发出数，本次投票无效。"
        )
    return (
        f"发出选票 {record.ballots_issued} 张，收回 {returned} 张，"
        "收回数不多于发出数，本次投票有效。"
    )


def _invalid_sentence(record: BallotRecord, returned: int, invalid: int) -> str:
    if invalid == 0:
        return f"收回的 {returned} 张选票均为有效票。"
    return (
        f"收回的 {returned} 张选票中，所选人数多于应选名额 {record.seats} 名的无效票 "
        f"{invalid} 张，有效票 {returned - invalid} 张。"
    )


def _base_phrase(record: BallotRecord) -> str:
    party = record.election.is_party
    if record.rules.majority_base == MajorityBase.EXPECTED:
        label = "应到会有选举权人数" if party else "登记选民人数"
        return f"{label} {record.expected}"
    label = "实到会有选举权人数" if party else "参加投票的选民人数"
    return f"{label} {record.present}"


def _name_sentence(
    record: BallotRecord, result: NameResult, selection: _Selection, returned: int
) -> str:
    name, votes = result.name, result.votes
    if _by_plurality(record):
        share = _share_words(record.rules.supplementary_min_share)
        if votes == 0:
            return f"{name} 未得票，未当选。"
        passed = f"{name} 得票 {votes}，不少于本轮投票数 {returned} 的{share}"
        failed = f"{name} 得票 {votes}，少于本轮投票数 {returned} 的{share}"
        elected = f"{passed}，且得票居前，当选。"
    else:
        base = _base_phrase(record)
        passed = f"{name} 得票 {votes}，超过{base} 的半数"
        failed = f"{name} 得票 {votes}，未超过{base} 的半数"
        elected = f"{passed}，当选。"
    if result.elected:
        return elected
    if name in selection.qualified:
        return f"{passed}，但得票名次在应选名额 {record.seats} 名之外，未当选。"
    return f"{failed}，未当选。"


def _tie_sentence(record: BallotRecord, tied: list[NameResult], remaining: int) -> str:
    votes = tied[0].votes
    names = _names(result.name for result in tied)
    if _by_plurality(record):
        share = _share_words(record.rules.supplementary_min_share)
        passed = f"均不少于本轮投票数 {record.ballots_returned} 的{share}"
    else:
        passed = f"均超过{_base_phrase(record)} 的半数"
    return (
        f"{names} 各得票 {votes}，{passed}，同票争剩余的 {remaining} 个名额，"
        f"应就这 {len(tied)} 人重新投票。"
    )


def _conclusion(record: BallotRecord, outcome: Outcome, selection: _Selection, unfilled: int):
    seats = record.seats
    elected = len(selection.elected)
    listed = f"：{_names(selection.elected)}" if elected else ""
    if outcome == Outcome.VOID:
        return "本轮选举无效，应重新选举。"
    if outcome == Outcome.TIE:
        return (
            f"应选 {seats} 名，当选 {elected} 名{listed}，"
            f"其余 {unfilled} 名在同票者中重新投票产生。"
        )
    if outcome == Outcome.SHORTFALL:
        if not elected:
            return f"应选 {seats} 名，无人当选，{unfilled} 个名额应另行选举。"
        return f"应选 {seats} 名，当选 {elected} 名{listed}，尚缺 {unfilled} 名，应另行选举。"
    return f"应选 {seats} 名，当选 {elected} 名{listed}。"


def _explain(
    record: BallotRecord,
    *,
    met: bool,
    over_issued: bool,
    invalid: int,
    outcome: Outcome,
    results: tuple[NameResult, ...],
    selection: _Selection,
    unfilled: int,
) -> list[str]:
    returned = record.ballots_returned
    # Meeting order: attendance is announced before ballots are handed out.
    sentences = [_quorum_sentence(record, met), _ballots_sentence(record, returned, over_issued)]
    if outcome == Outcome.VOID:
        sentences.append(_conclusion(record, outcome, selection, unfilled))
        return sentences
    sentences.append(_invalid_sentence(record, returned, invalid))
    tied = [result for result in results if result.name in selection.tied]
    for result in results:
        if result.name in selection.tied:
            if result is tied[0]:
                sentences.append(_tie_sentence(record, tied, unfilled))
            continue
        sentences.append(_name_sentence(record, result, selection, returned))
    sentences.append(_conclusion(record, outcome, selection, unfilled))
    return sentences
