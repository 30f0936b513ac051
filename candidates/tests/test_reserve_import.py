"""The reserve pool's Excel import: the upload machine's flow with the pool's rows and the
candidates' person rules (the ID number is who someone is; new people need more)."""

import datetime
from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from candidates import services as cs
from candidates.models import ReserveCadre, ReserveImportJob
from candidates.reserve_import import COLUMNS, EXAMPLE, IMPORTER
from candidates.tests.xlsx_helpers import build_xlsx
from renewal.kit.idcard import make_id_number
from renewal.models import Person
from tests.factories import PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db

URL = "/candidates/reserves/import/"
HEADERS = [header for _key, header in COLUMNS]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def staff(client, personas):
    client.force_login(personas["staff_a"])
    return client


def row(unit, n: int, **overrides) -> dict:
    born = datetime.date(1985 + n % 10, 1 + n % 12, 1 + n % 28)
    sex = "M" if n % 2 else "F"
    data = {
        "村(社区)区划代码": unit.code,
        "姓名": f"后备{n}",
        "公民身份号码": make_id_number("152622", born, n, sex),
        "学历": "大专",
        "政治面貌": "群众",
        "培养方向": "村委会主任",
    }
    return data | overrides


def check(user, rows, tmp_path):
    path = tmp_path / "upload.xlsx"
    path.write_bytes(build_xlsx(rows, HEADERS))
    return IMPORTER.read(user, path)


def upload_and_confirm(client, rows, capture):
    with capture(execute=True):
        client.post(URL, {"file": SimpleUploadedFile("后备干部.xlsx", build_xlsx(rows, HEADERS))})
    job = ReserveImportJob.objects.latest("pk")
    assert job.status == ReserveImportJob.Status.PREVIEW, job.problems
    with capture(execute=True):
        client.post(f"{URL}{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == ReserveImportJob.Status.DONE, job.error
    return job


def test_template_has_the_columns_an_example_and_a_guide(staff):
    response = staff.get(f"{URL}template.xlsx")
    wb = openpyxl.load_workbook(BytesIO(response.content))
    sheet = wb.worksheets[0]
    assert [c.value for c in sheet[1]] == [
        "村(社区)区划代码",
        "姓名",
        "公民身份号码",
        "性别",
        "出生日期",
        "学历",
        "政治面貌",
        "培养方向",
    ]
    assert sheet["C2"].value == EXAMPLE["id_number"] and sheet["C2"].number_format == "@"
    guide = {r[0]: r[2] for r in wb["填写说明"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert "新登记的人员必填" in guide["学历"]


def test_a_good_file_previews_then_fills_the_pool(staff, world, django_capture_on_commit_callbacks):
    rows = [row(world["unit_a1"], n) for n in (1, 2)] + [row(world["unit_a2"], 3, 性别="男")]
    job = upload_and_confirm(staff, rows, django_capture_on_commit_callbacks)
    assert job.summary == {
        "rows": 3,
        "people_created": 3,
        "people_updated": 0,
        "reserves_added": 3,
        "reserves_kept": 0,
    }
    page = staff.get(f"{URL}{job.pk}/").content.decode()
    assert "导入完成：共 3 行，新增 3 人、更新 0 人；入库 3 人。" in page
    assert 'href="/candidates/reserves/"' in page
    person = Person.objects.get(name="后备2")
    assert (person.sex, person.birth_date) == ("F", datetime.date(1987, 3, 3))
    assert person.education == "college" and person.political_status == "masses"
    assert set(ReserveCadre.objects.values_list("direction", flat=True)) == {"村委会主任"}


def test_someone_on_record_needs_only_name_and_number(personas, world, tmp_path):
    known = PersonFactory(name="党员甲", education="bachelor", political_status="full_member")
    sheet_row = {
        "村(社区)区划代码": world["unit_a1"].code,
        "姓名": "党员甲",
        "公民身份号码": known.id_number,
    }
    clean, problems = check(personas["staff_a"], [sheet_row], tmp_path)
    assert problems == [] and clean[0].person_id == known.pk
    summary = IMPORTER.commit(personas["staff_a"], clean, lambda n: None)
    assert summary["reserves_added"] == 1 and summary["people_updated"] == 1
    known.refresh_from_db()
    assert (known.education, known.political_status) == ("bachelor", "full_member")


@pytest.mark.parametrize(
    ("overrides", "column", "message"),
    [
        ({"学历": ""}, "学历", "此人尚未登记，请填写学历。"),
        ({"政治面貌": ""}, "政治面貌", "此人尚未登记，请填写政治面貌。"),
        ({"性别": "男"}, "性别", "身份证号码显示性别为女，与填写的性别不一致。"),
        ({"出生日期": "1990-01-01"}, "出生日期", "与填写的出生日期 1990-01-01 不一致"),
        ({"村(社区)区划代码": "150123101201"}, "村(社区)区划代码", "不在您管辖的村(社区)中"),
        ({"培养方向": "长" * 101}, "培养方向", "培养方向不能超过 100 个字。"),
        ({"学历": "大学"}, "学历", "“大学”无法识别"),
    ],
    ids=[
        "new person without education",
        "new person without political status",
        "sex disagrees with the number",
        "birth date disagrees with the number",
        "another township's unit",
        "direction too long",
        "unknown education",
    ],
)
def test_row_problems(personas, world, tmp_path, overrides, column, message):
    clean, problems = check(personas["staff_a"], [row(world["unit_a1"], 2, **overrides)], tmp_path)
    assert clean == []
    assert [(p["row"], p["column"]) for p in problems] == [(2, column)]
    assert message in problems[0]["message"]


def test_an_id_number_recorded_under_another_name_is_a_row_problem(personas, world, tmp_path):
    sheet_row = row(world["unit_a1"], 4)
    PersonFactory(
        name="原登记",
        id_number=sheet_row["公民身份号码"],
        birth_date=datetime.date(1989, 5, 5),
        sex="F",
    )
    _clean, problems = check(personas["staff_a"], [sheet_row], tmp_path)
    assert problems == [
        {
            "row": 2,
            "column": "姓名",
            "message": "公民身份号码已登记在“原登记”名下，与填写的姓名“后备4”不一致，请核对。",
        }
    ]


def test_those_in_the_pool_keep_their_place_and_those_retired_come_back(
    staff, world, personas, django_capture_on_commit_callbacks
):
    first = upload_and_confirm(
        staff, [row(world["unit_a1"], n) for n in (1, 2)], django_capture_on_commit_callbacks
    )
    assert first.summary["reserves_added"] == 2
    retired = ReserveCadre.objects.get(person__name="后备2")
    cs.reserve_retire(actor=personas["staff_a"], reserve=retired, reason="外出")
    again = [row(world["unit_a1"], 1, 培养方向="村党组织书记"), row(world["unit_a1"], 2)]
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(URL, {"file": SimpleUploadedFile("a.xlsx", build_xlsx(again, HEADERS))})
    job = ReserveImportJob.objects.latest("pk")
    page = staff.get(f"{URL}{job.pk}/").content.decode()
    assert "将新增 0 人、更新 2 人；将入库 1 人，已在库 1 人（只更新培养方向）。" in page
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"{URL}{job.pk}/confirm/")
    entries = {e.person.name: e for e in ReserveCadre.objects.select_related("person")}
    assert ReserveCadre.objects.count() == 2
    assert entries["后备1"].direction == "村党组织书记"
    assert entries["后备2"].status == ReserveCadre.Status.ACTIVE
    assert entries["后备2"].removed_reason == ""


def test_check_queries_do_not_grow_with_rows(
    personas, world, tmp_path, django_assert_max_num_queries
):
    units = [world["unit_a1"], world["unit_a2"], UnitFactory(township=world["township_a"])]
    rows = [row(units[n % 3], n) for n in range(60)]
    for n in range(0, 60, 3):  # some of them already on record
        PersonFactory(
            name=rows[n]["姓名"],
            id_number=rows[n]["公民身份号码"],
            birth_date=datetime.date(1985 + n % 10, 1 + n % 12, 1 + n % 28),
            sex="M" if n % 2 else "F",
        )
    with django_assert_max_num_queries(8):
        clean, problems = check(personas["staff_a"], rows, tmp_path)
    assert problems == [] and len(clean) == 60


def test_only_township_staff_may_import(client, personas):
    for persona in ("reviewer", "dept", "discipline"):
        client.force_login(personas[persona])
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"file": SimpleUploadedFile("a.xlsx", b"x")}).status_code == 403
