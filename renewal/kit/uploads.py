"""The one upload machine: file checks, Excel imports as background jobs, attachments.

An Excel import (候选人, 选民名单, 受处分干部台账, …) goes through the same steps whatever
its rows are:

1. the upload is streamed to ``MEDIA_ROOT/imports/<random>.xlsx`` and checked as a zip
   before any parsing (size, entry count, uncompressed size, compression ratio, no
   encryption, no macros or external links, no DTD in any part), then a job row is created and the check is queued;
2. the check reads every row and lists every problem by row and column (the importer's
   row checks, repeats inside the file, then its set-based checks against the database);
   a file with problems is deleted at once, a clean one waits for the user's confirmation;
   the clean rows of a preview are kept as compact JSON, tied to the file by its digest
   (``renewal.kit.import_stage``);
3. on confirm the kept rows are used, not the file: after proving they belong to that file
   and this importer and are unchanged, only what can have changed since the preview is
   checked again (the uploader's region, an open round, the set-based checks against the
   database), and every row is saved in one transaction, or none is; progress is kept in
   the cache while the rows are written;
4. the stored file is deleted as soon as it is no longer needed: on problems, on cancel,
   after the import whether it succeeded or not, and for previews nobody confirms
   (``purge_stale_imports``, nightly).

An app describes its import with an ``Importer``: the columns and their Chinese headers,
the template's guide, the row check, the set-based check, the save and the sentences
that tell the user what will happen and what happened. Its job model is a subclass of
``ImportJob`` (plus whatever the import belongs to, e.g. an election), registered with
``register``. Everything else lives here.

Attachments (PDF, JPG, PNG evidence) are taken for what they parse as, not for their names,
and stored without their metadata (a photo's GPS position, a PDF's author).
"""

from __future__ import annotations

import datetime
import logging
import re
import uuid
import warnings
import zipfile
from collections.abc import Callable, Iterable
from io import BytesIO
from pathlib import Path

import openpyxl
import pghistory
from celery import shared_task
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.shortcuts import render
from django.utils import timezone
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from PIL import Image, ImageOps

from renewal.kit import import_stage, xlsx_rows
from renewal.kit.forms import Form
from renewal.kit.idcard import IdNumberError, IdNumberInfo, parse_id_number
from renewal.kit.queueing import enqueue_or_run, progress_delete, progress_get, progress_set
from renewal.kit.sheets import print_setup, table_sheet
from renewal.models import DomainError

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
# Rows saved per statement: the audit triggers and the statement overhead are paid per
# chunk (10,000 candidates: about 8 s to save in chunks of 2,500, 13 s in chunks of 500).
CHUNK = 2000
STALE_AFTER_HOURS = import_stage.MAX_AGE_HOURS
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TOO_BIG = f"文件超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB，请分批导入。"
ID_AS_NUMBER = "公民身份号码被 Excel 存成了数字，后几位已丢失：请把该列设为文本后重新填写。"
UNREADABLE = "文件无法作为 Excel 工作簿读取，请用 Excel 或 WPS 另存为 .xlsx 后再上传。"
NOT_XLSX = "文件不是有效的 Excel（.xlsx）文件，请用 Excel 或 WPS 另存为 .xlsx 后再上传。"
FILE_GONE = "上传的文件已不存在，请重新上传。"
DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


class UploadRejected(DomainError):
    """The file is refused before or while parsing; the message is Chinese."""


# --- The stored file --------------------------------------------------------------------------


def import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


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
            names = {e.filename for e in entries}
            if "xl/workbook.xml" not in names:
                raise UploadRejected(NOT_XLSX)
            _refuse_active_parts(names)
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


def _refuse_active_parts(names: set[str]) -> None:
    """No macros and no links to other workbooks: an import is data, and a macro-enabled
    workbook (a ``vbaProject.bin`` part, whatever the file is called) or one that pulls
    values from other files is not what a template filled in produces."""
    if any(n.rsplit("/", 1)[-1].lower().startswith("vbaproject") for n in names):
        raise UploadRejected(
            "文件包含宏（VBA），已拒绝。请在 Excel 中另存为“Excel 工作簿（*.xlsx）”后再上传。"
        )
    if any(n.startswith("xl/externalLinks/") for n in names):
        raise UploadRejected(
            "文件包含指向其他工作簿的外部链接，已拒绝。请复制后“选择性粘贴为数值”，"
            "删除外部链接后再上传。"
        )


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
    """Stream the upload to MEDIA_ROOT/imports/<uuid>.xlsx and check it; returns the path
    under MEDIA_ROOT. A refused file is deleted before the error is raised."""
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


class XlsxUploadForm(Form):
    """The upload form of every import: one .xlsx file, refused early when it cannot be one."""

    file = forms.FileField(
        label="Excel 文件",
        error_messages={
            "required": "请选择要导入的 Excel 文件。",
            "empty": "上传的文件是空的。",
            "invalid": "没有收到文件，请重新选择。",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, template_word: str = "导入模板", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = (
            f"请使用{template_word}填写，.xlsx 格式，不超过 {MAX_UPLOAD_BYTES // 2**20} MB。"
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                "只能导入 .xlsx 格式的 Excel 文件（.xls、.csv 请先用 Excel 或 WPS 另存为 .xlsx）。"
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(TOO_BIG)
        return upload


# --- Reading cells ------------------------------------------------------------------------------


def cell_text(value) -> str:
    """A cell as the text a user typed: whole floats without ".0", datetimes as dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value).strip()


def cell_label(value) -> str:
    """For matching labels and headers: no spaces, half-width parentheses."""
    return re.sub(r"\s+", "", cell_text(value)).replace("（", "(").replace("）", ")")


class RowProblems:
    """Collects one row's problems, each naming the column by its Chinese header."""

    def __init__(self, row: int, problems: list, headers: dict[str, str]):
        self.row, self.problems, self.headers, self.count = row, problems, headers, 0

    def add(self, key: str, message: str) -> None:
        self.problems.append(
            {"row": self.row, "column": self.headers.get(key, ""), "message": message}
        )
        self.count += 1


def cell_date(
    value, key: str, problems: RowProblems, *, earliest=datetime.date(1900, 1, 1), example=""
) -> datetime.date | None:
    """A date cell (a real date, or text like 1980-05-06, 1980/5/6, 1980年5月6日), not in
    the future and not before ``earliest``."""
    header = problems.headers[key]
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        match = DATE_TEXT.match(cell_text(value).replace(" ", ""))
        day = None
        if match:
            try:
                day = datetime.date(*(int(g) for g in match.groups()))
            except ValueError:
                day = None
        if day is None:
            problems.add(
                key,
                f"{header}“{cell_text(value)}”不是有效日期，请填写如 {example or '1980-05-06'} 的日期。",
            )
            return None
    # timezone.localdate() is the costly part; most dates are years in the past.
    if day < earliest or (day >= _not_before_tomorrow() and day > timezone.localdate()):
        problems.add(key, f"{header} {day:%Y-%m-%d} 不在合理范围内（不能晚于今天）。")
        return None
    return day


def _not_before_tomorrow() -> datetime.date:
    """A day no later than today's in Beijing, whatever the server's clock zone."""
    return datetime.date.today() - datetime.timedelta(days=1)


def cell_id_number(value, problems: RowProblems, key: str = "id_number") -> IdNumberInfo | None:
    """The citizen ID number as text; a cell Excel turned into a number has lost digits."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        problems.add(key, ID_AS_NUMBER)
        return None
    raw = cell_text(value).replace(" ", "").upper()
    if re.fullmatch(r"\d(\.\d+)?E\+\d+", raw):
        problems.add(key, ID_AS_NUMBER)
        return None
    try:
        return parse_id_number(raw)
    except IdNumberError as exc:
        problems.add(key, str(exc))
        return None


def id_number_key(cells: dict, key: str = "id_number") -> str | None:
    """The ID number as typed, for finding repeats in a file (numbers are already refused)."""
    value = cells.get(key)
    if isinstance(value, (int, float)):
        return None
    return cell_label(value).upper() or None


def split_count(rows: list, attribute: str, without: str, with_: str) -> dict:
    """How many rows have ``attribute`` unset (new) and set (already known), for a summary."""
    known = sum(1 for r in rows if getattr(r, attribute))
    return {without: len(rows) - known, with_: known}


# --- Jobs -------------------------------------------------------------------------------------


class ImportJob(models.Model):
    """An xlsx upload: checked in the background, previewed, then saved all at once or not at
    all. Each import has its concrete job model; rows are the importer's business."""

    class Status(models.TextChoices):
        CHECKING = "checking", "校验中"
        PREVIEW = "preview", "待确认"
        INVALID = "invalid", "有错误"
        IMPORTING = "importing", "导入中"
        DONE = "done", "已导入"
        FAILED = "failed", "导入失败"
        CANCELLED = "cancelled", "已取消"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    original_name = models.CharField("文件名", max_length=200)
    stored_path = models.CharField(max_length=300, blank=True)  # emptied once the file is deleted
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CHECKING)
    total_rows = models.PositiveIntegerField(default=0)
    done_rows = models.PositiveIntegerField(default=0)
    problems = models.JSONField("问题", default=list, blank=True)  # [{"row", "column", "message"}]
    summary = models.JSONField(default=dict, blank=True)  # the importer's counts
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def percent(self):
        if self.status in (self.Status.PREVIEW, self.Status.DONE, self.Status.INVALID):
            return 100
        return int(100 * self.done_rows / self.total_rows) if self.total_rows else 0

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)

    def stored_file(self) -> Path | None:
        return Path(settings.MEDIA_ROOT) / self.stored_path if self.stored_path else None


class Importer:
    """What one kind of import knows: its columns, its row checks, its save.

    Subclasses set the class attributes and implement ``check_row`` and ``commit``; the
    other hooks have defaults. ``context(job)`` is what the checks and the save work for
    (the uploader, an election, a county): loaded once per check.
    """

    job_model: type[ImportJob]
    noun = "数据"  # what a row is: 人选, 选民, 台账记录
    title = "导入"  # the page's heading, e.g. 导入人选
    template_word = "导入模板"
    template_file = "导入模板.xlsx"
    sheet_title = "导入"
    columns: list[tuple[str, str]] = []  # (key, Chinese header), in the template's order
    required: tuple[str, ...] = ()
    header_aliases: dict[str, str] = {}  # other headers users write, -> key
    guide: dict[str, str] = {}  # the guide sheet's line per column
    notes: list[str] = []  # the guide sheet's closing lines
    example: dict[str, object] = {}  # the template's example row
    dropdowns: dict[str, list[str]] = {}
    text_columns: tuple[str, ...] = ("id_number",)  # stored as text so Excel keeps every digit
    widths: dict[str, int] = {}
    duplicate_message = "同一人在文件中出现了多次（另见第 {others} 行），每人只能填写一行。"
    duplicate_column = "id_number"
    max_rows = MAX_ROWS
    preview_template = ""  # an optional partial listing rows of the summary
    row_type: type  # the dataclass check_row returns: kept between preview and confirm
    # The pages: the import's own URLs are <namespace>:<url_prefix>-job, -confirm, -cancel;
    # the user uploads again at ``upload_url_name`` and sees the saved rows at ``done_url_name``.
    url_prefix = "import"
    upload_url_name = ""
    done_url_name = ""
    done_label = ""

    @property
    def label(self) -> str:
        return self.job_model._meta.label

    @property
    def headers(self) -> dict[str, str]:
        return dict(self.columns)

    # Hooks ---------------------------------------------------------------------------------

    def context(self, job):
        return job.user

    def prepare(self, context) -> dict:
        """Lookups the row checks need, loaded once per file (e.g. the user's units)."""
        return {}

    def check_row(self, cells: dict, problems: RowProblems, lookups: dict):
        """A clean row object, or None; each problem is added to ``problems``."""
        raise NotImplementedError

    def recheck_row(self, row, problems: RowProblems, lookups: dict):
        """At the confirm, a row kept from the preview: what its check found that can have
        changed since (the uploader's region, an open round, a date it depends on), with
        model instances kept as primary keys turned back into objects. The row, or None."""
        return row

    def duplicate_key(self, cells: dict, row):
        """What may appear only once in a file (default: the ID number as typed)."""
        return id_number_key(cells, self.duplicate_column)

    def check_rows(self, context, rows: list, problems: list) -> None:
        """Set-based checks of the clean rows against the database (a few queries in all)."""

    def summary(self, rows: list) -> dict:
        return {"rows": len(rows)}

    def commit(self, context, rows: list, on_progress: Callable[[int], None]) -> dict:
        """Save every row in one transaction (the machine opens it); the summary to show."""
        raise NotImplementedError

    def url_args(self, job) -> list:
        """The arguments of the upload and done pages (e.g. the election of a voter import)."""
        return []

    def preview_text(self, summary: dict) -> str:
        return f"校验通过：共 {summary.get('rows', 0)} 行。"

    def done_text(self, summary: dict) -> str:
        return f"导入完成：共 {summary.get('rows', 0)} 行。"

    # The template ------------------------------------------------------------------------

    def template_workbook(self) -> bytes:
        """The downloadable template: headers, one example row, text ID columns, dropdowns,
        and a guide sheet."""
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = self.sheet_title
        keys = [key for key, _h in self.columns]
        # No title row: the importer reads the header from the first row, and files filled
        # in from earlier templates must still import.
        table_sheet(
            ws,
            title=None,
            header=[header for _k, header in self.columns],
            rows=[[self.example.get(key, "") for key in keys]],
            formats={i: "@" for i, key in enumerate(keys) if key in self.text_columns},
        )
        bold, fill = Font(bold=True), PatternFill("solid", fgColor="EEF1F4")
        for index, key in enumerate(keys, start=1):
            letter = get_column_letter(index)
            if key in self.required:
                ws.cell(row=1, column=index).font = Font(bold=True, color="B3261E")
            width = ws.column_dimensions[letter].width
            ws.column_dimensions[letter].width = max(width, self.widths.get(key, 0))
            if key in self.text_columns:
                # Text, so Excel keeps all 18 digits (and a trailing X) of an ID number.
                ws.column_dimensions[letter].number_format = "@"
        for key, values in self.dropdowns.items():
            letter = get_column_letter(keys.index(key) + 1)
            choice = DataValidation(
                type="list",
                formula1='"{}"'.format(",".join(values)),
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="填写有误",
                error="请从下拉列表中选择。",
            )
            choice.add(f"{letter}2:{letter}{self.max_rows + 1}")
            ws.add_data_validation(choice)
        guide = wb.create_sheet("填写说明")
        guide.append(["列名", "是否必填", "填写说明"])
        for cell in guide[1]:
            cell.font, cell.fill = bold, fill
        for key, header in self.columns:
            guide.append([header, "必填" if key in self.required else "选填", self.guide.get(key)])
        guide.append([])
        for index, line in enumerate(self.notes):
            guide.append(["说明" if index == 0 else "", "", line])
        guide.column_dimensions["A"].width = 16
        guide.column_dimensions["B"].width = 10
        guide.column_dimensions["C"].width = 90
        guide.freeze_panes = "A2"
        print_setup(guide, repeat_rows="1:1")
        out = BytesIO()
        wb.save(out)
        return out.getvalue()

    # Reading a file ----------------------------------------------------------------------

    def read(self, context, path, on_progress=None) -> tuple[list, list[dict]]:
        """Every clean row and every problem ({"row", "column", "message"}); writes nothing."""
        rows, problems, _kept = self.read_to_keep(context, path, on_progress, keep=False)
        return rows, problems

    def read_to_keep(self, context, path, on_progress=None, *, keep=True):
        """``read``, and the clean rows as the row checks made them, encoded to be kept for
        the confirm (None when not asked for or when there are problems)."""
        lookups = self.prepare(context)
        try:
            rows, problems, count = self._read_sheet(
                xlsx_rows.sheet_rows(path), lookups, on_progress
            )
        except xlsx_rows.Unreadable as exc:
            log.info("unreadable import %s: %s", path, exc)
            raise UploadRejected(UNREADABLE) from None
        # Before the set-based checks, which add what the confirm finds out afresh.
        kept = import_stage.encode(self, rows) if keep and not problems else None
        self.check_rows(context, rows, problems)
        if problems:
            kept = None
            self._sort(problems)
            bad = {p["row"] for p in problems}
            rows = [r for r in rows if r.row not in bad]
        if on_progress:
            on_progress(count)
        return rows, problems, kept

    def recheck(self, context, rows: list) -> tuple[list, list[dict]]:
        """The rows kept from the preview, checked again for what can have changed since:
        each row's ``recheck_row``, then the set-based checks against the database."""
        lookups, headers = self.prepare(context), self.headers
        problems: list[dict] = []
        clean = []
        for row in rows:
            checked = RowProblems(row.row, problems, headers)
            row = self.recheck_row(row, checked, lookups)
            if row is not None and checked.count == 0:
                clean.append(row)
        self.check_rows(context, clean, problems)
        if problems:
            self._sort(problems)
            bad = {p["row"] for p in problems}
            clean = [r for r in clean if r.row not in bad]
        return clean, problems

    def _sort(self, problems: list[dict]) -> None:
        order = {header: i for i, (_k, header) in enumerate(self.columns)}
        problems.sort(key=lambda p: (p["row"], order.get(p["column"], -1)))

    def _header_map(self, header_row) -> tuple[dict[str, int], list[dict]]:
        by_header = {header: key for key, header in self.columns} | self.header_aliases
        positions = {}
        for index, value in enumerate(header_row):
            key = by_header.get(cell_label(value))
            if key and key not in positions:
                positions[key] = index
        headers = self.headers
        problems = [
            {
                "row": 1,
                "column": headers[key],
                "message": f"表头缺少“{headers[key]}”列，请使用{self.template_word}。",
            }
            for key in self.required
            if key not in positions
        ]
        return positions, problems

    def _read_sheet(self, values, lookups, on_progress):
        header = next(values, None)
        if header is None:
            message = f"文件中没有数据，请使用{self.template_word}填写。"
            return [], [{"row": 1, "column": "", "message": message}], 0
        positions, problems = self._header_map(header)
        if problems:
            return [], problems, 0
        headers = self.headers
        example = self.example.get(self.duplicate_column)
        example_key = cell_label(example).upper() if isinstance(example, str) else None
        rows: list = []
        seen: dict[object, list[int]] = {}
        count = 0
        for number, line in enumerate(values, start=2):
            cells = {key: line[i] if i < len(line) else None for key, i in positions.items()}
            if all(cell_text(v) == "" for v in cells.values()):
                continue
            count += 1
            if count > self.max_rows:
                problems.append(
                    {
                        "row": number,
                        "column": "",
                        "message": f"文件超过 {self.max_rows} 行{self.noun}，请分批导入。",
                    }
                )
                break
            checked = RowProblems(number, problems, headers)
            for key in self.required:
                if cell_text(cells.get(key)) == "":
                    checked.add(key, f"{headers[key]}为必填项，不能为空。")
            if example_key and id_number_key(cells, self.duplicate_column) == example_key:
                checked.add(self.duplicate_column, "这是模板中的示例行，请删除后再导入。")
            row = self.check_row(cells, checked, lookups)
            if row is not None and checked.count == 0:
                rows.append(row)
            else:
                row = None
            key = self.duplicate_key(cells, row)
            if key is not None:
                seen.setdefault(key, []).append(number)
            if on_progress and count % PROGRESS_EVERY == 0:
                on_progress(count)
        if count == 0 and not problems:
            problems.append({"row": 2, "column": "", "message": f"文件中没有{self.noun}数据。"})
        for numbers in seen.values():
            if len(numbers) < 2:
                continue
            for number in numbers:
                others = "、".join(str(n) for n in numbers if n != number)
                problems.append(
                    {
                        "row": number,
                        "column": headers.get(self.duplicate_column, ""),
                        "message": self.duplicate_message.format(others=others),
                    }
                )
        return rows, problems, count


_importers: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    """Make an importer known to the tasks (by its job model's label)."""
    _importers[importer.label] = importer
    return importer


def importer_for(job_or_label) -> Importer:
    label = job_or_label if isinstance(job_or_label, str) else job_or_label._meta.label
    return _importers[label]


# --- The lifecycle ------------------------------------------------------------------------------


def import_start(importer: Importer, *, user, upload, **fields) -> ImportJob:
    """Store and check the upload, create the job and queue the row check."""
    relative = save_upload(upload)
    job = importer.job_model.objects.create(
        user=user, original_name=(upload.name or "")[-200:], stored_path=relative, **fields
    )
    transaction.on_commit(lambda: enqueue_or_run(check_import, importer.label, job.pk))
    return job


def _progress_key(job: ImportJob) -> str:
    return f"imports:progress:{job._meta.label_lower}:{job.pk}"


def live_progress(job: ImportJob) -> ImportJob:
    """While importing, rows are written inside one transaction, so progress lives in the cache."""
    if job.status == ImportJob.Status.IMPORTING:
        job.done_rows = progress_get(_progress_key(job), job.done_rows)
    return job


CHECK_FAILED = "校验时发生系统错误，请稍后重试或联系管理员。"


def _finish(job: ImportJob, status: str, **fields) -> None:
    path = job.stored_file()
    if path is not None:
        path.unlink(missing_ok=True)
    job.stored_path = ""
    import_stage.stage_delete(job)
    job.status, job.finished_at = status, timezone.now()
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "finished_at", "stored_path", *fields])


def import_check(importer: Importer, job_id: int) -> None:
    """Read and check every row; PREVIEW keeps the file for the confirm, INVALID deletes it."""
    model = importer.job_model
    job = model.objects.select_related("user").get(pk=job_id)
    if job.status != ImportJob.Status.CHECKING:
        return  # idempotent: a redelivered task does nothing
    path = job.stored_file()
    try:
        if path is None or not path.exists():
            raise UploadRejected(FILE_GONE)
        check_upload(path)

        def progress(n):
            model.objects.filter(pk=job.pk).update(done_rows=n)

        rows, problems, kept = importer.read_to_keep(
            importer.context(job), path, on_progress=progress
        )
    except UploadRejected as exc:
        _finish(job, ImportJob.Status.INVALID, error=str(exc)[:300])
        return
    except Exception:
        log.exception("import check %s %s failed", importer.label, job.pk)
        _finish(job, ImportJob.Status.FAILED, error=CHECK_FAILED)
        return
    total = len(rows) + len({p["row"] for p in problems if p["row"] > 1})
    if problems:
        _finish(job, ImportJob.Status.INVALID, problems=problems, total_rows=total, done_rows=total)
        return
    try:
        summary = importer.summary(rows)
        with transaction.atomic():
            import_stage.stage_save(importer, job, path=path, kept=kept)
            job.status, job.summary = ImportJob.Status.PREVIEW, summary
            job.total_rows = job.done_rows = total
            job.save(update_fields=["status", "summary", "total_rows", "done_rows"])
    except Exception:
        # Keeping the checked rows failed: the job must not wait in CHECKING for ever.
        log.exception("import check %s %s: keeping the rows failed", importer.label, job.pk)
        job.refresh_from_db()
        _finish(job, ImportJob.Status.FAILED, error=CHECK_FAILED)


@transaction.atomic
def import_confirm(*, job: ImportJob) -> ImportJob:
    """The user accepts the preview: queue the save."""
    job = type(job).objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.PREVIEW:
        raise DomainError(f"该导入当前为“{job.get_status_display()}”，不能确认导入。")
    job.status, job.done_rows = ImportJob.Status.IMPORTING, 0
    job.save(update_fields=["status", "done_rows"])
    label = job._meta.label
    transaction.on_commit(lambda: enqueue_or_run(run_import, label, job.pk))
    return job


@transaction.atomic
def import_cancel(*, job: ImportJob) -> ImportJob:
    job = type(job).objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.PREVIEW:
        raise DomainError(f"该导入当前为“{job.get_status_display()}”，不能取消。")
    _finish(job, ImportJob.Status.CANCELLED)
    return job


def import_run(importer: Importer, job_id: int) -> None:
    """Take the rows kept at the preview, check again what can have changed since, then save
    all or nothing. The file is not read again."""
    model = importer.job_model
    job = model.objects.select_related("user").get(pk=job_id)
    if job.status != ImportJob.Status.IMPORTING:
        return  # idempotent
    path = job.stored_file()
    key = _progress_key(job)
    try:
        if path is None or not path.exists():
            raise UploadRejected(FILE_GONE)
        context = importer.context(job)
        rows = import_stage.stage_load(importer, job, path=path)
        rows, problems = importer.recheck(context, rows)
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
            progress_set(key, n, 3600)

        with pghistory.context(user=job.user_id, import_job=f"{importer.label}:{job.pk}"):
            with transaction.atomic():
                summary = importer.commit(context, rows, progress)
    except import_stage.StageRefused as exc:
        _finish(job, ImportJob.Status.FAILED, error=str(exc)[:300])
        return
    except DomainError as exc:
        _finish(job, ImportJob.Status.FAILED, error=f"导入失败，未保存任何数据：{exc}"[:300])
        return
    except Exception:
        log.exception("import run %s %s failed", importer.label, job.pk)
        _finish(job, ImportJob.Status.FAILED, error="导入时发生系统错误，未保存任何数据。")
        return
    finally:
        progress_delete(key)
        if path is not None:
            path.unlink(missing_ok=True)  # whatever happened above
    _finish(job, ImportJob.Status.DONE, summary=summary, done_rows=len(rows))


def purge_stale_imports(*, older_than_hours: int = STALE_AFTER_HOURS) -> int:
    """Previews nobody confirmed or cancelled (and checks that never ran): delete their files
    and cancel them, for every registered import."""
    cutoff = timezone.now() - datetime.timedelta(hours=older_than_hours)
    count = 0
    for importer in _importers.values():
        stale = importer.job_model.objects.filter(
            created_at__lt=cutoff, status__in=[ImportJob.Status.PREVIEW, ImportJob.Status.CHECKING]
        )
        for job in stale:
            _finish(job, ImportJob.Status.CANCELLED)  # also deletes the stored file
            count += 1
    import_stage.stages_purge(cutoff)
    return count


@shared_task(name="renewal.kit.uploads.check_import", ignore_result=True)
def check_import(label: str, job_id: int) -> None:
    import_check(importer_for(label), job_id)


@shared_task(name="renewal.kit.uploads.run_import", ignore_result=True)
def run_import(label: str, job_id: int) -> None:
    import_run(importer_for(label), job_id)


@shared_task(name="renewal.kit.uploads.purge_stale_imports")
def purge_stale_imports_task() -> int:
    return purge_stale_imports()


# --- Attachments ---------------------------------------------------------------------------------

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
ATTACHMENT_KINDS = [
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
]
ATTACHMENT_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


def attachment_kind(head: bytes) -> str | None:
    """The file type named by the leading bytes: "pdf", "jpg", "png", or None."""
    for magic, kind in ATTACHMENT_KINDS:
        if head.startswith(magic):
            return kind
    return None


def attachments_check(files: Iterable, *, max_count: int = 3) -> list[tuple[ContentFile, str]]:
    """Each upload as it is to be stored, with its type; ValidationError listing every problem.

    A file is taken for what it parses as, not for its name or first bytes: images are decoded
    and written out again (without EXIF, GPS or any other metadata, turned upright first), PDFs
    are opened and written out again without their document information and XMP metadata.
    What cannot be parsed is refused, so a file that only starts like a PDF or a PNG does not
    get through."""
    files = [f for f in files if f]
    if len(files) > max_count:
        raise ValidationError(f"最多上传 {max_count} 个附件，您选择了 {len(files)} 个。")
    checked, problems = [], []
    limit_mb = MAX_ATTACHMENT_BYTES // (1024 * 1024)
    for upload in files:
        label = (getattr(upload, "name", "") or "附件")[:60]
        if upload.size > MAX_ATTACHMENT_BYTES:
            problems.append(f"附件“{label}”超过 {limit_mb} MB，请压缩后重新上传。")
            continue
        upload.seek(0)
        data = upload.read()
        upload.seek(0)
        kind = attachment_kind(data[:8])
        if kind is None:
            problems.append(f"附件“{label}”不是 PDF、JPG 或 PNG 文件，不能上传。")
            continue
        try:
            clean = _clean_pdf(data) if kind == "pdf" else _clean_image(data, kind)
        except AttachmentRefused as exc:
            problems.append(f"附件“{label}”{exc}")
            continue
        stem = Path(getattr(upload, "name", "") or "").stem[:60] or "attachment"
        checked.append((ContentFile(clean, name=f"{stem}.{kind}"), kind))
    if problems:
        raise ValidationError(problems)
    return checked


class AttachmentRefused(Exception):
    """Why an attachment cannot be stored, completing the sentence “附件“x”…”."""


def _clean_image(data: bytes, kind: str) -> bytes:
    """The picture decoded and encoded again: nothing but its pixels survives."""
    damaged = AttachmentRefused("不是完整的图片文件（可能已损坏或伪装），不能上传。")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as probe:
                if probe.format != {"jpg": "JPEG", "png": "PNG"}[kind]:
                    raise damaged
                probe.verify()
            with Image.open(BytesIO(data)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
    except (
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise damaged from None
    out = BytesIO()
    if kind == "jpg":
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        upright.save(out, format="JPEG", quality=90, optimize=True)
    else:
        upright.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _clean_pdf(data: bytes) -> bytes:
    """The PDF opened (it must parse, pages and all) and written out again without its
    document information and XMP metadata; kept as it came if only the rewrite fails."""
    # Imported here: pypdf and what it pulls in weigh some 30 MB in every process (the
    # export worker's included), and only an attachment upload needs it.
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            raise AttachmentRefused("设置了密码，请取消密码后重新上传。")
        if len(reader.pages) < 1:
            raise AttachmentRefused("不是有效的 PDF 文件，不能上传。")
    except AttachmentRefused:
        raise
    except Exception:  # pypdf raises many kinds on a damaged or disguised file
        raise AttachmentRefused("不是有效的 PDF 文件（可能已损坏或伪装），不能上传。") from None
    try:
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        writer._root_object.pop(NameObject("/Metadata"), None)
        out = BytesIO()
        writer.write(out)
    except Exception:  # a PDF readers open but pypdf cannot rewrite: keep it as it came
        log.warning("PDF attachment kept with its metadata: pypdf could not rewrite it")
        return data
    return out.getvalue()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (attachments of a report, say); cleaned to a list."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


# --- The request size ---------------------------------------------------------------------------


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body exceeds ``UPLOAD_MAX_REQUEST_BYTES`` with a 413
    page in Chinese, before Django parses the upload (``DATA_UPLOAD_MAX_MEMORY_SIZE`` does
    not cover files)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.UPLOAD_MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return render(
                request,
                "413.html",
                {"limit_mb": limit // (1024 * 1024)},
                status=413,
            )
        return self.get_response(request)
