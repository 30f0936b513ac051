"""Excel import of a voter register: template, row checks, a set-based county check, commit.

The same flow as the candidates' import (candidates/imports.py, whose upload checks this
reuses): the upload is checked as a zip before parsing, a background check reads every
row and lists every problem by row and column, the user confirms a clean preview, the
rows are checked again and saved in one transaction, and the stored file is deleted as
soon as it is no longer needed.

The county-wide duplicate check is one query for the whole file: the registrations of
the round whose person's blind index is among the file's (unique indexes on both sides).
"""

import datetime
import logging
import re
import zipfile
from dataclasses import dataclass
from io import BytesIO
from xml.etree import ElementTree

import openpyxl
import pghistory
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ballots.models import VillagersElection, VoterImportJob, VoterRegistration
from candidates.imports import (
    CHUNK,
    ID_AS_NUMBER,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    PROGRESS_EVERY,
    TOO_BIG,
    UNREADABLE,
    UploadRejected,
    _norm,
    _text,
    check_upload,
    save_upload,
    stored_file,
)
from renewal.kit import crypto
from renewal.kit.dates import age_on
from renewal.kit.idcard import IdNumberError, make_id_number, parse_id_number
from renewal.models import DomainError, Person

log = logging.getLogger(__name__)

__all__ = ["MAX_UPLOAD_BYTES", "TOO_BIG", "UploadRejected"]

COLUMNS = [
    ("name", "姓名"),
    ("id_number", "公民身份号码"),
    ("sex", "性别"),
    ("category", "登记类别"),
    ("group_name", "村(居)民小组"),
]
HEADER = dict(COLUMNS)
REQUIRED = ("name", "id_number", "category")
Category = VoterRegistration.Category
CATEGORY_CHOICES = {
    "户籍在此并居住": Category.RESIDENT,
    "户籍在此不居住（本人参加）": Category.AWAY,
    "居住一年以上（会议同意）": Category.LIVING,
}
CATEGORIES = (
    {_norm(k): v for k, v in CATEGORY_CHOICES.items()}
    | {_norm(label): value for value, label in Category.choices}
    | {
        "户籍并居住": Category.RESIDENT,
        "户籍居住": Category.RESIDENT,
        "户籍不居住": Category.AWAY,
        "户籍在外": Category.AWAY,
        "寄居": Category.LIVING,
        "居住一年以上": Category.LIVING,
    }
)
SEXES = {"男": "M", "女": "F"}
EXAMPLE_ID = make_id_number("110101", datetime.date(1980, 5, 6), 1, "M")
EXAMPLE = {
    "name": "张示例",
    "id_number": EXAMPLE_ID,
    "sex": "男",
    "category": "户籍在此并居住",
    "group_name": "第一小组",
}
GUIDE = {
    "name": "必填，须与身份证一致。",
    "id_number": "必填。18 位，末位可为 X。该列已设为文本格式，请勿改为数字，否则后几位会丢失。",
    "sex": "选填。男 / 女，填写时须与身份证号码一致。",
    "category": "必填。" + " / ".join(CATEGORY_CHOICES),
    "group_name": "选填，如 第一小组。",
}
HEADER_ALIASES = {"村民小组": "group_name", "居民小组": "group_name", "小组": "group_name"}


def template_workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "选民名单"
    ws.append([header for _key, header in COLUMNS])
    ws.append([EXAMPLE[key] for key, _header in COLUMNS])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="EEF1F4")
    for index, (key, _header) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        head = ws.cell(row=1, column=index)
        head.font = Font(bold=True, color="B3261E") if key in REQUIRED else bold
        head.fill = fill
        ws.column_dimensions[letter].width = {"id_number": 22, "category": 28}.get(key, 14)
        if key == "id_number":
            ws.column_dimensions[letter].number_format = "@"
            ws.cell(row=2, column=index).number_format = "@"
    for key, values in (("sex", list(SEXES)), ("category", list(CATEGORY_CHOICES))):
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
        ["说明", "", "第 1 行为表头，请勿修改；从第 2 行起每行一名选民，同一人只能出现一次。"]
    )
    guide.append(
        ["", "", "第 2 行为示例，导入前请删除。年龄按选举日计算，由身份证号码中的出生日期得出。"]
    )
    guide.append(["", "", "同一人在本县只能登记一处；已在其他村(社区)登记的，系统会指出登记地。"])
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 90
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


# --- Checking rows ----------------------------------------------------------------------------


@dataclass
class VoterRow:
    row: int
    name: str
    id_number: str
    id_hash: str
    sex: str
    birth_date: datetime.date
    category: str
    group_name: str
    person_id: int | None = None
    registration_id: int | None = None  # an inactive registration of this election, reactivated


class _RowProblems:
    def __init__(self, row: int, problems: list):
        self.row, self.problems, self.count = row, problems, 0

    def add(self, key: str, message: str) -> None:
        self.problems.append({"row": self.row, "column": HEADER[key], "message": message})
        self.count += 1


def _header_map(header_row):
    by_header = {header: key for key, header in COLUMNS} | HEADER_ALIASES
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


def _check_row(cells, problems: _RowProblems, election: VillagersElection) -> VoterRow | None:
    for key in REQUIRED:
        if _text(cells.get(key)) == "":
            problems.add(key, f"{HEADER[key]}为必填项，不能为空。")
    name = _text(cells.get("name"))
    if len(name) > 40:
        problems.add("name", "姓名不能超过 40 个字。")
    info = None
    raw = cells.get("id_number")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        problems.add("id_number", ID_AS_NUMBER)
    elif _text(raw):
        number = _text(raw).replace(" ", "").upper()
        if re.fullmatch(r"\d(\.\d+)?E\+\d+", number):
            problems.add("id_number", ID_AS_NUMBER)
        else:
            try:
                info = parse_id_number(number)
            except IdNumberError as exc:
                problems.add("id_number", str(exc))
    if info is not None and info.number == EXAMPLE_ID:
        problems.add("id_number", "这是模板中的示例行，请删除后再导入。")
    sex_raw = _norm(cells.get("sex"))
    if sex_raw:
        if sex_raw not in SEXES:
            problems.add("sex", f"性别“{sex_raw}”无法识别，应为：男、女。")
        elif info is not None and SEXES[sex_raw] != info.sex:
            shown = "男" if info.sex == "M" else "女"
            problems.add("sex", f"身份证号码显示性别为{shown}，与填写的性别不一致。")
    if info is not None:
        age = age_on(info.birth_date, election.election_day)
        if age < election.pack.min_age:
            problems.add(
                "id_number",
                f"选举日（{election.election_day:%Y-%m-%d}）未满 {election.pack.min_age} 周岁"
                f"（出生于 {info.birth_date:%Y-%m-%d}，届时 {age} 岁），不能登记为选民。",
            )
    category = None
    cat_raw = _norm(cells.get("category"))
    if cat_raw:
        category = CATEGORIES.get(cat_raw)
        if category is None:
            problems.add(
                "category", f"登记类别“{cat_raw}”无法识别，应为：{'、'.join(CATEGORY_CHOICES)}。"
            )
    group_name = _text(cells.get("group_name"))
    if len(group_name) > 40:
        problems.add("group_name", "小组名称不能超过 40 个字。")
    if problems.count:
        return None
    return VoterRow(
        row=problems.row,
        name=name,
        id_number=info.number,
        id_hash=crypto.blind_index(info.number, purpose="id"),
        sex=info.sex,
        birth_date=info.birth_date,
        category=category,
        group_name=group_name,
    )


def validate_rows(election: VillagersElection, path, on_progress=None):
    """Every clean row and every problem ({"row", "column", "message"}) of the file."""
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a malformed workbook
        log.info("unreadable voter import %s: %r", path, exc)
        raise UploadRejected(UNREADABLE) from None
    try:
        return _validate_sheet(wb.worksheets[0], election, on_progress)
    except (ElementTree.ParseError, zipfile.BadZipFile, EOFError) as exc:
        log.info("malformed sheet in voter import %s: %r", path, exc)
        raise UploadRejected(UNREADABLE) from None
    finally:
        wb.close()


def _validate_sheet(ws, election, on_progress):
    rows_iter = ws.iter_rows(values_only=True)
    header = next(rows_iter, None)
    if header is None:
        return [], [{"row": 1, "column": "", "message": "文件中没有数据，请使用导入模板填写。"}]
    positions, problems = _header_map(header)
    if problems:
        return [], problems
    rows: list[VoterRow] = []
    seen: dict[str, list[int]] = {}
    count = 0
    for number, values in enumerate(rows_iter, start=2):
        cells = {key: values[i] if i < len(values) else None for key, i in positions.items()}
        if all(_text(v) == "" for v in cells.values()):
            continue
        count += 1
        if count > MAX_ROWS:
            problems.append(
                {"row": number, "column": "", "message": f"文件超过 {MAX_ROWS} 行，请分批导入。"}
            )
            break
        checked = _RowProblems(number, problems)
        row = _check_row(cells, checked, election)
        if row is not None:
            rows.append(row)
        raw_id = _norm(cells.get("id_number")).upper()
        if raw_id and not isinstance(cells.get("id_number"), (int, float)):
            seen.setdefault(raw_id, []).append(number)
        if on_progress and count % PROGRESS_EVERY == 0:
            on_progress(count)
    if count == 0 and not problems:
        problems.append({"row": 2, "column": "", "message": "文件中没有选民数据。"})
    _flag_duplicates(seen, problems)
    check_against_county(election, rows, problems)
    if problems:
        problems.sort(key=lambda p: (p["row"], _column_order(p["column"])))
        bad = {p["row"] for p in problems}
        rows = [r for r in rows if r.row not in bad]
    if on_progress:
        on_progress(count)
    return rows, problems


def _column_order(header: str) -> int:
    return next((i for i, (_k, h) in enumerate(COLUMNS) if h == header), -1)


def _flag_duplicates(seen: dict[str, list[int]], problems: list) -> None:
    for numbers in seen.values():
        if len(numbers) < 2:
            continue
        for number in numbers:
            others = "、".join(str(n) for n in numbers if n != number)
            problems.append(
                {
                    "row": number,
                    "column": HEADER["id_number"],
                    "message": f"同一人在文件中出现了多次（另见第 {others} 行），每人只能登记一次。",
                }
            )


def county_duplicates_query(election: VillagersElection, hashes):
    return VoterRegistration.objects.filter(
        round_id=election.round_id, person__id_number_hash__in=list(hashes)
    ).values_list(
        "person__id_number_hash",
        "election_id",
        "is_active",
        "election__unit__township__name",
        "election__unit__name",
        "pk",
    )


def county_duplicates(election: VillagersElection, hashes) -> dict[str, tuple]:
    """The round's registrations of these people, anywhere in the county: ONE query.

    {id_number_hash: (election_id, is_active, township name, unit name, registration id)}.
    """
    return {row[0]: row[1:] for row in county_duplicates_query(election, hashes)}


def check_against_county(election, rows: list[VoterRow], problems: list) -> None:
    """People already known (name must agree) and already registered: two queries in all."""
    if not rows:
        return
    hashes = [r.id_hash for r in rows]
    people = {
        h: (pk, name)
        for h, pk, name in Person.objects.filter(id_number_hash__in=hashes).values_list(
            "id_number_hash", "id", "name"
        )
    }
    registered = county_duplicates(election, hashes)
    word = election.voter_word
    for r in rows:
        known = people.get(r.id_hash)
        if known is not None:
            r.person_id = known[0]
            if known[1] != r.name:
                problems.append(
                    {
                        "row": r.row,
                        "column": HEADER["name"],
                        "message": f"公民身份号码已登记在“{known[1]}”名下，与填写的姓名“{r.name}”不一致，请核对。",
                    }
                )
        hit = registered.get(r.id_hash)
        if hit is None:
            continue
        election_id, active, township, unit, pk = hit
        if election_id != election.pk:
            problems.append(
                {
                    "row": r.row,
                    "column": HEADER["id_number"],
                    "message": f"此人本轮已在{township}{unit}登记为选民，同一人在本县只能登记一处。",
                }
            )
        elif active:
            problems.append(
                {
                    "row": r.row,
                    "column": HEADER["id_number"],
                    "message": f"此人已在本{word}选民名单中。",
                }
            )
        else:
            r.registration_id = pk


def preview_summary(rows: list[VoterRow]) -> dict:
    return {
        "rows": len(rows),
        "people_created": sum(1 for r in rows if not r.person_id),
        "people_existing": sum(1 for r in rows if r.person_id),
        "voters_added": sum(1 for r in rows if not r.registration_id),
        "voters_reactivated": sum(1 for r in rows if r.registration_id),
    }


# --- Saving -----------------------------------------------------------------------------------


def commit_rows(election: VillagersElection, rows: list[VoterRow], on_progress=None) -> dict:
    """Save every row in one transaction, a chunk at a time; any error saves nothing.

    The same outcome as villagers_setup.voter_register row by row (test_import_matches_
    the_service keeps them in step), in a few queries a chunk instead of ~10 a row.
    """
    with transaction.atomic():
        election = (
            VillagersElection.objects.select_for_update(of=("self",))
            .select_related("pack")
            .get(pk=election.pk)
        )
        if election.status not in (
            VillagersElection.Status.SETUP,
            VillagersElection.Status.REGISTERING,
            VillagersElection.Status.PUBLISHED,
        ):
            raise DomainError(
                f"选举已进入“{election.get_status_display()}”阶段，选民名单不能再导入。"
            )
        now = timezone.now()
        try:
            for start in range(0, len(rows), CHUNK):
                chunk = rows[start : start + CHUNK]
                _save_chunk(election, chunk, now)
                if on_progress:
                    on_progress(start + len(chunk))
        except IntegrityError:
            raise DomainError(
                "保存时发现有人已被同时登记（可能有人刚刚录入了同一选民），请重新上传校验。"
            ) from None
        if election.status == VillagersElection.Status.SETUP:
            election.status = VillagersElection.Status.REGISTERING
        election.version += 1
        election.save(update_fields=["status", "version"])
    return preview_summary(rows)


def _save_chunk(election, chunk: list[VoterRow], now) -> None:
    new_people = []
    for r in chunk:
        if r.person_id:
            continue
        person = Person(name=r.name, sex=r.sex, birth_date=r.birth_date, education="")
        person.set_id_number(r.id_number)
        new_people.append(person)
    if new_people:
        with transaction.atomic():
            Person.objects.bulk_create(new_people, batch_size=CHUNK)
        ids = dict(
            Person.objects.filter(
                id_number_hash__in=[p.id_number_hash for p in new_people]
            ).values_list("id_number_hash", "id")
        )
        for r in chunk:
            if not r.person_id:
                r.person_id = ids[r.id_hash]
    reactivate = {r.registration_id: r for r in chunk if r.registration_id}
    if reactivate:
        regs = list(
            VoterRegistration.objects.select_for_update().filter(
                pk__in=list(reactivate), election=election, is_active=False
            )
        )
        if len(regs) != len(reactivate):
            raise IntegrityError("registration changed since the check")
        for reg in regs:
            row = reactivate[reg.pk]
            reg.is_active, reg.category, reg.group_name = True, row.category, row.group_name
        VoterRegistration.objects.bulk_update(regs, ["is_active", "category", "group_name"])
    VoterRegistration.objects.bulk_create(
        [
            VoterRegistration(
                election=election,
                round_id=election.round_id,
                person_id=r.person_id,
                category=r.category,
                group_name=r.group_name,
                registered_at=now,
            )
            for r in chunk
            if not r.registration_id
        ],
        batch_size=CHUNK,
    )


# --- Jobs -------------------------------------------------------------------------------------


def import_start(*, user, election: VillagersElection, upload) -> VoterImportJob:
    from ballots.tasks import check_voter_import

    relative = save_upload(upload)
    job = VoterImportJob.objects.create(
        election=election,
        user=user,
        original_name=(upload.name or "")[-200:],
        stored_path=relative,
    )
    transaction.on_commit(lambda: check_voter_import.delay(job.pk))
    return job


def _progress_key(job_id: int) -> str:
    return f"ballots:voter-import-progress:{job_id}"


def live_progress(job: VoterImportJob) -> VoterImportJob:
    if job.status == VoterImportJob.Status.IMPORTING:
        job.done_rows = cache.get(_progress_key(job.pk), job.done_rows)
    return job


def _finish(job: VoterImportJob, status: str, **fields) -> None:
    path = stored_file(job)
    if path is not None:
        path.unlink(missing_ok=True)
    job.stored_path = ""
    job.status, job.finished_at = status, timezone.now()
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "finished_at", "stored_path", *fields])


def import_check(*, job_id: int) -> None:
    job = VoterImportJob.objects.select_related("election__pack", "election__unit").get(pk=job_id)
    if job.status != VoterImportJob.Status.CHECKING:
        return
    path = stored_file(job)
    try:
        if path is None or not path.exists():
            raise UploadRejected("上传的文件已不存在，请重新上传。")
        check_upload(path)

        def progress(n):
            VoterImportJob.objects.filter(pk=job.pk).update(done_rows=n)

        rows, problems = validate_rows(job.election, path, on_progress=progress)
    except UploadRejected as exc:
        _finish(job, VoterImportJob.Status.INVALID, error=str(exc)[:300])
        return
    except Exception:
        log.exception("voter import check %s failed", job.pk)
        _finish(
            job, VoterImportJob.Status.FAILED, error="校验时发生系统错误，请稍后重试或联系管理员。"
        )
        return
    total = len(rows) + len({p["row"] for p in problems if p["row"] > 1})
    if problems:
        _finish(
            job,
            VoterImportJob.Status.INVALID,
            problems=problems,
            total_rows=total,
            done_rows=total,
        )
        return
    job.status, job.summary = VoterImportJob.Status.PREVIEW, preview_summary(rows)
    job.total_rows = job.done_rows = total
    job.save(update_fields=["status", "summary", "total_rows", "done_rows"])


@transaction.atomic
def import_confirm(*, job: VoterImportJob) -> VoterImportJob:
    from ballots.tasks import run_voter_import

    job = VoterImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != VoterImportJob.Status.PREVIEW:
        raise DomainError(f"该导入当前为“{job.get_status_display()}”，不能确认导入。")
    job.status, job.done_rows = VoterImportJob.Status.IMPORTING, 0
    job.save(update_fields=["status", "done_rows"])
    transaction.on_commit(lambda: run_voter_import.delay(job.pk))
    return job


@transaction.atomic
def import_cancel(*, job: VoterImportJob) -> VoterImportJob:
    job = VoterImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != VoterImportJob.Status.PREVIEW:
        raise DomainError(f"该导入当前为“{job.get_status_display()}”，不能取消。")
    _finish(job, VoterImportJob.Status.CANCELLED)
    return job


def import_run(*, job_id: int) -> None:
    """Check the file again (the register may have changed), then save all or nothing."""
    job = VoterImportJob.objects.select_related("election__pack", "election__unit").get(pk=job_id)
    if job.status != VoterImportJob.Status.IMPORTING:
        return
    path = stored_file(job)
    try:
        if path is None or not path.exists():
            raise UploadRejected("上传的文件已不存在，请重新上传。")
        rows, problems = validate_rows(job.election, path)
        if problems:
            _finish(
                job,
                VoterImportJob.Status.INVALID,
                problems=problems,
                error="确认导入时重新校验发现问题，未保存任何数据。",
            )
            return
        job.total_rows = len(rows)
        job.save(update_fields=["total_rows"])

        def progress(n):
            cache.set(_progress_key(job.pk), n, 3600)

        with pghistory.context(user=job.user_id, voter_import_job=job.pk):
            summary = commit_rows(job.election, rows, on_progress=progress)
    except DomainError as exc:
        _finish(job, VoterImportJob.Status.FAILED, error=f"导入失败，未保存任何数据：{exc}"[:300])
        return
    except Exception:
        log.exception("voter import run %s failed", job.pk)
        _finish(job, VoterImportJob.Status.FAILED, error="导入时发生系统错误，未保存任何数据。")
        return
    finally:
        cache.delete(_progress_key(job.pk))
        if path is not None:
            path.unlink(missing_ok=True)
    _finish(job, VoterImportJob.Status.DONE, summary=summary, done_rows=len(rows))


def purge_stale_imports(*, older_than_hours: int = 24) -> int:
    cutoff = timezone.now() - datetime.timedelta(hours=older_than_hours)
    count = 0
    for job in VoterImportJob.objects.filter(
        created_at__lt=cutoff,
        status__in=[VoterImportJob.Status.PREVIEW, VoterImportJob.Status.CHECKING],
    ):
        _finish(job, VoterImportJob.Status.CANCELLED)
        count += 1
    return count
