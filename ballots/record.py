"""Reading, checking and writing ballot records (format ``ballot-record/1``).

See ``docs/ballot-record.md``. Every problem raises ``RecordError`` with a one-line
message in Chinese, which ``recount`` prints as is. Pure: no ORM, no settings, no Django
import at all, so that ``python -m ballots.recount`` runs on a machine with nothing but
the repository and Python.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from fractions import Fraction
from itertools import chain, compress, repeat
from operator import is_, methodcaller
from os import PathLike
from pathlib import Path

from ballots.counting import (
    Ballot,
    BallotRecord,
    CountResult,
    ElectionKind,
    MajorityBase,
    Outcome,
    Quorum,
    RoundKind,
    Totals,
    rules_for,
)

FORMAT = "ballot-record/1"

_RECORD_KEYS = {
    "format",
    "election",
    "seats",
    "expected",
    "present",
    "ballots_issued",
    "candidates",
    "ballots",
    "totals",
    "rules",
    "round",
    "result",
}
_BALLOT_LISTS = ("for", "against", "abstain", "write_in")
_TOTALS_KEYS = {"returned", "invalid", "for", "against", "abstain"}
_RULE_KEYS = ("quorum", "majority_base", "supplementary_min_share")
_SHARES = {"1/3": Fraction(1, 3)}
_NUMBER_LABELS = {
    "seats": "应选名额 seats",
    "expected": "应到人数 expected",
    "present": "实到人数 present",
    "ballots_issued": "发出选票数 ballots_issued",
}


class RecordError(ValueError):
    """The record is malformed. ``str(error)`` is one line of Chinese."""


# --- reading ------------------------------------------------------------------------


def load_record(path: str | PathLike) -> BallotRecord:
    return parse_record(read_json(path))


def read_json(path: str | PathLike):
    path = Path(path)
    try:
        # utf-8-sig: a byte-order mark written by some Windows editors is harmless.
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RecordError(f"找不到文件 {path}。") from None
    except UnicodeDecodeError:
        raise RecordError(f"文件 {path} 不是 UTF-8 编码的文本。") from None
    except OSError:
        raise RecordError(f"无法读取文件 {path}。") from None
    try:
        data = json.loads(text)
        if not _keys_all_kept(text, data):
            # Some object may repeat a key (json.loads keeps the last one silently): parse
            # again, object by object, to name it. A recount must not guess.
            data = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as error:
        raise RecordError(
            f"文件不是有效的 JSON：第 {error.lineno} 行第 {error.colno} 列有误。"
        ) from None
    return data


def _keys_all_kept(text: str, data) -> bool:
    """True when no object of the file repeats a key, proved without a Python call per
    object: every key in the text is followed by a colon, so the colons in the text (or, if
    a string holds one, the quote-colon pairs) are at least the keys written; the decoded
    objects hold at most the keys kept. Equal counts: nothing was dropped. Unequal (a
    repeated key, a colon inside a string, an object nested in a ballot): not proved, and
    the caller checks the slow way.
    """
    ballots = data.get("ballots") if type(data) is dict else None
    if type(ballots) is list and set(map(type, ballots)) == {dict}:
        # The ballots' own keys; what a ballot's lists hold is not walked (names, in a
        # valid file). An object in there goes uncounted: the counts then differ.
        rest = {k: v for k, v in data.items() if k != "ballots"}
        kept = len(data) - len(rest) + _key_count([rest]) + sum(map(len, ballots))
    else:
        kept = _key_count([data])
    if text.count(":") == kept:
        return True
    written = text.count('":') + len(_QUOTE_SPACE_COLON.findall(text))
    return written == kept


_QUOTE_SPACE_COLON = re.compile(r'"[ \t\n\r]+:')


def _key_count(values: list) -> int:
    """The keys held by every object in ``values`` and in everything nested in them, level by
    level with C-level iteration (a ballot file is 100 000 small objects)."""
    total = 0
    while values:
        kinds = set(map(type, values))
        dicts = _of_type(values, kinds, dict)
        lists = _of_type(values, kinds, list)
        total += sum(map(len, dicts))
        values = _nested(dicts, lists)
    return total


def _nested(dicts: list, lists: list) -> list:
    """What the objects and arrays hold; nothing when that is only strings and numbers (the
    last level, a million names, is looked at but not copied)."""

    def items():
        return chain(chain.from_iterable(map(dict.values, dicts)), chain.from_iterable(lists))

    kinds = set(map(type, items()))
    return list(items()) if dict in kinds or list in kinds else []


def _of_type(values: list, kinds: set, kind: type) -> list:
    if kind not in kinds:
        return []
    if kinds == {kind}:
        return values
    return list(compress(values, map(is_, map(type, values), repeat(kind))))


def _no_duplicate_keys(pairs):
    data = {}
    for key, value in pairs:
        if key in data:
            # json.loads would silently keep the last one; a recount must not guess.
            raise RecordError(f"JSON 对象中字段 {key} 出现了两次。")
        data[key] = value
    return data


def parse_record(data) -> BallotRecord:
    """Build a ``BallotRecord`` from decoded JSON, and check it."""
    if not isinstance(data, dict):
        raise RecordError("记录必须是一个 JSON 对象。")
    if "format" not in data:
        raise RecordError(f"缺少 format 字段，应为 {FORMAT}。")
    if data["format"] != FORMAT:
        raise RecordError(f"不支持的记录格式 {_show(data['format'])}，应为 {FORMAT}。")
    unknown = sorted(set(data) - _RECORD_KEYS)
    if unknown:
        raise RecordError(f"记录中有未知字段：{'、'.join(unknown)}。")

    election = _choice(data, "election", ElectionKind, "选举类型 election")
    numbers = {key: _count(data, key, _NUMBER_LABELS[key]) for key in _NUMBER_LABELS}
    candidates = _names_list(data.get("candidates"), "候选人名单 candidates", required=True)

    has_ballots = data.get("ballots") is not None
    has_totals = data.get("totals") is not None
    if has_ballots == has_totals:
        raise RecordError("ballots 与 totals 必须有且只有一个。")
    ballots = _ballots(data["ballots"]) if has_ballots else None
    totals = _totals(data["totals"]) if has_totals else None

    round_kind = RoundKind.FIRST
    if data.get("round") is not None:
        round_kind = _choice(data, "round", RoundKind, "轮次 round")

    record = BallotRecord(
        election=election,
        seats=numbers["seats"],
        expected=numbers["expected"],
        present=numbers["present"],
        ballots_issued=numbers["ballots_issued"],
        candidates=candidates,
        rules=_rules(election, data.get("rules")),
        ballots=ballots,
        totals=totals,
        round=round_kind,
        result=_stored_result(data.get("result")),
    )
    validate_record(record)
    return record


def _show(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _choice(data: dict, key: str, choices, label: str):
    if key not in data or data[key] is None:
        raise RecordError(f"缺少{label}。")
    value = data[key]
    allowed = "、".join(choice.value for choice in choices)
    if not isinstance(value, str) or value not in {choice.value for choice in choices}:
        raise RecordError(f"未知的{label} {_show(value)}，应为 {allowed} 之一。")
    return choices(value)


def _integer(value, label: str) -> int:
    # bool is an int in Python but true/false is not a number in the file.
    if isinstance(value, bool) or not isinstance(value, int):
        raise RecordError(f"{label} 必须是整数，收到 {_show(value)}。")
    if value < 0:
        raise RecordError(f"{label} 不能为负数，收到 {value}。")
    return value


def _count(data: dict, key: str, label: str) -> int:
    if key not in data or data[key] is None:
        raise RecordError(f"缺少{label}。")
    return _integer(data[key], label)


def _name(value, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f"{where}中的姓名 {_show(value)} 不是有效的姓名。")
    if value != value.strip():
        # "王建国 " and "王建国" would otherwise be counted as two people.
        raise RecordError(f"{where}中的姓名 {_show(value)} 前后有空白。")
    return value


def _names_list(value, where: str, *, required: bool = False) -> tuple[str, ...]:
    if value is None:
        if required:
            raise RecordError(f"缺少{where.strip()}。")
        return ()
    if not isinstance(value, list):
        raise RecordError(f"{where}必须是姓名列表。")
    return tuple(_name(item, where) for item in value)


def _ballots(value) -> tuple[Ballot, ...]:
    if not isinstance(value, list):
        raise RecordError("ballots 必须是选票列表。")
    ballots = _ballots_fast(value)
    return ballots if ballots is not None else _ballots_one_by_one(value)


_BALLOT_KEYS = frozenset(_BALLOT_LISTS)


def _ballots_fast(value: list) -> tuple[Ballot, ...] | None:
    """The ballots read column by column, names checked once per distinct name; None when
    anything is amiss, and ``_ballots_one_by_one`` finds the ballot to name."""
    if value and set(map(type, value)) != {dict}:
        return None
    if not set(chain.from_iterable(value)) <= _BALLOT_KEYS:
        return None
    columns = []
    for key in _BALLOT_LISTS:
        column = list(map(methodcaller("get", key), value))
        if not set(map(type, column)) <= {list, type(None)}:
            return None
        try:
            names = set(chain.from_iterable(filter(None, column)))
        except TypeError:  # an unhashable item: not a name
            return None
        if not all(type(n) is str and n and n == n.strip() for n in names):
            return None
        if None in column:
            column = [listed or [] for listed in column]
        columns.append(map(tuple, column))
    # Ballot is a named tuple: tuple.__new__ builds each without a Python call.
    return tuple(map(tuple.__new__, repeat(Ballot), zip(*columns, strict=True)))


def _ballots_one_by_one(value: list) -> tuple[Ballot, ...]:
    ballots = []
    for number, item in enumerate(value, start=1):
        where = f"第 {number} 张选票"
        if not isinstance(item, dict):
            raise RecordError(f"{where}必须是 JSON 对象。")
        unknown = sorted(set(item) - set(_BALLOT_LISTS))
        if unknown:
            raise RecordError(f"{where}中有未知字段：{'、'.join(unknown)}。")
        lists = {key: _names_list(item.get(key), f"{where}的 {key} ") for key in _BALLOT_LISTS}
        ballots.append(
            Ballot(
                for_=lists["for"],
                against=lists["against"],
                abstain=lists["abstain"],
                write_in=lists["write_in"],
            )
        )
    return tuple(ballots)


def _name_counts(value, where: str) -> dict[str, int]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RecordError(f"{where}必须是“姓名: 票数”对象。")
    return {
        _name(name, where): _integer(n, f"{where}中 {name} 的票数") for name, n in value.items()
    }


def _totals(value) -> Totals:
    if not isinstance(value, dict):
        raise RecordError("totals 必须是 JSON 对象。")
    unknown = sorted(set(value) - _TOTALS_KEYS)
    if unknown:
        raise RecordError(f"totals 中有未知字段：{'、'.join(unknown)}。")
    if value.get("for") is None:
        raise RecordError("totals 缺少 for（各人得票数）。")
    return Totals(
        returned=_count(value, "returned", "totals 的收回选票数 returned"),
        invalid=_count(value, "invalid", "totals 的无效票数 invalid"),
        for_=_name_counts(value["for"], "totals 的 for "),
        against=_name_counts(value.get("against"), "totals 的 against "),
        abstain=_name_counts(value.get("abstain"), "totals 的 abstain "),
    )


def _rules(election: ElectionKind, value):
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise RecordError("rules 必须是 JSON 对象。")
    unknown = sorted(set(value) - set(_RULE_KEYS))
    if unknown:
        raise RecordError(f"rules 中有未知规则：{'、'.join(unknown)}。")
    overrides = {}
    if "quorum" in value:
        overrides["quorum"] = _choice(value, "quorum", Quorum, "到会人数规则 quorum")
    if "majority_base" in value:
        overrides["majority_base"] = _choice(
            value, "majority_base", MajorityBase, "过半数基数规则 majority_base"
        )
    if "supplementary_min_share" in value:
        share = value["supplementary_min_share"]
        if share is not None and election.is_party:
            raise RecordError(
                "党组织选举的另行选举仍须得票过半数，不适用 supplementary_min_share 规则。"
            )
        if share is not None and share not in _SHARES:
            raise RecordError(
                f"未知的另行选举最低得票规则 supplementary_min_share {_show(share)}，"
                f"应为 {'、'.join(_SHARES)} 之一。"
            )
        overrides["supplementary_min_share"] = None if share is None else _SHARES[share]
    return rules_for(election, **overrides)


def _stored_result(value) -> Mapping | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise RecordError("result 必须是 JSON 对象或 null。")
    outcomes = {outcome.value for outcome in Outcome}
    if value.get("outcome") not in outcomes:
        raise RecordError(
            f"result 中的 outcome {_show(value.get('outcome'))} 无效，"
            f"应为 {'、'.join(sorted(outcomes))} 之一。"
        )
    for key in ("elected", "tied"):
        if key not in value:
            raise RecordError(f"result 缺少 {key}。")
        _names_list(value[key], f"result 的 {key} ", required=True)
    return value


# --- checking -----------------------------------------------------------------------


def validate_record(record: BallotRecord) -> None:
    """Checks that hold however the record was built (from a file or from the database)."""
    if record.seats < 1:
        raise RecordError(f"应选名额 seats 至少为 1，收到 {record.seats}。")
    for label, value in (
        ("应到人数 expected", record.expected),
        ("实到人数 present", record.present),
        ("发出选票数 ballots_issued", record.ballots_issued),
    ):
        if value < 0:
            raise RecordError(f"{label} 不能为负数，收到 {value}。")
    if record.present > record.expected:
        raise RecordError(
            f"实到人数 present {record.present} 多于应到人数 expected {record.expected}。"
        )
    seen = set()
    for name in record.candidates:
        if name in seen:
            raise RecordError(f"候选人 {name} 在候选人名单中出现了两次。")
        seen.add(name)
    if (record.ballots is None) == (record.totals is None):
        raise RecordError("ballots 与 totals 必须有且只有一个。")
    if record.ballots is not None and not _ballots_hold(record.ballots, seen):
        for number, ballot in enumerate(record.ballots, start=1):
            _check_ballot(ballot, f"第 {number} 张选票", seen)
    if record.totals is not None:
        _check_totals(record, seen)


def _ballots_hold(ballots, candidates: set[str]) -> bool:
    """Every ballot marks a name at most once, marks only printed names for / against /
    abstain and only other names as write-ins: checked over sets for all ballots at once.
    False means some ballot breaks a rule; ``_check_ballot`` then finds which."""
    if not ballots:
        return True
    columns = list(zip(*ballots, strict=True))
    marked = sum(sum(map(len, column)) for column in columns)
    distinct = sum(map(len, map(set, map(chain, *columns))))
    return (
        marked == distinct
        and candidates.issuperset(chain.from_iterable(chain.from_iterable(columns[:3])))
        and candidates.isdisjoint(chain.from_iterable(columns[3]))
    )


def _check_ballot(ballot: Ballot, where: str, candidates: set[str]) -> None:
    marked: set[str] = set()
    for key, names in (
        ("for", ballot.for_),
        ("against", ballot.against),
        ("abstain", ballot.abstain),
        ("write_in", ballot.write_in),
    ):
        for name in names:
            if name in marked:
                raise RecordError(f"{where}对 {name} 标记了不止一次。")
            marked.add(name)
            if key == "write_in" and name in candidates:
                raise RecordError(f"{where}另选他人 write_in 中的 {name} 是选票上印有的候选人。")
            if key != "write_in" and name not in candidates:
                raise RecordError(
                    f"{where}的 {key} 中的 {name} 不是选票上印有的候选人"
                    "（另选他人应填在 write_in 中）。"
                )


def _check_totals(record: BallotRecord, candidates: set[str]) -> None:
    totals = record.totals
    for label, counts in (
        ("for", totals.for_),
        ("against", totals.against),
        ("abstain", totals.abstain),
    ):
        for name, n in counts.items():
            if n < 0:
                raise RecordError(f"totals 的 {label} 中 {name} 的票数不能为负数，收到 {n}。")
            if label != "for" and name not in candidates:
                raise RecordError(f"totals 的 {label} 中的 {name} 不是选票上印有的候选人。")
    if totals.returned < 0 or totals.invalid < 0:
        raise RecordError("totals 的 returned 与 invalid 不能为负数。")
    if totals.invalid > totals.returned:
        raise RecordError(f"totals 的无效票数 {totals.invalid} 多于收回选票数 {totals.returned}。")
    valid = totals.returned - totals.invalid
    for name in set(totals.for_) | set(totals.against) | set(totals.abstain):
        marks = totals.for_.get(name, 0) + totals.against.get(name, 0)
        marks += totals.abstain.get(name, 0)
        if marks > valid:
            raise RecordError(
                f"totals 中 {name} 的赞成、反对、弃权票合计 {marks}，多于有效票数 {valid}。"
            )
    votes = sum(totals.for_.values())
    # One ballot for several posts counts a villagers-committee post with
    # combined tallies: a name's member tally adds its director and deputy votes, so the
    # sum over names may exceed valid × seats of that post. Each name's bound above holds.
    if record.election != ElectionKind.VILLAGERS_COMMITTEE and votes > valid * record.seats:
        raise RecordError(
            f"totals 的赞成票合计 {votes}，多于有效票数 {valid} 乘以应选名额 {record.seats}。"
        )


# --- writing ------------------------------------------------------------------------


def record_to_json_dict(record: BallotRecord, result: CountResult | None = None) -> dict:
    """The record as a ballot-record/1 object; with ``result``, stored as its result.

    Rules are written out in full, so that a later change of the defaults does not
    change what the file recounts to.
    """
    data = {
        "format": FORMAT,
        "election": record.election.value,
        "seats": record.seats,
        "expected": record.expected,
        "present": record.present,
        "ballots_issued": record.ballots_issued,
        "candidates": list(record.candidates),
    }
    if record.ballots is not None:
        data["ballots"] = [
            {
                "for": list(ballot.for_),
                "against": list(ballot.against),
                "abstain": list(ballot.abstain),
                "write_in": list(ballot.write_in),
            }
            for ballot in record.ballots
        ]
    else:
        totals = record.totals
        data["totals"] = {
            "returned": totals.returned,
            "invalid": totals.invalid,
            "for": dict(totals.for_),
            "against": dict(totals.against),
            "abstain": dict(totals.abstain),
        }
    rules = {"quorum": record.rules.quorum.value, "majority_base": record.rules.majority_base.value}
    share = record.rules.supplementary_min_share
    if not record.election.is_party:
        rules["supplementary_min_share"] = (
            None if share is None else f"{share.numerator}/{share.denominator}"
        )
    data["rules"] = rules
    data["round"] = record.round.value
    data["result"] = result.to_json_dict() if result is not None else record.result
    return data


# --- verifying ----------------------------------------------------------------------


def compare_with_stored(record: BallotRecord, result: CountResult) -> list[str]:
    """Differences between the recount and the file's ``result``, one Chinese line each.

    Compares what ``recount --verify`` promises: outcome, elected names and tied names
    (as sets: the order a stored result lists names in is not part of the decision).
    """
    if record.result is None:
        raise RecordError("记录中没有 result，无法核对（--verify 需要文件中保存的结果）。")
    stored = record.result
    differences = []
    if stored["outcome"] != result.outcome.value:
        differences.append(
            f"结果 outcome 不一致：文件记录为 {stored['outcome']}，重新计票为 "
            f"{result.outcome.value}。"
        )
    for key, label, recounted in (
        ("elected", "当选名单", result.elected),
        ("tied", "同票名单", result.tied),
    ):
        if sorted(stored[key]) != sorted(recounted):
            differences.append(
                f"{label} {key} 不一致：文件记录为 {_listed(stored[key])}，"
                f"重新计票为 {_listed(recounted)}。"
            )
    return differences


def _listed(names) -> str:
    return "、".join(sorted(names)) if names else "（无）"


# --- sealing ------------------------------------------------------------------------

SEAL_LABEL = "换届通选票记录"
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
_HASH_SEPARATORS = re.compile(r"[\s\-_:：·]+")


def canonical_json(data) -> bytes:
    """The record as the bytes its hash is taken over: keys sorted at every level, no
    whitespace, non-ASCII characters written as themselves, UTF-8.

    It is taken over the whole record as exported, ``result`` included, so that the hash
    printed on the report stands for the figures and for the result declared from them.
    """
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def record_hash(data) -> str:
    """SHA-256 of ``canonical_json(data)``, 64 lower-case hex digits."""
    return hashlib.sha256(canonical_json(data)).hexdigest()


def normalize_hash(text: str) -> str:
    """A hash as someone typed it from the report: groups, spaces, dashes and upper case
    are accepted. Raises ``RecordError`` unless 64 hex digits remain."""
    digest = _HASH_SEPARATORS.sub("", text or "").lower()
    if not _HEX_DIGEST.fullmatch(digest):
        raise RecordError(
            f"校验码 {_show(text)} 无效：应为报告上印的 64 位十六进制数字（0-9、a-f），"
            "可以带空格分组。"
        )
    return digest


def grouped_hash(digest: str, size: int = 4) -> str:
    """``3f2a 9c01 …``: easy to read aloud and to compare by eye."""
    return " ".join(digest[i : i + size] for i in range(0, len(digest), size))


def seal_text(round_ref: str, digest: str) -> str:
    """What the report's QR code encodes: the round it stands for and the record hash."""
    return f"{SEAL_LABEL}|round={round_ref}|sha256={digest}"
