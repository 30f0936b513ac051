"""`manage.py rotate_keys`: every encrypted column re-encrypted under the current key, in
batches, idempotent; a dry run writes nothing; a missing old key stops with a Chinese reason."""

import io
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from discipline.intake import crypto as discipline_crypto
from discipline.intake import services
from discipline.models import Informant, Report, ReporterIdentity
from discipline.tests import REPORTER
from renewal.kit import crypto
from renewal.models import Person
from tests import files
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

FERNET_OLD = Fernet.generate_key().decode()
DISCIPLINE_OLD = Fernet.generate_key().decode()
SM4_1 = "00112233445566778899aabbccddeeff"
SM4_2 = "ffeeddccbbaa99887766554433221100"
DISCIPLINE_SM4 = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
PHONE = "13800001234"


def raw(table, column, pk, pk_column="id"):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE "{pk_column}" = %s', [pk])
        return cursor.fetchone()[0]


def set_raw(table, column, pk, value):
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{table}" SET "{column}" = %s WHERE id = %s', [value, pk])


def rotate(*args):
    out = io.StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


def event_tokens(person):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone FROM renewal_personevent WHERE pgh_obj_id = %s", [person.pk]
        )
        return cursor.fetchall()


@pytest.fixture
def old_data(settings, world, personas, tmp_path):
    """People, an informant and a reporter's identity, written under Fernet keys only."""
    settings.FIELD_CIPHER = "fernet"
    settings.FIELD_ENCRYPTION_KEYS = [FERNET_OLD]
    settings.FIELD_SM4_KEYS = []
    settings.DISCIPLINE_ENCRYPTION_KEYS = [DISCIPLINE_OLD]
    settings.DISCIPLINE_SM4_KEYS = []
    settings.MEDIA_ROOT = str(tmp_path)
    people = [PersonFactory(phone=PHONE) for _ in range(5)]
    # One value stored before tokens named their key: a bare Fernet token.
    legacy = Fernet(FERNET_OLD.encode()).encrypt(people[0].id_number.encode()).decode()
    set_raw("renewal_person", "id_number", people[0].pk, legacy)
    informant = Informant.objects.create(
        unit=world["unit_a1"], group_number=1, name="直报员", phone=PHONE
    )
    report = services.report_record(
        channel=Report.Channel.VISIT,
        county=world["county_a"],
        units=[world["unit_a1"]],
        subject="某候选人",
        content="反映拉票。",
        anonymous=False,
        identity=dict(REPORTER),
        attachments=[SimpleUploadedFile("photo.png", files.png())],
        received_by=personas["discipline"],
    )
    report.officers.add(personas["discipline"])
    return {"people": people, "informant": informant, "report": report}


def test_fernet_to_sm4_then_sm4_key_rotation(settings, old_data, personas):
    people, informant = old_data["people"], old_data["informant"]
    identity = ReporterIdentity.objects.get(report=old_data["report"])
    attachment = old_data["report"].attachments.get()
    sealed_file = Path(attachment.file.path)
    file_before = sealed_file.read_bytes()
    before = {p.pk: raw("renewal_person", "id_number", p.pk) for p in people}
    events_before = {p.pk: event_tokens(p) for p in people}
    settings.FIELD_CIPHER = "sm4"
    settings.FIELD_SM4_KEYS = [SM4_1]
    settings.DISCIPLINE_SM4_KEYS = [DISCIPLINE_SM4]

    out = rotate("--dry-run", "--batch-size", "2")
    assert "试运行" in out and "renewal.Person：已检查" in out
    assert {p.pk: raw("renewal_person", "id_number", p.pk) for p in people} == before

    out = rotate("--batch-size", "2")
    assert "renewal.Person：已检查 2/" in out  # batches, with progress
    assert "discipline.ReporterIdentity：已检查 1/1 行，已重新加密 1 个值" in out
    assert "discipline.ReportAttachment（文件）：已检查 1 个，已重新加密 1 个" in out
    assert sealed_file.read_bytes().startswith(b"sm4:") and file_before.startswith(b"fernet:")
    field_prefix = crypto.field_keyring().current.prefix
    for person in people:
        id_token = raw("renewal_person", "id_number", person.pk)
        assert id_token != before[person.pk] and id_token.startswith(field_prefix)
        assert raw("renewal_person", "phone", person.pk).startswith(field_prefix)
        # The audit copies too, and re-encrypting wrote no audit event.
        tokens = event_tokens(person)
        assert len(tokens) == len(events_before[person.pk])
        assert all(t.startswith(field_prefix) for row in tokens for t in row)
    assert raw("discipline_informant", "phone", informant.pk).startswith(field_prefix)
    sealed = raw("discipline_reporteridentity", "sealed", identity.pk)
    assert sealed != identity.sealed
    assert sealed.startswith(crypto.discipline_keyring().current.prefix)
    assert "完成：共重新加密 0 个值" in rotate()  # idempotent

    # Only the new keys listed: everything still reads.
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.DISCIPLINE_ENCRYPTION_KEYS = []
    for person in people:
        fresh = Person.objects.get(pk=person.pk)
        assert (fresh.id_number, fresh.phone) == (person.id_number, PHONE)
    assert Informant.objects.get(pk=informant.pk).phone == PHONE
    assert discipline_crypto.unseal(sealed)["name"] == REPORTER["name"]
    _attachment, data = services.report_attachment_read(
        user=personas["discipline"], report=old_data["report"], pk=attachment.pk
    )
    assert data.startswith(b"\x89PNG")  # the picture, read with the new key alone
    with pytest.raises(InvalidToken):
        Fernet(FERNET_OLD.encode()).decrypt(raw("renewal_person", "id_number", people[0].pk))

    # SM4 key rotation: a new first key, the old one kept for reading until the run.
    settings.FIELD_SM4_KEYS = [SM4_2, SM4_1]
    first = raw("renewal_person", "id_number", people[0].pk)
    rotate()
    settings.FIELD_SM4_KEYS = [SM4_2]
    second = raw("renewal_person", "id_number", people[0].pk)
    assert second != first and second.startswith(crypto.field_keyring().current.prefix)
    assert Person.objects.get(pk=people[0].pk).id_number == people[0].id_number
    with pytest.raises(InvalidToken):
        crypto.decrypt(first)  # the old key is gone


def test_a_value_no_key_reads_stops_the_batch_with_a_chinese_reason(settings, old_data):
    people = old_data["people"]
    settings.FIELD_CIPHER = "sm4"
    settings.FIELD_SM4_KEYS = [SM4_1]
    settings.DISCIPLINE_SM4_KEYS = [DISCIPLINE_SM4]
    foreign = Fernet(Fernet.generate_key()).encrypt(b"x").decode()
    set_raw("renewal_person", "phone", people[1].pk, foreign)
    before = raw("renewal_person", "id_number", people[0].pk)
    with pytest.raises(CommandError) as error:
        rotate("--batch-size", "1000")
    assert f"renewal.Person（主键 {people[1].pk}）的 phone 无法用已配置的任何密钥解密" in str(
        error.value
    )
    assert "FIELD_ENCRYPTION_KEYS / FIELD_SM4_KEYS" in str(error.value)
    # All or nothing: the batch that held it was not rewritten.
    assert raw("renewal_person", "id_number", people[0].pk) == before


def test_a_cipher_without_keys_is_refused_in_chinese(settings, old_data):
    settings.FIELD_CIPHER = "sm4"
    settings.FIELD_SM4_KEYS = []
    with pytest.raises(CommandError, match="密钥配置有误：FIELD_CIPHER 为 sm4，但 FIELD_SM4_KEYS"):
        rotate()
    settings.FIELD_SM4_KEYS = ["not-a-key"]
    with pytest.raises(CommandError, match="FIELD_SM4_KEYS 中有一个密钥不是 SM4 密钥"):
        rotate("--dry-run")
    with pytest.raises(CommandError, match="--batch-size 应为正整数"):
        rotate("--batch-size", "0")
