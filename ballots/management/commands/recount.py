"""Recount one election round from a ballot-record/1 file, without the database.

Exit codes: 0 counted (a void round included), 1 ``--verify`` found a difference with
the file's stored result, 2 the file is malformed (one line of Chinese on stderr).
"""

import json
from typing import ClassVar

from django.core.management.base import BaseCommand

from ballots.counting import count_round
from ballots.record import RecordError, compare_with_stored, load_record


class Command(BaseCommand):
    help = "从选票记录文件（ballot-record/1）重新计票，不使用数据库。"

    # Anyone must be able to check a result from the file alone: no system checks
    # (some would query the database), no migration check, no model imports.
    requires_system_checks: ClassVar[list[str]] = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", help="选票记录 JSON 文件")
        parser.add_argument(
            "--verify",
            action="store_true",
            help="与文件中保存的 result 核对当选名单、同票名单和结果，不一致时退出码为 1",
        )

    def handle(self, *args, file, verify=False, **options):
        try:
            record = load_record(file)
            if verify and record.result is None:
                raise RecordError("记录中没有 result，无法核对（--verify 需要文件中保存的结果）。")
            result = count_round(record)
            differences = compare_with_stored(record, result) if verify else []
        except RecordError as error:
            # Not CommandError: Django would prefix "CommandError: " to the message.
            self.stderr.write(str(error))
            raise SystemExit(2) from None

        self.stdout.write(json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2))
        if not verify:
            return
        # Differences go to stderr so that stdout stays one JSON object.
        if differences:
            for line in differences:
                self.stderr.write(line)
            raise SystemExit(1)
        self.stderr.write(
            "核对一致：结果、当选名单和同票名单与文件中保存的结果相同。",
            style_func=lambda line: line,
        )
