"""The public report page and the receipt-code status page (no login, no JavaScript)."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from discipline.intake import ratelimit
from discipline.intake.crypto import receipt_digest, unseal_bytes
from discipline.models import Report, ReportAttachment, ReporterIdentity
from discipline.tests import JPG, PDF, PNG, REPORTER, leaks
from tests.files import jpg_with_gps

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits(settings, tmp_path):
    cache.clear()
    settings.MEDIA_ROOT = str(tmp_path)
    yield
    cache.clear()


def _post(client, world, meta=None, **overrides):
    data = {
        "county": world["county_a"].pk,
        "place": f"u{world['unit_a1'].pk}",
        "subject": "某村候选人",
        "content": "选举前挨家挨户送购物卡拉票。",
        "anonymous": "on",
    }
    data.update(overrides)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post("/report/", data, **(meta or {}))


def _code(response) -> str:
    match = re.search(r'id="receipt-code"[^>]*>([A-Z0-9-]+)<', response.content.decode())
    assert match, "no receipt code on the page"
    return match.group(1)


def test_first_step_lists_the_counties(client, world):
    response = client.get("/report/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "和林格尔县" in text and "清水河县" in text
    assert 'method="get"' in text


def test_report_form_groups_the_county_units_by_township(client, world):
    response = client.get(f"/report/?county={world['county_a'].pk}")
    text = response.content.decode()
    assert '<optgroup label="城关镇">' in text
    assert "城关镇 · 大红城村" in text and "盛乐镇 · 盛乐村" in text
    assert "清水村" not in text
    assert "<script" not in text  # works without JavaScript
    assert 'enctype="multipart/form-data"' in text
    assert "csrfmiddlewaretoken" in text


def test_anonymous_report_gives_a_receipt_code(client, world):
    response = _post(client, world)
    assert response.status_code == 200
    code = _code(response)
    assert "请立即抄写或截图保存查询码" in response.content.decode()
    report = Report.objects.get()
    assert report.receipt_hash == receipt_digest(code.replace("-", ""))
    assert code.replace("-", "") not in str(Report.objects.values().get())
    assert report.channel == Report.Channel.WEB
    assert report.received_by is None
    assert report.anonymous is True
    assert report.township == world["township_a"]
    assert list(report.units.all()) == [world["unit_a1"]]
    assert not ReporterIdentity.objects.exists()
    assert response["Cache-Control"].startswith("max-age=0")


def test_township_as_a_whole_can_be_chosen(client, world):
    _post(client, world, place=f"t{world['township_b'].pk}")
    report = Report.objects.get()
    assert report.township == world["township_b"]
    assert not report.units.exists()


def test_real_name_report_seals_the_identity_and_does_not_show_it(client, world):
    response = _post(client, world, anonymous=None, **REPORTER)
    assert response.status_code == 200
    assert not leaks(response.content)
    report = Report.objects.get()
    assert report.anonymous is False
    sealed = ReporterIdentity.objects.get(report=report)
    assert not leaks(sealed.sealed)
    assert sealed.reporter_hash


def test_anonymous_report_with_identity_is_refused(client, world):
    response = _post(client, world, name="张三", phone="13800138000")
    assert "您选择了匿名举报，请清空身份信息" in response.content.decode()
    assert not Report.objects.exists()


def test_real_name_report_without_identity_is_refused(client, world):
    response = _post(client, world, anonymous=None)
    assert "实名举报请填写姓名和联系电话" in response.content.decode()
    assert not Report.objects.exists()


def test_wrong_id_number_is_refused_in_chinese(client, world):
    response = _post(
        client, world, anonymous=None, name="张三", phone="13800138000", id_number="1234"
    )
    assert "公民身份号码应为 18 位" in response.content.decode()
    assert not Report.objects.exists()


def test_unit_of_another_county_is_refused(client, world):
    response = _post(client, world, place=f"u{world['unit_c1'].pk}")
    assert response.status_code == 200
    assert "请从列表中选择" in response.content.decode()
    assert not Report.objects.exists()


def test_post_without_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    response = _post(client, world)
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_post_with_the_form_token_is_accepted(world):
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/report/?county={world['county_a'].pk}").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = _post(client, world, csrfmiddlewaretoken=token)
    assert response.status_code == 200
    assert Report.objects.count() == 1


# --- Attachments ----------------------------------------------------------------------------


def _files(*items):
    return [SimpleUploadedFile(name, body) for name, body in items]


def _media_files(settings):
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_pdf_jpg_and_png_are_stored_under_a_name_from_their_type(client, world, settings):
    files = _files(("证据 张三.pdf", PDF), ("photo.jpeg", JPG), ("截图.png", PNG))
    response = _post(client, world, attachments=files)
    assert response.status_code == 200
    report = Report.objects.get()
    names = sorted(a.original_name for a in report.attachments.all())
    assert names == ["附件1.pdf", "附件2.jpg", "附件3.png"]
    for attachment in report.attachments.all():
        assert attachment.file.name.startswith(f"discipline/{report.pk}/")
        assert "张三" not in attachment.file.name
    assert len(_media_files(settings)) == 3


def test_a_reported_photo_is_stored_without_where_it_was_taken(client, world):
    """A phone's photo carries its GPS position, which can name the reporter's home."""
    response = _post(client, world, attachments=_files(("现场.jpg", jpg_with_gps())))
    assert response.status_code == 200
    (attachment,) = Report.objects.get().attachments.all()
    with attachment.file.open("rb") as stored:
        image = Image.open(BytesIO(unseal_bytes(stored.read())))  # stripped, then encrypted
    assert image.format == "JPEG" and not image.getexif()


@pytest.mark.parametrize(
    ("files", "message"),
    [
        pytest.param([("big.pdf", PDF + b"0" * (5 * 1024 * 1024))], "超过 5 MB", id="over 5 MB"),
        pytest.param([("evil.pdf", b"MZ\x90\x00binary")], "不是 PDF、JPG 或 PNG", id="exe as pdf"),
        pytest.param([("page.html", b"<html></html>")], "不是 PDF、JPG 或 PNG", id="html"),
        pytest.param([(f"{n}.png", PNG) for n in range(4)], "最多上传 3 个附件", id="four files"),
    ],
)
def test_bad_attachments_are_refused_and_nothing_is_saved(client, world, settings, files, message):
    response = _post(client, world, attachments=_files(*files))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Report.objects.exists()
    assert not ReportAttachment.objects.exists()
    assert _media_files(settings) == []


def test_one_bad_file_among_good_ones_refuses_them_all(client, world, settings):
    files = _files(("ok.png", PNG), ("bad.gif", b"GIF89a"))
    response = _post(client, world, attachments=files)
    assert "“bad.gif”不是 PDF" in response.content.decode()
    assert not Report.objects.exists()
    assert _media_files(settings) == []


def test_attachments_are_not_served(client, world):
    _post(client, world, attachments=_files(("a.pdf", PDF)))
    name = ReportAttachment.objects.get().file.name
    assert client.get(f"/media/{name}").status_code == 404
    assert client.get(f"/{name}").status_code == 404


# --- Status with the receipt code --------------------------------------------------------------


def test_status_shows_only_the_public_stage_and_date(client, world):
    code = _code(_post(client, world))
    report = Report.objects.get()
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.CHECKED,
        check_findings="核查组查明某某送卡属实",
        check_group="第一核查组",
    )
    response = client.post("/report/status/", {"code": code.lower()})
    text = response.content.decode()
    assert response.status_code == 200
    assert "核查中" in text
    assert f"{report.received_at:%Y}年" in text
    for hidden in ("核查组查明", "第一核查组", "购物卡", "某村候选人", "大红城村"):
        assert hidden not in text
    assert code not in text and code.replace("-", "") not in text


def test_unknown_code_gets_the_generic_answer(client, world):
    response = client.post("/report/status/", {"code": "ABCD-EFGH-JKLM"})
    assert "未找到与该查询码对应的举报" in response.content.decode()


def test_status_is_never_looked_up_from_the_url(client, world):
    code = _code(_post(client, world))
    response = client.get(f"/report/status/?code={code}")
    assert response.status_code == 200
    assert "已受理" not in response.content.decode()


# --- Rate limits --------------------------------------------------------------------------------


def test_reports_beyond_the_limit_get_429(client, world, settings):
    settings.DISCIPLINE_RATE_LIMITS = {"report": (2, 3600)}
    assert _post(client, world).status_code == 200
    assert _post(client, world).status_code == 200
    response = _post(client, world)
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    assert response["Retry-After"] == "3600"
    assert Report.objects.count() == 2


def test_refused_submissions_count_against_the_form_limit(client, world, settings):
    settings.DISCIPLINE_RATE_LIMITS = {"report_post": (3, 3600)}
    for _ in range(3):
        assert _post(client, world, subject="").status_code == 200
    assert _post(client, world).status_code == 429
    assert not Report.objects.exists()


def test_status_lookups_beyond_the_limit_get_429(client, world, settings):
    settings.DISCIPLINE_RATE_LIMITS = {"status": (3, 3600)}
    for _ in range(3):
        assert client.post("/report/status/", {"code": "AAAABBBBCCCC"}).status_code == 200
    response = client.post("/report/status/", {"code": "AAAABBBBCCCC"})
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()


def test_limits_are_per_client_address(client, world, settings):
    settings.DISCIPLINE_RATE_LIMITS = {"status": (1, 3600)}
    assert client.post("/report/status/", {"code": "X"}, REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.post("/report/status/", {"code": "X"}, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.post("/report/status/", {"code": "X"}, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_clients_behind_a_trusted_proxy_have_separate_limits(client, world, settings):
    settings.DISCIPLINE_RATE_LIMITS = {"report": (1, 3600)}
    settings.TRUSTED_PROXY_ADDRESSES = ["10.9.0.0/24"]
    proxy = {"REMOTE_ADDR": "10.9.0.5"}

    def send(forwarded):
        meta = {"HTTP_X_FORWARDED_FOR": forwarded, **proxy}
        return _post(client, world, meta).status_code

    assert send("198.51.100.1") == 200
    assert send("198.51.100.2") == 200  # another villager behind the same proxy
    assert send("198.51.100.1") == 429
    # What the client itself wrote in the header (left of what the proxy appended) is ignored.
    assert send("203.0.113.99, 198.51.100.2") == 429
    assert Report.objects.count() == 2


def test_forged_forwarded_for_from_an_untrusted_peer_is_ignored(client, world, settings):
    settings.DISCIPLINE_RATE_LIMITS = {"report": (1, 3600)}
    settings.TRUSTED_PROXY_ADDRESSES = ["10.9.0.0/24"]
    direct = {"REMOTE_ADDR": "198.51.100.7"}
    assert _post(client, world, {"HTTP_X_FORWARDED_FOR": "1.1.1.1", **direct}).status_code == 200
    # A fresh forged address does not buy a fresh allowance: same bucket as the real address.
    assert _post(client, world, {"HTTP_X_FORWARDED_FOR": "2.2.2.2", **direct}).status_code == 429
    assert _post(client, world, direct).status_code == 429
    assert Report.objects.count() == 1


def test_the_cache_holds_no_client_address(rf, settings):
    # An in-memory cache whose keys can be listed (CI otherwise runs against Redis).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    request = rf.post("/report/status/", REMOTE_ADDR="203.0.113.7")
    ratelimit.count(request, "status")
    assert not [k for k in cache._cache if "203.0.113.7" in k]
