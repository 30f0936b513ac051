"""Excel import of reserve cadres (后备干部库): the columns, the row checks and the save.

The upload, the background check, the preview, the all-or-nothing save and the clean-up
are the upload machine's (renewal.kit.uploads). A row names a unit the uploader may write
(by its division code) and a person (by ID number), checked as the candidates' import
checks a person: an ID number recorded under another name is a problem, never a rename;
someone already on record needs no more than the name and the number.
"""

import datetime
from dataclasses import dataclass

from candidates import services
from candidates.imports import check_person, recheck_unit
from candidates.models import ReserveCadre, ReserveImportJob
from renewal.access import writable_townships
from renewal.kit import crypto
from renewal.kit.idcard import make_id_number
from renewal.kit.uploads import CHUNK, Importer, RowProblems, cell_label, cell_text, split_count
from renewal.models import Education, Person, Unit

COLUMNS = [
    ("unit_code", "村(社区)区划代码"),
    ("name", "姓名"),
    ("id_number", "公民身份号码"),
    ("sex", "性别"),
    ("birth_date", "出生日期"),
    ("education", "学历"),
    ("political_status", "政治面貌"),
    ("direction", "培养方向"),
]
HEADER = dict(COLUMNS)
REQUIRED = ("unit_code", "name", "id_number")
NEW_PERSON = ("education", "political_status")  # besides the required columns

EXAMPLE = {
    "unit_code": "150123100201",
    "name": "李示例",
    "id_number": make_id_number("110101", datetime.date(1992, 3, 8), 2, "F"),
    "sex": "女",
    "birth_date": "1992-03-08",
    "education": "大专",
    "political_status": "中共党员",
    "direction": "村党组织书记",
}
GUIDE = {
    "unit_code": "必填。12 位统计用区划代码，须是您管辖的村(社区)。",
    "name": "必填。已在系统中的人员须与登记的姓名一致。",
    "id_number": "必填。18 位，末位可为 X。该列已设为文本格式，请勿改为数字，否则后几位会丢失。",
    "sex": "选填。男 / 女；不填时按身份证号码确定，填写时须与之一致。",
    "birth_date": "选填。如 1992-03-08；不填时按身份证号码确定，填写时须与之一致。",
    "education": "新登记的人员必填，已在系统中的人员不填则保持原有信息。"
    + " / ".join(Education.labels),
    "political_status": "新登记的人员必填，已在系统中的人员不填则保持原有信息。"
    + " / ".join(Person.PoliticalStatus.labels),
    "direction": "选填，如 村党组织书记、村委会主任、致富带头人（100 字以内）。",
}


@dataclass
class ReserveRow:
    """One clean row, ready for the services."""

    row: int
    unit: Unit
    id_number: str
    id_hash: str
    person: dict
    direction: str
    phone: str = ""
    person_id: int | None = None
    entry_status: str | None = None  # the pool entry this row finds, if any


def _check_row(cells, problems: RowProblems, units) -> ReserveRow | None:
    code = cell_label(cells.get("unit_code"))
    unit = units.get(code) if code else None
    if code and unit is None:
        # The same words whether the code exists elsewhere or not at all.
        problems.add("unit_code", f"区划代码 {code} 不在您管辖的村(社区)中。")
    info, _phone, person = check_person(cells, problems)
    direction = cell_text(cells.get("direction"))
    if len(direction) > 100:
        problems.add("direction", "培养方向不能超过 100 个字。")
    if problems.count:
        return None
    return ReserveRow(
        row=problems.row,
        unit=unit,
        id_number=info.number,
        id_hash=crypto.blind_index(info.number, purpose="id"),
        person=person,
        direction=direction,
    )


def check_against_records(rows: list[ReserveRow], problems: list) -> None:
    """People already on record (the name must agree; a new one needs more) and their pool
    entries: two queries in all."""
    if not rows:
        return
    people = Person.on_record(r.id_hash for r in rows)
    for r in rows:
        known = people.get(r.id_hash)
        if known is None:
            for key in NEW_PERSON:
                if key not in r.person:
                    problems.append(
                        {
                            "row": r.row,
                            "column": HEADER[key],
                            "message": f"此人尚未登记，请填写{HEADER[key]}。",
                        }
                    )
            continue
        r.person_id = known[0]
        if known[1] != r.person["name"]:
            problems.append(
                {
                    "row": r.row,
                    "column": HEADER["name"],
                    "message": str(services.NameMismatch(known[1], r.person["name"])),
                }
            )
    entries = {
        (unit_id, person_id): status
        for unit_id, person_id, status in ReserveCadre.objects.filter(
            unit_id__in={r.unit.pk for r in rows},
            person_id__in=[r.person_id for r in rows if r.person_id],
        ).values_list("unit_id", "person_id", "status")
    }
    for r in rows:
        if r.person_id:
            r.entry_status = entries.get((r.unit.pk, r.person_id))


def _in_pool(row: ReserveRow) -> bool:
    return row.entry_status in (ReserveCadre.Status.ACTIVE, ReserveCadre.Status.PROPOSED)


class ReserveImporter(Importer):
    job_model = ReserveImportJob
    noun = "后备干部"
    title = "导入后备干部"
    template_word = "后备干部导入模板"
    template_file = "后备干部导入模板.xlsx"
    sheet_title = "后备干部"
    columns = COLUMNS
    required = REQUIRED
    header_aliases = {"区划代码": "unit_code", "培养方向/说明": "direction"}
    guide = GUIDE
    notes = [
        "第 1 行为表头，请勿修改；从第 2 行起每行一人，同一人在文件中只能出现一次。",
        "第 2 行为示例，导入前请删除。红色表头为必填列。",
        "已在本村(社区)后备干部库中的人员只更新培养方向；已出库的人员重新入库。",
    ]
    example = EXAMPLE
    dropdowns = {
        "sex": Person.Sex.labels,
        "education": Education.labels,
        "political_status": Person.PoliticalStatus.labels,
    }
    text_columns = ("unit_code", "id_number")
    widths = {"unit_code": 18, "id_number": 22, "direction": 24}
    url_prefix = "reserve-import"
    upload_url_name = "candidates:reserve-import"
    done_url_name = "candidates:reserve-list"
    done_label = "查看后备干部库"

    row_type = ReserveRow

    def prepare(self, user) -> dict:
        units = Unit.objects.filter(township__in=writable_townships(user)).only(
            "id", "code", "name", "county_id", "township_id"
        )
        return {"units": {u.code: u for u in units}, "units_by_id": {u.pk: u for u in units}}

    def check_row(self, cells, problems, lookups):
        return _check_row(cells, problems, lookups["units"])

    def recheck_row(self, row, problems, lookups):
        return recheck_unit(row, problems, lookups)

    def check_rows(self, user, rows, problems):
        check_against_records(rows, problems)

    def summary(self, rows):
        kept = sum(1 for r in rows if _in_pool(r))
        return (
            {"rows": len(rows)}
            | split_count(rows, "person_id", "people_created", "people_updated")
            | {"reserves_added": len(rows) - kept, "reserves_kept": kept}
        )

    def commit(self, user, rows, on_progress):
        summary = dict.fromkeys(
            ("people_created", "people_updated", "reserves_added", "reserves_kept"), 0
        )
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            people = services.people_bulk_upsert(chunk, summary)
            services.reserves_bulk_add(chunk, people, summary)
            on_progress(start + len(chunk))
        summary["rows"] = len(rows)
        return summary

    def preview_text(self, s):
        return self._sentence("校验通过", "将新增", "将入库", s)

    def done_text(self, s):
        return self._sentence("导入完成", "新增", "入库", s)

    @staticmethod
    def _sentence(head, verb, enter, s) -> str:
        kept = (
            f"，已在库 {s['reserves_kept']} 人（只更新培养方向）" if s.get("reserves_kept") else ""
        )
        return (
            f"{head}：共 {s['rows']} 行，{verb} {s['people_created']} 人、"
            f"更新 {s['people_updated']} 人；{enter} {s['reserves_added']} 人{kept}。"
        )


IMPORTER = ReserveImporter()
