"""Excel import of a branch's roster, in the column order of the 全国党员管理信息系统 roster
export. The upload, the background check, the preview, the all-or-nothing save and the
clean-up are the upload machine's (renewal.kit.uploads); this module says what a row is,
and each row is saved by the same service as the pages' (member_import).
"""

import datetime
from dataclasses import dataclass, replace

from django.utils import timezone

from renewal.kit import crypto
from renewal.kit.idcard import check_id_number_matches, make_id_number
from renewal.kit.uploads import (
    Importer,
    RowProblems,
    cell_date,
    cell_id_number,
    cell_label,
    cell_text,
    split_count,
)
from renewal.models import DomainError, Education, PartyBranch, PartyMember, Person, RosterImportJob
from renewal.roster import services
from renewal.roster.rules import FOUNDED, MemberDates, member_problems

COLUMNS = [
    ("name", "姓名"),
    ("sex", "性别"),
    ("id_number", "公民身份号码"),
    ("birth_date", "出生日期"),
    ("ethnicity", "民族"),
    ("education", "学历"),
    ("status", "人员类别"),
    ("joined_on", "入党日期"),
    ("regularized_on", "转正日期"),
    ("branch_name", "所在党支部"),
]
HEADER = dict(COLUMNS)
PROGRESS_EVERY = 50
SEXES = {"男": "M", "女": "F"}
STATUSES = {"正式党员": PartyMember.Status.FULL, "预备党员": PartyMember.Status.PROBATIONARY}
EDUCATIONS = {label: value for value, label in Education.choices} | {
    "小学及以下": Education.PRIMARY,
    "高中": Education.SENIOR,
    "中专": Education.SENIOR,
    "中等专科": Education.SENIOR,
    "职业高中": Education.SENIOR,
    "技工学校": Education.SENIOR,
    "大学专科": Education.COLLEGE,
    "大学本科": Education.BACHELOR,
    "硕士研究生": Education.POSTGRADUATE,
    "博士研究生": Education.POSTGRADUATE,
}
EXAMPLE = {
    "name": "王示例",
    "sex": "男",
    "id_number": make_id_number("110101", datetime.date(1975, 3, 8), 3, "M"),
    "birth_date": "1975-03-08",
    "ethnicity": "汉族",
    "education": "高中/中专",
    "status": "正式党员",
    "joined_on": "2003-07-01",
    "regularized_on": "2004-07-01",
    "branch_name": "中共某某村支部委员会",
}
GUIDE = {
    "name": "必填，须与身份证一致。已在系统中的人员按公民身份号码找到，姓名不一致的行会被指出，不会改名。",
    "sex": "选填。男 / 女，填写时须与公民身份号码一致。",
    "id_number": "必填。18 位，末位可为 X。该列已设为文本格式，请勿改为数字，否则后几位会丢失。",
    "birth_date": "选填。填写时须与公民身份号码中的出生日期一致。",
    "ethnicity": "选填，如 汉族、蒙古族；留空为汉族。已在系统中的人员不变。",
    "education": "选填。" + " / ".join(Education.labels) + "（也可写 大学本科、大学专科、中专等）。"
    "已在系统中的人员学历为空时写入。",
    "status": "必填。正式党员 / 预备党员。",
    "joined_on": "必填。如 2003-07-01（也可写 2003/07/01、2003年7月1日），不能晚于今天。",
    "regularized_on": "选填，正式党员填写；预备党员不填。",
    "branch_name": "选填。填写时须与本村(社区)党组织的名称一致；留空视为本党组织。",
}
HEADER_ALIASES = {
    "身份证号码": "id_number",
    "身份证号": "id_number",
    "党员类别": "status",
    "入党时间": "joined_on",
    "转正时间": "regularized_on",
    "所在党组织": "branch_name",
    "所在支部": "branch_name",
}


@dataclass
class RosterRow:
    row: int
    name: str
    id_number: str
    id_hash: str
    ethnicity: str
    education: str
    status: str
    joined_on: datetime.date
    regularized_on: datetime.date | None
    birth_date: datetime.date
    person_id: int | None = None  # already in the system
    member_id: int | None = None  # already on this roster: updated

    def saved(self) -> dict:
        return {
            "id_number": self.id_number,
            "name": self.name,
            "status": self.status,
            "joined_on": self.joined_on,
            "regularized_on": self.regularized_on,
            "ethnicity": self.ethnicity,
            "education": self.education,
        }


def _choice(cells, key, choices, problems: RowProblems):
    raw = cell_label(cells.get(key))
    if raw and raw not in choices:
        problems.add(key, f"{HEADER[key]}“{raw}”无法识别，应为：{'、'.join(choices)}。")
    return choices.get(raw) if raw else None


def check_row(cells, problems: RowProblems, branch: PartyBranch) -> RosterRow | None:
    name, ethnicity = cell_text(cells.get("name")), cell_text(cells.get("ethnicity"))
    if len(name) > 40:
        problems.add("name", "姓名不能超过 40 个字。")
    if len(ethnicity) > 20:
        problems.add("ethnicity", "民族不能超过 20 个字。")
    info = (
        cell_id_number(cells["id_number"], problems) if cell_text(cells.get("id_number")) else None
    )
    sex = _choice(cells, "sex", SEXES, problems)
    birth = None
    if cell_text(cells.get("birth_date")):
        birth = cell_date(cells["birth_date"], "birth_date", problems)
    if info is not None:
        for key, message in [
            *[("birth_date", m) for m in check_id_number_matches(info, birth_date=birth, sex=None)],
            *[("sex", m) for m in check_id_number_matches(info, birth_date=None, sex=sex)],
        ]:
            problems.add(key, message)
    education = _choice(cells, "education", EDUCATIONS, problems) or ""
    status = _choice(cells, "status", STATUSES, problems)
    days = {
        key: cell_date(cells[key], key, problems, earliest=FOUNDED, example="2003-07-01")
        for key in ("joined_on", "regularized_on")
        if cell_text(cells.get(key))
    }
    given = cell_label(cells.get("branch_name"))
    if given and given != cell_label(branch.name):
        problems.add(
            "branch_name",
            f"所在党支部“{given}”与本村(社区)党组织“{branch.name}”不一致；"
            "请只导入本党组织的党员，或把该列留空。",
        )
    if problems.count:
        return None
    dates = MemberDates(status, days["joined_on"], days.get("regularized_on"))
    for key, message in member_problems(
        dates, birth_date=info.birth_date, today=timezone.localdate()
    ).items():
        problems.add(key, message)
    if problems.count:
        return None
    return RosterRow(
        row=problems.row,
        name=name,
        id_number=info.number,
        id_hash=crypto.blind_index(info.number, purpose="id"),
        ethnicity=ethnicity,
        education=education,
        status=status,
        joined_on=dates.joined_on,
        regularized_on=dates.regularized_on,
        birth_date=info.birth_date,
    )


def check_against_roster(branch: PartyBranch, rows: list[RosterRow], problems: list) -> None:
    """People already known (the name must agree) and where they are on a roster: 2 queries.
    A member already here keeps their 留党察看 and transfer dates: the row's dates must fit."""
    hashes = [r.id_hash for r in rows]
    people = Person.on_record(hashes)
    memberships = PartyMember.objects.filter(person__id_number_hash__in=hashes).select_related(
        "person", "branch__unit__township"
    )
    here = {m.person.id_number_hash: m for m in memberships if m.branch_id == branch.pk}
    away = {
        m.person.id_number_hash: m
        for m in memberships
        if m.branch_id != branch.pk and m.left_on is None
    }
    today = timezone.localdate()

    def add(row, key, message):
        problems.append({"row": row.row, "column": HEADER.get(key, ""), "message": message})

    for r in rows:
        if r.id_hash in people:
            r.person_id, known = people[r.id_hash]
            if known != r.name:
                add(r, "name", Person.name_mismatch(known, r.name))
        member = here.get(r.id_hash)
        if member is not None and member.left_on is not None:
            add(r, "id_number", services.left_here(member))
        elif member is not None:
            r.member_id = member.pk
            kept = services.member_dates(member)
            dates = replace(
                kept, status=r.status, joined_on=r.joined_on, regularized_on=r.regularized_on
            )
            for key, message in member_problems(
                dates, birth_date=r.birth_date, today=today
            ).items():
                add(r, key, message if key in HEADER else f"与名册中已登记的日期不符：{message}")
        elif r.id_hash in away:
            add(r, "id_number", services.elsewhere(away[r.id_hash]))


class RosterImporter(Importer):
    job_model = RosterImportJob
    row_type = RosterRow
    noun = "党员"
    title = "导入党员名册"
    template_word = "党员名册模板"
    template_file = "党员名册导入模板.xlsx"
    sheet_title = "党员名册"
    columns = COLUMNS
    required = ("name", "id_number", "status", "joined_on")
    header_aliases = HEADER_ALIASES
    guide = GUIDE
    notes = [
        "列的顺序与全国党员管理信息系统导出的党员名册一致，可直接粘贴导出的数据；第 1 行为表头，请勿修改。",
        "第 2 行为示例，导入前请删除。每名党员一行，同一人只能出现一次。",
        "已在本党组织名册中的党员更新人员类别、入党日期和转正日期（留党察看、转入转出日期不变）；其他为新增。",
        "组织关系在其他党组织、尚未转出的人员不能导入，请原党组织先登记转出。",
    ]
    example = EXAMPLE
    dropdowns = {"sex": list(SEXES), "status": list(STATUSES), "education": Education.labels}
    widths = {"id_number": 22, "education": 12, "branch_name": 28}
    # Each row is saved by the roster's service (~8 ms a row): a branch's roster at most.
    max_rows = 5000
    upload_url_name = "roster:import"
    done_url_name = "roster:member-list"
    done_label = "查看党员名册"

    def url_args(self, job):
        return [job.branch.unit_id]

    def context(self, job):
        return PartyBranch.objects.get(pk=job.branch_id)

    def prepare(self, branch):
        return {"branch": branch}

    def check_row(self, cells, problems, lookups):
        return check_row(cells, problems, lookups["branch"])

    def check_rows(self, branch, rows, problems):
        check_against_roster(branch, rows, problems)

    def summary(self, rows):
        return (
            {"rows": len(rows)}
            | split_count(rows, "member_id", "added", "updated")
            | split_count(rows, "person_id", "people_created", "people_existing")
        )

    def commit(self, branch, rows, on_progress):
        for done, row in enumerate(rows, start=1):
            try:
                services.member_import(branch=branch, **row.saved())
            except DomainError as exc:
                raise DomainError(f"第 {row.row} 行：{exc}") from None
            if done % PROGRESS_EVERY == 0:
                on_progress(done)
        on_progress(len(rows))
        return self.summary(rows)

    def preview_text(self, s):
        return (
            f"校验通过：共 {s['rows']} 行，将新增党员 {s['added']} 名、更新 {s['updated']} 名"
            f"（人员类别、入党日期和转正日期）；其中新建人员档案 {s['people_created']} 人。"
        )

    def done_text(self, s):
        return f"导入完成：新增党员 {s['added']} 名，更新 {s['updated']} 名。上传的文件已删除。"


IMPORTER = RosterImporter()
