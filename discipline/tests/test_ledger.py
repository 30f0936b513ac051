"""The disciplined-cadres ledger: every row problem before anything is written, all-or-nothing
save, files never kept, and matched people flagged in vetting."""

import datetime
import time
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from candidates import services as cs
from candidates.tests.xlsx_helpers import zip_bomb
from discipline.ledger import services as ledger
from discipline.models import DisciplinedCadre, LedgerImportJob
from renewal.kit import crypto
from renewal.kit.idcard import make_id_number
from renewal.kit.uploads import STALE_AFTER_HOURS, purge_stale_imports
from renewal.models import Department, Profile
from renewal.services import account_assign_role
from tests.factories import PersonFactory, party_member
from tests.fixtures import make_user

pytestmark = pytest.mark.django_db

URL = "/discipline/ledger/"
HEADERS = [header for _key, header in ledger.COLUMNS]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def officer(client, personas):
    client.force_login(personas["discipline"])
    return client


def stored(media) -> list[Path]:
    folder = Path(media) / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def ledger_row(n: int, **overrides) -> dict:
    born = datetime.date(1960 + n % 30, 1 + n % 12, 1 + n % 28)
    row = {
        "姓名": f"处分{n}",
        "公民身份号码": make_id_number("152622", born, n, "M" if n % 2 else "F"),
        "单位及职务": f"某镇某村{n}组组长",
        "处分种类": "党内警告",
        "处分决定日期": "2023-06-15",
        "处分机关": "中共和林格尔县纪律检查委员会",
    }
    row.update(overrides)
    return row


def build(rows, headers=HEADERS) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Post a file to the ledger page and run the check it queues."""

    def post(client, data: bytes, name="台账.xlsx"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, {"file": SimpleUploadedFile(name, data)})

    return post


@pytest.fixture
def confirm(django_capture_on_commit_callbacks):
    """Confirm a previewed import and run the save it queues; the job page afterwards."""

    def post(client, job):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"{URL}imports/{job.pk}/confirm/")
        return client.get(f"{URL}imports/{job.pk}/")

    return post


def job_of(response) -> LedgerImportJob:
    assert response.status_code == 302, response.content.decode()[:500]
    return LedgerImportJob.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def problems_of(response) -> list[dict]:
    job = job_of(response)
    assert job.status == LedgerImportJob.Status.INVALID
    return job.problems


# --- Template ----------------------------------------------------------------------------------


def test_template_has_the_columns_and_a_text_id_column(officer):
    response = officer.get(f"{URL}template.xlsx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet["B2"].number_format == "@"


# --- Row problems ------------------------------------------------------------------------------

GOOD_ID = make_id_number("152622", datetime.date(1970, 1, 1), 3, "M")
PROBLEMS = [
    (
        "bad ID checksum",
        {"公民身份号码": GOOD_ID[:-1] + ("1" if GOOD_ID[-1] != "1" else "2")},
        "公民身份号码",
        "校验位不正确",
    ),
    ("ID stored as a number", {"公民身份号码": 150123197001010031}, "公民身份号码", "存成了数字"),
    ("missing name", {"姓名": ""}, "姓名", "必填项"),
    ("missing penalty", {"处分种类": None}, "处分种类", "必填项"),
    ("missing decision date", {"处分决定日期": ""}, "处分决定日期", "必填项"),
    ("date that is not a date", {"处分决定日期": "去年六月"}, "处分决定日期", "不是有效日期"),
    ("impossible date", {"处分决定日期": "2023-02-30"}, "处分决定日期", "不是有效日期"),
    ("date in the future", {"处分决定日期": "2999-01-01"}, "处分决定日期", "不在合理范围内"),
    ("penalty too long", {"处分种类": "警" * 61}, "处分种类", "不能超过 60 个字"),
    (
        "the template's example row",
        {"公民身份号码": ledger.EXAMPLE["id_number"]},
        "公民身份号码",
        "示例行",
    ),
]


@pytest.mark.parametrize(("rule", "bad", "column", "message"), PROBLEMS)
def test_each_row_problem_is_listed_and_nothing_is_written(
    officer, upload, media, rule, bad, column, message
):
    rows = [ledger_row(1), ledger_row(2, **bad), ledger_row(3)]
    response = upload(officer, build(rows))
    problems = problems_of(response)
    assert [(p["row"], p["column"]) for p in problems] == [(3, column)], problems
    assert message in problems[0]["message"]
    assert message in officer.get(response["Location"]).content.decode()
    assert not DisciplinedCadre.objects.exists()
    assert stored(media) == []


def test_duplicates_in_the_file_name_each_other(officer, upload, media):
    rows = [ledger_row(1), ledger_row(2), ledger_row(1, 姓名="重复"), ledger_row(4)]
    problems = problems_of(upload(officer, build(rows)))
    assert [(p["row"], p["column"]) for p in problems] == [(2, "公民身份号码"), (4, "公民身份号码")]
    assert "另见第 4 行" in problems[0]["message"] and "另见第 2 行" in problems[1]["message"]
    assert not DisciplinedCadre.objects.exists()


def test_same_person_with_two_decisions_is_not_a_duplicate(officer, upload):
    rows = [ledger_row(1), ledger_row(1, 处分决定日期="2024-01-10", 处分种类="严重警告")]
    assert job_of(upload(officer, build(rows))).status == LedgerImportJob.Status.PREVIEW


def test_missing_header_column(officer, upload, media):
    headers = [h for h in HEADERS if h != "处分种类"]
    problems = problems_of(upload(officer, build([ledger_row(1)], headers)))
    assert problems == [
        {"row": 1, "column": "处分种类", "message": "表头缺少“处分种类”列，请使用台账模板。"}
    ]


def test_zip_bomb_is_refused_before_parsing(officer, upload, media):
    response = upload(officer, zip_bomb())
    assert "压缩炸弹" in response.content.decode()
    assert stored(media) == []


def test_not_xlsx_is_refused(officer, upload):
    response = upload(officer, b"a,b\n", name="台账.csv")
    assert ".xlsx" in response.content.decode()


# --- Preview and save --------------------------------------------------------------------------


def test_clean_file_previews_then_saves_all_rows_and_deletes_the_file(
    officer, upload, confirm, media, personas
):
    rows = [ledger_row(n) for n in range(1, 6)]
    job = job_of(upload(officer, build(rows)))
    assert len(stored(media)) == 1
    preview = officer.get(f"{URL}imports/{job.pk}/")
    assert preview.status_code == 200 and "将新增 5 条" in preview.content.decode()
    assert not DisciplinedCadre.objects.exists()
    assert "已导入 5 条" in confirm(officer, job).content.decode()
    assert stored(media) == []
    saved = DisciplinedCadre.objects.get(name="处分3")
    assert saved.county == personas["discipline"].profile.region
    assert saved.id_number == rows[2]["公民身份号码"]
    assert saved.id_number_hash == crypto.blind_index(rows[2]["公民身份号码"], purpose="id")
    assert (saved.penalty, saved.decided_on) == ("党内警告", datetime.date(2023, 6, 15))


def test_reimport_skips_rows_already_in_the_ledger(officer, upload, confirm):
    confirm(officer, job_of(upload(officer, build([ledger_row(1)]))))
    job = job_of(upload(officer, build([ledger_row(1), ledger_row(2)])))
    assert "1 条已在台账中" in officer.get(f"{URL}imports/{job.pk}/").content.decode()
    confirm(officer, job)
    assert DisciplinedCadre.objects.count() == 2


def test_confirm_rechecks_and_saves_nothing_when_the_file_went_bad(officer, upload, confirm, media):
    job = job_of(upload(officer, build([ledger_row(n) for n in range(1, 4)])))
    (path,) = stored(media)
    path.write_bytes(build([ledger_row(1), ledger_row(2, 处分决定日期="不详"), ledger_row(3)]))
    assert "未保存任何数据" in confirm(officer, job).content.decode()
    assert not DisciplinedCadre.objects.exists()
    assert stored(media) == []


def test_a_failing_save_writes_nothing(officer, upload, confirm, media, monkeypatch):
    job = job_of(upload(officer, build([ledger_row(n) for n in range(1, 4)])))
    real = DisciplinedCadre.objects.bulk_create

    def half_then_fail(objs, **kwargs):
        objs = list(objs)
        real(objs[:2], **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(DisciplinedCadre.objects, "bulk_create", half_then_fail)
    assert "未保存任何数据" in confirm(officer, job).content.decode()
    job.refresh_from_db()
    assert job.status == LedgerImportJob.Status.FAILED
    assert not DisciplinedCadre.objects.exists()
    assert stored(media) == []


def test_cancel_deletes_the_file(officer, upload, media):
    job = job_of(upload(officer, build([ledger_row(1)])))
    officer.post(f"{URL}imports/{job.pk}/cancel/")
    assert stored(media) == [] and not DisciplinedCadre.objects.exists()
    assert "已取消" in officer.get(f"{URL}imports/{job.pk}/").content.decode()
    assert officer.post(f"{URL}imports/{job.pk}/confirm/", follow=True).status_code == 200
    assert not DisciplinedCadre.objects.exists()


def test_only_the_uploader_reaches_the_job(client, upload, world, personas, media):
    client.force_login(personas["discipline"])
    job = job_of(upload(client, build([ledger_row(1)])))
    other = make_user("discipline2", Profile.Role.DISCIPLINE_OFFICER, world["county_a"])
    for user in (other, personas["reviewer"], personas["admin"]):
        client.force_login(user)
        assert client.get(f"{URL}imports/{job.pk}/").status_code == 404
        assert client.post(f"{URL}imports/{job.pk}/confirm/").status_code == 404
    assert len(stored(media)) == 1


def test_stale_uploads_are_swept(officer, upload, media):
    job = job_of(upload(officer, build([ledger_row(1)])))
    LedgerImportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=2 * STALE_AFTER_HOURS)
    )
    assert purge_stale_imports() == 1 and stored(media) == []


def test_a_thousand_rows_check_and_save_quickly(officer, upload, confirm):
    data = build([ledger_row(n) for n in range(1, 1001)])
    started = time.monotonic()
    confirm(officer, job_of(upload(officer, data)))
    assert DisciplinedCadre.objects.count() == 1000
    assert time.monotonic() - started < 5


# --- Matching against vetting -----------------------------------------------------------------


@pytest.fixture
def candidate(world, personas):
    person = party_member(
        world["unit_a1"], PersonFactory(name="在审人", political_status="full_member")
    )
    candidacy = cs.candidacy_create(
        actor=personas["staff_a"],
        unit=world["unit_a1"],
        person=person,
        body="party",
        post="party_member",
    )
    cs.vetting_send(
        actor=personas["staff_a"],
        candidacies=[candidacy],
        departments=Department.objects.filter(code="police"),
        due_date=timezone.localdate() + datetime.timedelta(days=5),
    )
    return candidacy


def test_matched_person_is_flagged_in_vetting_and_shown_in_the_ledger(
    officer, upload, confirm, candidate
):
    number = candidate.person.id_number
    job = job_of(upload(officer, build([ledger_row(1), ledger_row(2, 公民身份号码=number)])))
    preview = officer.get(f"{URL}imports/{job.pk}/").content.decode()
    assert "其中 1 人是在审人选" in preview and "在审人选</span>" in preview
    confirm(officer, job)
    flag = "列入受处分干部台账：党内警告（2023-06-15）"
    assert flag in cs.vetting_blockers(candidate)
    page = officer.get(f"{URL}?matched=1").content.decode()
    assert "在审人" in page and "处分1" not in page
    assert f"/candidates/{candidate.pk}/" in page
    assert number not in page  # the ledger shows masked numbers


def test_flagged_candidate_cannot_pass_vetting(officer, upload, confirm, personas, candidate):
    number = candidate.person.id_number
    confirm(officer, job_of(upload(officer, build([ledger_row(2, 公民身份号码=number)]))))
    cs.candidacy_record_inspection(
        actor=personas["staff_a"],
        candidacy=candidate,
        passed=True,
        score=90,
        inspected_on=timezone.localdate(),
    )
    request = candidate.vetting.get()
    cs.vetting_answer(actor=personas["dept"], request=request, passed=True)
    candidate.refresh_from_db()
    assert candidate.status == "inspected"  # not vetted: the ledger flag blocks it


def test_an_officer_moved_to_another_county_loses_the_old_countys_import(officer, personas, world):
    job = LedgerImportJob.objects.create(
        user=personas["discipline"],
        county=world["county_a"],
        original_name="台账.xlsx",
        status=LedgerImportJob.Status.PREVIEW,
        summary={"rows": 1, "created": 1, "existing": 0, "matched": 0, "marked": []},
    )
    assert officer.get(f"/discipline/ledger/imports/{job.pk}/").status_code == 200
    account_assign_role(
        user=personas["discipline"], role="discipline_officer", region=world["county_b"]
    )
    assert officer.get(f"/discipline/ledger/imports/{job.pk}/").status_code == 404
    assert officer.post(f"/discipline/ledger/imports/{job.pk}/confirm/").status_code == 404
    assert not DisciplinedCadre.objects.exists()
