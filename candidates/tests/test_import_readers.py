"""The import reads a sheet with python-calamine, or with openpyxl's streaming reader when
calamine's dense grid would be unsafe; either way the rows and problems are the same."""

import datetime
import zipfile
from io import BytesIO

import openpyxl
import pytest

from candidates import imports
from candidates.tests.xlsx_helpers import HEADERS, build_xlsx, person_row, zip_bytes
from renewal.kit import uploads, xlsx_rows

pytestmark = pytest.mark.django_db


def _mixed_rows(world):
    """Good rows and broken ones: dates as date cells and as text, an ID number stored as a
    number, votes as text and as numbers, a formula where a name should be."""
    unit = world["unit_a1"].code
    rows = [person_row(unit, n) for n in range(1, 6)]
    rows[0]["出生日期"] = datetime.datetime(1976, 2, 2)
    rows[1]["公民身份号码"] = 152622197703030021
    rows[2]["党员推荐票"] = "12"
    rows[3]["姓名"] = '=HYPERLINK("http://x","点我")'
    rows[4]["群众推荐票"] = 3.0
    return rows


def _read(user, path, *, calamine: bool, monkeypatch):
    monkeypatch.setattr(xlsx_rows, "MAX_DENSE_CELLS", 2_000_000 if calamine else 0)
    return imports.IMPORTER.read(user, path)


def test_both_readers_give_the_same_rows_and_problems(personas, world, tmp_path, monkeypatch):
    path = tmp_path / "upload.xlsx"
    path.write_bytes(build_xlsx(_mixed_rows(world)))
    assert xlsx_rows.dense_size(path) == 6 * len(HEADERS)
    fast = _read(personas["staff_a"], path, calamine=True, monkeypatch=monkeypatch)
    slow = _read(personas["staff_a"], path, calamine=False, monkeypatch=monkeypatch)
    assert fast[1] == slow[1] and fast[1]
    assert any(p["message"] == uploads.ID_AS_NUMBER for p in fast[1])
    assert [vars(r) for r in fast[0]] == [vars(r) for r in slow[0]] and fast[0]


def test_cells_far_apart_are_streamed_not_built_as_a_grid(personas, world, tmp_path):
    """A value in A1 and one in XFD1048576 would make calamine build billions of cells."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append([person_row(world["unit_a1"].code, 1).get(h) for h in HEADERS])
    ws["XFD1048576"] = "x"
    path = tmp_path / "far.xlsx"
    wb.save(path)
    uploads.check_upload(path)
    assert xlsx_rows.dense_size(path) is None
    header = next(xlsx_rows.sheet_rows(path))
    assert list(header[: len(HEADERS)]) == HEADERS


def test_cells_without_references_are_streamed(tmp_path):
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        b'.org/spreadsheetml/2006/main"><sheetData><row><c t="inlineStr"><is><t>a</t></is></c>'
        b"</row></sheetData></worksheet>"
    )
    assert xlsx_rows._cells(sheet) is None


@pytest.mark.parametrize("calamine", [True, False])
def test_a_sheet_cut_after_a_whole_row_is_unreadable_not_short(
    personas, world, tmp_path, monkeypatch, calamine
):
    """A truncated file must not pass as a shorter one: the rows before the cut are not
    imported as if they were all."""
    good = zipfile.ZipFile(BytesIO(build_xlsx([person_row(world["unit_a1"].code, 1)] * 3)))
    parts = {i.filename: good.read(i) for i in good.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    cut = sheet.index(b"</row>", sheet.index(b"</row>") + 1) + len(b"</row>")
    path = tmp_path / "cut.xlsx"
    path.write_bytes(zip_bytes(dict(parts, **{"xl/worksheets/sheet1.xml": sheet[:cut]})))
    with pytest.raises(uploads.UploadRejected, match="无法作为 Excel"):
        _read(personas["staff_a"], path, calamine=calamine, monkeypatch=monkeypatch)
