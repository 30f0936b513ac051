"""The rows of an uploaded workbook's first worksheet, as Python values.

python-calamine (Rust) reads a 10,000-row sheet about ten times faster than openpyxl's
read-only mode, with the same values: the cached result of a formula (never the formula),
dates as dates, numbers as numbers (so an ID number Excel turned into a number is still
seen as one and refused). It builds the whole sheet as one dense grid, though: a sheet
whose cells claim far-apart places (a value in A1 and one in XFD1048576: a few bytes
that would make billions of cells), or whose cells carry no place at all, or a very large
sheet part, is read by openpyxl instead, which streams. Either way the file has passed
``renewal.kit.uploads.check_upload`` first (size, zip limits, no DTD, no macros).
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

import openpyxl
import python_calamine

log = logging.getLogger(__name__)

MAX_DENSE_CELLS = 2_000_000  # rows x columns calamine may build (10,000 x 200)
MAX_SHEET_PART = 32 * 1024 * 1024  # uncompressed bytes of one worksheet part
ROW_REF = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"(\d+)\"")
CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]{1,3})(\d+)\"")


class Unreadable(Exception):
    """The workbook cannot be read as one (the caller says so in Chinese)."""


def sheet_rows(path) -> Iterator[tuple]:
    """Each row of the first worksheet from row 1, empty cells as None."""
    if dense_size(path) is None:
        yield from _openpyxl_rows(path)
        return
    try:
        with python_calamine.CalamineWorkbook.from_path(str(path)) as workbook:
            index = next(
                i
                for i, sheet in enumerate(workbook.sheets_metadata)
                if sheet.typ == python_calamine.SheetTypeEnum.WorkSheet
            )
            grid = workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)
    except StopIteration:
        raise Unreadable("no worksheet") from None
    except Exception as exc:  # calamine raises its own kinds, and ValueError, for bad parts
        raise Unreadable(repr(exc)) from None
    for line in grid:
        yield tuple(None if value == "" else value for value in line)


def dense_size(path) -> int | None:
    """How many cells calamine would build for the largest worksheet, or None when that is
    too many or cannot be told from the cells' references (then openpyxl reads it)."""
    try:
        with zipfile.ZipFile(path) as archive:
            largest = 0
            for entry in archive.infolist():
                if not entry.filename.startswith("xl/worksheets/") or not entry.filename.endswith(
                    ".xml"
                ):
                    continue
                if entry.file_size > MAX_SHEET_PART:
                    return None
                cells = _cells(archive.read(entry))
                if cells is None or cells > MAX_DENSE_CELLS:
                    return None
                largest = max(largest, cells)
            return largest
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise Unreadable(repr(exc)) from None


def _cells(part: bytes) -> int | None:
    refs = CELL_REF.findall(part)
    if len(refs) != len(CELL_TAG.findall(part)):
        return None  # cells placed by their order: the width cannot be told cheaply
    rows = max((int(n) for n in ROW_REF.findall(part)), default=0)
    width = 0
    for letters in {letters for letters, _row in refs}:
        column = 0
        for ch in letters:
            column = column * 26 + ch - 64
        width = max(width, column)
    rows = max(rows, max((int(n) for _l, n in refs), default=0))
    return rows * width


def _openpyxl_rows(path) -> Iterator[tuple]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a malformed workbook
        raise Unreadable(repr(exc)) from None
    try:
        if not workbook.worksheets:
            raise Unreadable("no worksheet")
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    except (ElementTree.ParseError, zipfile.BadZipFile, EOFError) as exc:
        raise Unreadable(repr(exc)) from None
    finally:
        workbook.close()
