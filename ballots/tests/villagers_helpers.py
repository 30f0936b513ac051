"""Shared bits of the villagers' election tests: valid ID numbers, an election, an xlsx."""

import datetime
import importlib
from io import BytesIO

from django.apps import apps
from openpyxl import Workbook

from ballots.villagers import setup
from renewal.kit.idcard import make_id_number

ELECTION_DAY = datetime.date(2027, 1, 20)
HEADERS = ["姓名", "公民身份号码", "性别", "登记类别", "村(居)民小组"]


def voter_id(n: int, born: datetime.date | None = None) -> str:
    """A valid ID number, unique per n (n < 10,000)."""
    born = born or datetime.date(1950 + n % 50, 1 + n % 12, 1 + n % 28)
    return make_id_number("152622", born, n, "M" if n % 2 else "F")


def make_election(world, personas, unit="unit_a1", day=ELECTION_DAY):
    return setup.election_create(actor=personas["staff_a"], unit=world[unit], election_day=day)


def register(election, personas, n, **kw):
    defaults = {"name": f"选民{n}", "category": "resident", "group_name": "第一小组"}
    defaults.update(kw)
    return setup.voter_register(
        actor=personas["staff_a"], election=election, id_number=voter_id(n), **defaults
    )


def voter_row(n: int, **overrides) -> dict:
    row = {
        "姓名": f"选民{n}",
        "公民身份号码": voter_id(n),
        "性别": "男" if n % 2 else "女",
        "登记类别": "户籍在此并居住",
        "村(居)民小组": f"第{1 + n % 5}小组",
    }
    row.update(overrides)
    return row


def build_xlsx(rows: list[dict], headers=HEADERS) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("选民名单")
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def ensure_rule_packs() -> None:
    """Transactional tests flush the migration-seeded packs; put them back the same way."""
    migration = importlib.import_module("ballots.migrations.0007_villagers_rule_packs_data")
    migration.add_packs(apps, None)
