"""A filled statistical form as a workbook: the townships with the county total, and the
units as the detail sheet, both with the form's two-row header, streamed by the exports'
writer (renewal.kit.xlsx_stream): the detail sheet has a row per unit of the county."""

import io

from renewal.kit import measures
from renewal.kit.dates import chinese_date
from renewal.kit.xlsx_stream import StreamingWorkbook
from renewal.rollup.statforms import FilledForm

NUMBER_FORMATS = {measures.PERCENT: "0.0%", measures.AVERAGE: "0.0"}


def form_workbook(filled: FilledForm) -> bytes:
    heading = f"{filled.title}（截至{chinese_date(filled.day)}）"
    groups = [c.group for c in filled.columns]
    labels = [c.label for c in filled.columns]
    buffer = io.BytesIO()
    with StreamingWorkbook(buffer) as wb:
        _sheet(
            wb,
            "分乡镇(街道)",
            heading,
            ["乡镇(街道)", *labels],
            ["", *groups],
            [[row.name, *row.values] for row in [*filled.townships, filled.total]],
            filled,
            offset=1,
        )
        _sheet(
            wb,
            "分村(社区)明细",
            f"{heading} 明细",
            ["乡镇(街道)", "村(社区)", "统计用区划代码", *labels],
            ["", "", "", *groups],
            ([row.township, row.name, row.code, *row.values] for row in filled.units),
            filled,
            offset=3,
        )
    return buffer.getvalue()


def _sheet(wb, name, title, header, groups, rows, filled, *, offset):
    formats = {
        offset + i: NUMBER_FORMATS[c.style]
        for i, c in enumerate(filled.columns)
        if c.style in NUMBER_FORMATS
    }
    wb.table_sheet(
        name,
        title=title,
        header=header,
        rows=rows,
        formats=formats,
        groups=groups if any(groups) else None,
    )
