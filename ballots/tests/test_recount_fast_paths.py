"""Reading a big ballot file fast must not read it differently: the column-wise checks and
the key count that replace the per-object work fall back to the one-by-one reading
whenever they cannot prove a file clean, and give the same messages. No database."""

import json

import pytest

from ballots import record as rec
from ballots.counting import Ballot, count_round
from ballots.record import RecordError, load_record, parse_record, read_json
from ballots.tests.test_recount import WRITE_IN, A, B, C, valid_record


def written(tmp_path, text: str):
    path = tmp_path / "record.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_clean_file_is_proved_clean_without_the_slow_reading(tmp_path, monkeypatch):
    def slow(pairs):
        raise AssertionError("the per-object hook ran on a clean file")

    monkeypatch.setattr(rec, "_no_duplicate_keys", slow)
    data = read_json(written(tmp_path, json.dumps(valid_record(), ensure_ascii=False, indent=1)))
    assert data == valid_record()


@pytest.mark.parametrize(
    "text",
    [
        # In a ballot, in the totals' name counts, at the top, spaced before the colon.
        '{"format": "ballot-record/1", "ballots": [{"for": [], "for": ["王建国"]}]}',
        '{"totals": {"for": {"王建国": 3, "王建国": 4}}}',
        '{"seats": 1, "seats" : 2}',
        # Deeper inside a ballot than a ballot's lists.
        '{"ballots": [{"for": [{"a": 1, "a": 2}]}]}',
        '{"ballots": [{"for": {"a": 1, "a": 2}}]}',
        '{"seats": 1, "seats"\n:\n2}',
        # A colon inside a string makes the quick count unsure: the slow reading decides.
        '{"note": "a\\": b", "seats": 1, "seats": 2}',
        '{"note": "a\\u0022: b", "seats": 1, "seats": 2}',
    ],
)
def test_a_repeated_key_anywhere_is_refused(tmp_path, text):
    with pytest.raises(RecordError, match="出现了两次"):
        read_json(written(tmp_path, text))


def test_colons_inside_strings_are_not_keys(tmp_path):
    tricky = json.dumps({"a": "x:y", "b": 'q": r', "c": [{"d": "e : f"}]})
    assert read_json(written(tmp_path, tricky)) == json.loads(tricky)


@pytest.mark.parametrize(
    ("ballot", "fragment"),
    [
        ({"for": [A, A]}, "第 2 张选票对 王建国 标记了不止一次"),
        ({"for": [A], "against": [A]}, "第 2 张选票对 王建国 标记了不止一次"),
        ({"write_in": [A]}, "第 2 张选票另选他人 write_in 中的 王建国 是选票上印有的候选人"),
        ({"against": [WRITE_IN]}, "第 2 张选票的 against 中的 赵磊 不是选票上印有的候选人"),
        ({"for": [" 王建国"]}, "第 2 张选票的 for 中的姓名"),
        ({"for": [""]}, "不是有效的姓名"),
        ({"for": [1]}, "不是有效的姓名"),
        ({"for": [[A]]}, "不是有效的姓名"),
        ({"for": A}, "第 2 张选票的 for 必须是姓名列表"),
        ({"vote": [A]}, "第 2 张选票中有未知字段：vote"),
    ],
)
def test_each_bad_ballot_is_named_as_before(ballot, fragment):
    data = valid_record()
    data["ballots"].insert(1, ballot)
    with pytest.raises(RecordError, match=fragment):
        parse_record(data)


def test_a_ballot_that_is_not_an_object_is_named():
    data = valid_record()
    data["ballots"].insert(2, [A])
    with pytest.raises(RecordError, match="第 3 张选票必须是 JSON 对象"):
        parse_record(data)


def test_missing_lists_read_as_empty_and_count_the_same():
    data = valid_record()
    data["ballots"] = [{"for": [A]}, {"for": [A, B], "write_in": None}, {}]
    record = parse_record(data)
    assert record.ballots == (
        Ballot(for_=(A,)),
        Ballot(for_=(A, B)),
        Ballot(),
    )
    assert all(isinstance(name, tuple) for b in record.ballots for name in b)
    result = count_round(record)
    assert [r.name for r in result.results if r.votes] == [A, B]


def test_counts_match_a_ballot_by_ballot_tally():
    data = valid_record()
    data["ballots"] *= 50
    data["ballots"].append({"for": [A, B, C], "against": [], "abstain": [], "write_in": []})
    data["present"] = data["expected"] = data["ballots_issued"] = 200
    result = count_round(parse_record(data))
    votes = {}
    for b in data["ballots"]:
        if len(b["for"]) + len(b["write_in"]) <= data["seats"]:
            for name in b["for"] + b["write_in"]:
                votes[name] = votes.get(name, 0) + 1
    assert {r.name: r.votes for r in result.results if r.votes} == votes
    assert result.ballots_invalid == 1


def test_an_empty_ballot_list_reads(tmp_path):
    data = valid_record() | {"ballots": [], "present": 0, "ballots_issued": 0}
    path = written(tmp_path, json.dumps(data, ensure_ascii=False))
    assert load_record(path).ballots == ()
