"""The reporter's identity: readable only by assigned officers with the per-case grant,
every read logged, and nowhere else: pages, fragments, audit history, logs, messages."""

import logging

import pytest
from cryptography.fernet import InvalidToken
from django.core.cache import cache
from guardian.shortcuts import assign_perm
from pghistory.models import Events

from discipline.intake import crypto, services
from discipline.models import IdentityRead, Report, ReporterIdentity
from discipline.tests import REPORTER, database_leaks, leaks, visit_report
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
    return visit_report(world, personas)


@pytest.fixture
def readers(world, personas, report):
    """The discipline persona is assigned and granted; three officers are not quite."""
    officer = personas["discipline"]
    report.officers.add(officer)
    assign_perm("discipline.view_reporter_identity", officer, report)
    assigned_only = make_user("assigned_only", "discipline_officer", world["county_a"])
    report.officers.add(assigned_only)
    granted_only = make_user("granted_only", "discipline_officer", world["county_a"])
    assign_perm("discipline.view_reporter_identity", granted_only, report)
    other_county = make_user("other_county", "discipline_officer", world["county_b"])
    report.officers.add(other_county)
    assign_perm("discipline.view_reporter_identity", other_county, report)
    return {
        **personas,
        "assigned_only": assigned_only,
        "granted_only": granted_only,
        "other_county": other_county,
    }


EXPECTED = {
    "anon": 302,
    "staff_a": 404,
    "leader_a": 404,
    "staff_b": 404,
    "reviewer": 404,
    "reviewer_other": 404,
    "discipline": 200,
    "assigned_only": 403,
    "granted_only": 403,
    "other_county": 404,
    "dept": 404,
    "admin": 404,
}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_identity_only_for_the_assigned_granted_officer(client, report, readers, persona, caplog):
    user = readers[persona]
    if user is not None:
        client.force_login(user)
    with caplog.at_level(logging.DEBUG):
        response = client.post(f"/discipline/reports/{report.pk}/identity/")
    assert response.status_code == EXPECTED[persona]
    if persona == "discipline":
        assert set(leaks(response.content)) == set(REPORTER.values())
        assert IdentityRead.objects.filter(report=report, user=user).count() == 1
        assert response["Cache-Control"].startswith("max-age=0")
    else:
        assert not leaks(response.content)
        assert not IdentityRead.objects.exists()
    assert not leaks(caplog.text)


def test_every_read_is_logged_with_who_and_when_and_no_identity(client, report, readers):
    officer = readers["discipline"]
    client.force_login(officer)
    client.post(f"/discipline/reports/{report.pk}/identity/")
    client.post(f"/discipline/reports/{report.pk}/identity/")
    reads = IdentityRead.objects.filter(report=report)
    assert reads.count() == 2
    assert {r.user_id for r in reads} == {officer.pk}
    assert all(r.at for r in reads)
    logs = AccessLog.objects.filter(user=officer)
    assert logs.count() == 2
    assert not leaks(list(logs.values()))
    assert not leaks(list(IdentityRead.objects.values()))


def test_htmx_gets_the_fragment_and_a_plain_post_the_page(client, report, readers):
    client.force_login(readers["discipline"])
    fragment = client.post(f"/discipline/reports/{report.pk}/identity/", HTTP_HX_REQUEST="true")
    assert fragment.content.decode().lstrip().startswith('<div id="reporter-identity">')
    page = client.post(f"/discipline/reports/{report.pk}/identity/")
    assert "<html" in page.content.decode()


def test_identity_cannot_be_read_with_get(client, report, readers):
    client.force_login(readers["discipline"])
    assert client.get(f"/discipline/reports/{report.pk}/identity/").status_code == 405
    assert not IdentityRead.objects.exists()


def test_anonymous_report_has_nothing_to_read(client, world, readers):
    report = services.report_record(
        channel="phone",
        county=world["county_a"],
        subject="某人",
        content="匿名来电",
        anonymous=True,
        received_by=readers["discipline"],
    )
    officer = readers["discipline"]
    report.officers.add(officer)
    assign_perm("discipline.view_reporter_identity", officer, report)
    client.force_login(officer)
    response = client.post(f"/discipline/reports/{report.pk}/identity/")
    assert "匿名举报，没有举报人身份信息" in response.content.decode()
    assert not IdentityRead.objects.exists()


def test_identity_is_sealed_under_the_discipline_key_only(report):
    sealed = ReporterIdentity.objects.get(report=report).sealed
    assert not leaks(sealed)
    assert crypto.unseal(sealed)["name"] == REPORTER["name"]
    with pytest.raises(InvalidToken):
        field_crypto.decrypt(sealed)


def test_identity_is_nowhere_else_in_the_database(client, report, readers):
    client.force_login(readers["discipline"])
    client.post(f"/discipline/reports/{report.pk}/identity/")
    report.refresh_from_db()
    assert not leaks([getattr(report, f.attname) for f in Report._meta.concrete_fields])
    assert not leaks(list(Events.objects.references(report).values()))
    assert not database_leaks()


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_no_intake_page_shows_the_identity_to_anyone(client, world, report, readers, persona):
    user = readers[persona]
    if user is not None:
        client.force_login(user)
    paths = [
        f"/discipline/intake/{report.pk}/",
        "/discipline/intake/new/",
        "/discipline/informants/",
        f"/discipline/informants/units/{world['unit_a1'].pk}/",
        "/report/",
        f"/report/?county={world['county_a'].pk}",
        "/report/status/",
    ]
    for path in paths:
        assert not leaks(client.get(path).content), path
    status = client.post("/report/status/", {"code": report.receipt_code})
    assert "已受理" in status.content.decode()
    assert not leaks(status.content)
