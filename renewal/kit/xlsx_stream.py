"""The writer of the big Excel exports: a workbook streamed to disk row by row.

openpyxl, even in write-only mode, makes a cell object for every value, an element tree for
every row, and keeps every distinct text in the shared-string table until the file is
saved; at 100,000 rows and more an export spends most of its time there. This writes the
SpreadsheetML itself, straight into the deflated zip entry: a row becomes one string, text
goes inline (no shared-string table to hold), and memory stays flat whatever the row count.

The layout is the shared one of ``renewal.kit.sheets`` (title row, bold header frozen under
it with a filter, columns as wide as their first rows, A4 landscape fitted to the page
width with the title and header on every page, Chinese date cells, formulas neutralised),
built from the same constants and helpers, so a streamed export and an openpyxl sheet of
the product look alike.
"""

import datetime
import itertools
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from django.utils import timezone
from openpyxl.utils import get_column_letter, quote_sheetname

from renewal.kit.sheets import (
    CHINESE_DATE,
    CHINESE_DATETIME,
    CHINESE_MONTH,
    HEADER_BORDER,
    HEADER_FILL,
    PAPER_A4,
    SAMPLE_ROWS,
    TITLE_FONT,
    YearMonth,
    fitted_widths,
    group_merges,
    safe_cell,
)
from renewal.models import DomainError

MAX_ROWS = 1_048_576  # Excel's rows per sheet
TOO_MANY_ROWS = "导出的行数超过 Excel 一张表的上限（1048576 行），请缩小筛选范围后分几次导出。"
MAX_TEXT = 32_767  # Excel's characters per cell (openpyxl cuts there too)
FLUSH_ROWS = 500  # rows joined into one write to the zip entry
# Deflate level 1: the default level (6) takes 40 % more CPU for the whole write of a
# roster, for a file a fifth smaller (100,000 rows: 11.3 MB instead of 13.8 MB).
COMPRESS_LEVEL = 1
MARGIN_SIDES = 0.4  # inches, as renewal.kit.sheets.print_setup

_EPOCH = datetime.date(1899, 12, 30).toordinal()
# XML 1.0 cannot carry these at all (openpyxl refuses them); they are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Cell styles (cellXfs) every workbook has; number formats are added after them.
XF_TITLE, XF_HEADER = 1, 2
TITLE_STYLE, HEADER_STYLE = f' s="{XF_TITLE}"', f' s="{XF_HEADER}"'


def escape(text: str) -> str:
    """``text`` as XML character data (also fit for a double-quoted attribute)."""
    unusual = not text.isprintable()  # control characters, line breaks, tabs, odd spaces
    if unusual:
        text = _NOT_XML.sub("", text)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    if unusual and "\r" in text:  # a carriage return survives XML parsing only as a reference
        text = text.replace("\r", "&#13;")
    return text


def _inline(ref: str, style: str, text: str) -> str:
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _serial(day: datetime.date) -> int:
    """Excel's day number (1900 system, with its fictitious 29 February 1900)."""
    days = day.toordinal() - _EPOCH
    return days - 1 if 0 < days <= 60 else days


class StreamingWorkbook:
    """A workbook written to a file (or a buffer) one sheet after the other, each in a
    single pass.

    Use as a context manager; the file is complete when the ``with`` block ends without an
    error (with one, the half-written file is removed)."""

    def __init__(self, target: Path | str | BinaryIO):
        """``target``: a file's path, or a binary file object (a response's buffer)."""
        self.path = Path(target) if isinstance(target, str | Path) else None
        self._zip = zipfile.ZipFile(
            target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL
        )
        self._sheets: list[tuple[str, str, str | None]] = []  # name, print titles, filter
        self._formats: dict[str, int] = {}  # number format -> its cellXfs index

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            self._zip.close()
            if self.path:
                self.path.unlink(missing_ok=True)

    def _xf(self, number_format: str) -> str:
        """The ``s`` attribute of a cell in ``number_format``."""
        index = self._formats.setdefault(number_format, XF_HEADER + 1 + len(self._formats))
        return f' s="{index}"'

    def table_sheet(
        self,
        name: str,
        *,
        title: str | None,
        header: Sequence[str],
        rows: Iterable[Sequence],
        formats: dict[int, str] | None = None,
        groups: Sequence[str] | None = None,
        on_progress=None,
        every: int = 500,
    ) -> int:
        """Write a table as the next sheet, laid out as ``renewal.kit.sheets.table_sheet``
        lays one out, with the same arguments; returns the number of data rows."""
        name = _sheet_name(name, taken={n for n, _t, _f in self._sheets})
        formats = formats or {}
        rows = iter(rows)
        sample = list(itertools.islice(rows, SAMPLE_ROWS))
        widths = fitted_widths(header, sample)
        header_row = (2 if title else 1) + (1 if groups else 0)
        columns = max(len(header), len(widths), 1)
        refs = [get_column_letter(i) for i in range(1, columns + 1)]
        number_style = [self._xf(formats[i]) if i in formats else "" for i in range(columns)]
        # (date, month, date and time) per column: a column's own format wins, but not over
        # a month (as renewal.kit.sheets does it).
        month = self._xf(CHINESE_MONTH)
        date_styles = [
            (
                self._xf(formats.get(i, CHINESE_DATE)),
                month,
                self._xf(formats.get(i, CHINESE_DATETIME)),
            )
            for i in range(columns)
        ]
        sheet_no = len(self._sheets) + 1
        count = 0
        with self._zip.open(f"xl/worksheets/sheet{sheet_no}.xml", "w", force_zip64=True) as out:
            out.write(_sheet_start(header_row, widths, selected=sheet_no == 1).encode())
            head = []
            if title:
                head.append(f'<row r="1">{_inline("A1", TITLE_STYLE, title)}</row>')
            heads = [header]
            if groups:
                heads.insert(0, [g or t for g, t in zip(groups, header, strict=True)])
            for at, texts in enumerate(heads, start=header_row - len(heads) + 1):
                cells = "".join(
                    _inline(f"{refs[i]}{at}", HEADER_STYLE, str(text))
                    for i, text in enumerate(texts)
                    if text
                )
                head.append(f'<row r="{at}">{cells}</row>')
            out.write("".join(head).encode())
            chunk = []
            number = header_row
            for row in itertools.chain(sample, rows):
                number += 1
                if number > MAX_ROWS:
                    raise DomainError(TOO_MANY_ROWS)
                if len(row) > len(refs):
                    refs += [get_column_letter(i) for i in range(len(refs) + 1, len(row) + 1)]
                    number_style += [""] * (len(refs) - len(number_style))
                    plain = (self._xf(CHINESE_DATE), month, self._xf(CHINESE_DATETIME))
                    date_styles += [plain] * (len(refs) - len(date_styles))
                chunk.append(_row(number, row, refs, number_style, date_styles))
                count += 1
                if count % FLUSH_ROWS == 0:
                    out.write("".join(chunk).encode())
                    chunk.clear()
                if on_progress and count % every == 0:
                    on_progress(count)
            last_column, last_row = refs[max(len(header), 1) - 1], header_row + count
            chunk.append("</sheetData>")
            chunk.append(f'<autoFilter ref="A{header_row}:{last_column}{last_row}"/>')
            if groups:
                merges = group_merges(groups, header_row - 1)
                chunk.append(f'<mergeCells count="{len(merges)}">')
                chunk.extend(f'<mergeCell ref="{cells}"/>' for cells in merges)
                chunk.append("</mergeCells>")
            chunk.append(_sheet_end())
            out.write("".join(chunk).encode())
        area = f"$A${header_row}:${last_column}${last_row}"
        self._sheets.append((name, f"$1:${header_row}", area))
        return count

    def close(self) -> None:
        z = self._zip
        n = len(self._sheets)
        z.writestr("[Content_Types].xml", _content_types(n))
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _workbook(self._sheets))
        z.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(n))
        z.writestr("xl/styles.xml", _styles(self._formats))
        z.close()


def _row(number: int, values: Sequence, refs, number_style, date_styles) -> str:
    """One ``<row>``: text inline (neutralised), numbers and booleans as values, dates and
    months as day numbers in their Chinese format; empty values leave no cell."""
    at = str(number)
    cells = [f'<row r="{at}">']
    add = cells.append
    for i, value in enumerate(values):
        kind = type(value)
        if kind is str:
            if not value:
                continue
            add(_inline(refs[i] + at, "", safe_cell(value)))
        elif kind is int:
            add(f'<c r="{refs[i]}{at}"{number_style[i]}><v>{value}</v></c>')
        elif kind is float or kind is Decimal:
            if math.isfinite(value) if kind is float else value.is_finite():
                add(f'<c r="{refs[i]}{at}"{number_style[i]}><v>{value}</v></c>')
            else:  # NaN and infinity: Excel has no such number
                add(_inline(refs[i] + at, "", str(value)))
        elif value is None:
            continue
        elif kind is bool:
            add(f'<c r="{refs[i]}{at}" t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.make_naive(value)  # Beijing time, which Excel cannot store
            seconds = value.hour * 3600 + value.minute * 60 + value.second
            day = _serial(value) + (seconds + value.microsecond / 1e6) / 86400
            add(_date_cell(refs[i] + at, date_styles[i][2], day, value))
        elif isinstance(value, datetime.date):
            add(_date_cell(refs[i] + at, date_styles[i][0], _serial(value), value))
        elif kind is YearMonth:
            first = datetime.date(value.year, value.month, 1)
            add(_date_cell(refs[i] + at, date_styles[i][1], _serial(first), first))
        elif isinstance(value, int | float):  # int and float subclasses (IntEnum …)
            add(f'<c r="{refs[i]}{at}"{number_style[i]}><v>{float(value)!r}</v></c>')
        else:
            text = str(value)
            if text:
                add(_inline(refs[i] + at, "", safe_cell(text)))
    cells.append("</row>")
    return "".join(cells)


def _date_cell(ref: str, style: str, day, value) -> str:
    if day <= 0:  # before 1900: Excel has no such date, so it is written as text
        return _inline(ref, "", value.isoformat(sep=" ") if hasattr(value, "hour") else str(value))
    return f'<c r="{ref}"{style}><v>{day!r}</v></c>'


def _sheet_name(name: str, *, taken: set[str]) -> str:
    """``name`` as Excel accepts a sheet name: no []:*?/\\, at most 31 characters, unique."""
    name = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'")[:31] or "Sheet"
    base, n = name, 1
    while name in taken:
        n += 1
        name = f"{base[: 31 - len(str(n)) - 1]}_{n}"
    return name


def _sheet_start(header_row: int, widths: list[float], *, selected: bool) -> str:
    top = f"A{header_row + 1}"
    tab = ' tabSelected="1"' if selected else ""
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
        for i, w in enumerate(widths, start=1)
    )
    return (
        f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<sheetViews><sheetView{tab} workbookViewId="0">'
        f'<pane ySplit="{header_row}" topLeftCell="{top}" activePane="bottomLeft" state="frozen"/>'
        f'<selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"{f'<cols>{cols}</cols>' if cols else ''}<sheetData>"
    )


def _sheet_end() -> str:
    return (
        '<printOptions horizontalCentered="1"/>'
        f'<pageMargins left="{MARGIN_SIDES}" right="{MARGIN_SIDES}" top="1" bottom="1" '
        'header="0.5" footer="0.5"/>'
        f'<pageSetup paperSize="{PAPER_A4}" orientation="landscape" fitToWidth="1" '
        'fitToHeight="0"/></worksheet>'
    )


def _content_types(sheets: int) -> str:
    xml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{xml}.worksheet+xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{xml}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{xml}.styles+xml"/>'
        f"{overrides}</Types>"
    )


_ROOT_RELS = (
    f'{_HEAD}<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)


def _workbook_rels(sheets: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    )
    styles = f'<Relationship Id="rId{sheets + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
    return f'{_HEAD}<Relationships xmlns="{_PKG_REL}">{rels}{styles}</Relationships>'


def _workbook(sheets: list[tuple[str, str, str | None]]) -> str:
    entries, names = [], []
    for n, (name, titles, area) in enumerate(sheets):
        entries.append(f'<sheet name="{escape(name)}" sheetId="{n + 1}" r:id="rId{n + 1}"/>')
        quoted = escape(quote_sheetname(name))
        if area:
            names.append(
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
                f"{quoted}!{area}</definedName>"
            )
        names.append(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{n}">{quoted}!{titles}'
            "</definedName>"
        )
    return (
        f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{''.join(entries)}</sheets>"
        f"<definedNames>{''.join(names)}</definedNames>"
        '<calcPr calcId="191029"/></workbook>'
    )


def _rgb(color) -> str:
    """An openpyxl colour ("00EEF1F4") as an opaque ARGB value."""
    return "FF" + color.rgb[-6:]


def _styles(formats: dict[str, int]) -> str:
    num_fmts = "".join(
        f'<numFmt numFmtId="{164 + n}" formatCode="{escape(code)}"/>'
        for n, code in enumerate(formats)
    )
    number_xfs = "".join(
        f'<xf numFmtId="{164 + n}" fontId="0" fillId="0" borderId="0" xfId="0" '
        'applyNumberFormat="1"/>'
        for n in range(len(formats))
    )
    font = '<sz val="{}"/><name val="Calibri"/><family val="2"/>'
    bottom = HEADER_BORDER.bottom
    return (
        f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
        f'<numFmts count="{len(formats)}">{num_fmts}</numFmts>'
        '<fonts count="3">'
        f"<font>{font.format(11)}</font>"
        f"<font><b/>{font.format(int(TITLE_FONT.sz))}</font>"
        f"<font><b/>{font.format(11)}</font>"
        "</fonts>"
        '<fills count="3"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill>'
        f'<fill><patternFill patternType="solid"><fgColor rgb="{_rgb(HEADER_FILL.fgColor)}"/>'
        "</patternFill></fill></fills>"
        '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
        f'<border><left/><right/><top/><bottom style="{bottom.style}">'
        f'<color rgb="{_rgb(bottom.color)}"/></bottom><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        f'<cellXfs count="{XF_HEADER + 1 + len(formats)}">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="0" fontId="2" fillId="2" borderId="1" xfId="0" applyFont="1" '
        'applyFill="1" applyBorder="1" applyAlignment="1">'
        '<alignment vertical="center" wrapText="1"/></xf>'
        f"{number_xfs}</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )
