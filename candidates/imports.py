"""Excel import of preliminary candidates: template, upload checks, row checks, commit.

The flow: the upload is stored under a random name and checked as a zip before any
parsing (size, entry count, uncompressed size, compression ratio, no DTDs); a
background check reads every row and lists every problem by row and column; the
user confirms a clean preview; the rows are re-checked and saved in one transaction
(person_upsert + candidacy_create, batched a chunk at a time). The stored file is deleted as soon as it is
no longer needed: when the check finds problems, on cancel, and after the import
whether it succeeded or not.

Blank optional cells leave an existing person's data as it is; they never erase it.
"""

import datetime
import logging
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pghistory
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from import_export import resources
from import_export.fields import Field
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from candidates import services
from candidates.models import Candidacy, ImportJob, Recommendation
from renewal.access import writable_townships
from renewal.kit import crypto
from renewal.kit.idcard import (
    IdNumberError,
    check_id_number_matches,
    make_id_number,
    parse_id_number,
)
from renewal.models import Body, DomainError, Education, Person, PersonTag, Post, RenewalRound, Unit

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
# Real sheets compress 5-20x; a much higher ratio on a big entry is a zip bomb.
MAX_RATIO = 100
RATIO_CHECK_FROM = 1024 * 1024
MAX_ROWS = 10_000
# .xls files and password-protected .xlsx files are OLE compound documents.
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
PROGRESS_EVERY = 250
CHUNK = 500


TOO_BIG = f"文件超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB，请分批导入。"
ID_AS_NUMBER = "公民身份号码被 Excel 存成了数字，后几位已丢失：请把该列设为文本后重新填写。"
UNREADABLE = "文件无法作为 Excel 工作簿读取，请用 Excel 或 WPS 另存为 .xlsx 后再上传。"
NOT_XLSX = "文件不是有效的 Excel（.xlsx）文件，请用 Excel 或 WPS 另存为 .xlsx 后再上传。"


class UploadRejected(DomainError):
    """The file is refused before parsing; the message is Chinese."""


# --- Columns ----------------------------------------------------------------------------------


class CandidateImportResource(resources.Resource):
    """The template's columns, in the official order, with their Chinese headers."""

    unit_code = Field(attribute="unit_code", column_name="区划代码")
    unit_name = Field(attribute="unit_name", column_name="村(社区)名称")
    name = Field(attribute="name", column_name="姓名")
    sex = Field(attribute="sex", column_name="性别")
    ethnicity = Field(attribute="ethnicity", column_name="民族")
    birth_date = Field(attribute="birth_date", column_name="出生日期")
    id_number = Field(attribute="id_number", column_name="公民身份号码")
    phone = Field(attribute="phone", column_name="联系电话")
    education = Field(attribute="education", column_name="学历")
    political_status = Field(attribute="political_status", column_name="政治面貌")
    party_joined_on = Field(attribute="party_joined_on", column_name="入党时间")
    tags = Field(attribute="tags", column_name="人员类别")
    body = Field(attribute="body", column_name="拟任班子")
    post = Field(attribute="post", column_name="拟任职务")
    continuing = Field(attribute="continuing", column_name="继任或新任")
    votes_party_members = Field(attribute="votes_party_members", column_name="党员推荐票")
    votes_masses = Field(attribute="votes_masses", column_name="群众推荐票")
    votes_higher = Field(attribute="votes_higher", column_name="上级推荐票")
    notes = Field(attribute="notes", column_name="备注")


COLUMNS = [(f.attribute, f.column_name) for f in CandidateImportResource().get_export_fields()]
HEADER = dict(COLUMNS)  # key -> Chinese header
REQUIRED = (
    "unit_code",
    "name",
    "sex",
    "birth_date",
    "id_number",
    "education",
    "political_status",
    "body",
    "post",
)
VOTE_SOURCES = {
    "votes_party_members": Recommendation.Source.PARTY_MEMBERS,
    "votes_masses": Recommendation.Source.MASSES,
    "votes_higher": Recommendation.Source.HIGHER,
}
MAX_VOTES = 100_000

SEXES = {label: value for value, label in Person.Sex.choices}
EDUCATIONS = {label: value for value, label in Education.choices} | {
    "高中": Education.SENIOR,
    "中专": Education.SENIOR,
    "职高": Education.SENIOR,
    "技校": Education.SENIOR,
    "大学本科": Education.BACHELOR,
    "大学专科": Education.COLLEGE,
    "硕士": Education.POSTGRADUATE,
    "博士": Education.POSTGRADUATE,
    "研究生及以上": Education.POSTGRADUATE,
}
POLITICAL = {label: value for value, label in Person.PoliticalStatus.choices} | {
    "党员": Person.PoliticalStatus.FULL_MEMBER,
    "中共正式党员": Person.PoliticalStatus.FULL_MEMBER,
    "预备党员": Person.PoliticalStatus.PROBATIONARY,
    "团员": Person.PoliticalStatus.LEAGUE,
}
PARTY_STATUSES = {Person.PoliticalStatus.FULL_MEMBER, Person.PoliticalStatus.PROBATIONARY}
TAGS = {label: value for value, label in PersonTag.choices}
BODIES = {label: value for value, label in Body.choices} | {
    "党组织": Body.PARTY,
    "党支部委员会": Body.PARTY,
    "党总支委员会": Body.PARTY,
    "村民委员会": Body.VILLAGERS,
    "居民委员会": Body.VILLAGERS,
    "村(居)委会": Body.VILLAGERS,
    "村委会": Body.VILLAGERS,
    "居委会": Body.VILLAGERS,
}
# 委员 is a post of both committees; the body decides which.
POSTS = {
    Body.PARTY: {
        "书记": Post.SECRETARY,
        "副书记": Post.DEPUTY_SECRETARY,
        "委员": Post.PARTY_MEMBER,
    },
    Body.VILLAGERS: {
        "主任": Post.DIRECTOR,
        "副主任": Post.DEPUTY_DIRECTOR,
        "委员": Post.COMMITTEE_MEMBER,
        "妇女委员": Post.WOMEN_MEMBER,
    },
}
CONTINUING = {"继任": True, "连任": True, "新任": False}
TAG_SEPARATORS = re.compile(r"[、,，;；]+")
DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")

EXAMPLE = {
    "unit_code": "150123100201",
    "unit_name": "示例村",
    "name": "张示例",
    "sex": "男",
    "ethnicity": "汉族",
    "birth_date": "1980-05-06",
    "id_number": make_id_number("110101", datetime.date(1980, 5, 6), 1, "M"),
    "phone": "13800138000",
    "education": "高中/中专",
    "political_status": "中共党员",
    "party_joined_on": "2005-07-01",
    "tags": "退役军人、返乡农民工",
    "body": "党组织委员会",
    "post": "书记",
    "continuing": "继任",
    "votes_party_members": 35,
    "votes_masses": 120,
    "votes_higher": "",
    "notes": "示例行，导入前请删除",
}
GUIDE = {
    "unit_code": "必填。12 位统计用区划代码，须是您管辖的村(社区)。",
    "unit_name": "选填，便于核对；填写时须与区划代码对应的名称一致。",
    "name": "必填。",
    "sex": "必填。男 / 女，须与身份证号码一致。",
    "ethnicity": "选填，如 汉族、蒙古族；新增人员不填时记为汉族。",
    "birth_date": "必填。如 1980-05-06（也可写 1980/05/06、1980.05.06），须与身份证号码一致。",
    "id_number": "必填。18 位，末位可为 X。该列已设为文本格式，请勿改为数字，否则后几位会丢失。",
    "phone": "选填。手机号或带区号的固定电话。",
    "education": "必填。" + " / ".join(Education.labels),
    "political_status": "必填。" + " / ".join(Person.PoliticalStatus.labels),
    "party_joined_on": "选填，党员填写，格式同出生日期。",
    "tags": "选填，可填多个，用顿号“、”分隔：" + "、".join(PersonTag.labels),
    "body": "必填。" + " / ".join(Body.labels),
    "post": "必填。党组织委员会：书记 / 副书记 / 委员；村(居)民委员会：主任 / 副主任 / 委员 / 妇女委员",
    "continuing": "选填。继任 / 新任，不填视为新任。",
    "votes_party_members": "选填。非负整数。",
    "votes_masses": "选填。非负整数。",
    "votes_higher": "选填。非负整数。",
    "notes": "选填。",
}
DROPDOWNS = {
    "sex": Person.Sex.labels,
    "education": Education.labels,
    "political_status": Person.PoliticalStatus.labels,
    "body": Body.labels,
    "post": ["书记", "副书记", "委员", "主任", "副主任", "妇女委员"],
    "continuing": ["继任", "新任"],
}
TEXT_COLUMNS = ("unit_code", "id_number", "phone")
WIDTHS = {"unit_code": 16, "unit_name": 16, "id_number": 22, "phone": 15, "tags": 24, "notes": 24}


# --- Template -------------------------------------------------------------------------------


def template_workbook() -> bytes:
    """The downloadable template: headers, one example row, the ID column as text, a guide."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "候选人"
    ws.append(CandidateImportResource().get_export_headers())
    ws.append([EXAMPLE[key] for key, _header in COLUMNS])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="EEF1F4")
    for index, (key, _header) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        head = ws.cell(row=1, column=index)
        head.font = Font(bold=True, color="B3261E") if key in REQUIRED else bold
        head.fill = fill
        ws.column_dimensions[letter].width = WIDTHS.get(key, 12)
        if key in TEXT_COLUMNS:
            # Text, so Excel keeps all 18 digits (and a trailing X) of an ID number.
            ws.column_dimensions[letter].number_format = "@"
            ws.cell(row=2, column=index).number_format = "@"
    for key, values in DROPDOWNS.items():
        letter = get_column_letter([k for k, _h in COLUMNS].index(key) + 1)
        choice = DataValidation(
            type="list",
            formula1='"{}"'.format(",".join(values)),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="填写有误",
            error="请从下拉列表中选择。",
        )
        choice.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        ws.add_data_validation(choice)
    ws.freeze_panes = "A2"
    guide = wb.create_sheet("填写说明")
    guide.append(["列名", "是否必填", "填写说明"])
    for cell in guide[1]:
        cell.font, cell.fill = bold, fill
    for key, header in COLUMNS:
        guide.append([header, "必填" if key in REQUIRED else "选填", GUIDE[key]])
    guide.append([])
    guide.append(
        [
            "说明",
            "",
            "第 1 行为表头，请勿修改；从第 2 行起每行一名人选，同一人在文件中只能出现一次。",
        ]
    )
    guide.append(["", "", "第 2 行为示例，导入前请删除。红色表头为必填列。"])
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 90
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


# --- Upload checks ----------------------------------------------------------------------------


def import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stored_file(job: ImportJob) -> Path | None:
    return Path(settings.MEDIA_ROOT) / job.stored_path if job.stored_path else None


def check_upload(path) -> None:
    """Refuse anything but a plausible xlsx, before openpyxl parses a byte of it."""
    path = Path(path)
    if path.stat().st_size > MAX_UPLOAD_BYTES:
        raise UploadRejected(TOO_BIG)
    with path.open("rb") as head:
        if head.read(8) == OLE_MAGIC:
            raise UploadRejected(
                "文件是旧版 Excel（.xls）格式或设置了打开密码，请另存为不加密的 .xlsx 后再上传。"
            )
    if not zipfile.is_zipfile(path):
        raise UploadRejected(NOT_XLSX)
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ENTRIES:
                raise UploadRejected("文件内部结构异常（包含的条目过多），已拒绝。")
            if "xl/workbook.xml" not in {e.filename for e in entries}:
                raise UploadRejected(NOT_XLSX)
            total = sum(e.file_size for e in entries)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise UploadRejected("文件解压后过大，疑似异常文件，已拒绝。")
            for entry in entries:
                if entry.flag_bits & 0x1:
                    raise UploadRejected("文件已加密，请取消密码保护后再上传。")
                if entry.file_size > RATIO_CHECK_FROM and entry.file_size > MAX_RATIO * max(
                    entry.compress_size, 1
                ):
                    raise UploadRejected("文件压缩比异常，疑似压缩炸弹，已拒绝。")
            for entry in entries:
                if entry.filename.endswith((".xml", ".rels")):
                    _refuse_dtd(archive, entry)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        raise UploadRejected("文件已损坏，无法读取，请重新保存后再上传。") from None


def _refuse_dtd(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """No DTD in any part: entity expansion is how an XML bomb works (xlsx never needs one).

    Parts must be UTF-8 (as Excel and WPS write them), so the byte search cannot be
    dodged with a UTF-16 encoding.
    """
    refused = UploadRejected("文件包含不允许的内容（XML 实体声明或非 UTF-8 编码），已拒绝。")
    tail, first = b"", True
    with archive.open(entry) as stream:  # reads at most the declared size, CRC-checked
        while chunk := stream.read(256 * 1024):
            if first and (chunk[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in chunk[:200]):
                raise refused
            window, first = tail + chunk, False
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                raise refused
            tail = window[-16:]


def save_upload(upload) -> str:
    """Stream the upload to MEDIA_ROOT/imports/<uuid>.xlsx; returns the path under MEDIA_ROOT."""
    if upload.size and upload.size > MAX_UPLOAD_BYTES:
        raise UploadRejected(TOO_BIG)
    relative = f"imports/{uuid.uuid4().hex}.xlsx"
    target = import_dir() / Path(relative).name
    written = 0
    try:
        with target.open("xb") as out:
            for chunk in upload.chunks():
                written += len(chunk)
                if written > MAX_UPLOAD_BYTES:
                    raise UploadRejected(TOO_BIG)
                out.write(chunk)
        check_upload(target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return relative


# --- Reading and checking rows ----------------------------------------------------------------


@dataclass
class ImportRow:
    """One clean row, ready for the services."""

    row: int
    unit: Unit
    round_id: int
    id_number: str
    id_hash: str
    phone: str
    person: dict
    body: str
    post: str
    is_continuing: bool
    notes: str
    votes: dict[str, int] = field(default_factory=dict)
    person_id: int | None = None
    candidacy_id: int | None = None


class _RowProblems:
    def __init__(self, row: int, problems: list):
        self.row, self.problems, self.count = row, problems, 0

    def add(self, key: str, message: str) -> None:
        self.problems.append({"row": self.row, "column": HEADER[key], "message": message})
        self.count += 1


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value).strip()


def _norm(value) -> str:
    """For matching labels: no spaces, half-width parentheses."""
    return re.sub(r"\s+", "", _text(value)).replace("（", "(").replace("）", ")")


def _date(value, key: str, problems: _RowProblems):
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
                key,
                f"{HEADER[key]}“{_text(value)}”不是有效日期，请填写如 1980-05-06 的日期。",
            )
            return None
    if not datetime.date(1900, 1, 1) <= day <= timezone.localdate():
        problems.add(key, f"{HEADER[key]} {day:%Y-%m-%d} 不在合理范围内。")
        return None
    return day


def _choice(raw: str, options: dict, key: str, problems: _RowProblems, allowed=None):
    if raw in options:
        return options[raw]
    shown = "、".join(allowed or options)
    problems.add(key, f"{HEADER[key]}“{raw}”无法识别，应为：{shown}。")
    return None


def _votes(value, key: str, problems: _RowProblems):
    if value is None or _text(value) == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        problems.add(key, f"{HEADER[key]}“{_text(value)}”应为不小于 0 的整数。")
        return None
    if value > MAX_VOTES:
        problems.add(key, f"{HEADER[key]} {value} 超过上限 {MAX_VOTES}。")
        return None
    return value


def _id_number(value, problems: _RowProblems):
    """The ID number as text; a cell Excel turned into a number has already lost digits."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        problems.add("id_number", ID_AS_NUMBER)
        return None
    raw = _text(value).replace(" ", "").upper()
    if re.fullmatch(r"\d(\.\d+)?E\+\d+", raw):
        problems.add("id_number", ID_AS_NUMBER)
        return None
    try:
        return parse_id_number(raw)
    except IdNumberError as exc:
        problems.add("id_number", str(exc))
        return None


def _header_map(header_row) -> tuple[dict[str, int], list[dict]]:
    by_header = {header: key for key, header in COLUMNS}
    positions, problems = {}, []
    for index, value in enumerate(header_row):
        key = by_header.get(_norm(value))
        if key and key not in positions:
            positions[key] = index
    for key in REQUIRED:
        if key not in positions:
            problems.append(
                {
                    "row": 1,
                    "column": HEADER[key],
                    "message": f"表头缺少“{HEADER[key]}”列，请使用导入模板。",
                }
            )
    return positions, problems


def _scope(user):
    """The units the user may write, by code, and the active round of each of their counties."""
    units = {
        u.code: u
        for u in Unit.objects.filter(township__in=writable_townships(user)).only(
            "id", "code", "name", "county_id", "township_id"
        )
    }
    rounds = {
        r.county_id: r.pk
        for r in RenewalRound.objects.filter(
            county_id__in={u.county_id for u in units.values()}, is_active=True
        )
    }
    return units, rounds


def validate_rows(user, path, on_progress=None) -> tuple[list[ImportRow], list[dict]]:
    """Every clean row and every problem of every row ({"row", "column", "message"})."""
    units, rounds = _scope(user)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a malformed workbook
        log.info("unreadable import %s: %r", path, exc)
        raise UploadRejected(UNREADABLE) from None
    try:
        return _validate_sheet(wb.worksheets[0], units, rounds, on_progress)
    except (ElementTree.ParseError, zipfile.BadZipFile, EOFError) as exc:
        log.info("malformed sheet in import %s: %r", path, exc)
        raise UploadRejected(UNREADABLE) from None
    finally:
        wb.close()


def _validate_sheet(ws, units, rounds, on_progress):
    rows_iter = ws.iter_rows(values_only=True)
    header = next(rows_iter, None)
    if header is None:
        return [], [{"row": 1, "column": "", "message": "文件中没有数据，请使用导入模板填写。"}]
    positions, problems = _header_map(header)
    if problems:
        return [], problems
    rows: list[ImportRow] = []
    seen: dict[str, list[int]] = {}  # ID number -> its rows
    count = 0
    for number, values in enumerate(rows_iter, start=2):
        cells = {key: values[i] if i < len(values) else None for key, i in positions.items()}
        if all(_text(v) == "" for v in cells.values()):
            continue
        count += 1
        if count > MAX_ROWS:
            problems.append(
                {
                    "row": number,
                    "column": "",
                    "message": f"文件超过 {MAX_ROWS} 行人选，请分批导入。",
                }
            )
            break
        checked = _RowProblems(number, problems)
        row = _check_row(cells, checked, units, rounds)
        if row is not None and checked.count == 0:
            rows.append(row)
        raw_id = _norm(cells.get("id_number")).upper()
        if raw_id and not isinstance(cells.get("id_number"), (int, float)):
            seen.setdefault(raw_id, []).append(number)
        if on_progress and count % PROGRESS_EVERY == 0:
            on_progress(count)
    if count == 0 and not problems:
        problems.append({"row": 2, "column": "", "message": "文件中没有人选数据。"})
    _flag_duplicates(seen, problems)
    if problems:
        problems.sort(key=lambda p: (p["row"], _column_order(p["column"])))
        bad = {p["row"] for p in problems}
        rows = [r for r in rows if r.row not in bad]
    _match_existing(rows)
    if on_progress:
        on_progress(count)
    return rows, problems


def _column_order(header: str) -> int:
    return next((i for i, (_k, h) in enumerate(COLUMNS) if h == header), -1)


def _flag_duplicates(seen: dict[str, list[int]], problems: list) -> None:
    """The same ID number on several rows: a problem on each, naming the others."""
    for numbers in seen.values():
        if len(numbers) < 2:
            continue
        for number in numbers:
            others = "、".join(str(n) for n in numbers if n != number)
            problems.append(
                {
                    "row": number,
                    "column": HEADER["id_number"],
                    "message": f"同一人在文件中出现了多次（另见第 {others} 行），每人只能填写一行。",
                }
            )


def _check_row(cells, problems: _RowProblems, units, rounds) -> ImportRow | None:
    for key in REQUIRED:
        if _text(cells.get(key)) == "":
            problems.add(key, f"{HEADER[key]}为必填项，不能为空。")
    unit = _check_unit(cells, problems, units, rounds)
    info, phone, person = _check_person(cells, problems)
    candidacy = _check_candidacy(cells, problems)
    if _norm(cells.get("id_number")).upper() == EXAMPLE["id_number"]:
        problems.add("id_number", "这是模板中的示例行，请删除后再导入。")
    if problems.count:
        return None
    return ImportRow(
        row=problems.row,
        unit=unit,
        round_id=rounds[unit.county_id],
        id_number=info.number,
        id_hash=crypto.blind_index(info.number, purpose="id"),
        phone=phone,
        person=person,
        **candidacy,
    )


def _check_unit(cells, problems: _RowProblems, units, rounds) -> Unit | None:
    code = _norm(cells.get("unit_code"))
    if not code:
        return None
    unit = units.get(code)
    if unit is None:
        # The same words whether the code exists elsewhere or not at all.
        problems.add("unit_code", f"区划代码 {code} 不在您管辖的村(社区)中。")
        return None
    if unit.county_id not in rounds:
        problems.add("unit_code", f"{unit.name}所在区县尚未设立换届轮次，不能录入人选。")
    given, known = _norm(cells.get("unit_name")), _norm(unit.name)
    if given and given not in known and known not in given:
        problems.add(
            "unit_name", f"村(社区)名称“{given}”与区划代码 {code} 对应的“{unit.name}”不一致。"
        )
    return unit


def _check_person(cells, problems: _RowProblems):
    """The parsed ID number, the phone and the fields for services.person_upsert.

    Optional cells left blank are left out, so an existing person's data stays as it is.
    """
    name = _text(cells.get("name"))
    if len(name) > 40:
        problems.add("name", "姓名不能超过 40 个字。")
    sex_raw = _norm(cells.get("sex"))
    sex = _choice(sex_raw, SEXES, "sex", problems) if sex_raw else None
    ethnicity = _text(cells.get("ethnicity"))
    if len(ethnicity) > 20:
        problems.add("ethnicity", "民族不能超过 20 个字。")
    birth = None
    if _text(cells.get("birth_date")):
        birth = _date(cells["birth_date"], "birth_date", problems)

    info = _id_number(cells["id_number"], problems) if _text(cells.get("id_number")) else None
    if info is not None and birth:
        for message in check_id_number_matches(info, birth_date=birth, sex=None):
            problems.add("birth_date", message)
    if info is not None and sex:
        for message in check_id_number_matches(info, birth_date=None, sex=sex):
            problems.add("sex", message)

    phone = ""
    if _text(cells.get("phone")):
        try:
            phone = services.normalize_phone(_text(cells["phone"]))
        except DomainError as exc:
            problems.add("phone", str(exc))

    edu_raw, pol_raw = _norm(cells.get("education")), _norm(cells.get("political_status"))
    education = political = None
    if edu_raw:
        education = _choice(edu_raw, EDUCATIONS, "education", problems, Education.labels)
    if pol_raw:
        political = _choice(
            pol_raw, POLITICAL, "political_status", problems, Person.PoliticalStatus.labels
        )
    joined = None
    if _text(cells.get("party_joined_on")):
        joined = _date(cells["party_joined_on"], "party_joined_on", problems)
        if joined and political and political not in PARTY_STATUSES:
            problems.add("party_joined_on", "政治面貌不是中共党员或预备党员，不应填写入党时间。")
        elif joined and birth and joined <= birth:
            problems.add("party_joined_on", "入党时间不能早于出生日期。")

    tags = []
    for label in filter(None, TAG_SEPARATORS.split(_norm(cells.get("tags")))):
        if label in TAGS:
            tags.append(TAGS[label])
        else:
            allowed = "、".join(PersonTag.labels)
            problems.add("tags", f"人员类别“{label}”无法识别，应为：{allowed}。")

    person = {
        "name": name,
        "sex": sex,
        "birth_date": birth,
        "education": education,
        "political_status": political,
    }
    optional = {"ethnicity": ethnicity, "party_joined_on": joined, "tags": tags}
    person.update({key: value for key, value in optional.items() if value})
    return info, phone, person


def _check_candidacy(cells, problems: _RowProblems) -> dict:
    body_raw, post_raw = _norm(cells.get("body")), _norm(cells.get("post"))
    body = _choice(body_raw, BODIES, "body", problems, Body.labels) if body_raw else None
    post = POSTS[body].get(post_raw) if body and post_raw else None
    if body and post_raw and post is None:
        allowed = "、".join(POSTS[body])
        problems.add("post", f"拟任职务“{post_raw}”不是{Body(body).label}的职务，应为：{allowed}。")
    cont_raw = _norm(cells.get("continuing"))
    is_continuing = False
    if cont_raw:
        is_continuing = _choice(cont_raw, CONTINUING, "continuing", problems, ["继任", "新任"])
    votes = {}
    for key, source in VOTE_SOURCES.items():
        count = _votes(cells.get(key), key, problems)
        if count is not None:
            votes[source] = count
    notes = _text(cells.get("notes"))
    if len(notes) > 500:
        problems.add("notes", "备注不能超过 500 个字。")
    return {
        "body": body,
        "post": post,
        "is_continuing": is_continuing,
        "notes": notes,
        "votes": votes,
    }


def _match_existing(rows: list[ImportRow]) -> None:
    """Mark rows whose person exists (by blind index) and whose open candidacy exists: 2 queries."""
    if not rows:
        return
    people = dict(
        Person.objects.filter(id_number_hash__in=[r.id_hash for r in rows]).values_list(
            "id_number_hash", "id"
        )
    )
    for r in rows:
        r.person_id = people.get(r.id_hash)
    open_ones = {
        (round_id, unit_id, person_id, post): pk
        for pk, round_id, unit_id, person_id, post in Candidacy.objects.filter(
            person_id__in=[r.person_id for r in rows if r.person_id],
            unit_id__in={r.unit.pk for r in rows},
            round_id__in={r.round_id for r in rows},
        )
        .exclude(status__in=Candidacy.CLOSED)
        .values_list("pk", "round_id", "unit_id", "person_id", "post")
    }
    for r in rows:
        if r.person_id:
            r.candidacy_id = open_ones.get((r.round_id, r.unit.pk, r.person_id, r.post))


def preview_summary(rows: list[ImportRow]) -> dict:
    return {
        "rows": len(rows),
        "people_created": sum(1 for r in rows if not r.person_id),
        "people_updated": sum(1 for r in rows if r.person_id),
        "candidacies_created": sum(1 for r in rows if not r.candidacy_id),
        "candidacies_unchanged": sum(1 for r in rows if r.candidacy_id),
    }


# --- Saving -----------------------------------------------------------------------------------


def commit_rows(user, rows: list[ImportRow], on_progress=None) -> dict:
    """Save every row in one transaction; any error saves nothing.

    This is services.person_upsert + services.candidacy_create done a chunk of rows at a
    time: the same validation (full_clean), the same rows, recommendations and log
    entries, locks on the people it updates. Calling the services row by row costs
    ~20 queries a row (over 30 s for 5,000 rows); here it is a few queries a chunk.
    test_import_matches_the_services keeps the two in step.
    """
    summary = dict.fromkeys(
        ("people_created", "people_updated", "candidacies_created", "candidacies_unchanged"), 0
    )
    with transaction.atomic():
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            people = services.people_bulk_upsert(chunk, summary)
            services.candidacies_bulk_create(user, chunk, people, summary)
            if on_progress:
                on_progress(start + len(chunk))
    summary["rows"] = len(rows)
    return summary


# --- Jobs -------------------------------------------------------------------------------------


def import_start(*, user, upload) -> ImportJob:
    """Store and check the upload, create the job and queue the row check."""
    from candidates.tasks import check_import

    relative = save_upload(upload)
    job = ImportJob.objects.create(
        user=user, original_name=(upload.name or "")[-200:], stored_path=relative
    )
    transaction.on_commit(lambda: check_import.delay(job.pk))
    return job


def _progress_key(job_id: int) -> str:
    return f"candidates:import-progress:{job_id}"


def live_progress(job: ImportJob) -> ImportJob:
    """While importing, rows are written inside one transaction, so progress lives in the cache."""
    if job.status == ImportJob.Status.IMPORTING:
        job.done_rows = cache.get(_progress_key(job.pk), job.done_rows)
    return job


def _drop_file(job: ImportJob) -> None:
    path = stored_file(job)
    if path is not None:
        path.unlink(missing_ok=True)
    job.stored_path = ""


def _finish(job: ImportJob, status: str, **fields) -> None:
    _drop_file(job)
    job.status, job.finished_at = status, timezone.now()
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "finished_at", "stored_path", *fields])


def import_check(*, job_id: int) -> None:
    """Read and check every row; PREVIEW keeps the file for the confirm, INVALID deletes it."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if job.status != ImportJob.Status.CHECKING:
        return  # idempotent: a redelivered task does nothing
    path = stored_file(job)
    try:
        if path is None or not path.exists():
            raise UploadRejected("上传的文件已不存在，请重新上传。")
        check_upload(path)

        def progress(n):
            ImportJob.objects.filter(pk=job.pk).update(done_rows=n)

        rows, problems = validate_rows(job.user, path, on_progress=progress)
    except UploadRejected as exc:
        _finish(job, ImportJob.Status.INVALID, error=str(exc)[:300])
        return
    except Exception:
        log.exception("import check %s failed", job.pk)
        _finish(job, ImportJob.Status.FAILED, error="校验时发生系统错误，请稍后重试或联系管理员。")
        return
    total = len(rows) + len({p["row"] for p in problems if p["row"] > 1})
    if problems:
        _finish(job, ImportJob.Status.INVALID, problems=problems, total_rows=total, done_rows=total)
        return
    job.status, job.summary = ImportJob.Status.PREVIEW, preview_summary(rows)
    job.total_rows = job.done_rows = total
    job.save(update_fields=["status", "summary", "total_rows", "done_rows"])


@transaction.atomic
def import_confirm(*, job: ImportJob) -> ImportJob:
    """The user accepts the preview: queue the import."""
    from candidates.tasks import run_import

    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.PREVIEW:
        raise DomainError(f"该导入当前为“{job.get_status_display()}”，不能确认导入。")
    job.status, job.done_rows = ImportJob.Status.IMPORTING, 0
    job.save(update_fields=["status", "done_rows"])
    transaction.on_commit(lambda: run_import.delay(job.pk))
    return job


@transaction.atomic
def import_cancel(*, job: ImportJob) -> ImportJob:
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.PREVIEW:
        raise DomainError(f"该导入当前为“{job.get_status_display()}”，不能取消。")
    _finish(job, ImportJob.Status.CANCELLED)
    return job


def import_run(*, job_id: int) -> None:
    """Re-check the file (data may have changed since the preview), then save all or nothing."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if job.status != ImportJob.Status.IMPORTING:
        return  # idempotent
    path = stored_file(job)
    try:
        if path is None or not path.exists():
            raise UploadRejected("上传的文件已不存在，请重新上传。")
        rows, problems = validate_rows(job.user, path)
        if problems:
            _finish(
                job,
                ImportJob.Status.INVALID,
                problems=problems,
                error="确认导入时重新校验发现问题，未保存任何数据。",
            )
            return
        job.total_rows = len(rows)
        job.save(update_fields=["total_rows"])

        def progress(n):
            cache.set(_progress_key(job.pk), n, 3600)

        with pghistory.context(user=job.user_id, import_job=job.pk):
            summary = commit_rows(job.user, rows, on_progress=progress)
    except DomainError as exc:
        _finish(job, ImportJob.Status.FAILED, error=f"导入失败，未保存任何数据：{exc}"[:300])
        return
    except Exception:
        log.exception("import run %s failed", job.pk)
        _finish(job, ImportJob.Status.FAILED, error="导入时发生系统错误，未保存任何数据。")
        return
    finally:
        cache.delete(_progress_key(job.pk))
        if path is not None:
            path.unlink(missing_ok=True)  # whatever happened above
    _finish(job, ImportJob.Status.DONE, summary=summary, done_rows=len(rows))


def purge_stale_imports(*, older_than_hours: int = 24) -> int:
    """Previews nobody confirmed or cancelled: delete their files and cancel them."""
    cutoff = timezone.now() - datetime.timedelta(hours=older_than_hours)
    stale = ImportJob.objects.filter(
        created_at__lt=cutoff, status__in=[ImportJob.Status.PREVIEW, ImportJob.Status.CHECKING]
    )
    count = 0
    for job in stale:
        _finish(job, ImportJob.Status.CANCELLED)  # also deletes the stored file
        count += 1
    return count
