"""Staff intake, the shipped catalogues and the informants registry."""

import logging
import re

import pytest
from django.core.cache import cache
from pghistory.models import Events

from discipline import access, catalogues
from discipline.intake import services
from discipline.models import Informant, ProhibitionCatalogue, Report, ReporterIdentity
from discipline.tests import REPORTER, database_leaks, leaks
from renewal.kit import uploads
from renewal.models import AccessLog, DomainError
from tests.fixtures import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    cache.clear()
    settings.MEDIA_ROOT = str(tmp_path)


def _intake(client, world, **overrides):
    return client.post("/discipline/intake/new/", _intake_data(world, **overrides), follow=True)


def _intake_data(world, **overrides):
    data = {
        "channel": "phone",
        "county": world["county_a"].pk,
        "units": [world["unit_a1"].pk],
        "subject": "大红城村某候选人",
        "content": "来电反映：候选人组织吃请拉票。",
        **REPORTER,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- Catalogues ----------------------------------------------------------------------------


def test_the_four_catalogues_are_shipped_with_their_items():
    counts = {
        c.name: c.items.count()
        for c in ProhibitionCatalogue.objects.filter(
            code__in=[c["code"] for c in catalogues.CATALOGUES]
        )
    }
    assert counts == {"十二严禁": 12, "十严禁": 10, "十不准": 10, "六不准": 6}


def test_twelve_prohibitions_start_with_the_seed_text():
    items = ProhibitionCatalogue.objects.get(code="shi-er-yan-jin").items.order_by("number")
    assert items[0].text.startswith("严禁以赠送礼品、礼金、消费卡")
    assert "打击报复" in items[7].text
    assert "拒不移交印章" in items[8].text


def test_catalogue_texts_fit_the_model():
    for cat in catalogues.CATALOGUES:
        assert len(cat["source"]) <= 200 and len(cat["name"]) <= 40
        assert all(len(text) <= 300 for text in cat["items"])


# --- Recording a report ---------------------------------------------------------------------------


def test_officer_records_a_phone_report_with_the_reporter_sealed(client, world, personas, caplog):
    officer = personas["discipline"]
    client.force_login(officer)
    with caplog.at_level(logging.DEBUG):
        response = _intake(client, world)
    report = Report.objects.get()
    # The receipt code is on the one page after recording; only its hash is stored.
    assert response.redirect_chain == [(f"/discipline/intake/{report.pk}/", 302)]
    code = re.search(r'id="receipt-code"[^>]*>([A-Z0-9-]+)<', response.content.decode()).group(1)
    assert report.receipt_hash == services.crypto.receipt_digest(code.replace("-", ""))
    assert not leaks(response.content)
    assert report.channel == "phone" and report.received_by == officer
    assert report.township == world["township_a"]  # taken from the unit
    assert report.anonymous is False

    page = client.get(f"/discipline/intake/{report.pk}/")
    assert page.status_code == 200
    assert code not in page.content.decode() and report.number in page.content.decode()
    assert not leaks(page.content)

    assert not leaks(caplog.text)
    assert not leaks([r.getMessage() for r in caplog.records])
    assert not leaks(list(Events.objects.references(report).values()))
    assert not AccessLog.objects.exists()
    assert not database_leaks()
    assert ReporterIdentity.objects.filter(report=report).exists()


def test_each_of_two_reports_recorded_in_turn_shows_its_own_code_once(client, world, personas):
    """Opening the second report's page first must not drop the first one's code: only its
    hash is stored, so a dropped code could never be given to the reporter."""
    client.force_login(personas["discipline"])
    client.post("/discipline/intake/new/", _intake_data(world))
    client.post("/discipline/intake/new/", _intake_data(world, subject="另一件"))
    first, second = Report.objects.order_by("pk")
    code = re.compile(r'id="receipt-code"[^>]*>([A-Z0-9-]+)<')

    shown = {}
    for report in (second, first):
        page = client.get(f"/discipline/intake/{report.pk}/").content.decode()
        shown[report.pk] = code.search(page).group(1).replace("-", "")
        again = client.get(f"/discipline/intake/{report.pk}/").content.decode()
        assert not code.search(again)  # once only
    for report in (first, second):
        assert report.receipt_hash == services.crypto.receipt_digest(shown[report.pk])


def test_anonymous_phone_report_stores_no_identity(client, world, personas):
    client.force_login(personas["discipline"])
    _intake(client, world, anonymous="on", name=None, phone=None, id_number=None, address=None)
    report = Report.objects.get()
    assert report.anonymous is True
    assert not ReporterIdentity.objects.exists()


def test_letter_with_name_and_address_only_is_real_name(client, world, personas):
    client.force_login(personas["discipline"])
    response = _intake(client, world, channel="letter", phone=None, id_number=None)
    assert response.status_code == 200 and 'id="receipt-code"' in response.content.decode()
    assert Report.objects.get().anonymous is False


def test_web_channel_is_not_offered_to_staff(client, world, personas):
    client.force_login(personas["discipline"])
    response = _intake(client, world, channel="web")
    assert response.status_code == 200
    assert not Report.objects.exists()


def test_units_of_another_county_cannot_be_chosen(client, world, personas):
    """Refused with a message of its own, not Django's generic one."""
    client.force_login(personas["discipline"])
    response = _intake(client, world, units=[world["unit_c1"].pk])
    assert "所选村(社区)不在您负责的区县内" in response.content.decode()
    assert not Report.objects.exists()


def test_township_and_unit_must_agree(client, world, personas):
    client.force_login(personas["discipline"])
    response = _intake(client, world, township=world["township_b"].pk)
    assert "“大红城村”不属于盛乐镇" in response.content.decode()
    assert not Report.objects.exists()


def test_only_discipline_officers_record_reports(client, world, personas):
    for name in ("staff_a", "leader_a", "reviewer", "dept", "admin"):
        client.force_login(personas[name])
        assert _intake(client, world).status_code == 403, name
    assert not Report.objects.exists()


def test_other_county_officer_cannot_open_the_receipt(client, world, personas):
    client.force_login(personas["discipline"])
    _intake(client, world)
    other = make_user("discipline_b", "discipline_officer", world["county_b"])
    client.force_login(other)
    assert client.get(f"/discipline/intake/{Report.objects.get().pk}/").status_code == 404


def test_service_refuses_identity_on_an_anonymous_report(world, personas):
    with pytest.raises(DomainError, match="匿名举报不能同时填写身份信息"):
        services.report_record(
            channel="visit",
            county=world["county_a"],
            subject="某人",
            content="内容",
            anonymous=True,
            identity={"name": "张三"},
            received_by=personas["discipline"],
        )


def test_service_refuses_web_reports_from_staff(world, personas):
    with pytest.raises(DomainError, match="网络举报只能通过公开举报页提交"):
        services.report_record(
            channel="web",
            county=world["county_a"],
            subject="某人",
            content="内容",
            anonymous=True,
            received_by=personas["discipline"],
        )


@pytest.mark.parametrize(
    ("raw", "code"),
    [("abcd-efgh-jklm", "ABCDEFGHJKLM"), (" ABCD EFGH JKLM ", "ABCDEFGHJKLM"), ("", "")],
)
def test_receipt_codes_are_read_leniently(raw, code):
    assert services.receipt_normalize(raw) == code


def test_receipt_code_is_shown_in_groups_of_four():
    assert services.receipt_display("ABCDEFGHJKLM") == "ABCD-EFGH-JKLM"


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7", "pdf"),
        (b"\xff\xd8\xff\xdb", "jpg"),
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"GIF89a", None),
        (b"PK\x03\x04", None),  # a zip / docx
        (b"", None),
    ],
)
def test_attachment_type_comes_from_the_magic_bytes(head, kind):
    assert uploads.attachment_kind(head) == kind


# --- Informants ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("groups", "informant_groups", "covered", "missing", "complete"),
    [
        pytest.param(3, [1, 2, 3], 3, (), True, id="one per group is full coverage"),
        pytest.param(3, [1, 1, 3], 2, (2,), False, id="two in one group do not cover another"),
        pytest.param(2, [1, 2, 5], 2, (), True, id="numbers beyond the groups are ignored"),
        pytest.param(4, [], 0, (1, 2, 3, 4), False, id="no informants"),
        pytest.param(0, [], 0, (), False, id="groups not recorded is never complete"),
    ],
)
def test_coverage(groups, informant_groups, covered, missing, complete):
    result = services.coverage(groups, informant_groups)
    assert (result.covered, result.missing, result.complete) == (covered, missing, complete)


def test_informant_group_must_exist_in_the_unit(world):
    unit = world["unit_a1"]  # 6 groups
    with pytest.raises(DomainError, match="共有 6 个村民小组"):
        services.informant_add(unit=unit, group_number=7, name="李四")


def test_same_informant_twice_in_a_group_is_refused(world):
    unit = world["unit_a1"]
    services.informant_add(unit=unit, group_number=1, name="李四", phone="13800138000")
    with pytest.raises(DomainError, match="已是第 1 村民小组的在任民情直报员"):
        services.informant_add(unit=unit, group_number=1, name="李四")


def test_registry_highlights_units_with_uncovered_groups(client, world, personas):
    unit = world["unit_a1"]
    for group in range(1, 7):
        services.informant_add(unit=unit, group_number=group, name=f"直报员{group}")
    services.informant_add(unit=world["unit_b1"], group_number=2, name="王五")
    client.force_login(personas["discipline"])
    text = client.get("/discipline/informants/").content.decode()
    assert "大红城村" in text and "盛乐村" in text and "清水村" not in text
    assert "全覆盖" in text
    assert "第 1、3、4、5、6 组" in text

    gaps = client.get("/discipline/informants/?gaps=1").content.decode()
    assert "盛乐村" in gaps and "大红城村" not in gaps

    only_b = client.get(f"/discipline/informants/?township={world['township_b'].pk}")
    assert "大红城村" not in only_b.content.decode()


def test_unit_page_masks_informant_phones_and_adds_one(client, world, personas):
    unit = world["unit_a1"]
    services.informant_add(unit=unit, group_number=1, name="李四", phone="13800138000")
    client.force_login(personas["discipline"])
    text = client.get(f"/discipline/informants/units/{unit.pk}/").content.decode()
    assert "138****8000" in text and "13800138000" not in text

    response = client.post(
        f"/discipline/informants/units/{unit.pk}/",
        {"group_number": "2", "name": "赵六", "phone": "13900001111"},
    )
    assert response.status_code == 302
    assert Informant.objects.filter(unit=unit, group_number=2, name="赵六").exists()


def test_deactivated_informant_no_longer_covers_the_group(client, world, personas):
    unit = world["unit_a1"]
    informant = services.informant_add(unit=unit, group_number=1, name="李四")
    client.force_login(personas["discipline"])
    url = f"/discipline/informants/{informant.pk}/deactivate/"
    assert "设为不在任后不能恢复" in client.post(url).content.decode()  # asked first
    informant.refresh_from_db()
    assert informant.active is True
    response = client.post(url, {"confirmed": "1"})
    assert response.status_code == 302
    informant.refresh_from_db()
    assert informant.active is False
    rows = services.informant_coverage(access.units_for_officer(personas["discipline"]))
    assert {u.pk: c.covered for u, c, _n in rows}[unit.pk] == 0


def test_informants_of_another_county_are_out_of_reach(client, world, personas):
    other = services.informant_add(unit=world["unit_c1"], group_number=1, name="孙七")
    client.force_login(personas["discipline"])
    assert client.get(f"/discipline/informants/units/{world['unit_c1'].pk}/").status_code == 404
    url = f"/discipline/informants/{other.pk}/deactivate/"
    assert client.post(url, {"confirmed": "1"}).status_code == 404
    other.refresh_from_db()
    assert other.active is True
