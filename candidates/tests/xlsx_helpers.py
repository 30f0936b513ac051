"""Build import files in memory: good rows, broken rows and hostile zips."""

import datetime
import zipfile
from io import BytesIO

from openpyxl import Workbook

from candidates.imports import COLUMNS
from renewal.kit.idcard import make_id_number

HEADERS = [header for _key, header in COLUMNS]


def person_row(unit_code: str, n: int, **overrides) -> dict:
    """A valid row (keyed by Chinese header) for person number `n`; unique for n < 10,500.

    A villagers' committee post: a party-committee row also needs the person on the unit's
    branch roster (tests that want one put them there)."""
    born = datetime.date(1975 + n % 20, 1 + n % 12, 1 + n % 28)
    sex = "M" if n % 2 else "F"
    row = {
        "区划代码": unit_code,
        "姓名": f"测试{n}",
        "性别": "男" if sex == "M" else "女",
        "民族": "汉族",
        "出生日期": born.isoformat(),
        "公民身份号码": make_id_number("152622", born, n, sex),
        "联系电话": f"139{n:08d}",
        "学历": "高中/中专",
        "政治面貌": "中共党员",
        "入党时间": "2005-07-01",
        "人员类别": "退役军人",
        "拟任班子": "村(居)民委员会",
        "拟任职务": "委员",
        "继任或新任": "新任",
        "党员推荐票": 30 + n % 20,
        "群众推荐票": 100,
    }
    row.update(overrides)
    return row


def build_xlsx(rows: list[dict], headers=HEADERS) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("候选人")
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def zip_bomb() -> bytes:
    """Looks like an xlsx; one entry inflates 2 MB of zeros from a few kilobytes."""
    return zip_bytes({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": bytes(2**21)})


def many_entries(count: int = 2001) -> bytes:
    entries = {"xl/workbook.xml": b"<workbook/>"}
    entries.update({f"xl/media/{i}.xml": b"<x/>" for i in range(count)})
    return zip_bytes(entries)


def with_dtd() -> bytes:
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><workbook>&lol;</workbook>'
    return zip_bytes({"xl/workbook.xml": bomb})


def with_parts(extra: dict[str, bytes]) -> bytes:
    """A filled-in template with extra parts added, as Excel writes them."""
    out = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(build_xlsx([]))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for entry in source.infolist():
            archive.writestr(entry, source.read(entry))
        for name, data in extra.items():
            archive.writestr(name, data)
    return out.getvalue()


def with_macros() -> bytes:
    return with_parts({"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(100)})


def with_external_link() -> bytes:
    link = b'<?xml version="1.0" encoding="UTF-8"?><externalLink/>'
    return with_parts({"xl/externalLinks/externalLink1.xml": link})
