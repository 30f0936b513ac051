"""Roster files for the import tests: rows by number, in the national system's columns."""

import datetime
from io import BytesIO

from openpyxl import Workbook

from renewal.kit.idcard import make_id_number
from renewal.roster.importer import COLUMNS

HEADERS = [header for _key, header in COLUMNS]


def member_id(n: int) -> str:
    return make_id_number("152622", birth_date(n), n, "M" if n % 2 else "F")


def birth_date(n: int) -> datetime.date:
    return datetime.date(1960 + n % 20, 4, 1 + n % 28)


def member_row(n: int, **cells) -> dict:
    """A clean row for member ``n``; keyword arguments (Chinese headers) override cells."""
    row = {
        "姓名": f"党员{n}",
        "性别": "男" if n % 2 else "女",
        "公民身份号码": member_id(n),
        "出生日期": birth_date(n).isoformat(),
        "民族": "汉族",
        "学历": "大学本科",
        "人员类别": "正式党员",
        "入党日期": "2000-07-01",
        "转正日期": "2001-07-01",
        "所在党支部": "",
    }
    return row | cells


def build_xlsx(rows: list[dict], headers=HEADERS) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("党员名册")
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
