"""No page or download the application answers may be stored, and every download by a
signed-in user is in the sensitive-operations log; static assets keep caching.

Every GET URL of the URLconf is requested as in tests/walk_query_fuzz.py (its matrix row's
path, as the first persona let in, on the matrix's world): pages, htmx fragments, the Excel
files, PDFs and attachments, the redirects. Each answer must forbid storing it.
"""

import pytest
from django.contrib.staticfiles import finders

from renewal.models import AccessLog
from tests import test_permission_matrix as permission_matrix
from tests.walk_query_fuzz import CASES

MATRIX, log_in = permission_matrix.MATRIX, permission_matrix.log_in
shared_world, matrix = permission_matrix.shared_world, permission_matrix.matrix


def assert_not_stored(response, label):
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "no-cache", "private"} <= directives, (
        f"{label}: Cache-Control {response.get('Cache-Control')!r}"
    )
    assert response.get("Pragma") == "no-cache", label


@pytest.mark.parametrize(("name", "persona"), CASES)
def test_every_answer_forbids_storing(client, matrix, name, persona):
    world, personas, extras = matrix
    _method, build, _data, _expected = MATRIX[name]
    log_in(client, personas, persona)
    path = build(world, extras)
    response = client.get(path)
    assert_not_stored(response, f"{name} as {persona} ({response.status_code})")
    if response.status_code == 200 and response.has_header("Content-Disposition"):
        logged = AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD, target=path)
        assert logged.exists() == (persona != "anon"), f"{name} as {persona}: download log"


def test_downloads_are_walked():
    """The walk reaches the files that carry ID numbers: Excel exports, PDFs, attachments."""
    walked = {name for name, _persona in CASES}
    assert {
        "renewal:export-download",
        "rollup:notice-xlsx",
        "ballots:congress-report-pdf",
        "ballots:round-pdf",
        "candidates:vetting-attachment",
        "aftercare:rectification-attachment",
        "discipline:report-attachment",
    } <= walked


def test_download_headers(client, matrix):
    """An Excel export (FileResponse) and a PDF (HttpResponse with Content-Disposition)."""
    world, personas, extras = matrix
    log_in(client, personas, "staff_a")
    for name in ("renewal:export-download", "ballots:congress-report-pdf"):
        path = MATRIX[name][1](world, extras)
        response = client.get(path)
        assert response.status_code == 200 and response.has_header("Content-Disposition")
        assert_not_stored(response, name)
        log = AccessLog.objects.get(action=AccessLog.Action.DOWNLOAD, target=path)
        assert log.user == personas["staff_a"] and log.detail["page"] == name
        assert log.detail["file"].endswith((".xlsx", ".pdf"))
        assert log.detail["file"] == _sent_name(response), log.detail  # Chinese names read


@pytest.mark.parametrize("persona", ["anon", "staff_a"])
def test_error_pages_and_fragments_forbid_storing(client, matrix, persona):
    _world, personas, _extras = matrix
    log_in(client, personas, persona)
    assert_not_stored(client.get("/no-such-page/"), "404")
    assert_not_stored(client.get("/units/", HTTP_HX_REQUEST="true"), "htmx fragment")
    assert_not_stored(client.get("/login/"), "login page")


@pytest.mark.parametrize("persona", ["anon", "staff_a"])
def test_static_assets_keep_their_caching(client, matrix, persona):
    _world, personas, _extras = matrix
    log_in(client, personas, persona)
    assert finders.find("css/app.css")
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    cache_control = response.get("Cache-Control", "")
    assert "max-age=" in cache_control and "no-store" not in cache_control
    assert not response.has_header("Pragma")


def _sent_name(response) -> str:
    """The file name a browser shows for the download: per RFC 6266 the ``filename*``
    (RFC 5987) when there is one, else the plain ``filename`` (its ASCII fallback)."""
    from email.message import Message
    from email.utils import collapse_rfc2231_value

    message = Message()
    message["Content-Disposition"] = response["Content-Disposition"]
    names = [
        value
        for key, value in message.get_params(header="content-disposition")[1:]
        if key == "filename"
    ]
    encoded = [value for value in names if isinstance(value, tuple)]
    return collapse_rfc2231_value((encoded or names)[0]) if names else None
