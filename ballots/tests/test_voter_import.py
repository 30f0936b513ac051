"""Voter register import: every problem by row and column, a set-based county check, all or nothing."""

import datetime
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ballots.models import VillagersElection, VoterImportJob, VoterRegistration
from ballots.tests.villagers_helpers import (
    HEADERS,
    build_xlsx,
    make_election,
    register,
    voter_id,
    voter_row,
)
from ballots.villagers import setup, voter_import
from renewal.kit import crypto
from renewal.kit.idcard import make_id_number
from renewal.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def election(world, personas):
    return make_election(world, personas)


@pytest.fixture
def staff_a(client, personas):
    client.force_login(personas["staff_a"])
    return client


def check(election, rows, tmp_path, headers=HEADERS):
    path = tmp_path / "voters.xlsx"
    path.write_bytes(build_xlsx(rows, headers))
    return voter_import.IMPORTER.read(election, path)


def messages_by_row(problems):
    out = {}
    for p in problems:
        out.setdefault(p["row"], []).append((p["column"], p["message"]))
    return out


def stored(media) -> list[Path]:
    folder = Path(media) / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


# --- Template -------------------------------------------------------------------------------


def test_template_has_headers_example_and_text_id_column(staff_a):
    response = staff_a.get("/villagers/import/template.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet["B2"].value == voter_import.EXAMPLE_ID
    assert sheet["B2"].number_format == "@"
    dropdowns = {str(v.sqref).split(":")[0] for v in sheet.data_validations.dataValidation}
    assert "D2" in dropdowns


# --- Row checks -----------------------------------------------------------------------------


def test_clean_rows_pass_and_are_counted(election, tmp_path):
    rows, problems = check(election, [voter_row(n) for n in range(1, 6)], tmp_path)
    assert problems == []
    assert len(rows) == 5
    assert voter_import.preview_summary(rows)["voters_added"] == 5


def test_every_problem_is_listed_by_row_and_column(world, personas, election, tmp_path):
    other = make_election(world, personas, unit="unit_b1")
    register(other, personas, 20)  # registered in 盛乐镇盛乐村
    register(election, personas, 21)  # already on this list
    setup.voter_person(id_number=voter_id(23), name="选民23")  # known, not registered
    rows = [
        voter_row(1),  # row 2: clean
        voter_row(2, 公民身份号码="123"),  # row 3: bad ID
        voter_row(3, 登记类别="外来户"),  # row 4: unknown category
        voter_row(4),  # row 5 + row 6: duplicate within the file
        voter_row(4),
        voter_row(20),  # row 7: registered elsewhere in the county
        voter_row(21),  # row 8: already on this list
        voter_row(5, 性别="女"),  # row 9: sex disagrees with the ID (5 is odd: male)
        voter_row(6, 公民身份号码=152622195006070000),  # row 10: ID stored as a number
        voter_row(7, 姓名=""),  # row 11: required
        voter_row(23, 姓名="别名"),  # row 12: name differs from the known person
        {"姓名": "幼", "公民身份号码": _young_id(), "登记类别": "户籍在此并居住"},  # row 13
    ]
    clean, problems = check(election, rows, tmp_path)
    by_row = messages_by_row(problems)
    assert [r.row for r in clean] == [2]
    assert 2 not in by_row
    assert any("18 位" in m for _c, m in by_row[3])
    assert by_row[4] == [("登记类别", by_row[4][0][1])] and "无法识别" in by_row[4][0][1]
    assert "另见第 6 行" in by_row[5][0][1] and "另见第 5 行" in by_row[6][0][1]
    assert by_row[7] == [
        ("公民身份号码", "此人本轮已在盛乐镇盛乐村登记为选民，同一人在本县只能登记一处。")
    ]
    assert by_row[8] == [("公民身份号码", "此人已在本村选民名单中。")]
    assert by_row[9][0][0] == "性别"
    assert "存成了数字" in by_row[10][0][1]
    assert by_row[11] == [("姓名", "姓名为必填项，不能为空。")]
    assert by_row[12] == [
        ("姓名", "公民身份号码已登记在“选民23”名下，与填写的姓名“别名”不一致，请核对。")
    ]
    assert any("未满 18 周岁" in m for _c, m in by_row[13])


def _young_id():
    return make_id_number("110101", datetime.date(2010, 5, 5), 3, "M")


def test_missing_required_header_is_reported(election, tmp_path):
    _rows, problems = check(election, [{"姓名": "甲"}], tmp_path, headers=["姓名", "性别"])
    assert {p["column"] for p in problems} == {"公民身份号码", "登记类别"}


def test_the_example_row_must_be_deleted(election, tmp_path):
    row = voter_row(1, 公民身份号码=voter_import.EXAMPLE_ID, 姓名="张示例", 性别="男")
    _rows, problems = check(election, [row], tmp_path)
    assert any("示例行" in p["message"] for p in problems)


def test_the_county_check_is_one_query_whatever_the_file_size(
    world, personas, election, django_assert_num_queries
):
    for n in range(1, 4):
        register(election, personas, n)
    hashes = [crypto.blind_index(voter_id(n), purpose="id") for n in range(1, 200)]
    with django_assert_num_queries(1):
        found = voter_import.county_duplicates(election, hashes)
    assert len(found) == 3


def test_an_inactive_registration_of_this_election_is_reactivated(personas, election, tmp_path):
    reg = register(election, personas, 1)
    setup.voter_set_active(actor=personas["staff_a"], registration=reg, active=False)
    rows, problems = check(election, [voter_row(1, 登记类别="居住一年以上（会议同意）")], tmp_path)
    assert problems == []
    summary = voter_import.commit_rows(election, rows)
    assert summary["voters_reactivated"] == 1
    reg.refresh_from_db()
    assert reg.is_active and reg.category == "living"


# --- The flow through the pages -------------------------------------------------------------


def upload(client, election, data, capture, name="选民.xlsx"):
    with capture(execute=True):
        return client.post(
            f"/villagers/{election.pk}/import/", {"file": SimpleUploadedFile(name, data)}
        )


def test_upload_preview_confirm_saves_everything_and_deletes_the_file(
    staff_a, election, media, django_capture_on_commit_callbacks
):
    data = build_xlsx([voter_row(n) for n in range(1, 11)])
    response = upload(staff_a, election, data, django_capture_on_commit_callbacks)
    job = VoterImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/villagers/import/{job.pk}/"
    assert job.status == "preview" and job.summary["voters_added"] == 10
    page = staff_a.get(f"/villagers/import/{job.pk}/")
    assert "校验通过" in page.content.decode()
    assert len(stored(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        staff_a.post(f"/villagers/import/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert election.registrations.filter(is_active=True).count() == 10
    assert VillagersElection.objects.get(pk=election.pk).status == "registering"
    assert stored(media) == []
    person = Person.objects.get(name="选民3")
    assert person.id_number == voter_id(3) and person.education == ""


def test_a_file_with_problems_saves_nothing_and_keeps_no_file(
    staff_a, election, media, django_capture_on_commit_callbacks
):
    data = build_xlsx([voter_row(1), voter_row(2, 公民身份号码="bad")])
    upload(staff_a, election, data, django_capture_on_commit_callbacks)
    job = VoterImportJob.objects.get()
    assert job.status == "invalid"
    assert job.problems[0]["row"] == 3
    assert not VoterRegistration.objects.exists()
    assert stored(media) == []
    page = staff_a.get(f"/villagers/import/{job.pk}/").content.decode()
    assert "未保存任何数据" in page and "公民身份号码应为 18 位" in page


def test_a_change_between_preview_and_confirm_is_caught_and_nothing_is_saved(
    world, staff_a, personas, election, django_capture_on_commit_callbacks
):
    data = build_xlsx([voter_row(n) for n in range(1, 4)])
    upload(staff_a, election, data, django_capture_on_commit_callbacks)
    job = VoterImportJob.objects.get()
    assert job.status == "preview"
    register(make_election(world, personas, unit="unit_a2"), personas, 2)
    with django_capture_on_commit_callbacks(execute=True):
        staff_a.post(f"/villagers/import/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == "invalid"
    assert "南街社区" in job.problems[0]["message"]
    assert election.registrations.count() == 0


def test_cancel_deletes_the_file(staff_a, election, media, django_capture_on_commit_callbacks):
    upload(staff_a, election, build_xlsx([voter_row(1)]), django_capture_on_commit_callbacks)
    job = VoterImportJob.objects.get()
    staff_a.post(f"/villagers/import/{job.pk}/cancel/")
    job.refresh_from_db()
    assert job.status == "cancelled" and stored(media) == []


def test_not_an_xlsx_is_refused_before_parsing(
    staff_a, election, django_capture_on_commit_callbacks
):
    response = upload(
        staff_a, election, b"name,id\n", django_capture_on_commit_callbacks, name="a.csv"
    )
    assert response.status_code == 200
    assert "只能导入 .xlsx" in response.content.decode()
    response = upload(staff_a, election, b"PK\x03\x04 broken", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert not VoterImportJob.objects.exists()


def test_import_matches_the_service(personas, election, tmp_path, world):
    """The bulk commit and voter_register leave the same rows behind."""
    rows, problems = check(election, [voter_row(1)], tmp_path)
    assert problems == []
    voter_import.commit_rows(election, rows)
    imported = VoterRegistration.objects.select_related("person").get()
    other = make_election(world, personas, unit="unit_a2")
    served = register(
        other, personas, 3, category="resident", group_name=voter_row(1)["村(居)民小组"]
    )
    for field in ("category", "group_name", "is_active", "round_id"):
        assert getattr(imported, field) == getattr(served, field)
    for field in ("sex", "education", "ethnicity", "political_status"):
        assert getattr(imported.person, field) == getattr(served.person, field)


def test_an_election_day_moved_after_the_preview_is_checked_on_confirm(
    staff_a, election, django_capture_on_commit_callbacks
):
    """The confirm saves the rows kept from the preview, but the voting age is checked again
    against the election day as it is now."""
    day = election.election_day
    born = day.replace(year=day.year - 18)  # 18 on the day, 17 the day before
    young = make_id_number("150123", born, 2, "F")  # a code in use when they were born
    data = build_xlsx([voter_row(1), voter_row(2, 公民身份号码=young, 性别="女")])
    upload(staff_a, election, data, django_capture_on_commit_callbacks)
    job = VoterImportJob.objects.get()
    assert job.status == "preview", job.problems
    VillagersElection.objects.filter(pk=election.pk).update(
        election_day=day - datetime.timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        staff_a.post(f"/villagers/import/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == "invalid" and "重新校验" in job.error
    assert [p["row"] for p in job.problems] == [3] and "未满 18 周岁" in job.problems[0]["message"]
    assert not VoterRegistration.objects.exists()
