"""A request larger than UPLOAD_MAX_REQUEST_BYTES is refused before its body is read, with a
page in Chinese, and nothing is saved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from candidates.models import ImportJob

pytestmark = pytest.mark.django_db


def test_an_oversized_upload_is_refused_whole(client, personas, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 2 * 1024 * 1024
    client.force_login(personas["staff_a"])
    big = SimpleUploadedFile("名单.xlsx", bytes(3 * 1024 * 1024))
    response = client.post("/candidates/import/", {"file": big})
    assert response.status_code == 413
    body = response.content.decode()
    assert "文件过大" in body and "超过 2 MB" in body
    assert not ImportJob.objects.exists()


def test_the_default_limit_refuses_fifty_megabytes(client, personas):
    client.force_login(personas["staff_a"])
    big = SimpleUploadedFile("名单.xlsx", bytes(50 * 1024 * 1024))
    assert client.post("/candidates/import/", {"file": big}).status_code == 413


def test_a_request_within_the_limit_reaches_the_page(client, personas, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 2 * 1024 * 1024
    client.force_login(personas["staff_a"])
    small = SimpleUploadedFile("名单.xlsx", b"name,id\n")
    response = client.post("/candidates/import/", {"file": small})
    assert response.status_code == 200 and "不是有效的 Excel" in response.content.decode()


def test_the_public_report_page_refuses_it_too(client, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 2 * 1024 * 1024
    photo = SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff" + bytes(3 * 1024 * 1024))
    response = client.post("/report/", {"content": "反映拉票", "attachments": photo})
    assert response.status_code == 413 and "文件过大" in response.content.decode()
