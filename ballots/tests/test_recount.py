"""Reading ballot-record/1 files and ``manage.py recount``. No database.

The command runs in a subprocess whose DATABASE_URL points nowhere: if it touched
the database, it would fail.
"""

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ballots.counting import count_round
from ballots.record import (
    RecordError,
    compare_with_stored,
    load_record,
    parse_record,
    record_to_json_dict,
)

PROJECT = Path(__file__).resolve().parents[2]
RECORDS = Path(__file__).resolve().parent / "records"
CHINESE = re.compile(r"[\u4e00-\u9fff]")

A, B, C = "王建国", "李秀英", "张伟"
WRITE_IN = "赵磊"


def valid_record() -> dict:
    return {
        "format": "ballot-record/1",
        "election": "party-committee",
        "seats": 2,
        "expected": 10,
        "present": 9,
        "ballots_issued": 9,
        "candidates": [A, B, C],
        "ballots": [
            {"for": [A, B], "against": [C], "abstain": [], "write_in": []},
            {"for": [A], "against": [B], "abstain": [], "write_in": [WRITE_IN]},
            {"for": [], "against": [], "abstain": [], "write_in": []},
        ],
        "rules": {},
        "result": None,
    }


def changed(path: str, value) -> dict:
    """The valid record with the value at ``path`` ("ballots.0.for") replaced or removed."""
    data = copy.deepcopy(valid_record())
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if isinstance(target, list):
        target[int(last)] = value
    elif value is REMOVE:
        del target[last]
    else:
        target[last] = value
    return data


REMOVE = object()
TOTALS = {"returned": 9, "invalid": 0, "for": {A: 5}}

MALFORMED = [
    pytest.param([], id="not an object"),
    pytest.param(changed("format", "ballot-record/2"), id="unknown format"),
    pytest.param(changed("format", REMOVE), id="missing format"),
    pytest.param(changed("election", "township-congress"), id="unknown election kind"),
    pytest.param(changed("seats", REMOVE), id="missing seats"),
    pytest.param(changed("present", -1), id="negative present"),
    pytest.param(changed("expected", 10.5), id="non-integer expected"),
    pytest.param(changed("ballots_issued", "9"), id="number written as a string"),
    pytest.param(changed("seats", True), id="boolean is not a number"),
    pytest.param(changed("seats", 0), id="seats below one"),
    pytest.param(changed("present", 11), id="present more than expected"),
    pytest.param(changed("candidates", [A, B, A]), id="duplicate printed candidate"),
    pytest.param(changed("candidates", [A, ""]), id="empty name"),
    pytest.param(changed("candidates", [A, B + " "]), id="name with trailing space"),
    pytest.param(changed("colour", "red"), id="unknown field"),
    pytest.param(changed("ballots.0.for", [A, A]), id="ballot names the same person twice"),
    pytest.param(changed("ballots.0.against", [A]), id="ballot has a name both for and against"),
    pytest.param(changed("ballots.1.write_in", [B]), id="write-in names a printed candidate"),
    pytest.param(changed("ballots.0.for", [WRITE_IN]), id="for names someone not printed"),
    pytest.param(changed("ballots.0.abstain", [WRITE_IN]), id="abstain on someone not printed"),
    pytest.param(changed("ballots.0", {"fro": [A]}), id="ballot with an unknown list"),
    pytest.param(changed("ballots.0", [A]), id="ballot that is not an object"),
    pytest.param(changed("ballots.0.for", A), id="ballot list that is a string"),
    pytest.param(changed("totals", TOTALS), id="both ballots and totals"),
    pytest.param(changed("ballots", REMOVE), id="neither ballots nor totals"),
    pytest.param(changed("rules", {"quorum": "more-than-2/3"}), id="unknown quorum rule"),
    pytest.param(changed("rules", {"majority_base": "voters"}), id="unknown majority base"),
    pytest.param(changed("rules", {"recall": "yes"}), id="unknown rule"),
    pytest.param(
        changed("rules", {"supplementary_min_share": "1/3"}),
        id="party round cannot use the one-third rule",
    ),
    pytest.param(changed("round", "third"), id="unknown round"),
    pytest.param(changed("result", {"outcome": "won", "elected": [], "tied": []}), id="bad result"),
    pytest.param(changed("result", {"outcome": "tie"}), id="result without names"),
]

MALFORMED_TOTALS = [
    pytest.param({"returned": 9, "invalid": 0, "for": {A: -1}}, id="totals with negative counts"),
    pytest.param(
        {"returned": 9, "invalid": 10, "for": {}}, id="totals with more invalid than returned"
    ),
    pytest.param({"returned": 9, "invalid": 0}, id="totals without for"),
    pytest.param(
        {"returned": 9, "invalid": 0, "for": {A: 10}}, id="totals with more votes than ballots"
    ),
    pytest.param(
        {"returned": 9, "invalid": 0, "for": {A: 9, B: 9, C: 1}},
        id="totals with more votes than seats allow",
    ),
    pytest.param(
        {"returned": 9, "invalid": 0, "for": {A: 5}, "against": {A: 5}},
        id="totals with more marks for a name than ballots",
    ),
    pytest.param(
        {"returned": 9, "invalid": 0, "for": {}, "against": {WRITE_IN: 1}},
        id="totals against someone not printed",
    ),
    pytest.param({"returned": 9, "for": {}}, id="totals without invalid"),
]


def assert_one_chinese_line(message: str) -> None:
    assert message
    assert "\n" not in message
    assert CHINESE.search(message)


@pytest.mark.parametrize("data", MALFORMED)
def test_malformed_record_is_refused_with_one_chinese_line(data):
    with pytest.raises(RecordError) as error:
        parse_record(data)

    assert_one_chinese_line(str(error.value))


@pytest.mark.parametrize("totals", MALFORMED_TOTALS)
def test_malformed_totals_are_refused(totals):
    data = changed("ballots", REMOVE)
    data["totals"] = totals

    with pytest.raises(RecordError) as error:
        parse_record(data)

    assert_one_chinese_line(str(error.value))


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(valid_record(), id="the valid record"),
        pytest.param(changed("ballots.2", {}), id="a ballot may leave out empty lists"),
        pytest.param(changed("rules", REMOVE), id="rules may be left out"),
        pytest.param(changed("round", "supplementary"), id="supplementary round"),
        pytest.param(changed("election", "villagers-committee"), id="villagers committee"),
        pytest.param(changed("result", {"outcome": "tie", "elected": [], "tied": []}), id="result"),
    ],
)
def test_well_formed_record_is_read(data):
    assert parse_record(data).seats == 2


@pytest.mark.parametrize(
    "name",
    [
        "party_committee_elected.json",
        "party_tie.json",
        "villagers_supplementary_totals.json",
        "party_void_over_issued.json",
    ],
)
def test_exported_record_reads_back_the_same(name):
    record = load_record(RECORDS / name)
    exported = record_to_json_dict(record, count_round(record))

    again = parse_record(json.loads(json.dumps(exported, ensure_ascii=False)))

    assert again.rules == record.rules
    assert (again.ballots, again.totals, again.candidates) == (
        record.ballots,
        record.totals,
        record.candidates,
    )
    assert again.result == count_round(record).to_json_dict()
    assert compare_with_stored(again, count_round(again)) == []


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param('{"format": ', "JSON", id="not JSON"),
        pytest.param('{"format": "ballot-record/1", "format": "x"}', "两次", id="duplicate key"),
        pytest.param(b"\xff\xfe{}", "UTF-8", id="not UTF-8"),
    ],
)
def test_unreadable_file_is_refused(tmp_path, text, fragment):
    path = tmp_path / "record.json"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")

    with pytest.raises(RecordError) as error:
        load_record(path)

    assert fragment in str(error.value)
    assert_one_chinese_line(str(error.value))


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(RecordError, match="找不到文件"):
        load_record(tmp_path / "absent.json")


def test_verify_reports_each_difference():
    record = load_record(RECORDS / "party_tie_wrong_result.json")

    differences = compare_with_stored(record, count_round(record))

    assert len(differences) == 3
    for line in differences:
        assert_one_chinese_line(line)


# --- the command, in a subprocess with no reachable database ---------------------------


def recount(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.test_settings",
        DATABASE_URL="postgres://nobody@127.0.0.1:1/none",
        PYTHONIOENCODING="utf-8",
    )
    return subprocess.run(
        [sys.executable, "manage.py", "recount", *args],
        check=False,
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


@pytest.mark.parametrize(
    ("name", "outcome", "elected", "tied"),
    [
        pytest.param(
            "party_committee_elected.json",
            "elected",
            [A, B, C, "刘洋", "陈静"],
            [],
            id="party congress elects five",
        ),
        pytest.param("party_tie.json", "tie", [A], [C, B], id="tie at the cut-off"),
        pytest.param(
            "villagers_supplementary_totals.json", "elected", [B], [], id="villagers on paper"
        ),
        pytest.param("party_void_over_issued.json", "void", [], [], id="void round exits 0"),
    ],
)
def test_recount_prints_the_result_and_exits_0(name, outcome, elected, tied):
    done = recount(str(RECORDS / name))

    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout)
    assert (output["outcome"], output["elected"], output["tied"]) == (outcome, elected, tied)
    assert output["valid"] == (outcome != "void")
    assert CHINESE.search(done.stdout)  # ensure_ascii=False: names are readable


def test_recount_output_matches_the_documented_example():
    done = recount(str(RECORDS / "party_committee_elected.json"))

    output = json.loads(done.stdout)
    assert output["results"][0] == {
        "name": A,
        "votes": 40,
        "against": 3,
        "abstain": 1,
        "elected": True,
    }
    assert (output["ballots_returned"], output["ballots_invalid"], output["threshold"]) == (
        45,
        1,
        22,
    )
    assert "王建国 得票 40，超过实到会有选举权人数 45 的半数，当选。" in output["explanation"]
    assert done.stdout.startswith('{\n  "valid": true,')  # indent=2


def test_verify_with_the_stored_result_exits_0():
    done = recount(str(RECORDS / "party_tie.json"), "--verify")

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["outcome"] == "tie"


def test_verify_with_a_different_stored_result_exits_1():
    done = recount(str(RECORDS / "party_tie_wrong_result.json"), "--verify")

    assert done.returncode == 1
    assert json.loads(done.stdout)["outcome"] == "tie"
    assert "不一致" in done.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        pytest.param(["malformed_not_json.json"], "JSON", id="not JSON"),
        pytest.param(["malformed_same_name_twice.json"], "不止一次", id="same name twice"),
        pytest.param(["absent.json"], "找不到文件", id="missing file"),
        pytest.param(
            ["malformed_same_name_twice.json", "--verify"], "不止一次", id="malformed with verify"
        ),
    ],
)
def test_malformed_file_exits_2_with_one_chinese_line(args, fragment):
    done = recount(str(RECORDS / args[0]), *args[1:])

    assert done.returncode == 2
    assert done.stdout == ""
    line = done.stderr.strip()
    assert_one_chinese_line(line)
    assert fragment in line
    assert not line.startswith("CommandError")


def test_verify_without_a_stored_result_exits_2(tmp_path):
    data = json.loads((RECORDS / "party_tie.json").read_text(encoding="utf-8"))
    data["result"] = None
    path = tmp_path / "no_result.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    done = recount(str(path), "--verify")

    assert done.returncode == 2
    assert "result" in done.stderr
    assert_one_chinese_line(done.stderr.strip())


def test_combined_villagers_totals_may_sum_beyond_valid_times_seats():
    """One ballot for several posts: the member tally adds director and deputy votes."""
    data = changed("ballots", REMOVE)
    data["totals"] = {"returned": 9, "invalid": 0, "for": {A: 9, B: 9, C: 9}}
    data["election"] = "villagers-committee"
    assert parse_record(data).seats == 2
    data["election"] = "villagers-post"
    with pytest.raises(RecordError, match="赞成票合计 27"):
        parse_record(data)
