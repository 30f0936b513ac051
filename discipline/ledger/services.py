"""The disciplined-cadres ledger (受处分干部台账): xlsx template, upload, preview, save.

The same flow as the candidates' import: the upload is stored under a random name and
checked as a zip before parsing (candidates.imports.save_upload / check_upload); every
row's problems are listed by row and column before anything is written; the officer
confirms a clean preview; the file is read and checked again and every row is saved in
one transaction, or none is. The file is deleted on confirm, on cancel and when the check
finds problems; uploads nobody confirms are swept after a day.

A 1,000-row ledger checks and saves in well under a second, so this runs in the request
(no Celery task). The stored file's name carries the uploader's id and an unguessable
token: only that officer reaches the preview.
"""

from __future__ import annotations

import datetime
import logging
import re
import time
import uuid
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from candidates.access import candidacies_visible_to
from candidates.imports import (
    DATE_TEXT,
    ID_AS_NUMBER,
    UNREADABLE,
    UploadRejected,
    check_upload,
    import_dir,
    save_upload,
)
from candidates.models import Candidacy
from discipline import access
from discipline.models import DisciplinedCadre
from renewal.kit import crypto
from renewal.kit.idcard import IdNumberError, make_id_number, parse_id_number

log = logging.getLogger(__name__)

COLUMNS = [
    ("name", "姓名"),
    ("id_number", "公民身份号码"),
    ("workplace", "单位及职务"),
    ("penalty", "处分种类"),
    ("decided_on", "处分决定日期"),
    ("authority", "处分机关"),
]
HEADER = dict(COLUMNS)
REQUIRED = ("name", "id_number", "penalty", "decided_on")
MAX_LENGTH = {"name": 40, "workplace": 100, "penalty": 60, "authority": 60}
MAX_ROWS = 10_000
EARLIEST = datetime.date(1949, 10, 1)
STALE_AFTER = 24 * 3600  # seconds an unconfirmed upload is kept
TOKEN = re.compile(r"^[0-9a-f]{32}$")
EXAMPLE = [
    "李示例",
    make_id_number("110101", datetime.date(1975, 3, 8), 7, "M"),
    "某某镇某某村党支部书记",
    "党内警告",
    "2023-06-15",
    "中共某某县纪律检查委员会",
]


# --- Template ----------------------------------------------------------------------------------


def template_workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "受处分干部台账"
    ws.append([header for _key, header in COLUMNS])
    ws.append(EXAMPLE)
    for index, (key, _header) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        head = ws.cell(row=1, column=index)
        head.font = Font(bold=True, color="B3261E" if key in REQUIRED else "000000")
        head.fill = PatternFill("solid", fgColor="EEF1F4")
        ws.column_dimensions[letter].width = 22 if key != "penalty" else 14
        if key == "id_number":
            # Text, so Excel keeps all 18 digits (and a trailing X).
            ws.column_dimensions[letter].number_format = "@"
            ws.cell(row=2, column=index).number_format = "@"
    ws.freeze_panes = "A2"
    guide = wb.create_sheet("填写说明")
    for line in (
        "第 1 行为表头，请勿修改；第 2 行为示例，导入前请删除。红色表头为必填列。",
        "公民身份号码须为 18 位，该列为文本格式，请勿改为数字。",
        "处分决定日期如 2023-06-15（也可写 2023/06/15、2023年6月15日）。",
        "同一人的同一处分决定只能填写一行。",
    ):
        guide.append([line])
    guide.column_dimensions["A"].width = 80
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


# --- Stored uploads --------------------------------------------------------------------------


def _path(user, token: str) -> Path:
    return import_dir() / f"ledger-{user.pk}-{token}.xlsx"


def upload_for_user(user, token: str) -> Path:
    """The officer's own stored upload; 404 for anyone else, a bad token or a deleted file."""
    if not access.is_discipline_officer(user) or not TOKEN.match(token or ""):
        raise Http404
    path = _path(user, token)
    if not path.exists():
        raise Http404
    return path


def ledger_upload(*, user, upload) -> tuple[str | None, Preview]:
    """Store and check the upload. A clean file is kept for its preview (its token is
    returned); a file with problems is deleted at once and only its problems come back."""
    county_id = ledger_county(user)
    purge_stale_uploads()
    relative = save_upload(upload)  # size, zip and DTD checks; deletes the file on refusal
    token = uuid.uuid4().hex
    path = _path(user, token)
    (import_dir() / Path(relative).name).rename(path)
    try:
        preview = read_ledger(path, county_id)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if preview.problems:
        path.unlink(missing_ok=True)
        return None, preview
    return token, preview


def ledger_cancel(*, user, token: str) -> None:
    upload_for_user(user, token).unlink(missing_ok=True)


def purge_stale_uploads(*, older_than: int = STALE_AFTER) -> int:
    cutoff, count = time.time() - older_than, 0
    for path in import_dir().glob("ledger-*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                count += 1
        except FileNotFoundError:
            continue
    return count


# --- The ledger page ----------------------------------------------------------------------------


def ledger_entries(user):
    """The officer's counties' ledger, each entry marked when the person stands for election
    now in a unit the officer can see."""
    standing = (
        candidacies_visible_to(user)
        .filter(person__id_number_hash=OuterRef("id_number_hash"), round__is_active=True)
        .exclude(status__in=Candidacy.CLOSED)
    )
    return DisciplinedCadre.objects.filter(county_id__in=access.discipline_counties(user)).annotate(
        matched=Exists(standing)
    )


def matches_for(user, entries) -> dict[str, list[Candidacy]]:
    """The open candidacies (visible to the user) of a page of ledger entries, by hash."""
    found: dict[str, list[Candidacy]] = {}
    for c in (
        candidacies_visible_to(user)
        .filter(
            person__id_number_hash__in=[e.id_number_hash for e in entries if e.matched],
            round__is_active=True,
        )
        .exclude(status__in=Candidacy.CLOSED)
        .select_related("person", "unit")
    ):
        found.setdefault(c.person.id_number_hash, []).append(c)
    return found


# --- Reading and checking rows -----------------------------------------------------------------


@dataclass
class LedgerRow:
    row: int
    name: str
    id_number: str
    id_hash: str
    workplace: str
    penalty: str
    decided_on: datetime.date
    authority: str
    exists: bool = False  # already in the county's ledger: skipped on save
    matched: bool = False  # the person stands for election now


@dataclass
class Preview:
    rows: list[LedgerRow]
    problems: list[dict]  # {"row", "column", "message"}

    @property
    def new_rows(self) -> list[LedgerRow]:
        return [r for r in self.rows if not r.exists]

    @property
    def existing(self) -> int:
        return sum(1 for r in self.rows if r.exists)

    @property
    def matched(self) -> list[LedgerRow]:
        return [r for r in self.rows if r.matched]


class _Problems:
    def __init__(self, row: int, problems: list):
        self.row, self.problems, self.count = row, problems, 0

    def add(self, key: str, message: str) -> None:
        self.problems.append({"row": self.row, "column": HEADER.get(key, ""), "message": message})
        self.count += 1


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value).strip()


def _date(value, problems: _Problems):
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        match = DATE_TEXT.match(_text(value).replace(" ", ""))
        day = None
        if match:
            try:
                day = datetime.date(*(int(g) for g in match.groups()))
            except ValueError:
                day = None
        if day is None:
            problems.add(
                "decided_on",
                f"处分决定日期“{_text(value)}”不是有效日期，请填写如 2023-06-15 的日期。",
            )
            return None
    if not EARLIEST <= day <= timezone.localdate():
        problems.add("decided_on", f"处分决定日期 {day:%Y-%m-%d} 不在合理范围内（不能晚于今天）。")
        return None
    return day


def _id_number(value, problems: _Problems):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        problems.add("id_number", ID_AS_NUMBER)
        return None
    raw = _text(value).replace(" ", "").upper()
    if re.fullmatch(r"\d(\.\d+)?E\+\d+", raw):
        problems.add("id_number", ID_AS_NUMBER)
        return None
    try:
        return parse_id_number(raw).number
    except IdNumberError as exc:
        problems.add("id_number", str(exc))
        return None


def _check_row(cells: dict, problems: _Problems) -> LedgerRow | None:
    for key in REQUIRED:
        if _text(cells.get(key)) == "":
            problems.add(key, f"{HEADER[key]}为必填项，不能为空。")
    texts = {key: _text(cells.get(key)) for key in MAX_LENGTH}
    for key, limit in MAX_LENGTH.items():
        if len(texts[key]) > limit:
            problems.add(key, f"{HEADER[key]}不能超过 {limit} 个字。")
    number = _id_number(cells["id_number"], problems) if _text(cells.get("id_number")) else None
    if number == EXAMPLE[1]:
        problems.add("id_number", "这是模板中的示例行，请删除后再导入。")
    day = _date(cells["decided_on"], problems) if _text(cells.get("decided_on")) else None
    if problems.count:
        return None
    return LedgerRow(
        row=problems.row,
        name=texts["name"],
        id_number=number,
        id_hash=crypto.blind_index(number, purpose="id"),
        workplace=texts["workplace"],
        penalty=texts["penalty"],
        decided_on=day,
        authority=texts["authority"],
    )


def _header_map(header) -> tuple[dict[str, int], list[dict]]:
    by_header = {h: key for key, h in COLUMNS}
    positions = {}
    for index, value in enumerate(header):
        key = by_header.get(re.sub(r"\s+", "", _text(value)))
        if key and key not in positions:
            positions[key] = index
    problems = [
        {"row": 1, "column": HEADER[key], "message": f"表头缺少“{HEADER[key]}”列，请使用台账模板。"}
        for key in REQUIRED
        if key not in positions
    ]
    return positions, problems


def _flag_duplicates(seen: dict[tuple, list[int]], problems: list) -> None:
    for numbers in seen.values():
        if len(numbers) < 2:
            continue
        for number in numbers:
            others = "、".join(str(n) for n in numbers if n != number)
            problems.append(
                {
                    "row": number,
                    "column": HEADER["id_number"],
                    "message": f"同一人的同一处分决定在文件中出现了多次（另见第 {others} 行）。",
                }
            )


def _read_sheet(ws) -> tuple[list[LedgerRow], list[dict]]:
    values = ws.iter_rows(values_only=True)
    header = next(values, None)
    if header is None:
        return [], [{"row": 1, "column": "", "message": "文件中没有数据，请使用台账模板填写。"}]
    positions, problems = _header_map(header)
    if problems:
        return [], problems
    rows: list[LedgerRow] = []
    seen: dict[tuple, list[int]] = {}  # (ID number, decision date) -> its rows
    count = 0
    for number, line in enumerate(values, start=2):
        cells = {key: line[i] if i < len(line) else None for key, i in positions.items()}
        if all(_text(v) == "" for v in cells.values()):
            continue
        count += 1
        if count > MAX_ROWS:
            problems.append(
                {"row": number, "column": "", "message": f"文件超过 {MAX_ROWS} 行，请分批导入。"}
            )
            break
        row = _check_row(cells, _Problems(number, problems))
        if row is not None:
            rows.append(row)
            seen.setdefault((row.id_hash, row.decided_on), []).append(number)
    if count == 0 and not problems:
        problems.append({"row": 2, "column": "", "message": "文件中没有台账数据。"})
    _flag_duplicates(seen, problems)
    problems.sort(key=lambda p: (p["row"], _column_order(p["column"])))
    return rows, problems


def _column_order(header: str) -> int:
    return next((i for i, (_k, h) in enumerate(COLUMNS) if h == header), -1)


def _match(rows: list[LedgerRow], county_id: int) -> None:
    """Mark rows already in the county's ledger and rows whose person stands now (2 queries)."""
    hashes = [r.id_hash for r in rows]
    existing = set(
        DisciplinedCadre.objects.filter(county_id=county_id, id_number_hash__in=hashes).values_list(
            "id_number_hash", "decided_on", "penalty"
        )
    )
    standing = set(
        Candidacy.objects.filter(person__id_number_hash__in=hashes, round__is_active=True)
        .exclude(status__in=Candidacy.CLOSED)
        .values_list("person__id_number_hash", flat=True)
    )
    for r in rows:
        r.exists = (r.id_hash, r.decided_on, r.penalty) in existing
        r.matched = r.id_hash in standing


def read_ledger(path, county_id: int) -> Preview:
    """Every clean row and every problem; nothing is written."""
    check_upload(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a malformed workbook
        log.info("unreadable ledger %s: %r", path, exc)
        raise UploadRejected(UNREADABLE) from None
    try:
        rows, problems = _read_sheet(wb.worksheets[0])
    except (ElementTree.ParseError, zipfile.BadZipFile, EOFError) as exc:
        log.info("malformed sheet in ledger %s: %r", path, exc)
        raise UploadRejected(UNREADABLE) from None
    finally:
        wb.close()
    if problems:
        bad = {p["row"] for p in problems}
        rows = [r for r in rows if r.row not in bad]
    _match(rows, county_id)
    return Preview(rows=rows, problems=problems)


def ledger_county(user) -> int:
    """The officer's county: the profile's region when it is one of theirs."""
    access.require_discipline(user)
    counties = access.discipline_counties(user)
    if not counties:
        raise UploadRejected("您的账号没有所属区县，不能导入台账。")
    region_id = getattr(user.profile, "region_id", None)
    return region_id if region_id in counties else counties[0]


def ledger_preview(*, user, token: str) -> Preview:
    return read_ledger(upload_for_user(user, token), ledger_county(user))


def ledger_confirm(*, user, token: str) -> dict:
    """Check the file again and save every new row in one transaction; delete the file."""
    path = upload_for_user(user, token)
    county_id = ledger_county(user)
    try:
        preview = read_ledger(path, county_id)
        if preview.problems:
            raise UploadRejected("确认导入时重新校验发现问题，未保存任何数据，请重新上传。")
        new = preview.new_rows
        with transaction.atomic():
            DisciplinedCadre.objects.bulk_create(
                (
                    DisciplinedCadre(
                        name=r.name,
                        id_number=r.id_number,
                        id_number_hash=r.id_hash,
                        workplace=r.workplace,
                        penalty=r.penalty,
                        decided_on=r.decided_on,
                        authority=r.authority,
                        county_id=county_id,
                    )
                    for r in new
                ),
                # Two officers confirming the same file at once must not duplicate rows.
                ignore_conflicts=True,
            )
    finally:
        path.unlink(missing_ok=True)
    return {
        "created": len(new),
        "existing": preview.existing,
        "matched": len(preview.matched),
    }
