"""The streamed workbook of the big exports, read back with openpyxl: values and their types,
formulas neutralised, the shared sheet format (as ``renewal.kit.sheets.table_sheet`` lays it
out with openpyxl), and the limits of a sheet."""

import datetime
import io
import itertools
from decimal import Decimal

import openpyxl
import pytest
from openpyxl import Workbook

from renewal.kit import xlsx_stream
from renewal.kit.sheets import (
    CHINESE_DATE,
    CHINESE_DATETIME,
    CHINESE_MONTH,
    fitted_widths,
    table_sheet,
)
from renewal.kit.xlsx_stream import StreamingWorkbook
from renewal.models import DomainError
from renewal.tests.kit.xlsx_cases import CASES, HEADER, ROWS


def streamed(path, rows=ROWS, **kwargs):
    kwargs.setdefault("title", "候选人花名册（已脱敏）")
    with StreamingWorkbook(path) as wb:
        count = wb.table_sheet("花名册", header=HEADER, rows=rows, **kwargs)
    return count, openpyxl.load_workbook(path).active


def test_values_come_back_with_their_types(tmp_path):
    count, ws = streamed(tmp_path / "t.xlsx")
    assert count == len(CASES)
    got = list(ws.iter_rows(min_row=3, max_col=len(HEADER), values_only=True))
    assert got == [tuple(read) for _row, read, _shown in CASES]
    kinds = {str: "s", bool: "b", int: "n", float: "n", datetime.datetime: "d"}
    for cells, (_row, read, _shown) in zip(ws.iter_rows(min_row=3), CASES, strict=True):
        for cell, value in zip(cells, read, strict=False):
            if value is not None:
                assert cell.data_type == kinds[type(value)], cell.coordinate
                assert cell.is_date is isinstance(value, datetime.datetime), cell.coordinate


def test_id_numbers_and_phones_stay_text(tmp_path):
    """An 18-digit number or a phone must never become a number (1.10105E+17)."""
    _count, ws = streamed(tmp_path / "t.xlsx")
    assert ws["D3"].data_type == "s" and ws["D3"].value == "11010519491231002X"
    assert ws["E3"].data_type == "s" and ws["E3"].value == "13812345678"
    assert ws["D6"].value == "0012"


def test_dates_are_date_cells_in_the_chinese_style(tmp_path):
    _count, ws = streamed(tmp_path / "t.xlsx")
    assert ws["C3"].number_format == CHINESE_MONTH
    assert ws["G3"].number_format == CHINESE_DATE
    assert ws["H4"].number_format == CHINESE_DATETIME
    assert ws["H4"].value == datetime.datetime(2026, 3, 1, 23, 30, 5)  # Beijing, not UTC


def test_layout_is_the_shared_sheet_format(tmp_path):
    _count, ws = streamed(tmp_path / "t.xlsx")
    assert ws["A1"].value == "候选人花名册（已脱敏）" and ws["A1"].font.b and ws["A1"].font.sz == 14
    assert [c.value for c in ws[2]] == HEADER
    assert all(c.font.b and c.fill.fgColor.rgb == "FFEEF1F4" for c in ws[2])
    assert all(c.alignment.wrap_text and c.border.bottom.style == "thin" for c in ws[2])
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == f"A2:I{2 + len(CASES)}"
    widths = [ws.column_dimensions[c].width for c in "ABCDEFGHI"]
    assert widths == fitted_widths(HEADER, ROWS)
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$2"
    assert ws.print_options.horizontalCentered
    assert ws.page_margins.left == ws.page_margins.right == 0.4


def test_streamed_sheet_reads_as_the_openpyxl_one(tmp_path):
    """Cell by cell (value, number format, bold) and sheet by sheet (widths, panes, print
    set-up), the streamed file is what openpyxl's table_sheet wrote before it (without the
    control characters, which openpyxl refuses, failing the whole export)."""
    rows = [row for row in ROWS if not any(isinstance(v, str) and "\x01" in v for v in row)]
    wb = Workbook(write_only=True)
    table_sheet(wb.create_sheet("花名册"), title="标题", header=HEADER, rows=rows)
    wb.save(tmp_path / "openpyxl.xlsx")
    before = openpyxl.load_workbook(tmp_path / "openpyxl.xlsx").active
    _count, after = streamed(tmp_path / "stream.xlsx", rows=rows, title="标题")
    for old_row, new_row in itertools.zip_longest(before.iter_rows(), after.iter_rows()):
        for old, new in zip(old_row, new_row, strict=False):
            assert (None if old.value == "" else old.value, old.number_format, old.font.b) == (
                new.value,
                new.number_format,
                new.font.b,
            ), old.coordinate
    for attr in ("freeze_panes", "print_title_rows"):
        assert getattr(before, attr) == getattr(after, attr)
    assert before.auto_filter.ref == after.auto_filter.ref
    for letter, dim in before.column_dimensions.items():
        assert after.column_dimensions[letter].width == dim.width
    for attr in ("orientation", "paperSize", "fitToWidth", "fitToHeight"):
        assert str(getattr(before.page_setup, attr)) == str(getattr(after.page_setup, attr))


def test_column_formats_and_no_title(tmp_path):
    with StreamingWorkbook(tmp_path / "t.xlsx") as wb:
        wb.table_sheet(
            "比例",
            title=None,
            header=["乡镇", "完成率"],
            rows=[["城关镇", 0.875]],
            formats={1: "0.0%"},
        )
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert ws["A1"].value == "乡镇" and ws["A1"].font.b
    assert ws.freeze_panes == "A2" and ws.print_title_rows == "$1:$1"
    assert ws["B2"].value == 0.875 and ws["B2"].number_format == "0.0%"


def test_text_longer_than_a_cell_holds_is_cut(tmp_path):
    _count, ws = streamed(tmp_path / "t.xlsx", rows=[[1, "长" * 40_000]])
    assert ws["B3"].value == "长" * 32_767


def test_sheet_names_excel_refuses_are_cleaned(tmp_path):
    with StreamingWorkbook(tmp_path / "t.xlsx") as wb:
        wb.table_sheet("a/b:c[d]", title=None, header=["x"], rows=[])
        wb.table_sheet("a/b:c[d]", title=None, header=["x"], rows=[])
        wb.table_sheet("王's & <李>", title="标题", header=["x"], rows=[[1]])
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames == ["a_b_c_d_", "a_b_c_d__2", "王's & <李>"]
    assert book["王's & <李>"].print_title_rows == "$1:$2"


def test_numbers_excel_cannot_hold_are_written_as_text(tmp_path):
    rows = [[1, float("nan"), Decimal("Infinity"), Decimal("2.50")]]
    _count, ws = streamed(tmp_path / "t.xlsx", rows=rows)
    assert [c.value for c in ws[3]][:4] == [1, "nan", "Infinity", 2.5]


def test_text_typed_over_several_lines_keeps_its_line_breaks(tmp_path):
    """A textarea saves CRLF: the carriage return comes back as itself, not as "&#13;"."""
    rows = [["第一行\r\n第二行 & <备注>", "甲\n乙"]]
    _count, ws = streamed(tmp_path / "t.xlsx", rows=rows)
    assert [c.value for c in ws[3]][:2] == ["第一行\r\n第二行 & <备注>", "甲\n乙"]


def test_more_rows_than_a_sheet_holds_fail_in_words_and_leave_no_file(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_stream, "MAX_ROWS", 5)
    path = tmp_path / "t.xlsx"
    with pytest.raises(DomainError, match="超过 Excel 一张表的上限"), StreamingWorkbook(path) as wb:
        wb.table_sheet("表", title="标题", header=["x"], rows=([n] for n in range(10)))
    assert not path.exists()


def test_progress_is_reported_while_rows_stream(tmp_path):
    seen = []
    with StreamingWorkbook(tmp_path / "t.xlsx") as wb:
        count = wb.table_sheet(
            "表",
            title=None,
            header=["n"],
            rows=([n] for n in range(1200)),
            on_progress=seen.append,
            every=500,
        )
    assert count == 1200 and seen == [500, 1000]
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx", read_only=True).active
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == list(range(1200))


def test_two_row_header_merges_as_the_openpyxl_one(tmp_path):
    header, groups = (
        ["乡镇", "登记数", "参选数", "参选率", "备注"],
        ["", "选民", "选民", "选民", ""],
    )
    rows = [["甲镇", 100, 90, 0.9, ""], ["乙镇", 50, 40, 0.8, "补选"]]
    wb = Workbook()
    table_sheet(wb.active, title="表", header=header, rows=rows, groups=groups, formats={3: "0.0%"})
    wb.save(tmp_path / "openpyxl.xlsx")
    before = openpyxl.load_workbook(tmp_path / "openpyxl.xlsx").active
    with StreamingWorkbook(tmp_path / "stream.xlsx") as out:
        out.table_sheet(
            "表", title="表", header=header, rows=rows, groups=groups, formats={3: "0.0%"}
        )
    after = openpyxl.load_workbook(tmp_path / "stream.xlsx").active
    assert {str(r) for r in after.merged_cells.ranges} == {"A2:A3", "B2:D2", "E2:E3"}
    assert {str(r) for r in after.merged_cells.ranges} == {
        str(r) for r in before.merged_cells.ranges
    }
    assert after.freeze_panes == before.freeze_panes == "A4"
    assert after.print_title_rows == before.print_title_rows == "$1:$3"
    assert after["B2"].value == "选民" and after["B3"].value == "登记数" and after["B2"].font.b
    assert list(after.iter_rows(min_row=4, values_only=True)) == [
        ("甲镇", 100, 90, 0.9, None),
        ("乙镇", 50, 40, 0.8, "补选"),
    ]
    assert after["D4"].number_format == before["D4"].number_format == "0.0%"


def test_a_workbook_streams_into_memory(tmp_path):
    buffer = io.BytesIO()
    with StreamingWorkbook(buffer) as wb:
        wb.table_sheet("一", title=None, header=["x"], rows=[[1]])
        wb.table_sheet("二", title=None, header=["y"], rows=[[2]])
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert [ws.title for ws in book] == ["一", "二"]
    assert book["二"]["A2"].value == 2
