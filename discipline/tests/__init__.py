"""Helpers shared by the discipline tests: a reporter's identity and where it must not be."""

import datetime

from django.db import connection

from renewal.kit.idcard import make_id_number
from tests.files import JPG, PDF, PNG  # noqa: F401  (the discipline tests take them from here)

REPORTER = {
    "name": "举报人甲乙丙",
    "phone": "13912345678",
    "id_number": make_id_number("152622", datetime.date(1975, 3, 4), 12, "M"),
    "address": "幸福路88号举报楼",
}
SECRETS = tuple(REPORTER.values())


def visit_report(world, personas, **extra):
    """A report recorded by the discipline officer from a visit, naming the reporter."""
    from discipline.intake import services
    from discipline.models import Report

    return services.report_record(
        channel=Report.Channel.VISIT,
        county=world["county_a"],
        units=[world["unit_a1"]],
        subject="大红城村某候选人",
        content="来访反映：候选人发红包拉票。",
        anonymous=False,
        identity=dict(REPORTER),
        received_by=personas["discipline"],
        **extra,
    )


def leaks(text) -> list[str]:
    """The identity strings found in `text` (a page, a log, a dump)."""
    text = text.decode() if isinstance(text, bytes) else str(text)
    return [s for s in SECRETS if s in text]


def database_leaks() -> list[str]:
    """Every table of the database, searched row by row for the identity in plain text."""
    found = []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        tables = [row[0] for row in cur.fetchall()]
        for table in tables:
            for secret in SECRETS:
                cur.execute(
                    f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE %s',
                    [f"%{secret}%"],
                )
                if cur.fetchone()[0]:
                    found.append(f"{table}: {secret}")
    return found
