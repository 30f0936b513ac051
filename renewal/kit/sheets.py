"""Every Excel sheet the product writes is laid out here, the same way: a title row, a bold
header frozen under it with a filter, columns as wide as their content, dates as real date
cells in the Chinese style, and a print set-up for A4 landscape that repeats the title and
the header on every page and fits the columns to the page width.

Two writers lay sheets out this way, from the constants and helpers here: the big ones
(the background exports, the statistical forms) are streamed by ``renewal.kit.xlsx_stream``;
the small workbooks that need more of openpyxl (the notice workbook with its text sheet,
the import templates with their drop-down lists) use ``table_sheet`` below. Everything that
Excel reads before the rows (widths, frozen panes, fit to page) is set before the first row
is written, and the widths are measured on the header and the first ``SAMPLE_ROWS`` rows.

Text that Excel would run as a formula is neutralised by the rule here (``safe_cell``,
``FORMULA_PREFIXES``), which both writers apply to every cell.
"""

import datetime
import itertools
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

CHINESE_DATE = 'yyyy"年"m"月"d"日"'
CHINESE_MONTH = 'yyyy"年"m"月"'
CHINESE_DATETIME = 'yyyy"年"m"月"d"日" hh:mm:ss'

PAPER_A4 = "9"  # the paperSize code of A4 in SpreadsheetML
SAMPLE_ROWS = 500  # rows measured for the column widths
MIN_WIDTH, MAX_WIDTH = 6, 60  # in Excel's character units
TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF1F4")
HEADER_BORDER = Border(bottom=Side(style="thin", color="8C959F"))
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")


@dataclass(frozen=True)
class YearMonth:
    """A month without a day (出生年月, 入党时间): a date cell showing 1980年5月."""

    year: int
    month: int

    @classmethod
    def of(cls, day: datetime.date | None):
        return cls(day.year, day.month) if day else None


def safe_cell(value):
    """Text that Excel would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def text_width(value) -> int:
    """How many character columns ``value`` takes as Excel shows it: a Chinese (wide)
    character counts two."""
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 22
    if isinstance(value, datetime.date | YearMonth):
        return 14
    if isinstance(value, float):
        value = f"{value:.2f}"
    text = str(value)
    longest = max(text.split("\n"), key=len, default="")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def fitted_widths(header: Sequence, rows: Iterable[Sequence]) -> list[float]:
    widths = [text_width(h) for h in header]
    for row in rows:
        for i, value in enumerate(row):
            if i < len(widths):
                widths[i] = max(widths[i], text_width(value))
            else:
                widths.append(text_width(value))
    return [min(max(w + 2, MIN_WIDTH), MAX_WIDTH) for w in widths]


def _cell(ws, value, number_format: str | None = None):
    """A value as the cell to append: dates become date cells in the Chinese style."""
    if isinstance(value, YearMonth):
        value, number_format = datetime.date(value.year, value.month, 1), CHINESE_MONTH
    elif isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)  # Beijing time, which Excel cannot store
        number_format = number_format or CHINESE_DATETIME
    elif isinstance(value, datetime.date):
        number_format = number_format or CHINESE_DATE
    else:
        value = safe_cell(value)
    if number_format is None:
        return value
    cell = WriteOnlyCell(ws, value)
    cell.number_format = number_format
    return cell


def print_setup(ws, *, repeat_rows: str | None = None, orientation: str = "landscape") -> None:
    """A4, landscape, all columns on the page width (as many pages high as it takes), and
    ``repeat_rows`` (e.g. "1:2") printed at the top of every page."""
    ws.page_setup.orientation = orientation
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    if repeat_rows:
        ws.print_title_rows = repeat_rows


def table_sheet(
    ws,
    *,
    title: str | None,
    header: Sequence[str],
    rows: Iterable[Sequence],
    formats: dict[int, str] | None = None,
    groups: Sequence[str] | None = None,
    on_progress=None,
    every: int = 500,
) -> int:
    """Write a table to the empty sheet ``ws``; returns the number of data rows.

    ``title`` goes in the first row (None: no title row, e.g. an import template, whose
    header must stay the first row); ``formats`` maps a column (0-based) to a number
    format (e.g. "0.0%"). ``groups`` (one upper heading per column, "" for none) makes a
    two-row header, as official statistical forms have: adjacent columns of one group
    share a merged upper cell, a column without a group spans both rows. Merged cells need
    an ordinary sheet (not a write-only one)."""
    formats = formats or {}
    rows = iter(rows)
    sample = list(itertools.islice(rows, SAMPLE_ROWS))
    for i, width in enumerate(fitted_widths(header, sample), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    header_row = (2 if title else 1) + (1 if groups else 0)
    ws.freeze_panes = f"A{header_row + 1}"
    print_setup(ws, repeat_rows=f"1:{header_row}")
    if title:
        cell = WriteOnlyCell(ws, title)
        cell.font = TITLE_FONT
        ws.append([cell])
    if groups:
        ws.append(
            [_head_cell(ws, group or text) for group, text in zip(groups, header, strict=True)]
        )
    ws.append([_head_cell(ws, text) for text in header])
    if groups:
        _merge_groups(ws, groups, header_row - 1)
    count = 0
    for row in itertools.chain(sample, rows):
        ws.append([_cell(ws, value, formats.get(i)) for i, value in enumerate(row)])
        count += 1
        if on_progress and count % every == 0:
            on_progress(count)
    last = get_column_letter(max(len(header), 1))
    ws.auto_filter.ref = f"A{header_row}:{last}{header_row + count}"
    return count


def _head_cell(ws, text):
    cell = WriteOnlyCell(ws, text)
    cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    cell.border, cell.alignment = HEADER_BORDER, HEADER_ALIGNMENT
    return cell


def _merge_groups(ws, groups: Sequence[str], row: int) -> None:
    for cells in group_merges(groups, row):
        ws.merge_cells(cells)


def group_merges(groups: Sequence[str], row: int) -> list[str]:
    """The merged ranges of a two-row header whose upper row is ``row``: each run of one
    group across its columns in ``row``, and each column without a group down over ``row``
    and the row below."""
    merges = []
    start = 0
    for end in range(1, len(groups) + 1):
        if end < len(groups) and groups[end] and groups[end] == groups[start]:
            continue
        first, last = get_column_letter(start + 1), get_column_letter(end)
        if not groups[start]:
            merges.append(f"{first}{row}:{first}{row + 1}")
        elif end - start > 1:
            merges.append(f"{first}{row}:{last}{row}")
        start = end
    return merges
