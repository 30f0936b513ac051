"""Every kind of workbook the product writes, opened with openpyxl: the one sheet format
(title row, bold frozen header, filter, fitted widths, A4 landscape with the header on every
page, Chinese date cells) and the download's name (region and Beijing day, RFC 5987)."""

import datetime
import io
import re
from urllib.parse import unquote

import openpyxl
import pytest
from django.utils import timezone

from ballots.villagers.voter_import import VoterImporter
from candidates import services as cs
from candidates.imports import CandidateImporter
from candidates.reserve_import import ReserveImporter
from discipline.ledger.services import LedgerImporter
from renewal.kit.exports import export_dir, export_start
from renewal.kit.file_names import beijing_day, dated_name, disposition
from renewal.kit.sheets import CHINESE_DATE, CHINESE_DATETIME, CHINESE_MONTH, text_width
from renewal.models import ExportJob, SecurityEvent
from renewal.rollup.services import daily_report_submit, rollup_run
from renewal.roster.importer import RosterImporter
from renewal.tests.histories import at
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 10)


def assert_sheet_format(ws, *, header_row: int, header: tuple | None = None):
    """The shared format, on a sheet whose header is ``header_row`` (1: no title row)."""
    if header_row == 2:
        assert ws["A1"].value and ws["A1"].font.b  # the title
    assert ws.freeze_panes == f"A{header_row + 1}"
    cells = ws[header_row]
    if header:
        assert tuple(c.value for c in cells[: len(header)]) == header
    assert all(c.font.b for c in cells if c.value)
    assert ws.auto_filter.ref.startswith(f"A{header_row}:")
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"$1:${header_row}"
    for cell in cells:
        if cell.value:
            width = ws.column_dimensions[cell.column_letter].width
            assert width >= min(text_width(cell.value), 58), cell.value


def export_file(personas, persona, kind, capture):
    with capture(execute=True):
        job = export_start(user=personas[persona], params={}, kind=kind)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    return job, openpyxl.load_workbook(export_dir() / job.file_name)


def download_name(client, user, job) -> tuple[str, str]:
    client.force_login(user)
    response = client.get(f"/exports/{job.pk}/download/")
    assert response.status_code == 200
    found = re.fullmatch(
        r"attachment; filename=\"([ -~]+)\"; filename\*=UTF-8''(\S+)",
        response["Content-Disposition"],
    )
    assert found, response["Content-Disposition"]
    return found.group(1), unquote(found.group(2))


def test_unit_roster(client, world, personas, django_capture_on_commit_callbacks):
    job, wb = export_file(personas, "staff_a", "units", django_capture_on_commit_callbacks)
    ws = wb.active
    assert ws["A1"].value.startswith("村(社区)名册（")
    assert_sheet_format(ws, header_row=2, header=("统计用区划代码", "名称"))
    fallback, name = download_name(client, personas["staff_a"], job)
    day = f"{beijing_day(job.created_at):%Y%m%d}"
    assert name == f"村社区名册-{world['township_a'].name}-{day}.xlsx"
    assert fallback == f"units-{world['township_a'].code}-{day}.xlsx"


def test_unit_roster_of_several_counties_names_each_units_county(
    world, personas, django_capture_on_commit_callbacks
):
    _job, wb = export_file(personas, "city_reviewer", "units", django_capture_on_commit_callbacks)
    rows = list(wb.active.iter_rows(min_row=2, values_only=True))
    header, body = rows[0], rows[1:]
    assert header[2:5] == ("类型", "区县", "乡镇/街道")
    counties = {row[0]: row[3] for row in body}
    assert counties[world["unit_a1"].code] == world["unit_a1"].county.name
    assert counties[world["unit_c1"].code] == world["unit_c1"].county.name
    assert world["unit_a1"].county != world["unit_c1"].county
    # A reader of one county gets no 区县 column, as on the list.
    _job, wb = export_file(personas, "staff_a", "units", django_capture_on_commit_callbacks)
    assert "区县" not in next(wb.active.iter_rows(min_row=2, max_row=2, values_only=True))


def test_candidate_roster_has_month_cells(
    client, world, personas, django_capture_on_commit_callbacks
):
    cs.candidacy_create(
        actor=personas["staff_a"],
        unit=world["unit_a1"],
        person=PersonFactory(name="李送审", birth_date=datetime.date(1980, 5, 6)),
        body="villagers",
        post="director",
    )
    job, wb = export_file(personas, "staff_a", "candidates", django_capture_on_commit_callbacks)
    ws = wb.active
    assert_sheet_format(ws, header_row=2, header=("序号", "乡镇(街道)", "村(社区)"))
    born = ws.cell(row=3, column=9)
    assert born.value == datetime.datetime(1980, 5, 1) and born.number_format == CHINESE_MONTH
    _fallback, name = download_name(client, personas["staff_a"], job)
    day = f"{beijing_day(job.created_at):%Y%m%d}"
    assert name == f"候选人花名册-{world['township_a'].name}-{day}.xlsx"


def test_security_log_has_date_time_cells(client, personas, django_capture_on_commit_callbacks):
    when = timezone.make_aware(datetime.datetime(2026, 3, 1, 23, 30))  # Beijing
    SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.LOGIN_FAILED, username="staff_a", at=when, ip="10.1.2.3"
    )
    job, wb = export_file(personas, "admin", "security_log", django_capture_on_commit_callbacks)
    ws = wb.active
    assert_sheet_format(ws, header_row=2, header=("时间", "事件", "账号"))
    cell = ws["A3"]
    assert cell.value == datetime.datetime(2026, 3, 1, 23, 30)  # local, not UTC
    assert cell.number_format == CHINESE_DATETIME
    _fallback, name = download_name(client, personas["admin"], job)
    assert re.fullmatch(r"安全日志-(.+-)?\d{8}\.xlsx", name), name


def test_notice_workbook(client, world, personas):
    daily_report_submit(
        actor=personas["staff_a"],
        township=world["township_a"],
        day=DAY,
        now=at(DAY, 9),
        disputes_mediated=156,
    )
    run = rollup_run(county=world["county_a"], day=DAY)
    client.force_login(personas["reviewer"])
    response = client.get(f"/rollup/notices/{run.pk}/xlsx/")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "2026年3月10日" in wb["排名"]["A1"].value
    assert_sheet_format(wb["排名"], header_row=2, header=("名次", "乡镇(街道)"))
    assert wb["排名"]["F3"].number_format == "0.0%"
    assert_sheet_format(wb["数据"], header_row=2, header=("乡镇(街道)", "村(社区)数"))
    county = world["county_a"]
    assert response["Content-Disposition"] == disposition(
        f"换届工作日通报-{county.name}-20260310.xlsx", f"notice-{county.code}-20260310.xlsx"
    )


def test_statistical_form_workbook(client, world, personas):
    """Two sheets, each with the title row and a two-row header (the group row above)."""
    client.force_login(personas["reviewer"])
    county = world["county_a"]
    response = client.get(f"/stat-forms/{county.pk}/party-election/xlsx/")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    for name in ("分乡镇(街道)", "分村(社区)明细"):
        ws = wb[name]
        assert ws["A1"].value.startswith(f"{county.name}村(社区)党组织换届选举情况统计表")
        assert ws["A1"].font.b and ws["A2"].value == "乡镇(街道)" and ws["A2"].font.b
        assert_sheet_format(ws, header_row=3)
    day = f"{timezone.localdate():%Y%m%d}"
    assert response["Content-Disposition"] == disposition(
        f"村(社区)党组织换届选举情况统计表-{county.name}-{day}.xlsx",
        f"stat-party-election-{county.code}-{day}.xlsx",
    )


@pytest.mark.parametrize(
    "importer",
    [RosterImporter, VoterImporter, CandidateImporter, ReserveImporter, LedgerImporter],
    ids=lambda cls: cls.__name__,
)
def test_import_templates_keep_the_header_in_the_first_row(importer):
    """Templates have no title row: the importer reads the header from the first row."""
    importer = importer()
    wb = openpyxl.load_workbook(io.BytesIO(importer.template_workbook()))
    ws = wb.worksheets[0]
    header = tuple(h for _k, h in importer.columns)
    assert_sheet_format(ws, header_row=1, header=header)


def test_file_names_use_the_beijing_day():
    late = datetime.datetime(2026, 12, 4, 17, 30, tzinfo=datetime.UTC)  # 01:30 on the 5th
    assert dated_name("花名册", "城关镇", when=late) == "花名册-城关镇-20261205.xlsx"
    assert disposition("花名册.xlsx", "roster.xlsx") == (
        "attachment; filename=\"roster.xlsx\"; filename*=UTF-8''%E8%8A%B1%E5%90%8D%E5%86%8C.xlsx"
    )


def test_chinese_date_cells_in_the_shared_format():
    from openpyxl import Workbook

    from renewal.kit.sheets import YearMonth, table_sheet

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("表")
    table_sheet(
        ws,
        title="标题",
        header=["日期", "年月", "姓名"],
        rows=[[datetime.date(2027, 3, 20), YearMonth(1980, 5), "=HYPERLINK()"]],
    )
    out = io.BytesIO()
    wb.save(out)
    sheet = openpyxl.load_workbook(out).active
    assert sheet["A3"].value == datetime.datetime(2027, 3, 20)
    assert sheet["A3"].number_format == CHINESE_DATE
    assert sheet["C3"].value == "'=HYPERLINK()"
    assert sheet.column_dimensions["C"].width >= len("'=HYPERLINK()")
