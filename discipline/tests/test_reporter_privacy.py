"""What is stored of a reporter: receipt codes as keyed hashes, the reporter's hash under the
discipline index key, attachments encrypted on disk and opened only by the assigned officers."""

from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from discipline.intake import crypto, services
from discipline.models import Report, ReporterIdentity
from discipline.tests import JPG, PNG, REPORTER, visit_report
from renewal.kit import crypto as field_crypto
from renewal.models import AccessLog
from tests.fixtures import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    cache.clear()
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def report(world, personas):
    attachments = [SimpleUploadedFile("现场.png", PNG), SimpleUploadedFile("票.jpg", JPG)]
    return visit_report(world, personas, attachments=attachments)


def test_reporter_hash_is_keyed_with_the_discipline_index_key(report, settings):
    stored = ReporterIdentity.objects.get(report=report).reporter_hash
    assert stored == crypto.reporter_hash(REPORTER)
    assert stored != field_crypto.blind_index(REPORTER["id_number"], purpose="reporter")
    settings.DISCIPLINE_INDEX_KEY = "another-key"
    assert crypto.reporter_hash(REPORTER) != stored


def test_receipt_code_is_stored_only_as_its_hash(report, client):
    code = report.receipt_code
    row = Report.objects.filter(pk=report.pk).values().get()
    assert code not in str(row) and row["receipt_hash"] == crypto.receipt_digest(code)
    assert str(Report.objects.get(pk=report.pk)) == f"举报 {report.number}"
    answer = client.post("/report/status/", {"code": services.receipt_display(code).lower()})
    assert "已受理" in answer.content.decode()


def test_attachments_are_ciphertext_on_disk(report):
    for attachment, plain in zip(report.attachments.order_by("pk"), (PNG, JPG), strict=True):
        with open(attachment.file.path, "rb") as raw:
            data = raw.read()
        assert not data.startswith((b"\x89PNG", b"\xff\xd8")) and plain[:8] not in data
        assert crypto.unseal_bytes(data)[:4] == plain[:4]


def test_only_the_assigned_officers_open_an_attachment_and_each_time_is_logged(
    client, world, personas, report
):
    officer = personas["discipline"]
    report.officers.add(officer)
    attachment = report.attachments.order_by("pk").first()
    url = f"/discipline/reports/{report.pk}/attachments/{attachment.pk}/"

    client.force_login(officer)
    detail = client.get(f"/discipline/cases/{report.pk}/").content.decode()
    assert url in detail
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert response.content.startswith(b"\x89PNG")
    logged = AccessLog.objects.filter(user=officer, action=AccessLog.Action.DOWNLOAD)
    assert logged.count() == 2 and logged.first().target == url

    same_county = make_user("not_assigned", "discipline_officer", world["county_a"])
    other_county = make_user("other_county", "discipline_officer", world["county_b"])
    for user in (same_county, other_county, personas["staff_a"], personas["reviewer"]):
        client.force_login(user)
        assert client.get(url).status_code == 404, user.username
    client.force_login(same_county)
    assert url not in client.get(f"/discipline/cases/{report.pk}/").content.decode()
    client.force_login(officer)
    assert client.get(f"/discipline/reports/{report.pk}/attachments/999999/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_migration_hashes_codes_and_reporters_and_encrypts_files(world, settings):
    executor = MigrationExecutor(connection)
    before, after = (
        [("discipline", "0008_rate_counter")],
        [("discipline", "0009_receipt_hash_discipline_index")],
    )
    executor.migrate(before)
    try:
        _hash_codes_and_reporters_and_encrypt_files(world, settings, executor, before, after)
    finally:
        # Later tests on this database need the schema of today, not of the migration tested.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def _hash_codes_and_reporters_and_encrypt_files(world, settings, executor, before, after):
    apps = executor.loader.project_state(before).apps
    OldReport = apps.get_model("discipline", "Report")
    OldIdentity = apps.get_model("discipline", "ReporterIdentity")
    OldAttachment = apps.get_model("discipline", "ReportAttachment")
    report = OldReport.objects.create(
        receipt_code="ABCDEFGHJKLM",
        channel="visit",
        county_id=world["county_a"].pk,
        subject="某人",
        content="内容",
    )
    OldIdentity.objects.create(
        report=report,
        sealed=crypto.seal(REPORTER),
        reporter_hash=field_crypto.blind_index(REPORTER["id_number"], purpose="reporter"),
    )
    path = f"discipline/{report.pk}/old.png"
    on_disk = Path(settings.MEDIA_ROOT) / path
    on_disk.parent.mkdir(parents=True)
    on_disk.write_bytes(PNG)
    OldAttachment.objects.create(report=report, file=path, original_name="附件1.png", size=1)

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    migrated = Report.objects.get(pk=report.pk)
    assert migrated.receipt_hash == crypto.receipt_digest("ABCDEFGHJKLM")
    identity = ReporterIdentity.objects.get(report=migrated)
    assert identity.reporter_hash == crypto.reporter_hash(REPORTER)
    assert on_disk.read_bytes() != PNG
    assert crypto.unseal_bytes(on_disk.read_bytes()) == PNG
