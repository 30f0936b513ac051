"""Recount one election round from a ballot-record/1 file: ``python -m ballots.recount FILE``.

The independent check a county auditor runs on a laptop: it needs the repository and
Python, nothing else. No Django settings, no ``SECRET_KEY``, no database; this module
and what it imports (``ballots.record``, ``ballots.counting``) never import Django.
``manage.py recount`` calls ``run`` with the same arguments.

Exit codes: 0 counted (a void round included) and every check asked for passed;
1 ``--verify`` found a difference with the file's stored result, or ``--hash`` does not
match the file; 2 the file (or the hash given) is malformed, one line of Chinese on stderr.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from ballots.counting import count_round
from ballots.record import (
    RecordError,
    compare_with_stored,
    grouped_hash,
    normalize_hash,
    parse_record,
    read_json,
    record_hash,
)

DESCRIPTION = "从选票记录文件（ballot-record/1）重新计票，不使用数据库。"
VERIFY_HELP = "与文件中保存的 result 核对当选名单、同票名单和结果，不一致时退出码为 1"
HASH_HELP = (
    "结果报告上印的选票记录校验码（SHA-256，可带空格分组）：核对本文件是否就是打印报告所依据的"
    "记录，不一致时退出码为 1"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="文件", help="选票记录 JSON 文件")
    parser.add_argument("--verify", action="store_true", help=VERIFY_HELP)
    parser.add_argument("--hash", dest="expected_hash", metavar="校验码", help=HASH_HELP)


def run(
    file: str,
    *,
    verify: bool = False,
    expected_hash: str | None = None,
    stdout: TextIO,
    stderr: TextIO,
) -> int:
    """Count the file, print the result as one JSON object, run the checks; the exit code."""
    # A file of 100 000 ballots is a million small objects and none refers back to another:
    # the cyclic garbage collector would walk them again and again while they are made.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(file, verify=verify, expected_hash=expected_hash, stdout=stdout, stderr=stderr)
    finally:
        if collecting:
            gc.enable()


def _run(file, *, verify, expected_hash, stdout, stderr) -> int:
    try:
        wanted = normalize_hash(expected_hash) if expected_hash is not None else None
        data = read_json(file)
        record = parse_record(data)
        if verify and record.result is None:
            raise RecordError("记录中没有 result，无法核对（--verify 需要文件中保存的结果）。")
        result = count_round(record)
        differences = compare_with_stored(record, result) if verify else []
    except RecordError as error:
        print(str(error), file=stderr)
        return 2

    print(json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2), file=stdout)
    # Checks report on stderr so that stdout stays one JSON object.
    failed = False
    if verify:
        for line in differences:
            print(line, file=stderr)
        if differences:
            failed = True
        else:
            print("核对一致：结果、当选名单和同票名单与文件中保存的结果相同。", file=stderr)
    if wanted is not None:
        actual = record_hash(data)
        if actual == wanted:
            print(
                f"校验码一致：本文件就是打印结果报告所依据的选票记录（{grouped_hash(actual)}）。",
                file=stderr,
            )
        else:
            failed = True
            print(
                "校验码不一致：本文件不是打印结果报告所依据的选票记录，或者已被改动。"
                f"报告上的校验码为 {grouped_hash(wanted)}，本文件的校验码为 "
                f"{grouped_hash(actual)}。",
                file=stderr,
            )
    return 1 if failed else 0


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix="用法：")


class _Parser(argparse.ArgumentParser):
    """argparse in the auditor's language: its own texts (usage, headings, errors) are English."""

    def __init__(self, **kwargs):
        super().__init__(formatter_class=_Formatter, add_help=False, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本说明并退出")

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, "参数有误：需要一个选票记录文件（JSON），可加 --verify 或 --hash 校验码。\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(prog="python -m ballots.recount", description=DESCRIPTION)
    add_arguments(parser)
    args = parser.parse_args(argv)
    return run(
        args.file,
        verify=args.verify,
        expected_hash=args.expected_hash,
        stdout=sys.stdout,
        stderr=sys.stderr,
    )


if __name__ == "__main__":
    raise SystemExit(main())
