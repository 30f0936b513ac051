"""Excel import of a voter register: the columns, the row checks, a set-based county check
and the save.

The upload, the background check, the preview, the all-or-nothing save and the clean-up
are the upload machine's (renewal.kit.uploads); this module says what a row is.

The county-wide duplicate check is one query for the whole file: the registrations of the
round whose person's blind index is among the file's (unique indexes on both sides).
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from ballots.models import VillagersElection, VoterImportJob, VoterRegistration
from ballots.villagers import setup
from renewal.kit import bulk_insert, crypto
from renewal.kit.idcard import make_id_number
from renewal.kit.uploads import (
    CHUNK,
    Importer,
    RowProblems,
    cell_id_number,
    cell_label,
    cell_text,
    split_count,
)
from renewal.models import DomainError, Person

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
    {cell_label(k): v for k, v in CATEGORY_CHOICES.items()}
    | {cell_label(label): value for value, label in Category.choices}
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


def _check_row(cells, problems: RowProblems, election: VillagersElection) -> VoterRow | None:
    name = cell_text(cells.get("name"))
    if len(name) > 40:
        problems.add("name", "姓名不能超过 40 个字。")
    info = (
        cell_id_number(cells["id_number"], problems) if cell_text(cells.get("id_number")) else None
    )
    sex_raw = cell_label(cells.get("sex"))
    if sex_raw:
        if sex_raw not in SEXES:
            problems.add("sex", f"性别“{sex_raw}”无法识别，应为：男、女。")
        elif info is not None and SEXES[sex_raw] != info.sex:
            shown = "男" if info.sex == "M" else "女"
            problems.add("sex", f"身份证号码显示性别为{shown}，与填写的性别不一致。")
    if info is not None:
        check_age(info.birth_date, problems, election)
    category = None
    cat_raw = cell_label(cells.get("category"))
    if cat_raw:
        category = CATEGORIES.get(cat_raw)
        if category is None:
            problems.add(
                "category", f"登记类别“{cat_raw}”无法识别，应为：{'、'.join(CATEGORY_CHOICES)}。"
            )
    group_name = cell_text(cells.get("group_name"))
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


def check_age(birth_date: datetime.date, problems: RowProblems, election) -> None:
    """Of voting age on the election day (which may move between preview and confirm)."""
    age = setup.age_if_under(election, birth_date)
    if age is not None:
        problems.add(
            "id_number",
            f"选举日（{election.election_day:%Y-%m-%d}）未满 {election.pack.min_age} 周岁"
            f"（出生于 {birth_date:%Y-%m-%d}，届时 {age} 岁），不能登记为选民。",
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
    people = Person.on_record(hashes)
    registered = county_duplicates(election, hashes)
    place = election.place_word
    for r in rows:
        known = people.get(r.id_hash)
        if known is not None:
            r.person_id = known[0]
            if known[1] != r.name:
                problems.append(
                    {
                        "row": r.row,
                        "column": HEADER["name"],
                        "message": Person.name_mismatch(known[1], r.name),
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
                    "message": f"此人已在本{place}选民名单中。",
                }
            )
        else:
            r.registration_id = pk


def preview_summary(rows: list[VoterRow]) -> dict:
    return (
        {"rows": len(rows)}
        | split_count(rows, "person_id", "people_created", "people_existing")
        | split_count(rows, "registration_id", "voters_added", "voters_reactivated")
    )


# --- Saving -----------------------------------------------------------------------------------


def commit_rows(election: VillagersElection, rows: list[VoterRow], on_progress=None) -> dict:
    """Save every row in one transaction, a chunk at a time; any error saves nothing.

    The same outcome as ballots.villagers.setup.voter_register row by row (test_import_matches_
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
        setup.refuse_if_published(election)
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
        bulk_insert.insert(Person, new_people)
        ids = {p.id_number_hash: p.pk for p in new_people}
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
    bulk_insert.insert(
        VoterRegistration,
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
    )


# --- The importer -----------------------------------------------------------------------------


class VoterImporter(Importer):
    job_model = VoterImportJob
    row_type = VoterRow
    noun = "选民"
    title = "导入选民"
    template_file = "选民名单导入模板.xlsx"
    sheet_title = "选民名单"
    columns = COLUMNS
    required = REQUIRED
    header_aliases = HEADER_ALIASES
    guide = GUIDE
    notes = [
        "第 1 行为表头，请勿修改；从第 2 行起每行一名选民，同一人只能出现一次。",
        "第 2 行为示例，导入前请删除。年龄按选举日计算，由身份证号码中的出生日期得出。",
        "同一人在本县只能登记一处；已在其他村(社区)登记的，系统会指出登记地。",
    ]
    example = EXAMPLE
    dropdowns = {"sex": list(SEXES), "category": list(CATEGORY_CHOICES)}
    widths = {"id_number": 22, "category": 28}
    duplicate_message = "同一人在文件中出现了多次（另见第 {others} 行），每人只能登记一次。"
    upload_url_name = "villagers:import"
    done_url_name = "villagers:voter-list"
    done_label = "查看选民名单"

    def url_args(self, job):
        return [job.election_id]

    def context(self, job):
        return VillagersElection.objects.select_related("pack", "unit", "unit__township").get(
            pk=job.election_id
        )

    def prepare(self, election):
        return {"election": election}

    def check_row(self, cells, problems, lookups):
        return _check_row(cells, problems, lookups["election"])

    def recheck_row(self, row, problems, lookups):
        check_age(row.birth_date, problems, lookups["election"])
        return row

    def check_rows(self, election, rows, problems):
        check_against_county(election, rows, problems)

    def summary(self, rows):
        return preview_summary(rows)

    def commit(self, election, rows, on_progress):
        return commit_rows(election, rows, on_progress)

    def preview_text(self, s):
        return (
            f"校验通过：共 {s['rows']} 行，将登记选民 {s['voters_added']} 人"
            + (
                f"、恢复此前移出的 {s['voters_reactivated']} 人"
                if s.get("voters_reactivated")
                else ""
            )
            + f"；其中新建人员档案 {s['people_created']} 人，已有档案 {s['people_existing']} 人。"
        )

    def done_text(self, s):
        return (
            f"导入完成：共 {s['rows']} 行，登记选民 {s['voters_added']} 人"
            + (f"，恢复 {s['voters_reactivated']} 人" if s.get("voters_reactivated") else "")
            + "。"
        )


IMPORTER = VoterImporter()
