"""The disciplined-cadres ledger (受处分干部台账): the entries an officer sees, and its import.

The upload, the check, the preview, the all-or-nothing save and the clean-up are the upload
machine's (renewal.kit.uploads); this module says what a row is. Rows already in the
county's ledger are skipped on save, and rows whose person stands for election now are
named in the preview: once saved they flag that person in joint vetting.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from candidates.access import candidacies_visible_to
from candidates.models import Candidacy
from discipline import access
from discipline.models import DisciplinedCadre, LedgerImportJob
from renewal.kit import crypto
from renewal.kit.idcard import make_id_number
from renewal.kit.uploads import (
    Importer,
    RowProblems,
    cell_date,
    cell_id_number,
    cell_text,
)
from renewal.models import DomainError

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
SAVED_FIELDS = ("name", "id_number", "workplace", "penalty", "decided_on", "authority")
MAX_LENGTH = {"name": 40, "workplace": 100, "penalty": 60, "authority": 60}
EARLIEST = datetime.date(1949, 10, 1)
EXAMPLE = {
    "name": "李示例",
    "id_number": make_id_number("110101", datetime.date(1975, 3, 8), 7, "M"),
    "workplace": "某某镇某某村党支部书记",
    "penalty": "党内警告",
    "decided_on": "2023-06-15",
    "authority": "中共某某县纪律检查委员会",
}
GUIDE = {
    "name": "必填。",
    "id_number": "必填。18 位，末位可为 X。该列已设为文本格式，请勿改为数字，否则后几位会丢失。",
    "workplace": "选填，如 某某镇某某村党支部书记。",
    "penalty": "必填，如 党内警告、政务记过。",
    "decided_on": "必填。如 2023-06-15（也可写 2023/06/15、2023年6月15日），不能晚于今天。",
    "authority": "选填，如 中共某某县纪律检查委员会。",
}
PREVIEW_ROWS = 200


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

    def entry(self, county_id: int) -> DisciplinedCadre:
        fields = {name: getattr(self, name) for name in SAVED_FIELDS}
        return DisciplinedCadre(county_id=county_id, id_number_hash=self.id_hash, **fields)


def _check_row(cells: dict, problems: RowProblems) -> LedgerRow | None:
    texts = {key: cell_text(cells.get(key)) for key in MAX_LENGTH}
    for key, limit in MAX_LENGTH.items():
        if len(texts[key]) > limit:
            problems.add(key, f"{problems.headers[key]}不能超过 {limit} 个字。")
    info = (
        cell_id_number(cells["id_number"], problems) if cell_text(cells.get("id_number")) else None
    )
    number = info.number if info else None
    day = None
    if cell_text(cells.get("decided_on")):
        day = cell_date(
            cells["decided_on"], "decided_on", problems, earliest=EARLIEST, example="2023-06-15"
        )
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


def ledger_county(user) -> int:
    """The officer's county: the profile's region when it is one of theirs."""
    access.require_discipline(user)
    counties = access.discipline_counties(user)
    if not counties:
        raise DomainError("您的账号没有所属区县，不能导入台账。")
    region_id = getattr(user.profile, "region_id", None)
    return region_id if region_id in counties else counties[0]


# --- The importer -----------------------------------------------------------------------------


class LedgerImporter(Importer):
    job_model = LedgerImportJob
    row_type = LedgerRow
    noun = "台账记录"
    title = "导入受处分干部台账"
    template_word = "台账模板"
    template_file = "受处分干部台账模板.xlsx"
    sheet_title = "受处分干部台账"
    columns = COLUMNS
    required = REQUIRED
    guide = GUIDE
    notes = [
        "第 1 行为表头，请勿修改；第 2 行为示例，导入前请删除。红色表头为必填列。",
        "同一人的同一处分决定只能填写一行；已在本县台账中的记录不会重复导入。",
    ]
    example = EXAMPLE
    widths = {"name": 12, "id_number": 22, "workplace": 28, "decided_on": 14, "authority": 28}
    duplicate_message = "同一人的同一处分决定在文件中出现了多次（另见第 {others} 行）。"
    preview_template = "discipline/ledger/partials/import_rows.html"
    url_prefix = "ledger-import"
    upload_url_name = done_url_name = "discipline:ledger"
    done_label = "查看台账"

    def context(self, job):
        return job.county_id

    def check_row(self, cells, problems, lookups):
        return _check_row(cells, problems)

    def duplicate_key(self, cells, row):
        return (row.id_hash, row.decided_on) if row else None

    def check_rows(self, county_id, rows, problems):
        _match(rows, county_id)

    def summary(self, rows):
        shown = [r for r in rows if r.exists or r.matched][:PREVIEW_ROWS]
        return {
            "rows": len(rows),
            "created": sum(1 for r in rows if not r.exists),
            "existing": sum(1 for r in rows if r.exists),
            "matched": sum(1 for r in rows if r.matched),
            "marked_total": sum(1 for r in rows if r.exists or r.matched),
            "marked": [
                {
                    "row": r.row,
                    "name": r.name,
                    "penalty": r.penalty,
                    "decided_on": r.decided_on.isoformat(),
                    "exists": r.exists,
                    "matched": r.matched,
                }
                for r in shown
            ],
        }

    def commit(self, county_id, rows, on_progress):
        DisciplinedCadre.objects.bulk_create(
            (r.entry(county_id) for r in rows if not r.exists),
            # Two officers confirming the same file at once must not duplicate rows.
            ignore_conflicts=True,
        )
        on_progress(len(rows))
        return self.summary(rows)

    def preview_text(self, s):
        return (
            f"校验通过：共 {s['rows']} 行，将新增 {s['created']} 条"
            + (f"，{s['existing']} 条已在台账中（不重复导入）" if s.get("existing") else "")
            + f"；其中 {s['matched']} 人是在审人选，导入后在资格联审中提示。"
        )

    def done_text(self, s):
        return (
            f"已导入 {s['created']} 条台账记录"
            + (f"，{s['existing']} 条已在台账中未重复导入" if s.get("existing") else "")
            + (
                f"；其中 {s['matched']} 人是在审人选，已在资格联审中提示"
                if s.get("matched")
                else ""
            )
            + "。上传的文件已删除。"
        )


IMPORTER = LedgerImporter()
