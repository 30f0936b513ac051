"""Excel import of preliminary candidates: the columns, the row checks and the save.

The upload, the background check, the preview, the all-or-nothing save and the clean-up
are the upload machine's (renewal.kit.uploads); this module says what a row is. A row
names a unit the uploader may write (by its division code) and a person (by ID number):
existing people are updated, never duplicated, and blank optional cells leave their data
as it is.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from import_export import resources
from import_export.fields import Field

from candidates import services
from candidates.models import Candidacy, ImportJob, Recommendation
from renewal.access import writable_townships
from renewal.kit import crypto
from renewal.kit.idcard import check_id_number_matches, make_id_number
from renewal.kit.uploads import (
    CHUNK,
    Importer,
    RowProblems,
    cell_date,
    cell_id_number,
    cell_label,
    cell_text,
    split_count,
)
from renewal.models import (
    COMMITTEE_CHOICES,
    Body,
    DomainError,
    Education,
    Person,
    PersonTag,
    Post,
    RenewalRound,
    Unit,
)

# --- Columns and their labels ----------------------------------------------------------------------------------


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
BODIES = {label: value for value, label in COMMITTEE_CHOICES} | {
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
# The choices named in messages (Choices.labels builds its list anew on every call).
EDUCATION_LABELS = tuple(Education.labels)
POLITICAL_LABELS = tuple(Person.PoliticalStatus.labels)
BODY_LABELS = tuple(Body.labels)
TAG_LABELS = "、".join(PersonTag.labels)
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


# --- Checking rows -----------------------------------------------------------------------------


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


def _choice(raw: str, options: dict, key: str, problems: RowProblems, allowed=None):
    if raw in options:
        return options[raw]
    shown = "、".join(allowed or options)
    problems.add(key, f"{problems.headers[key]}“{raw}”无法识别，应为：{shown}。")
    return None


def _votes(value, key: str, problems: RowProblems):
    if value is None or cell_text(value) == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        problems.add(key, f"{problems.headers[key]}“{cell_text(value)}”应为不小于 0 的整数。")
        return None
    if value > MAX_VOTES:
        problems.add(key, f"{problems.headers[key]} {value} 超过上限 {MAX_VOTES}。")
        return None
    return value


def _check_row(cells, problems: RowProblems, units, rounds) -> ImportRow | None:
    unit = _check_unit(cells, problems, units, rounds)
    info, phone, person = check_person(cells, problems)
    candidacy = _check_candidacy(cells, problems)
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


def _check_unit(cells, problems: RowProblems, units, rounds) -> Unit | None:
    code = cell_label(cells.get("unit_code"))
    if not code:
        return None
    unit = units.get(code)
    if unit is None:
        # The same words whether the code exists elsewhere or not at all.
        problems.add("unit_code", f"区划代码 {code} 不在您管辖的村(社区)中。")
        return None
    if unit.county_id not in rounds:
        problems.add("unit_code", no_round(unit))
    given, known = cell_label(cells.get("unit_name")), cell_label(unit.name)
    if given and given not in known and known not in given:
        problems.add(
            "unit_name", f"村(社区)名称“{given}”与区划代码 {code} 对应的“{unit.name}”不一致。"
        )
    return unit


def no_round(unit: Unit) -> str:
    return f"{unit.name}所在区县尚未设立换届轮次，不能录入人选。"


def recheck_unit(row, problems: RowProblems, lookups: dict):
    """At the confirm, a kept row's unit (kept as its id) must still be one the uploader
    may write; the row with the unit object, or None."""
    unit = lookups["units_by_id"].get(row.unit)
    if unit is None:
        problems.add("unit_code", "该村(社区)已不在您管辖的范围内，不能导入。")
        return None
    row.unit = unit
    return row


def check_person(cells, problems: RowProblems):
    """The parsed ID number, the phone and the fields for services.person_upsert.

    Cells left blank are left out, so an existing person's data stays as it is; sex and
    birth date, when blank, are the ID number's. Every import of people uses it (the
    candidates', the reserve pool's), so a person is checked the same way in each.
    """
    name = cell_text(cells.get("name"))
    if len(name) > 40:
        problems.add("name", "姓名不能超过 40 个字。")
    sex_raw = cell_label(cells.get("sex"))
    sex = _choice(sex_raw, SEXES, "sex", problems) if sex_raw else None
    ethnicity = cell_text(cells.get("ethnicity"))
    if len(ethnicity) > 20:
        problems.add("ethnicity", "民族不能超过 20 个字。")
    birth = None
    if cell_text(cells.get("birth_date")):
        birth = cell_date(cells["birth_date"], "birth_date", problems)

    info = (
        cell_id_number(cells["id_number"], problems) if cell_text(cells.get("id_number")) else None
    )
    if info is not None and birth:
        for message in check_id_number_matches(info, birth_date=birth, sex=None):
            problems.add("birth_date", message)
    if info is not None and sex:
        for message in check_id_number_matches(info, birth_date=None, sex=sex):
            problems.add("sex", message)

    phone = ""
    if cell_text(cells.get("phone")):
        try:
            phone = services.normalize_phone(cell_text(cells["phone"]))
        except DomainError as exc:
            problems.add("phone", str(exc))

    edu_raw, pol_raw = cell_label(cells.get("education")), cell_label(cells.get("political_status"))
    education = political = None
    if edu_raw:
        education = _choice(edu_raw, EDUCATIONS, "education", problems, EDUCATION_LABELS)
    if pol_raw:
        political = _choice(pol_raw, POLITICAL, "political_status", problems, POLITICAL_LABELS)
    joined = None
    if cell_text(cells.get("party_joined_on")):
        joined = cell_date(cells["party_joined_on"], "party_joined_on", problems)
        if joined and political and political not in PARTY_STATUSES:
            problems.add("party_joined_on", "政治面貌不是中共党员或预备党员，不应填写入党时间。")
        elif joined and birth and joined <= birth:
            problems.add("party_joined_on", "入党时间不能早于出生日期。")

    tags = []
    for label in filter(None, TAG_SEPARATORS.split(cell_label(cells.get("tags")))):
        if label in TAGS:
            tags.append(TAGS[label])
        else:
            problems.add("tags", f"人员类别“{label}”无法识别，应为：{TAG_LABELS}。")

    person = {
        "name": name,
        "sex": sex or (info.sex if info else None),
        "birth_date": birth or (info.birth_date if info else None),
        "education": education,
        "political_status": political,
        "ethnicity": ethnicity,
        "party_joined_on": joined,
        "tags": tags,
    }
    return info, phone, {key: value for key, value in person.items() if value}


def _check_candidacy(cells, problems: RowProblems) -> dict:
    body_raw, post_raw = cell_label(cells.get("body")), cell_label(cells.get("post"))
    body = _choice(body_raw, BODIES, "body", problems, BODY_LABELS) if body_raw else None
    post = POSTS[body].get(post_raw) if body and post_raw else None
    if body and post_raw and post is None:
        allowed = "、".join(POSTS[body])
        problems.add("post", f"拟任职务“{post_raw}”不是{Body(body).label}的职务，应为：{allowed}。")
    cont_raw = cell_label(cells.get("continuing"))
    is_continuing = False
    if cont_raw:
        is_continuing = _choice(cont_raw, CONTINUING, "continuing", problems, ["继任", "新任"])
    votes = {}
    for key, source in VOTE_SOURCES.items():
        count = _votes(cells.get(key), key, problems)
        if count is not None:
            votes[source] = count
    notes = cell_text(cells.get("notes"))
    if len(notes) > 500:
        problems.add("notes", "备注不能超过 500 个字。")
    return {
        "body": body,
        "post": post,
        "is_continuing": is_continuing,
        "notes": notes,
        "votes": votes,
    }


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


def _match_existing(rows: list[ImportRow], problems: list) -> None:
    """Mark rows whose person exists (by blind index) and whose open candidacy exists; a
    person recorded under another name, or a party-committee candidate without the rights
    to stand, is a row problem. Three queries in all."""
    if not rows:
        return
    people = Person.on_record(r.id_hash for r in rows)
    for r in rows:
        known = people.get(r.id_hash)
        r.person_id = known[0] if known else None
        if known and known[1] != r.person["name"]:
            message = str(services.NameMismatch(known[1], r.person["name"]))
            problems.append({"row": r.row, "column": HEADER["name"], "message": message})
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
    _check_party_rights(rows, problems)


def _check_party_rights(rows: list[ImportRow], problems: list) -> None:
    """A new party-committee candidacy needs an entitled member of the unit's branch roster."""
    party = [r for r in rows if r.body == Body.PARTY and r.candidacy_id is None]
    refused = services.party_roster_problems(
        [(r.unit.pk, r.person_id) for r in party if r.person_id], day=timezone.localdate()
    )
    for r in party:
        # Someone new to the system cannot be on any roster yet.
        reason = refused.get((r.unit.pk, r.person_id)) if r.person_id else services.NOT_ON_ROSTER
        if reason:
            message = services.party_refusal(r.person["name"], reason)
            problems.append({"row": r.row, "column": HEADER["body"], "message": message})


def preview_summary(rows: list[ImportRow]) -> dict:
    return (
        {"rows": len(rows)}
        | split_count(rows, "person_id", "people_created", "people_updated")
        | split_count(rows, "candidacy_id", "candidacies_created", "candidacies_unchanged")
    )


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


# --- The importer -----------------------------------------------------------------------------


class CandidateImporter(Importer):
    job_model = ImportJob
    noun = "人选"
    title = "导入人选"
    template_file = "候选人导入模板.xlsx"
    sheet_title = "候选人"
    columns = COLUMNS
    required = REQUIRED
    guide = GUIDE
    notes = [
        "第 1 行为表头，请勿修改；从第 2 行起每行一名人选，同一人在文件中只能出现一次。",
        "第 2 行为示例，导入前请删除。红色表头为必填列。",
    ]
    example = EXAMPLE
    dropdowns = DROPDOWNS
    text_columns = TEXT_COLUMNS
    widths = WIDTHS
    upload_url_name = "candidates:import"
    done_url_name = "candidates:candidacy-list"
    done_label = "查看候选人名单"

    row_type = ImportRow

    def prepare(self, user) -> dict:
        units, rounds = _scope(user)
        by_id = {u.pk: u for u in units.values()}
        return {"units": units, "units_by_id": by_id, "rounds": rounds}

    def check_row(self, cells, problems, lookups):
        return _check_row(cells, problems, lookups["units"], lookups["rounds"])

    def recheck_row(self, row, problems, lookups):
        row = recheck_unit(row, problems, lookups)
        if row is None:
            return None
        round_id = lookups["rounds"].get(row.unit.county_id)
        if round_id is None:  # closed since the preview
            problems.add("unit_code", no_round(row.unit))
            return None
        if round_id != row.round_id:  # another one opened: the row was for the old one
            problems.add(
                "unit_code", f"{row.unit.name}所在区县的换届轮次在预览后已变更，请重新上传。"
            )
            return None
        return row

    def check_rows(self, user, rows, problems):
        _match_existing(rows, problems)

    def summary(self, rows):
        return preview_summary(rows)

    def commit(self, user, rows, on_progress):
        return commit_rows(user, rows, on_progress)

    def preview_text(self, s):
        return _counts_sentence("校验通过", "将新增", "已有人选 {} 条（只更新推荐票数）", s)

    def done_text(self, s):
        return _counts_sentence("导入完成", "新增", "已有人选 {} 条未重复录入", s)


def _counts_sentence(head: str, verb: str, unchanged: str, s: dict) -> str:
    tail = (
        "，" + unchanged.format(s["candidacies_unchanged"])
        if s.get("candidacies_unchanged")
        else ""
    )
    return (
        f"{head}：共 {s['rows']} 行，{verb} {s['people_created']} 人、更新 {s['people_updated']} 人；"
        f"新增人选 {s['candidacies_created']} 条{tail}。"
    )


IMPORTER = CandidateImporter()
