"""``manage.py recount``: the same check as ``python -m ballots.recount``, which needs no
settings at all (see ``ballots.recount`` for the arguments and exit codes)."""

from typing import ClassVar

from django.core.management.base import BaseCommand

from ballots import recount


class Command(BaseCommand):
    help = recount.DESCRIPTION

    # Anyone must be able to check a result from the file alone: no system checks
    # (some would query the database), no migration check, no model imports.
    requires_system_checks: ClassVar[list[str]] = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        recount.add_arguments(parser)

    def handle(self, *args, file, verify=False, expected_hash=None, **options):
        # ``run`` prints whole lines itself: no extra line ending, no colouring.
        for stream in (self.stdout, self.stderr):
            stream.ending = ""
            stream.style_func = None
        code = recount.run(
            file, verify=verify, expected_hash=expected_hash, stdout=self.stdout, stderr=self.stderr
        )
        if code:
            raise SystemExit(code)
