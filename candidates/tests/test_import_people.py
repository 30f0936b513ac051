"""The candidates' import checks people as the single form does: the ID number is who they
are (never a silent rename), and a party-committee row needs an entitled roster member."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from candidates import imports
from candidates.models import Candidacy, ImportJob
from candidates.tests.xlsx_helpers import build_xlsx, person_row
from renewal.models import PartyMember, Person
from tests.factories import PersonFactory, party_member

pytestmark = pytest.mark.django_db

URL = "/candidates/import/"
PARTY = {"拟任班子": "党组织委员会", "拟任职务": "委员"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def check(user, rows, tmp_path):
    path = tmp_path / "upload.xlsx"
    path.write_bytes(build_xlsx(rows))
    return imports.IMPORTER.read(user, path)


def recorded(row: dict, name: str) -> Person:
    """The person of a sheet row, already on record under ``name``."""
    return PersonFactory(
        name=name,
        id_number=row["公民身份号码"],
        birth_date=datetime.date.fromisoformat(row["出生日期"]),
        sex="M" if row["性别"] == "男" else "F",
        political_status="full_member",
    )


def test_id_number_recorded_under_another_name_is_a_row_problem(personas, world, tmp_path):
    row = person_row(world["unit_a1"].code, 9)
    recorded(row, "王登记")
    clean, problems = check(personas["staff_a"], [dict(row, 姓名="王填写")], tmp_path)
    assert clean == []
    assert problems == [
        {
            "row": 2,
            "column": "姓名",
            "message": "公民身份号码已登记在“王登记”名下，与填写的姓名“王填写”不一致，请核对。",
        }
    ]


def test_the_same_name_passes_and_updates_the_record(personas, world, tmp_path):
    row = person_row(world["unit_a1"].code, 9, 学历="大专")
    person = recorded(row, row["姓名"])
    clean, problems = check(personas["staff_a"], [row], tmp_path)
    assert problems == [] and clean[0].person_id == person.pk
    imports.commit_rows(personas["staff_a"], clean)
    person.refresh_from_db()
    assert person.education == "college" and Person.objects.count() == 1


def test_party_row_for_an_entitled_roster_member_passes(personas, world, tmp_path):
    row = person_row(world["unit_a1"].code, 11, **PARTY)
    party_member(world["unit_a1"], recorded(row, row["姓名"]))
    clean, problems = check(personas["staff_a"], [row], tmp_path)
    assert problems == []
    imports.commit_rows(personas["staff_a"], clean)
    assert Candidacy.objects.get().body == "party"


@pytest.mark.parametrize(
    ("membership", "reason"),
    [
        (None, "不在本村(社区)党组织的党员名册中"),
        ({"status": "probationary"}, "预备党员，没有表决权、选举权和被选举权"),
        (
            {"on_probation": True, "probation_until": datetime.date(2099, 1, 1)},
            "留党察看期间（至 2099-01-01），没有表决权、选举权和被选举权",
        ),
        (
            {"left_on": datetime.date(2025, 3, 1)},
            "组织关系已于 2025-03-01 转出，不在本党组织名册中",
        ),
        ("other unit", "不在本村(社区)党组织的党员名册中"),
    ],
    ids=["not on the roster", "probationary", "under 留党察看", "transferred out", "other roster"],
)
def test_party_row_without_the_rights_is_a_row_problem(
    personas, world, tmp_path, membership, reason
):
    row = person_row(world["unit_a1"].code, 12, **PARTY)
    person = recorded(row, row["姓名"])
    if membership == "other unit":
        party_member(world["unit_a2"], person)
    elif membership is not None:
        party_member(world["unit_a1"], person, **membership)
    clean, problems = check(personas["staff_a"], [row], tmp_path)
    assert clean == []
    assert problems == [
        {
            "row": 2,
            "column": "拟任班子",
            "message": f"{row['姓名']}不能作为党组织委员会人选：{reason}。",
        }
    ]


def test_party_row_for_someone_new_to_the_system_is_a_row_problem(personas, world, tmp_path):
    row = person_row(world["unit_a1"].code, 13, **PARTY)
    _clean, problems = check(personas["staff_a"], [row], tmp_path)
    assert [p["message"] for p in problems] == [
        f"{row['姓名']}不能作为党组织委员会人选：不在本村(社区)党组织的党员名册中。"
    ]


def test_rights_lost_after_the_preview_stop_the_import(
    client, personas, world, django_capture_on_commit_callbacks
):
    row = person_row(world["unit_a1"].code, 14, **PARTY)
    party_member(world["unit_a1"], recorded(row, row["姓名"]))
    client.force_login(personas["staff_a"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"file": SimpleUploadedFile("名单.xlsx", build_xlsx([row]))})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.PREVIEW
    PartyMember.objects.update(status="probationary")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{URL}{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID
    assert "预备党员" in job.problems[0]["message"]
    assert not Candidacy.objects.exists()
