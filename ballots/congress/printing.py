"""Printed material for one round: the ballots and the tellers' tally sheet, as PDF.

Pure: frozen dataclasses in, PDF bytes out; no ORM, no settings. A service loads the
round, builds a ``BallotSpec`` / ``TallySpec`` and stores or streams the bytes.

Candidates are printed in 姓氏笔画 order (``ballots.strokes``) whatever order they come
in. Text is set in a subset of Noto Sans CJK SC that ships with the app
(static/fonts/, SIL OFL 1.1) and is embedded in every PDF, so the files print the same
on a machine without any CJK font. A character the font lacks raises
``MissingGlyphError`` instead of printing a blank.

Ballots are A4 portrait, one per page, each with its own serial number; the tally sheet
is A4 landscape and runs onto more pages when the candidates need them, repeating the
table heading. The party congress's sheet and the villagers' sheet (a box, or the combined
tally of all boxes) end with the same reconciliation block (``reconciliation_block``).
"""

import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path

import segno
from django.conf import settings
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import TextMode

from ballots.strokes import stroke_sort_key

FONT_PATH = Path(settings.BASE_DIR) / "static" / "fonts" / "NotoSansCJKsc-Regular-subset-GB2312.ttf"
FONT = "NotoSansCJKsc"

PT = 25.4 / 72  # mm per point
MARGIN = 15.0
LABEL_W = 22.0  # the row labels at the left of a ballot grid
MAX_CELL_W = 36.0
NAME_SIZE = 15.0  # pt, shrunk for long names
MIN_NAME_SIZE = 8.0
MAX_MARK_H = 24.0
GROUP_GAP = 5.0  # between the candidates' grid and the write-in grid
# Tried in order until the ballot fits on its page: (max columns, name row, mark row) in mm.
GRID_CHOICES = [
    (cols, name_h, mark_h)
    for cols in (6, 7, 8)
    for name_h, mark_h in ((13.0, 18.0), (11.0, 15.0), (10.0, 12.0))
]


PARTY_CHOICES = ("赞成", "反对", "弃权")
VILLAGERS_CHOICES = ("得票",)


class MissingGlyphError(ValueError):
    """Text to print has characters the embedded font cannot draw."""

    def __init__(self, chars: Iterable[str]):
        self.chars = "".join(sorted(set(chars)))
        super().__init__(f"内置字体缺少以下字符，无法打印：{self.chars}")


@dataclass(frozen=True)
class BallotSpec:
    title: str
    instructions: list[str]
    candidates: list[str]
    seats: int
    write_in_rows: int
    copies: int  # present members
    spares: int
    serial_prefix: str = ""
    footer: str = ""
    # 姓氏笔画 with a blank for single given names (高富 before 高大富); see ballots.strokes
    single_name_first: bool = False

    @property
    def total(self) -> int:
        return self.copies + self.spares


@dataclass(frozen=True)
class TallySpec:
    title: str
    candidates: list[str]
    seats: int
    expected: int
    present: int
    ballots_issued: int
    write_in_rows: int | None = None  # None: one per seat
    single_name_first: bool = False
    # The ballot count already entered (印制、作废、未用 …); blank lines where not yet counted.
    reconciliation: dict = field(default_factory=dict)


def ordered_candidates(names: Sequence[str], *, single_name_first: bool = False) -> list[str]:
    """The names as printed: stripped, in 姓氏笔画 order."""
    key = partial(stroke_sort_key, single_name_first=single_name_first)
    return sorted((name.strip() for name in names), key=key)


def serial_numbers(spec: BallotSpec) -> list[str]:
    width = max(4, len(str(spec.total)))
    return [f"{spec.serial_prefix}{n:0{width}d}" for n in range(1, spec.total + 1)]


# --- ballots ---------------------------------------------------------------------------


def ballot_pdf(spec: BallotSpec) -> bytes:
    """One ballot per A4 page, ``copies + spares`` pages, serial numbers 0001 upwards."""
    names = ordered_candidates(spec.candidates, single_name_first=spec.single_name_first)
    _validate_ballot(spec, names)
    serials = serial_numbers(spec)
    _check_glyphs([spec.title, spec.footer, *spec.instructions, *names, *serials])

    pdf = _new_pdf(spec.title, "portrait")
    layout = None
    for serial in serials:
        pdf.add_page()
        top = _ballot_header(pdf, spec, serial)
        if layout is None:
            layout = _ballot_layout(pdf, spec, names, top)
        _ballot_grids(pdf, layout, top)
        if spec.footer:
            pdf.set_font_size(11)
            pdf.set_xy(MARGIN, pdf.h - MARGIN - 7)
            pdf.cell(pdf.epw, 7, spec.footer)
    return bytes(pdf.output())


def _validate_ballot(spec: BallotSpec, names: list[str]) -> None:
    _validate_names(names)
    if spec.seats < 1:
        raise ValueError("应选人数至少为 1。")
    if spec.write_in_rows < 0 or spec.copies < 0 or spec.spares < 0:
        raise ValueError("另选他人栏数、选票份数和备用票数不能为负数。")
    if spec.total < 1:
        raise ValueError("至少要印一张选票。")


def _validate_names(names: list[str]) -> None:
    if not names or not all(names):
        raise ValueError("候选人名单为空，或有空白姓名。")
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(
            f"候选人姓名重复：{'、'.join(duplicates)}。重名的请加注区别（如出生年月）。"
        )


def _ballot_header(pdf: FPDF, spec: BallotSpec, serial: str) -> float:
    """Serial number, title and instructions; returns the y where the grids start."""
    pdf.set_xy(MARGIN, MARGIN)
    pdf.set_font_size(11)
    pdf.cell(pdf.epw, 6, f"编号：{serial}", align="R")
    pdf.set_xy(MARGIN, MARGIN + 9)
    _title(pdf, spec.title, 20)
    pdf.ln(4)
    pdf.set_font_size(11.5)
    for line in spec.instructions:
        _paragraph(pdf, "\u3000\u3000" + line, 6.5)
    return pdf.get_y() + 6


@dataclass(frozen=True)
class _Grid:
    x: float
    cols: int
    cell_w: float
    name_h: float
    mark_h: float
    groups: tuple[tuple[str, tuple[str | None, ...]], ...]  # (label, names; None = write-in)
    fitted: dict  # name -> (font size, lines)


def _ballot_layout(pdf: FPDF, spec: BallotSpec, names: list[str], top: float) -> _Grid:
    """Choose columns and row heights so that the grids fit between ``top`` and the footer."""
    bottom = pdf.h - MARGIN - (10 if spec.footer else 0)
    widest = max(len(names), spec.write_in_rows)
    groups = [("姓　名", tuple(names))]
    if spec.write_in_rows:
        groups.append(("另选他人", (None,) * spec.write_in_rows))
    for max_cols, name_h, mark_h in GRID_CHOICES:
        cols = _balanced_columns(widest, max_cols)
        rows = sum(math.ceil(len(group) / cols) for _, group in groups)
        spare = bottom - top - rows * (name_h + mark_h) - GROUP_GAP * (len(groups) - 1)
        if spare >= 0:
            # Bigger boxes are easier to mark: give them part of the room that is left.
            mark_h = min(MAX_MARK_H, mark_h + spare / 2 / rows)
            break
    else:
        raise ValueError(
            f"{len(names)} 名候选人加 {spec.write_in_rows} 个另选他人栏，一页 A4 选票排不下。"
        )
    cell_w = min(MAX_CELL_W, (pdf.epw - LABEL_W) / cols)
    x = MARGIN + (pdf.epw - LABEL_W - cols * cell_w) / 2
    fitted = {name: _fit(pdf, name, cell_w - 2, name_h - 1, NAME_SIZE) for name in names}
    return _Grid(x, cols, cell_w, name_h, mark_h, tuple(groups), fitted)


def _balanced_columns(count: int, max_cols: int) -> int:
    rows = max(1, math.ceil(count / max_cols))
    return max(1, math.ceil(count / rows))


def _ballot_grids(pdf: FPDF, grid: _Grid, top: float) -> None:
    """Each grid row: the names above, the boxes to mark below them."""
    pdf.set_line_width(0.4)
    y = top
    for label, names in grid.groups:
        for start in range(0, len(names), grid.cols):
            row = names[start : start + grid.cols]
            width = LABEL_W + len(row) * grid.cell_w
            pdf.rect(grid.x, y, width, grid.name_h + grid.mark_h)
            pdf.line(grid.x, y + grid.name_h, grid.x + width, y + grid.name_h)
            _centred(pdf, grid.x, y, LABEL_W, grid.name_h, [label], 11)
            _centred(pdf, grid.x, y + grid.name_h, LABEL_W, grid.mark_h, ["符　号"], 11)
            for i, name in enumerate(row):
                cx = grid.x + LABEL_W + i * grid.cell_w
                pdf.line(cx, y, cx, y + grid.name_h + grid.mark_h)
                if name is not None:
                    size, lines = grid.fitted[name]
                    _centred(pdf, cx, y, grid.cell_w, grid.name_h, lines, size)
            y += grid.name_h + grid.mark_h
        y += GROUP_GAP


# --- tally sheet -------------------------------------------------------------------------


def tally_sheet_pdf(spec: TallySpec) -> bytes:
    """The tellers' sheet: a row per candidate (stroke order) and per write-in, a 正-tally
    space and a total for 赞成 / 反对 / 弃权, the ballot counts, and signature lines."""
    names = ordered_candidates(spec.candidates, single_name_first=spec.single_name_first)
    _validate_names(names)
    write_ins = spec.seats if spec.write_in_rows is None else spec.write_in_rows
    if spec.seats < 1 or write_ins < 0:
        raise ValueError("应选人数至少为 1，另选他人行数不能为负数。")
    if min(spec.expected, spec.present, spec.ballots_issued) < 0:
        raise ValueError("人数和票数不能为负数。")
    _check_glyphs([spec.title, *names])

    pdf = _new_pdf(spec.title, "landscape")
    table = _TallyTable(pdf, present=spec.present)
    pdf.add_page()
    pdf.set_xy(MARGIN, MARGIN)
    _title(pdf, spec.title, 17)
    pdf.set_font_size(11)
    pdf.set_x(MARGIN)
    pdf.cell(
        pdf.epw,
        8,
        f"应选 {spec.seats} 名　应到会 {spec.expected} 人　实到会 {spec.present} 人　"
        f"发出选票 {spec.ballots_issued} 张",
        align="C",
    )
    y = table.heading(pdf.get_y() + 10)
    rows = [(str(i), name) for i, name in enumerate(names, 1)]
    rows += [(str(len(names) + i), None) for i in range(1, write_ins + 1)]
    for number, name in rows:
        if y + table.row_h > pdf.h - MARGIN - 8:
            _page_number(pdf)
            pdf.add_page()
            y = table.heading(MARGIN)
        y = table.row(y, number, name)

    if y + 58 > pdf.h - MARGIN - 8:
        _page_number(pdf)
        pdf.add_page()
        y = MARGIN
    _tally_summary(pdf, y + 6, spec)
    _page_number(pdf)
    return bytes(pdf.output())


class _TallyTable:
    """The tellers' table: a row per name, and per choice on the ballot (赞成 / 反对 / 弃权 on
    a party ballot, one mark per name on a villagers' ballot) a 正-tally space and a count;
    a 合计 column where there is more than one choice."""

    NUMBER_W = 11.0
    NAME_W = 32.0
    COUNT_W = 15.0
    TOTAL_W = 17.0
    TALLY_MARK_W = 4.5  # one hand-written 正 (five votes)
    LINE_H = 7.0

    def __init__(self, pdf: FPDF, *, present: int, choices: Sequence[str] = PARTY_CHOICES):
        self.pdf = pdf
        self.x = MARGIN
        self.choices = tuple(choices)
        n = len(self.choices)
        self.total_w = self.TOTAL_W if n > 1 else 0.0
        self.tally_w = (pdf.epw - self.NUMBER_W - self.NAME_W - n * self.COUNT_W - self.total_w) / n
        marks_per_line = max(1, int((self.tally_w - 2) // self.TALLY_MARK_W))
        lines = max(1, math.ceil(max(present, 1) / (5 * marks_per_line)))
        self.row_h = max(10.0, min(lines * self.LINE_H + 3, 36.0))

    def _columns(self) -> list[tuple[float, float]]:
        x = self.x
        widths = [self.NUMBER_W, self.NAME_W]
        widths += [self.tally_w, self.COUNT_W] * len(self.choices)
        widths += [self.total_w] if self.total_w else []
        columns = []
        for width in widths:
            columns.append((x, width))
            x += width
        return columns

    def heading(self, y: float) -> float:
        pdf, cols = self.pdf, self._columns()
        pdf.set_line_width(0.3)
        pdf.set_fill_color(235)
        h1, h2 = 8.0, 7.0
        spanning = [(0, "序号"), (1, "候选人姓名")]
        spanning += [(len(cols) - 1, "合计")] if self.total_w else []
        for i, label in spanning:
            x, w = cols[i]
            pdf.rect(x, y, w, h1 + h2, style="DF")
            _centred(pdf, x, y, w, h1 + h2, [label], 10.5)
        for k, label in enumerate(self.choices):
            (x, w1), (_, w2) = cols[2 + 2 * k], cols[3 + 2 * k]
            pdf.rect(x, y, w1 + w2, h1, style="DF")
            _centred(pdf, x, y, w1 + w2, h1, [label], 11)
            pdf.rect(x, y + h1, w1, h2, style="DF")
            _centred(pdf, x, y + h1, w1, h2, ["划“正”字计票"], 9)
            pdf.rect(x + w1, y + h1, w2, h2, style="DF")
            _centred(pdf, x + w1, y + h1, w2, h2, ["票数"], 9)
        return y + h1 + h2

    def row(
        self,
        y: float,
        number: str,
        name: str | None,
        *,
        write_in: bool = False,
        votes: int | None = None,
    ) -> float:
        """One name's row; ``name`` None is a blank write-in row, ``votes`` the count
        already entered (printed in the first choice's 票数 column)."""
        pdf, cols = self.pdf, self._columns()
        write_in = write_in or name is None
        pdf.set_line_width(0.3)
        for i, (x, w) in enumerate(cols):
            not_applicable = write_in and i >= 4  # a write-in only gets 赞成 votes
            pdf.set_fill_color(215)
            pdf.rect(x, y, w, self.row_h, style="DF" if not_applicable else "D")
        x, w = cols[0]
        _centred(pdf, x, y, w, self.row_h, [number], 10)
        x, w = cols[1]
        if write_in:
            pdf.set_font_size(7.5)
            pdf.set_xy(x + 0.5, y + 0.5)
            pdf.cell(w - 1, 3.5, "另选他人（写姓名）")
        if name is not None:
            top = 4.0 if write_in else 0.0
            size, lines = _fit(pdf, name, w - 2, self.row_h - 1 - top, 13)
            _centred(pdf, x, y + top, w, self.row_h - top, lines, size)
        if votes is not None:
            x, w = cols[3]
            _centred(pdf, x, y, w, self.row_h, [str(votes)], 12)
        return y + self.row_h


# --- the ballot count the scrutineers sign ------------------------------------------------


@dataclass(frozen=True)
class BallotCount:
    """The figures of the reconciliation block (选票清点核对): every ballot printed is issued,
    spoiled (exchanged) or unused; the ballots issued match the voters marked as having
    received one; a figure left None is a line to fill in by hand. ``show_proxies`` and
    ``show_mobile`` add the villagers' line of proxies used and of the ballots sent with the
    mobile box."""

    issued: int | None
    receipts: int | None = None
    receipts_label: str = "到会（领票登记）"
    printed: int | None = None
    printed_label: str = "印制选票"
    spoiled: int | None = None
    unused: int | None = None
    returned: int | None = None
    valid: int | None = None
    invalid: int | None = None
    show_proxies: bool = False
    proxies_used: int | None = None
    show_mobile: bool = False
    mobile_issued: int | None = None
    mobile_returned: int | None = None


BLANK = "＿" * 4


def reconciliation_lines(count: BallotCount) -> list[str]:
    """The block's text, line by line (the last is the date, set to the right)."""

    def n(value):
        return BLANK if value is None else str(value)

    lines = [
        "选票清点核对（监票人、计票人逐项核对后签字）",
        f"{count.printed_label} {n(count.printed)} 张 ＝ 发出选票 {n(count.issued)} 张 ＋ "
        f"作废选票（损坏调换）{n(count.spoiled)} 张 ＋ 未使用选票 {n(count.unused)} 张",
        f"{count.receipts_label} {n(count.receipts)} 人　　发出选票 {n(count.issued)} 张　　"
        f"收回选票 {n(count.returned)} 张　　有效票 {n(count.valid)} 张　　"
        f"无效票 {n(count.invalid)} 张",
    ]
    extra = []
    if count.show_proxies:
        extra.append(f"使用委托投票 {n(count.proxies_used)} 张")
    if count.show_mobile:
        extra.append(
            f"流动票箱随箱发出选票 {n(count.mobile_issued)} 张，收回 {n(count.mobile_returned)} 张"
        )
    if extra:
        lines.append("　　".join(extra))
    lines += [
        "□ 收回选票 ≤ 发出选票，本次选举有效　　□ 收回选票多于发出选票，本次选举无效，重新进行",
        f"计票人：{BLANK * 2}　　监票人：{BLANK * 2}　　总监票人：{BLANK * 2}",
        f"{BLANK}年{BLANK[:2]}月{BLANK[:2]}日",
    ]
    return lines


def reconciliation_height(count: BallotCount) -> float:
    return 8.0 * len(reconciliation_lines(count)) + 2


def reconciliation_block(pdf: FPDF, y: float, count: BallotCount) -> float:
    """Draw the block the scrutineers check and sign, from ``y``; the y below it. Shared by
    every tally sheet (party congress rounds, villagers' boxes and combined tallies)."""
    pdf.set_font_size(12)
    lines = reconciliation_lines(count)
    for i, line in enumerate(lines):
        pdf.set_xy(MARGIN, y)
        pdf.cell(pdf.epw, 7, line, align="R" if i == len(lines) - 1 else "L")
        y += 8
    return y


def _tally_summary(pdf: FPDF, y: float, spec: TallySpec) -> None:
    rec = spec.reconciliation
    reconciliation_block(
        pdf,
        y,
        BallotCount(
            issued=spec.ballots_issued,
            receipts=spec.present,
            printed=rec.get("printed"),
            spoiled=rec.get("spoiled"),
            unused=rec.get("unused"),
        ),
    )


# --- villagers' tally sheet ---------------------------------------------------------------


@dataclass(frozen=True)
class TallySection:
    """One post's column of the villagers' ballot: its printed names, the seats, and the
    votes already entered (write-ins included), printed in the 票数 column."""

    label: str
    seats: int
    candidates: list[str]
    votes: dict = field(default_factory=dict)
    write_in_rows: int | None = None  # None: one per seat


@dataclass(frozen=True)
class BoxCountRow:
    """One box's ballot count on the combined tally sheet; None = not counted."""

    name: str
    printed: int | None
    issued: int | None
    returned: int | None
    invalid: int | None
    spoiled: int | None
    unused: int | None
    receipts: int | None
    proxies_used: int | None


@dataclass(frozen=True)
class VillagersTallySpec:
    title: str
    subtitle: str  # 登记选民、应选 … as one line under the title
    sections: list[TallySection]
    count: BallotCount
    present: int  # sizes the 正-tally space
    boxes: list[BoxCountRow] = field(default_factory=list)  # the combined tally's boxes
    single_name_first: bool = False


BOX_COLUMNS = (
    ("投票点", None),
    ("印制（领取）", "printed"),
    ("发出", "issued"),
    ("收回", "returned"),
    ("废票", "invalid"),
    ("作废（调换）", "spoiled"),
    ("未使用", "unused"),
    ("领票登记", "receipts"),
    ("委托投票", "proxies_used"),
)


def villagers_tally_sheet_pdf(spec: VillagersTallySpec) -> bytes:
    """The tellers' sheet of a villagers' box, or of the combined tally of all boxes (with a
    row per box): per post a row per candidate (stroke order) and per write-in, a 正-tally
    space and the count, then the ballot reconciliation the scrutineers sign."""
    sections = []
    for section in spec.sections:
        names = ordered_candidates(section.candidates, single_name_first=spec.single_name_first)
        _validate_names(names)
        if section.seats < 1:
            raise ValueError("应选人数至少为 1。")
        written = sorted(
            (n for n in section.votes if n not in names),
            key=partial(stroke_sort_key, single_name_first=spec.single_name_first),
        )
        blank = max(
            0,
            (section.seats if section.write_in_rows is None else section.write_in_rows)
            - len(written),
        )
        sections.append((section, names, written, blank))
    if any(isinstance(v, int) and v < 0 for v in vars(spec.count).values()):
        raise ValueError("人数和票数不能为负数。")
    _check_glyphs(
        [spec.title, spec.subtitle]
        + [s.label for s in spec.sections]
        + [n for _, names, written, _ in sections for n in names + written]
        + [b.name for b in spec.boxes]
    )

    pdf = _new_pdf(spec.title, "landscape")
    table = _TallyTable(pdf, present=spec.present, choices=VILLAGERS_CHOICES)
    bottom = pdf.h - MARGIN - 8

    def room(y: float, needed: float) -> float:
        if y + needed <= bottom:
            return y
        _page_number(pdf)
        pdf.add_page()
        return MARGIN

    pdf.add_page()
    pdf.set_xy(MARGIN, MARGIN)
    _title(pdf, spec.title, 17)
    pdf.set_font_size(11)
    pdf.set_x(MARGIN)
    pdf.cell(pdf.epw, 8, spec.subtitle, align="C")
    y = pdf.get_y() + 10
    for section, names, written, blank in sections:
        y = room(y, 9 + 15 + table.row_h)
        pdf.set_font_size(12)
        pdf.set_xy(MARGIN, y)
        pdf.cell(pdf.epw, 8, f"{section.label}栏　应选 {section.seats} 名")
        y = table.heading(y + 9)
        rows = [(name, False, section.votes.get(name)) for name in names]
        rows += [(name, True, section.votes.get(name)) for name in written]
        rows += [(None, True, None)] * blank
        for number, (name, write_in, votes) in enumerate(rows, 1):
            if y + table.row_h > bottom:
                y = room(y, table.row_h + 15)
                y = table.heading(y)
            y = table.row(y, str(number), name, write_in=write_in, votes=votes)
        y += 4
    if spec.boxes:
        y = _box_table(pdf, y, spec.boxes, room)
    y = room(y + 2, reconciliation_height(spec.count))
    reconciliation_block(pdf, y, spec.count)
    _page_number(pdf)
    return bytes(pdf.output())


def _box_table(pdf: FPDF, y: float, boxes: Sequence[BoxCountRow], room) -> float:
    """Each box's ballot count and their sum: the combined tally is signed over these."""
    row_h, name_w = 8.0, 60.0
    other_w = (pdf.epw - name_w) / (len(BOX_COLUMNS) - 1)
    widths = [name_w] + [other_w] * (len(BOX_COLUMNS) - 1)
    y = room(y, row_h * (len(boxes) + 3) + 9)
    pdf.set_font_size(12)
    pdf.set_xy(MARGIN, y)
    pdf.cell(pdf.epw, 8, "各投票点选票清点（张；领票登记、委托投票为人数、张数）")
    y += 9

    def line(cells: Sequence[str], fill: bool) -> None:
        nonlocal y
        x = MARGIN
        pdf.set_fill_color(235)
        pdf.set_line_width(0.3)
        for width, text in zip(widths, cells, strict=True):
            pdf.rect(x, y, width, row_h, style="DF" if fill else "D")
            _centred(pdf, x, y, width, row_h, [text], 10)
            x += width
        y += row_h

    line([label for label, _ in BOX_COLUMNS], True)
    for box in boxes:
        line(
            [box.name]
            + [
                "" if getattr(box, key) is None else str(getattr(box, key))
                for _, key in BOX_COLUMNS[1:]
            ],
            False,
        )
    sums = []
    for _, key in BOX_COLUMNS[1:]:
        values = [getattr(b, key) for b in boxes]
        sums.append("" if any(v is None for v in values) else str(sum(values)))
    line(["合计", *sums], True)
    return y + 4


def _page_number(pdf: FPDF) -> None:
    pdf.set_font_size(9)
    pdf.set_xy(MARGIN, pdf.h - MARGIN - 4)
    pdf.cell(pdf.epw, 5, f"第 {pdf.page_no()} 页　共 {{nb}} 页", align="R")


# --- shared ------------------------------------------------------------------------------


def _new_pdf(title: str, orientation: str) -> FPDF:
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_font(FONT, "", FONT_PATH)
    pdf.set_font(FONT, size=12)
    pdf.alias_nb_pages()
    pdf.set_title(title)
    pdf.set_lang("zh-CN")
    pdf.set_creator("换届通")
    return pdf


@cache
def _font_codepoints() -> frozenset[int]:
    return frozenset(TTFont(FONT_PATH, lazy=True).getBestCmap())


def _check_glyphs(texts: Iterable[str]) -> None:
    available = _font_codepoints()
    missing = {ch for text in texts for ch in text if ch != "\n" and ord(ch) not in available}
    if missing:
        raise MissingGlyphError(missing)


def _title(pdf: FPDF, text: str, size: float) -> None:
    """Centred, wrapped, and drawn with a thin outline: the font has a single weight."""
    pdf.set_font_size(size)
    pdf.set_x(MARGIN)
    with pdf.local_context(text_mode=TextMode.FILL_STROKE, line_width=0.25):
        _paragraph(pdf, text, size * PT * 1.4, align="C")


def _fit(
    pdf: FPDF, text: str, width: float, height: float, max_size: float
) -> tuple[float, list[str]]:
    """Font size (pt) and lines for ``text`` in a box: one line unless two lines allow a
    clearly larger size (long names, 阿不都·热合曼)."""
    one_line = _largest_size(pdf, [text], width, height, max_size)
    if one_line >= max_size - 2 or len(text) < 4:
        return max(one_line, MIN_NAME_SIZE), [text]
    cut = text.index("·") + 1 if "·" in text else (len(text) + 1) // 2
    lines = [text[:cut], text[cut:]]
    two_lines = _largest_size(pdf, lines, width, height, max_size)
    if two_lines > one_line + 1:
        return two_lines, lines
    return max(one_line, MIN_NAME_SIZE), [text]


def _largest_size(
    pdf: FPDF, lines: list[str], width: float, height: float, max_size: float
) -> float:
    size = max_size
    while size > 4:
        pdf.set_font_size(size)
        widest = max(pdf.get_string_width(line) for line in lines)
        if widest <= width and len(lines) * size * PT * 1.15 <= height:
            break
        size -= 0.5
    return size


def _centred(
    pdf: FPDF, x: float, y: float, w: float, h: float, lines: list[str], size: float
) -> None:
    pdf.set_font_size(size)
    line_h = size * PT * 1.15
    top = y + (h - line_h * len(lines)) / 2
    for i, line in enumerate(lines):
        pdf.set_xy(x, top + i * line_h)
        pdf.cell(w, line_h, line, align="C")


# --- paragraphs: line breaking by the rules of Chinese typesetting (避头尾) ----------------

# A line never starts with closing punctuation, nor ends with opening punctuation.
NO_LINE_START = frozenset("，。、；：！？）」』】》〉”’…—%,.;:!?)]")
NO_LINE_END = frozenset("（「『【《〈“‘([")
# Numbers, Latin words and codes are never split: 2027, 150123001, A4, 3.5%.
_UNBREAKABLE_RUN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.:/%\-]*")


def _tokens(text: str, keep: Sequence[str]) -> list[str]:
    """``text`` cut into the pieces a line may break between: a name from ``keep``, a run of
    digits or Latin letters, or one character. Closing punctuation is glued to the piece
    before it and opening punctuation to the piece after it, so neither is left alone at the
    edge of a line."""
    names = sorted({k for k in keep if k}, key=len, reverse=True)
    pieces: list[str] = []
    i = 0
    while i < len(text):
        name = next((n for n in names if text.startswith(n, i)), None)
        run = _UNBREAKABLE_RUN.match(text, i)
        piece = name or (run.group() if run else text[i])
        pieces.append(piece)
        i += len(piece)
    glued: list[str] = []
    opening = ""
    for piece in pieces:
        if piece in NO_LINE_START and glued and not opening:
            glued[-1] += piece
        elif piece in NO_LINE_END:
            opening += piece
        else:
            glued.append(opening + piece)
            opening = ""
    if opening:
        glued.append(opening)
    return glued


def wrap_text(pdf: FPDF, text: str, width: float, *, keep: Sequence[str] = ()) -> list[str]:
    """The lines of a paragraph ``width`` mm wide in the current font: broken only between
    pieces (``_tokens``), so no line starts with closing punctuation and no number or name
    from ``keep`` is split. A piece wider than a whole line is cut where it must be."""
    lines: list[str] = []
    line = ""
    for piece in _tokens(text, keep):
        if pdf.get_string_width(line + piece) <= width or not line.strip(" "):
            line += piece
        else:
            lines.append(line.rstrip(" "))
            line = piece.lstrip(" ")
        while pdf.get_string_width(line) > width and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and pdf.get_string_width(line[:cut]) > width:
                cut -= 1
            if line[cut] in NO_LINE_START:  # hang the punctuation rather than lead with it
                cut += 1
            lines.append(line[:cut])
            line = line[cut:]
    lines.append(line.rstrip(" "))
    return lines


def _paragraph(
    pdf: FPDF, text: str, line_h: float, *, align: str = "L", keep: Sequence[str] = ()
) -> None:
    """``text`` as wrapped lines across the page from the left margin, one cell per line."""
    for line in wrap_text(pdf, text, pdf.epw, keep=keep):
        if pdf.will_page_break(line_h):
            pdf.add_page()
        pdf.set_x(MARGIN)
        pdf.cell(pdf.epw, line_h, line, align=align, new_x="LMARGIN", new_y="NEXT")


@dataclass(frozen=True)
class Seal:
    """One counted round's ballot-record hash, printed under the report with a QR code, so
    that anyone holding the exported record can check it is the one the report came from
    (``python -m ballots.recount FILE --hash …``)."""

    label: str  # the round, as the report names it
    grouped: str  # the SHA-256 in groups of four hex digits (ballots.record.grouped_hash)
    qr_text: str  # what the QR code encodes (ballots.record.seal_text)


SEAL_HEADING = "附：选票记录校验码（SHA-256）"
SEAL_NOTE = (
    "每轮选举导出的选票记录（JSON 文件）的校验码。核对方法：python -m ballots.recount "
    "记录文件 --hash 校验码，一致即说明该文件就是本报告所依据的记录。"
)
QR_SIZE = 28.0  # mm: scans from a printed page with a phone


@dataclass(frozen=True)
class Report:
    """A written report: to whom, the paragraphs, who issues it and on which day.

    ``keep`` lists the names (people, places) a line break must not split."""

    title: str
    addressee: str
    paragraphs: tuple[str, ...]
    issuer: str
    date: str  # already written the Chinese way (renewal.kit.dates.chinese_date)
    keep: tuple[str, ...] = ()
    seals: tuple[Seal, ...] = ()
    subtitle: str = ""  # under the title, centred: a notice's number （第1号）


def report_pdf(report: Report) -> bytes:
    """A plain A4 written report (the election result to the township, a numbered 公告), in
    the embedded font: the number under the title if any, the addressee if any, the
    paragraphs indented two characters, and the 落款 (issuing body and date) at the right
    under the text."""
    texts = [report.title, report.subtitle, report.addressee, *report.paragraphs]
    texts += [report.issuer, report.date]
    if report.seals:
        texts += [SEAL_HEADING, SEAL_NOTE]
        texts += [text for seal in report.seals for text in (seal.label, seal.grouped)]
    _check_glyphs(texts)
    pdf = _new_pdf(report.title, "P")
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.add_page()
    _title(pdf, report.title, 16)
    if report.subtitle:
        pdf.set_font_size(12)
        _paragraph(pdf, report.subtitle, 8, align="C")
    pdf.ln(4)
    pdf.set_font_size(12)
    if report.addressee:
        _paragraph(pdf, report.addressee, 8, keep=report.keep)
    for text in report.paragraphs:
        _paragraph(pdf, "\u3000\u3000" + text, 8, keep=report.keep)
        pdf.ln(1)
    pdf.ln(12)
    for line in (report.issuer, report.date):
        _paragraph(pdf, line + "\u3000\u3000", 8, align="R", keep=[line])
    if report.seals:
        _seals(pdf, report.seals)
    return bytes(pdf.output())


@dataclass(frozen=True)
class CheckRow:
    code: str
    severity: str  # 拒绝保存 / 需说明理由
    text: str
    source: str
    version: str


def tally_checks_pdf(title: str, rows: Sequence[CheckRow]) -> bytes:
    """The coded tally checks as one printable list: code, what happens, the text, its source."""
    texts = [title, *(f"{r.code}{r.severity}{r.text}{r.source}{r.version}" for r in rows)]
    _check_glyphs(texts)
    pdf = _new_pdf(title, "portrait")
    pdf.add_page()
    pdf.set_xy(MARGIN, MARGIN)
    _title(pdf, title, 16)
    pdf.ln(4)
    line_h = 6.0
    for r in rows:
        pdf.set_font_size(11)
        head = f"{r.code}　{r.severity}　{r.text}"
        lines = wrap_text(pdf, head, pdf.epw)
        pdf.set_font_size(9)
        notes = wrap_text(pdf, f"依据：{r.source}　规则版本：{r.version}", pdf.epw - 6)
        if pdf.get_y() + line_h * (len(lines) + len(notes)) + 3 > pdf.h - MARGIN - 8:
            _page_number(pdf)
            pdf.add_page()
            pdf.set_xy(MARGIN, MARGIN)
        pdf.set_font_size(11)
        for line in lines:
            pdf.set_x(MARGIN)
            pdf.cell(pdf.epw, line_h, line, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font_size(9)
        for line in notes:
            pdf.set_x(MARGIN + 6)
            pdf.cell(pdf.epw - 6, line_h - 1, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    _page_number(pdf)
    return bytes(pdf.output())


def _seals(pdf: FPDF, seals: Sequence[Seal]) -> None:
    """After the 落款, as an attachment: per round its label, the hash in groups of four
    (two lines of eight groups) and a QR code of the round and the hash."""
    pdf.ln(10)
    pdf.set_font_size(12)
    _paragraph(pdf, SEAL_HEADING, 8)
    pdf.set_font_size(9)
    _paragraph(pdf, SEAL_NOTE, 5)
    pdf.ln(2)
    text_x = MARGIN + QR_SIZE + 5
    for seal in seals:
        if pdf.will_page_break(QR_SIZE + 4):
            pdf.add_page()
        top = pdf.get_y()
        png = io.BytesIO()
        segno.make(seal.qr_text, error="m").save(png, kind="png", scale=8, border=2)
        png.seek(0)
        pdf.image(png, x=MARGIN, y=top, w=QR_SIZE, h=QR_SIZE)
        pdf.set_xy(text_x, top + 3)
        pdf.set_font_size(11)
        pdf.cell(pdf.epw - QR_SIZE - 5, 7, seal.label, new_x="LMARGIN", new_y="NEXT")
        groups = seal.grouped.split(" ")
        half = (len(groups) + 1) // 2
        pdf.set_font_size(11)
        for part in (groups[:half], groups[half:]):
            pdf.set_x(text_x)
            pdf.cell(pdf.epw - QR_SIZE - 5, 7, " ".join(part), new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(top + QR_SIZE + 4)
