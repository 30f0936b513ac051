"""Excel import: every problem reported by row and column, all or nothing, files never kept."""

import zipfile
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pghistory.models import Events

from candidates import imports, services
from candidates.models import SORT_KEYS, Candidacy, CandidacyLog, ImportJob, Recommendation
from candidates.tests.xlsx_helpers import (
    HEADERS,
    build_xlsx,
    many_entries,
    person_row,
    with_dtd,
    with_external_link,
    with_macros,
    zip_bomb,
    zip_bytes,
)
from renewal.kit import uploads
from renewal.models import DomainError, Person, RenewalRound

pytestmark = pytest.mark.django_db

URL = "/candidates/import/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def staff_a(client, personas):
    client.force_login(personas["staff_a"])
    return client


def stored(media) -> list[Path]:
    folder = Path(media) / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def check(user, rows, tmp_path, headers=HEADERS):
    path = tmp_path / "upload.xlsx"
    path.write_bytes(build_xlsx(rows, headers))
    return imports.IMPORTER.read(user, path)


def upload(client, data: bytes, capture, name="名单.xlsx"):
    with capture(execute=True):
        return client.post(URL, {"file": SimpleUploadedFile(name, data)})


def good_rows(world, count=3, start=1, **overrides):
    units = [world["unit_a1"].code, world["unit_a2"].code]
    return [person_row(units[n % 2], n, **overrides) for n in range(start, start + count)]


# --- The template ----------------------------------------------------------------------------


def test_template_has_headers_example_text_id_column_and_guide(staff_a):
    response = staff_a.get(f"{URL}template.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    wb = openpyxl.load_workbook(BytesIO(response.content))
    sheet = wb.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    example = [c.value for c in sheet[2]]
    assert example[HEADERS.index("公民身份号码")] == imports.EXAMPLE["id_number"]
    id_letter = openpyxl.utils.get_column_letter(HEADERS.index("公民身份号码") + 1)
    assert sheet[f"{id_letter}2"].number_format == "@"
    assert sheet.column_dimensions[id_letter].width >= 20
    dropdowns = {str(v.sqref).split(":")[0] for v in sheet.data_validations.dataValidation}
    assert f"{openpyxl.utils.get_column_letter(HEADERS.index('学历') + 1)}2" in dropdowns
    guide = wb["填写说明"]
    listed = {row[0]: row[2] for row in guide.iter_rows(min_row=2, values_only=True) if row[0]}
    assert "妇女委员" in listed["拟任职务"] and "高中/中专" in listed["学历"]


def test_filled_in_template_passes_the_check(staff_a, personas, world, tmp_path):
    wb = openpyxl.load_workbook(BytesIO(staff_a.get(f"{URL}template.xlsx").content))
    sheet = wb.worksheets[0]
    sheet.delete_rows(2)
    for n in (1, 2):
        row = person_row(world["unit_a1"].code, n, **{"村(社区)名称": "大红城村"})
        sheet.append([row.get(header) for header in HEADERS])
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    clean, problems = imports.IMPORTER.read(personas["staff_a"], path)
    assert problems == [] and [r.row for r in clean] == [2, 3]


def test_example_row_left_in_the_file_is_a_problem(personas, world, tmp_path):
    example = {header: imports.EXAMPLE[key] for key, header in imports.COLUMNS}
    example["区划代码"] = world["unit_a1"].code
    example["村(社区)名称"] = ""
    _rows, problems = check(personas["staff_a"], [example], tmp_path)
    assert any("示例行" in p["message"] for p in problems)


# --- One test per kind of problem ----------------------------------------------------------


def problems_for(personas, world, tmp_path, **overrides):
    rows, problems = check(
        personas["staff_a"], [person_row(world["unit_a1"].code, 7, **overrides)], tmp_path
    )
    assert rows == []  # a row with any problem is never returned as clean
    return [(p["row"], p["column"], p["message"]) for p in problems]


def test_bad_checksum(personas, world, tmp_path):
    number = person_row("", 7)["公民身份号码"]
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    found = problems_for(personas, world, tmp_path, 公民身份号码=wrong)
    assert found == [(2, "公民身份号码", "公民身份号码校验位不正确，请核对。")]


def test_id_number_and_birth_date_disagree(personas, world, tmp_path):
    [(row, column, message)] = problems_for(personas, world, tmp_path, 出生日期="1960-01-01")
    assert (row, column) == (2, "出生日期") and "不一致" in message


def test_id_number_and_sex_disagree(personas, world, tmp_path):
    found = problems_for(personas, world, tmp_path, 性别="女")
    assert [(r, c) for r, c, _m in found] == [(2, "性别")]


def test_unknown_unit_and_other_townships_unit_read_the_same(personas, world, tmp_path):
    unknown = problems_for(personas, world, tmp_path, 区划代码="150123199999")
    other = problems_for(personas, world, tmp_path, 区划代码=world["unit_b1"].code)
    far = problems_for(personas, world, tmp_path, 区划代码=world["unit_c1"].code)
    assert unknown == [(2, "区划代码", "区划代码 150123199999 不在您管辖的村(社区)中。")]
    assert other == [(2, "区划代码", f"区划代码 {world['unit_b1'].code} 不在您管辖的村(社区)中。")]
    assert far[0][2].endswith("不在您管辖的村(社区)中。")


def test_same_person_twice_flags_both_rows_naming_the_other(personas, world, tmp_path):
    first = person_row(world["unit_a1"].code, 3)
    again = person_row(world["unit_a2"].code, 3, 拟任班子="村(居)民委员会", 拟任职务="主任")
    rows, problems = check(
        personas["staff_a"], [first, person_row(world["unit_a1"].code, 4), again], tmp_path
    )
    flagged = {p["row"]: p["message"] for p in problems}
    assert set(flagged) == {2, 4}
    assert "第 4 行" in flagged[2] and "第 2 行" in flagged[4]
    assert [r.row for r in rows] == [3]


def test_id_number_stored_as_number(personas, world, tmp_path):
    number = person_row("", 7)["公民身份号码"]
    for value in (int(number[:17] + "0"), float(number[:17] + "0")):
        found = problems_for(personas, world, tmp_path, 公民身份号码=value)
        assert found == [(2, "公民身份号码", uploads.ID_AS_NUMBER)]
    assert uploads.ID_AS_NUMBER.startswith("公民身份号码被 Excel 存成了数字，后几位已丢失")


def test_missing_required_fields_each_reported(personas, world, tmp_path):
    blank = {imports.HEADER[key]: "" for key in imports.REQUIRED}
    found = problems_for(personas, world, tmp_path, **blank)
    assert {c for _r, c, _m in found} == set(blank)
    assert all(m.endswith("为必填项，不能为空。") for _r, _c, m in found)


def test_missing_header_column_is_reported_on_row_1(personas, world, tmp_path):
    headers = [h for h in HEADERS if h != "学历"]
    _rows, problems = check(
        personas["staff_a"], [person_row(world["unit_a1"].code, 1)], tmp_path, headers
    )
    assert problems == [
        {"row": 1, "column": "学历", "message": "表头缺少“学历”列，请使用导入模板。"}
    ]


def test_bad_phone(personas, world, tmp_path):
    found = problems_for(personas, world, tmp_path, 联系电话="12345")
    assert [(r, c) for r, c, _m in found] == [(2, "联系电话")]


@pytest.mark.parametrize(
    ("overrides", "column", "fragment"),
    [
        ({"拟任班子": "党组织委员会", "拟任职务": "主任"}, "拟任职务", "不是党组织委员会的职务"),
        ({"拟任班子": "村委"}, "拟任班子", "无法识别"),
        ({"学历": "大学"}, "学历", "无法识别"),
        ({"党员推荐票": -3}, "党员推荐票", "不小于 0 的整数"),
        ({"群众推荐票": 2.5}, "群众推荐票", "不小于 0 的整数"),
        ({"出生日期": "1980年13月1日"}, "出生日期", "不是有效日期"),
        ({"人员类别": "退役军人、能人"}, "人员类别", "“能人”无法识别"),
        ({"政治面貌": "群众"}, "入党时间", "不应填写入党时间"),
    ],
)
def test_other_cell_problems(personas, world, tmp_path, overrides, column, fragment):
    found = problems_for(personas, world, tmp_path, **overrides)
    assert [(c, fragment in m) for _r, c, m in found] == [(column, True)]


def test_every_problem_of_every_row_sorted_by_row(personas, world, tmp_path):
    rows = [
        person_row(world["unit_a1"].code, 1, 联系电话="12345", 学历="大学"),
        person_row(world["unit_a1"].code, 2),
        person_row("999999999999", 3, 性别=""),
    ]
    _clean, problems = check(personas["staff_a"], rows, tmp_path)
    assert [(p["row"], p["column"]) for p in problems] == [
        (2, "联系电话"),
        (2, "学历"),
        (4, "区划代码"),
        (4, "性别"),
    ]


def test_dates_as_excel_dates_or_text_and_votes_as_text(personas, world, tmp_path):
    import datetime

    row = person_row(world["unit_a1"].code, 5)
    born = datetime.date.fromisoformat(row["出生日期"])
    variants = [
        datetime.datetime.combine(born, datetime.time()),
        f"{born:%Y/%m/%d}",
        f"{born:%Y.%m.%d}",
    ]
    for value in variants:
        clean, problems = check(
            personas["staff_a"], [dict(row, 出生日期=value, 党员推荐票="12")], tmp_path
        )
        assert problems == [] and clean[0].person["birth_date"] == born
        assert clean[0].votes[Recommendation.Source.PARTY_MEMBERS] == 12


def test_check_queries_do_not_grow_with_rows(
    personas, world, tmp_path, django_assert_max_num_queries
):
    rows = good_rows(world, count=60)
    with django_assert_max_num_queries(12):
        clean, problems = check(personas["staff_a"], rows, tmp_path)
    assert problems == [] and len(clean) == 60


# --- The flow through the views --------------------------------------------------------------


def test_good_file_previews_then_imports_every_row(
    staff_a, world, media, django_capture_on_commit_callbacks
):
    rows = good_rows(world, count=4)
    response = upload(staff_a, build_xlsx(rows), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{URL}{job.pk}/"
    assert job.status == ImportJob.Status.PREVIEW
    assert job.summary["people_created"] == 4 and job.summary["people_updated"] == 0
    assert Path(media, job.stored_path).exists() and job.original_name == "名单.xlsx"
    page = staff_a.get(f"{URL}{job.pk}/").content.decode()
    assert "共 4 行，将新增 4 人、更新 0 人" in page and "确认导入" in page
    assert Person.objects.count() == 0  # nothing saved before the confirm

    with django_capture_on_commit_callbacks(execute=True):
        assert staff_a.post(f"{URL}{job.pk}/confirm/").status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.error
    assert job.summary["candidacies_created"] == 4
    assert Person.objects.count() == 4 and Candidacy.objects.count() == 4
    assert Recommendation.objects.count() == 8
    assert stored(media) == [] and job.stored_path == ""
    assert 'href="/candidates/"' in staff_a.get(f"{URL}{job.pk}/").content.decode()


def test_importing_again_updates_people_without_duplicates(
    staff_a, world, media, django_capture_on_commit_callbacks
):
    rows = good_rows(world, count=3)
    for round_no, education in enumerate(["高中/中专", "大专"], start=1):
        data = [dict(r, 学历=education) for r in rows]
        upload(staff_a, build_xlsx(data), django_capture_on_commit_callbacks)
        job = ImportJob.objects.latest("pk")
        if round_no == 2:
            assert job.summary["people_updated"] == 3 and job.summary["candidacies_unchanged"] == 3
        with django_capture_on_commit_callbacks(execute=True):
            staff_a.post(f"{URL}{job.pk}/confirm/")
        job.refresh_from_db()
        assert job.status == ImportJob.Status.DONE, job.error
    assert Person.objects.count() == 3 and Candidacy.objects.count() == 3
    assert set(Person.objects.values_list("education", flat=True)) == {"college"}
    updated = Person.objects.get(name="测试1")
    assert any(e.pgh_label == "update" for e in Events.objects.references(updated))
    assert job.summary == {
        "rows": 3,
        "people_created": 0,
        "people_updated": 3,
        "candidacies_created": 0,
        "candidacies_unchanged": 3,
    }


def test_one_bad_row_saves_nothing_and_lists_problems(
    staff_a, world, media, django_capture_on_commit_callbacks
):
    rows = good_rows(world, count=5)
    rows[3]["公民身份号码"] = "123"
    upload(staff_a, build_xlsx(rows), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID
    assert job.problems[0]["row"] == 5 and job.problems[0]["column"] == "公民身份号码"
    assert Person.objects.count() == 0 and Candidacy.objects.count() == 0
    assert stored(media) == [] and job.stored_path == ""
    page = staff_a.get(f"{URL}{job.pk}/").content.decode()
    assert "公民身份号码应为 18 位" in page and "重新上传" in page
    assert staff_a.post(f"{URL}{job.pk}/confirm/").status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID and Person.objects.count() == 0


def test_a_failure_while_saving_rolls_back_every_row(
    staff_a, world, media, django_capture_on_commit_callbacks, monkeypatch
):
    upload(staff_a, build_xlsx(good_rows(world, count=4)), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    monkeypatch.setattr(imports, "CHUNK", 2)  # the first chunk is written before the failure
    real, calls = services.bulk_insert.insert_values, []

    def fail_on_second_chunk(model, rows, **kwargs):
        if model is CandidacyLog:
            calls.append(1)
            if len(calls) == 2:
                raise DomainError("模拟失败")
        return real(model, rows, **kwargs)

    monkeypatch.setattr(services.bulk_insert, "insert_values", fail_on_second_chunk)
    with django_capture_on_commit_callbacks(execute=True):
        staff_a.post(f"{URL}{job.pk}/confirm/")
    job.refresh_from_db()
    assert len(calls) == 2
    assert job.status == ImportJob.Status.FAILED and "模拟失败" in job.error
    assert Person.objects.count() == 0 and Candidacy.objects.count() == 0
    assert Recommendation.objects.count() == 0 and stored(media) == []


def test_import_matches_the_services(personas, world, tmp_path):
    """commit_rows batches person_upsert + candidacy_create; the result must be the same."""
    staff = personas["staff_a"]
    imported = person_row(world["unit_a1"].code, 1, 拟任职务="主任", 继任或新任="继任", 备注="备")
    by_form = person_row(world["unit_a1"].code, 3, 拟任职务="主任", 继任或新任="继任", 备注="备")
    clean, _problems = check(staff, [imported, by_form], tmp_path)
    imports.commit_rows(staff, clean[:1])
    row = clean[1]
    person = services.person_upsert(id_number=row.id_number, phone=row.phone, **row.person)
    services.candidacy_create(
        actor=staff, unit=row.unit, person=person, body=row.body, post=row.post,
        is_continuing=row.is_continuing, notes=row.notes, recommendations=row.votes,
    )  # fmt: skip
    a, b = Candidacy.objects.order_by("pk").select_related("person")
    skip = {"id", "person", "created_at", *SORT_KEYS}  # the person's name and date of birth
    fields = [f.attname for f in Candidacy._meta.concrete_fields if f.name not in skip]
    assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields]
    person_fields = ["sex", "ethnicity", "education", "political_status", "party_joined_on", "tags"]
    assert [getattr(a.person, f) for f in person_fields] == [
        getattr(b.person, f) for f in person_fields
    ]
    assert a.person.id_number == clean[0].id_number and a.person.phone == clean[0].phone
    assert a.person.phone_hash and a.person.id_number_hash == clean[0].id_hash
    votes = [sorted(c.recommendations.values_list("source", "votes")) for c in (a, b)]
    assert votes[0] == [("masses", 100), ("party_members", 31)]
    assert len(votes[1]) == 2
    logs = [list(c.log.values_list("from_status", "to_status", "action", "by")) for c in (a, b)]
    assert logs[0] == logs[1] == [("", "preliminary", "录入初步人选", staff.pk)]


def test_confirm_rechecks_and_refuses_when_data_changed(
    staff_a, world, media, django_capture_on_commit_callbacks
):
    upload(staff_a, build_xlsx(good_rows(world, count=2)), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    RenewalRound.objects.filter(county=world["county_a"]).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        staff_a.post(f"{URL}{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID and "重新校验" in job.error
    assert "尚未设立换届轮次" in job.problems[0]["message"]
    assert Person.objects.count() == 0 and stored(media) == []


def test_cancel_deletes_the_file(staff_a, world, media, django_capture_on_commit_callbacks):
    upload(staff_a, build_xlsx(good_rows(world, count=1)), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert len(stored(media)) == 1
    assert staff_a.post(f"{URL}{job.pk}/cancel/").status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED and stored(media) == []
    with django_capture_on_commit_callbacks(execute=True):
        staff_a.post(f"{URL}{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED and Person.objects.count() == 0


def test_file_is_stored_under_a_random_name(
    staff_a, world, media, django_capture_on_commit_callbacks
):
    upload(
        staff_a,
        build_xlsx(good_rows(world, count=1)),
        django_capture_on_commit_callbacks,
        name="../../evil.xlsx",
    )
    job = ImportJob.objects.get()
    (path,) = stored(media)
    assert job.stored_path == f"imports/{path.name}" and "evil" not in path.name


def test_status_partial_polls_while_checking(staff_a, personas):
    job = ImportJob.objects.create(user=personas["staff_a"], original_name="a.xlsx")
    body = staff_a.get(f"{URL}{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in body and 'hx-trigger="every 1s"' in body
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE)
    body = staff_a.get(f"{URL}{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in body


# --- Hostile and broken uploads ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "fragment"),
    [
        (b"name,id\n", "名单.xlsx", "不是有效的 Excel"),
        (zip_bytes({"word/document.xml": b"<w/>"}), "名单.xlsx", "不是有效的 Excel"),
        (zip_bomb(), "名单.xlsx", "压缩炸弹"),
        (many_entries(), "名单.xlsx", "条目过多"),
        (with_dtd(), "名单.xlsx", "XML 实体"),
        (with_macros(), "名单.xlsx", "文件包含宏"),
        (with_external_link(), "名单.xlsx", "外部链接"),
        (bytes(10 * 2**20 + 1), "名单.xlsx", "文件超过 10 MB"),
        (b"PK", "名单.xls", "只能导入 .xlsx"),
        (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(512), "名单.xlsx", "设置了打开密码"),
    ],
)
def test_bad_uploads_are_refused_in_chinese_and_nothing_kept(
    staff_a, media, django_capture_on_commit_callbacks, data, name, fragment
):
    response = upload(staff_a, data, django_capture_on_commit_callbacks, name=name)
    assert response.status_code == 200
    assert fragment in response.content.decode()
    assert not ImportJob.objects.exists() and stored(media) == []


def test_uncompressed_size_limit(media, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UNCOMPRESSED_BYTES", 1000)
    path = media / "big.xlsx"
    path.write_bytes(zip_bytes({"xl/workbook.xml": b"<workbook/>", "xl/a.xml": b"x" * 2000}))
    with pytest.raises(uploads.UploadRejected, match="解压后过大"):
        uploads.check_upload(path)


def test_workbook_openpyxl_cannot_read_is_invalid_and_deleted(
    staff_a, world, media, django_capture_on_commit_callbacks
):
    good = zipfile.ZipFile(BytesIO(build_xlsx(good_rows(world, count=2))))
    parts = {i.filename: good.read(i) for i in good.infolist()}
    cut_sheet = dict(parts, **{"xl/worksheets/sheet1.xml": parts["xl/worksheets/sheet1.xml"][:400]})
    no_workbook = {"xl/workbook.xml": b"<not-a-workbook/>", "[Content_Types].xml": b"<Types/>"}
    for entries in (no_workbook, cut_sheet):
        upload(staff_a, zip_bytes(entries), django_capture_on_commit_callbacks)
        job = ImportJob.objects.latest("pk")
        assert job.status == ImportJob.Status.INVALID and "无法作为 Excel" in job.error
    assert stored(media) == []


# --- Who may import ------------------------------------------------------------------------------


def test_other_users_job_is_404(client, personas, world, django_capture_on_commit_callbacks):
    client.force_login(personas["staff_a"])
    upload(client, build_xlsx(good_rows(world, count=1)), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    for persona in ("staff_b", "reviewer", "admin"):
        client.force_login(personas[persona])
        assert client.get(f"{URL}{job.pk}/").status_code == 404
        assert client.get(f"{URL}{job.pk}/", HTTP_HX_REQUEST="true").status_code == 404
        assert client.post(f"{URL}{job.pk}/confirm/").status_code == 404
        assert client.post(f"{URL}{job.pk}/cancel/").status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW


@pytest.mark.parametrize("persona", ["dept", "discipline"])
def test_users_without_writable_townships_get_403(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}template.xlsx").status_code == 403
    assert client.post(URL, {"file": SimpleUploadedFile("a.xlsx", b"x")}).status_code == 403


def test_stale_previews_are_purged(personas):
    import datetime as _dt

    from django.utils import timezone as _tz

    from candidates.models import ImportJob as _Job
    from renewal.kit.uploads import purge_stale_imports

    old = _Job.objects.create(
        user=personas["staff_a"],
        original_name="旧.xlsx",
        status=_Job.Status.PREVIEW,
        created_at=_tz.now() - _dt.timedelta(days=2),
    )
    fresh = _Job.objects.create(
        user=personas["staff_a"], original_name="新.xlsx", status=_Job.Status.PREVIEW
    )
    assert purge_stale_imports() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == _Job.Status.CANCELLED and fresh.status == _Job.Status.PREVIEW
