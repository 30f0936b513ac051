"""The confirm of an import saves the rows its preview checked, kept in the database, without
reading the file again; kept rows that cannot be trusted are refused, and what can have
changed since the preview is checked again."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from candidates.models import Candidacy, ImportJob
from candidates.tests.xlsx_helpers import build_xlsx, person_row
from renewal.kit import import_stage, xlsx_rows
from renewal.models import ImportStage, Person, Unit

pytestmark = pytest.mark.django_db

URL = "/candidates/import/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def preview(client, personas, world, capture, count=3) -> ImportJob:
    units = [world["unit_a1"].code, world["unit_a2"].code]
    rows = [person_row(units[n % 2], n) for n in range(1, count + 1)]
    client.force_login(personas["staff_a"])
    with capture(execute=True):
        client.post(URL, {"file": SimpleUploadedFile("名单.xlsx", build_xlsx(rows))})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.PREVIEW, job.problems
    return job


def confirm(client, job, capture) -> ImportJob:
    with capture(execute=True):
        assert client.post(f"{URL}{job.pk}/confirm/").status_code == 302
    job.refresh_from_db()
    return job


def stage_of(job) -> ImportStage:
    return ImportStage.objects.get(job_label=ImportJob._meta.label, job_id=job.pk)


def test_the_preview_keeps_its_rows_as_json_tied_to_the_file(
    client, personas, world, django_capture_on_commit_callbacks, media
):
    job = preview(client, personas, world, django_capture_on_commit_callbacks)
    stage = stage_of(job)
    kept = json.loads(stage.rows)
    assert len(kept["rows"]) == 3 and "id_number" in kept["fields"]
    assert stage.file_digest == import_stage.file_digest(Path(media, job.stored_path))
    first = dict(zip(kept["fields"], kept["rows"][0], strict=True))
    assert first["unit"] == world["unit_a2"].pk  # a model instance: its key
    assert first["person"]["birth_date"] == {"$d": "1976-02-02"}
    with connection.cursor() as cursor:  # ID numbers are not stored in clear
        cursor.execute("SELECT rows FROM renewal_importstage WHERE id = %s", [stage.pk])
        (stored,) = cursor.fetchone()
    assert first["id_number"] not in stored and "fields" not in stored


def test_confirm_saves_the_kept_rows_without_reading_the_file(
    client, personas, world, django_capture_on_commit_callbacks, monkeypatch
):
    job = preview(client, personas, world, django_capture_on_commit_callbacks)

    def no_parsing(path):
        raise AssertionError("the file was parsed again on confirm")

    monkeypatch.setattr(xlsx_rows, "sheet_rows", no_parsing)
    monkeypatch.setattr(xlsx_rows, "_openpyxl_rows", no_parsing)
    job = confirm(client, job, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.DONE, job.error
    assert Candidacy.objects.count() == 3 and Person.objects.count() == 3
    assert not ImportStage.objects.exists()  # deleted with the file


def _tamper(stage):
    kept = json.loads(stage.rows)
    kept["rows"][0][kept["fields"].index("person")]["name"] = "冒名顶替"
    stage.rows = json.dumps(kept, ensure_ascii=False)
    stage.save(update_fields=["rows"])


def _garble(stage):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE renewal_importstage SET rows = 'x' || rows WHERE id = %s", [stage.pk]
        )


def _expire(stage):
    stage.created_at = timezone.now() - datetime.timedelta(hours=25)
    stage.save(update_fields=["created_at"])


def _other_version(stage):
    stage.fields_digest = "0" * 64
    stage.save(update_fields=["fields_digest"])


def _remove(stage):
    stage.delete()


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (_tamper, import_stage.TAMPERED),
        (_garble, import_stage.TAMPERED),
        (_expire, import_stage.EXPIRED),
        (_other_version, import_stage.OTHER_VERSION),
        (_remove, import_stage.GONE),
    ],
)
def test_kept_rows_that_cannot_be_trusted_are_refused(
    client, personas, world, django_capture_on_commit_callbacks, spoil, message
):
    job = preview(client, personas, world, django_capture_on_commit_callbacks)
    spoil(stage_of(job))
    job = confirm(client, job, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.FAILED and job.error == message
    assert "重新上传" in job.error
    assert not Person.objects.exists() and not Candidacy.objects.exists()
    assert not ImportStage.objects.exists() and job.stored_path == ""
    page = client.get(f"{URL}{job.pk}/").content.decode()
    assert message in page


def test_a_file_changed_after_the_preview_is_refused(
    client, personas, world, django_capture_on_commit_callbacks, media
):
    job = preview(client, personas, world, django_capture_on_commit_callbacks)
    other = [person_row(world["unit_a1"].code, 9)]
    Path(media, job.stored_path).write_bytes(build_xlsx(other))
    job = confirm(client, job, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.FAILED and job.error == import_stage.OTHER_FILE
    assert not Person.objects.exists()


def test_a_unit_out_of_the_uploaders_region_since_the_preview_stops_the_import(
    client, personas, world, django_capture_on_commit_callbacks
):
    job = preview(client, personas, world, django_capture_on_commit_callbacks)
    Unit.objects.filter(pk=world["unit_a2"].pk).update(township=world["township_b"])
    job = confirm(client, job, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.INVALID and "重新校验" in job.error
    assert {p["row"] for p in job.problems} == {2, 4}  # persons 1 and 3, in unit_a2
    assert "不在您管辖" in job.problems[0]["message"]
    assert not Person.objects.exists()


def test_someone_entered_meanwhile_is_not_entered_twice(
    client, personas, world, django_capture_on_commit_callbacks
):
    """Uniqueness is checked against the rows saved since the preview."""
    job = preview(client, personas, world, django_capture_on_commit_callbacks, count=2)
    units = [world["unit_a1"].code, world["unit_a2"].code]
    rows = [person_row(units[n % 2], n) for n in (1, 2)]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"file": SimpleUploadedFile("同一.xlsx", build_xlsx(rows))})
    second = ImportJob.objects.exclude(pk=job.pk).get()
    assert confirm(client, second, django_capture_on_commit_callbacks).status == "done"
    preview_again = confirm(client, job, django_capture_on_commit_callbacks)
    assert preview_again.status == ImportJob.Status.DONE, preview_again.error
    assert preview_again.summary["candidacies_created"] == 0
    assert Candidacy.objects.count() == 2 and Person.objects.count() == 2


@pytest.mark.parametrize(
    "value",
    [
        None,
        "张三",
        0,
        7,
        True,
        datetime.date(1980, 5, 6),
        ["veteran", "returnee"],
        {"name": "张三", "birth_date": datetime.date(1980, 5, 6), "tags": []},
        {"party_members": 30, "masses": 100},
    ],
)
def test_kept_values_come_back_as_they_were(value):
    assert import_stage.revive(json.loads(json.dumps(import_stage.plain(value)))) == value


def test_kept_rows_left_behind_are_purged_with_stale_previews():
    from renewal.kit.uploads import purge_stale_imports

    old = timezone.now() - datetime.timedelta(hours=import_stage.MAX_AGE_HOURS + 1)
    fields = {"file_digest": "a", "fields_digest": "b", "seal": "c", "rows": "{}"}
    ImportStage.objects.create(job_label="candidates.ImportJob", job_id=999, **fields)
    ImportStage.objects.filter(job_id=999).update(created_at=old)
    ImportStage.objects.create(job_label="candidates.ImportJob", job_id=1000, **fields)
    purge_stale_imports()
    assert list(ImportStage.objects.values_list("job_id", flat=True)) == [1000]


def test_a_round_opened_after_the_preview_stops_the_import(
    client, personas, world, django_capture_on_commit_callbacks
):
    """The rows were checked for the round open at the preview; another one is not theirs."""
    from renewal import services as renewal_services

    job = preview(client, personas, world, django_capture_on_commit_callbacks, count=1)
    renewal_services.round_open(county=world["county_a"], year=2031)
    job = confirm(client, job, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.INVALID
    assert "换届轮次在预览后已变更" in job.problems[0]["message"]
    assert not Candidacy.objects.exists()


def test_a_preview_whose_rows_cannot_be_kept_fails_and_does_not_wait(
    client, personas, world, django_capture_on_commit_callbacks, media, monkeypatch
):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(import_stage, "stage_save", broken)
    units = [world["unit_a1"].code]
    client.force_login(personas["staff_a"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            URL, {"file": SimpleUploadedFile("名单.xlsx", build_xlsx([person_row(units[0], 1)]))}
        )
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert "系统错误" in job.error and not job.stored_path
    assert not list(Path(media).rglob("*.xlsx"))
    assert not ImportStage.objects.exists()
