"""A filled statistical form as a workbook: the townships with the county total, and the
units as the detail sheet, both with the form's two-row header (renewal.kit.sheets)."""

import io

import openpyxl

from renewal.kit import measures
from renewal.kit.dates import chinese_date
from renewal.kit.sheets import table_sheet
from renewal.rollup.statforms import FilledForm

NUMBER_FORMATS = {measures.PERCENT: "0.0%", measures.AVERAGE: "0.0"}


def form_workbook(filled: FilledForm) -> bytes:
    heading = f"{filled.title}（截至{chinese_date(filled.day)}）"
    groups = [c.group for c in filled.columns]
    labels = [c.label for c in filled.columns]
    wb = openpyxl.Workbook()
    summary = wb.active
    summary.title = "分乡镇(街道)"
    _sheet(
        summary,
        heading,
        ["乡镇(街道)", *labels],
        ["", *groups],
        [[row.name, *row.values] for row in [*filled.townships, filled.total]],
        filled,
        offset=1,
    )
    _sheet(
        wb.create_sheet("分村(社区)明细"),
        f"{heading} 明细",
        ["乡镇(街道)", "村(社区)", "统计用区划代码", *labels],
        ["", "", "", *groups],
        [[row.township, row.name, row.code, *row.values] for row in filled.units],
        filled,
        offset=3,
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _sheet(ws, title, header, groups, rows, filled, *, offset):
    formats = {
        offset + i: NUMBER_FORMATS[c.style]
        for i, c in enumerate(filled.columns)
        if c.style in NUMBER_FORMATS
    }
    has_groups = any(groups)
    table_sheet(
        ws,
        title=title,
        header=header,
        rows=rows,
        formats=formats,
        groups=groups if has_groups else None,
    )
