"""Roster import: rows checked against the ID number and the roster, then added or updated
all in one transaction by the roster's own service."""

import datetime
from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from renewal.models import PartyMember, Person, RosterImportJob
from renewal.roster import services
from renewal.roster.importer import IMPORTER
from renewal.tests.roster.helpers import HEADERS, build_xlsx, member_id, member_row
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def branch(world):
    return world["unit_a1"].branch


def check(branch, rows, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(build_xlsx(rows))
    return IMPORTER.read(branch, path)


def by_row(problems):
    out = {}
    for p in problems:
        out.setdefault(p["row"], []).append((p["column"], p["message"]))
    return out


def test_template_follows_the_national_export_and_says_what_is_required(client, personas):
    client.force_login(personas["staff_a"])
    response = client.get("/roster/import/template.xlsx")
    book = openpyxl.load_workbook(BytesIO(response.content))
    sheet, guide = book.worksheets
    assert [c.value for c in sheet[1]] == HEADERS == [
        "姓名", "性别", "公民身份号码", "出生日期", "民族", "学历",
        "人员类别", "入党日期", "转正日期", "所在党支部",
    ]  # fmt: skip
    assert sheet["C2"].number_format == "@"
    required = {row[0].value for row in guide.iter_rows(min_row=2) if row[1].value == "必填"}
    assert required == {"姓名", "公民身份号码", "人员类别", "入党日期"}
    branch_line = next(r[2].value for r in guide.iter_rows(min_row=2) if r[0].value == "所在党支部")
    assert "须与本村(社区)党组织的名称一致" in branch_line and "留空" in branch_line


def test_every_problem_is_named_by_row_and_column(branch, tmp_path):
    known = PersonFactory(name="王一")
    rows = [
        member_row(1),
        member_row(2, 出生日期="1999-01-01", 性别="男"),
        member_row(3, 姓名="王二", 公民身份号码=known.id_number, 出生日期="", 性别=""),
        member_row(4, 人员类别="预备党员"),
        member_row(5, 所在党支部="中共别的村支部委员会"),
        member_row(6, 学历="扫盲班", 入党日期="2000-02-30"),
        member_row(7),
        member_row(7),
    ]
    clean, problems = check(branch, rows, tmp_path)
    found = by_row(problems)
    assert [r.row for r in clean] == [2]
    assert found[3] == [
        ("性别", "身份证号码显示性别为女，与填写的性别不一致。"),
        ("出生日期", "身份证号码中的出生日期为 1962-04-03，与填写的出生日期 1999-01-01 不一致。"),
    ]
    assert found[4] == [
        ("姓名", "公民身份号码已登记在“王一”名下，与填写的姓名“王二”不一致，请核对。")
    ]
    assert found[5] == [
        ("转正日期", "预备党员尚未转正，不应填写转正时间；已转正的请把人员类别改为正式党员。")
    ]
    assert found[6][0][0] == "所在党支部" and "中共大红城村支部委员会" in found[6][0][1]
    assert [c for c, _m in found[7]] == ["学历", "入党日期"]
    assert all("出现了多次" in m for _c, m in found[8] + found[9])
    assert Person.objects.get(pk=known.pk).name == "王一"


def test_the_branch_name_may_be_given_or_left_blank(branch, tmp_path):
    rows = [member_row(1, 所在党支部=branch.name), member_row(2, 所在党支部=None)]
    clean, problems = check(branch, rows, tmp_path)
    assert problems == [] and len(clean) == 2


def test_members_here_are_updated_new_ones_added_others_refused(world, branch, tmp_path):
    here = services.member_add(
        branch=branch,
        id_number=member_id(1),
        name="党员1",
        status="probationary",
        joined_on=D(2025, 7, 1),
        on_probation=False,
        transferred_in_on=D(2025, 8, 1),
    )
    elsewhere = services.member_add(
        branch=world["unit_b1"].branch,
        id_number=member_id(3),
        name="党员3",
        status="full",
        joined_on=D(2000, 7, 1),
    )
    rows = [
        member_row(1, 入党日期="2025-07-01", 转正日期="2026-01-01"),
        member_row(2),
        member_row(3),
    ]
    clean, problems = check(branch, rows, tmp_path)
    assert by_row(problems) == {4: [("公民身份号码", services.elsewhere(elsewhere))]}
    assert "盛乐镇盛乐村" in problems[0]["message"]

    clean, problems = check(branch, rows[:2], tmp_path)
    assert problems == []
    assert IMPORTER.summary(clean) == {
        "rows": 2,
        "added": 1,
        "updated": 1,
        "people_created": 1,
        "people_existing": 1,
    }
    IMPORTER.commit(branch, clean, lambda n: None)
    here.refresh_from_db()
    assert (here.status, here.regularized_on) == ("full", D(2026, 1, 1))
    assert here.transferred_in_on == D(2025, 8, 1)  # not in the file: kept
    added = PartyMember.objects.get(branch=branch, person__name="党员2")
    assert added.person.birth_date == D(1962, 4, 3) and added.person.education == "bachelor"


def test_upload_preview_confirm_saves_all_in_one_go(
    client, personas, branch, django_capture_on_commit_callbacks
):
    client.force_login(personas["staff_a"])
    unit = branch.unit
    data = build_xlsx([member_row(n) for n in range(1, 6)])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/units/{unit.pk}/roster/import/", {"file": SimpleUploadedFile("名册.xlsx", data)}
        )
    job = RosterImportJob.objects.get()
    assert response["Location"] == f"/roster/import/{job.pk}/"
    assert job.status == "preview", job.problems
    page = client.get(f"/roster/import/{job.pk}/").content.decode()
    assert "将新增党员 5 名、更新 0 名" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/roster/import/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert branch.members.count() == 5
    page = client.get(f"/roster/import/{job.pk}/").content.decode()
    assert "导入完成：新增党员 5 名" in page and f"/units/{unit.pk}/roster/" in page


def test_a_refusal_at_save_time_saves_nothing(world, branch, tmp_path):
    clean, problems = check(branch, [member_row(1), member_row(2)], tmp_path)
    assert problems == []
    # Between the preview and the save, member 2 is put on another roster.
    services.member_add(
        branch=world["unit_a2"].branch,
        id_number=member_id(2),
        name="党员2",
        status="full",
        joined_on=D(2000, 7, 1),
    )
    # The upload machine runs the save in one transaction, as here.
    with (
        pytest.raises(services.DomainError, match="第 3 行：此人的组织关系在"),
        transaction.atomic(),
    ):
        IMPORTER.commit(branch, clean, lambda n: None)
    assert not branch.members.exists()


def test_a_members_kept_dates_must_fit_the_rows_dates(branch, tmp_path):
    services.member_add(
        branch=branch,
        id_number=member_id(1),
        name="党员1",
        status="full",
        joined_on=D(2000, 7, 1),
        transferred_in_on=D(2010, 5, 1),
    )
    _clean, problems = check(branch, [member_row(1, 入党日期="2011-07-01", 转正日期="")], tmp_path)
    assert by_row(problems) == {
        2: [("", "与名册中已登记的日期不符：组织关系转入日期不能早于入党时间。")]
    }
