"""Every page's inputs hold values a browser accepts, with stored values present.

The walk follows the URLconf: every named URL is requested (GET) with its permission-matrix
row's path, as a persona the matrix lets in, on the matrix's world with stored dates added
(tests/dated_records.py). A page's inputs are checked by tests/html_inputs.py. A URL whose
GET is not a page (a file, JSON, a redirect) is listed in NOT_PAGES with the reason, and the
test checks that it is indeed not a page; an action that only takes POST answers 405 to GET.
A new URL is walked as soon as it has its matrix row, which test_every_url_has_a_row demands.
"""

import pytest
from django.db import transaction
from django.urls import get_resolver

from renewal.models import Unit
from tests import test_permission_matrix as permission_matrix
from tests.dated_records import add_dated_records
from tests.html_inputs import input_problems, input_values

MATRIX, log_in = permission_matrix.MATRIX, permission_matrix.log_in
# The permission matrix's world, built once for this module as for that one.
shared_world, matrix = permission_matrix.shared_world, permission_matrix.matrix

# URLs whose GET answers something other than an HTML page, and why.
NOT_PAGES = {
    "renewal:export-download": "an Excel file",
    "renewal:keep-alive": "an empty answer (204) that keeps the session; POST only",
    "aftercare:rectification-attachment": "the evidence file",
    "ballots:congress-report-pdf": "a PDF",
    "ballots:round-pdf": "a PDF",
    "ballots:congress-notice-download": "an archived 公示 (PDF)",
    "ballots:tally-checks-pdf": "a PDF",
    "ballots:round-record": "the ballot record (JSON)",
    "candidates:import-template": "an Excel template",
    "candidates:reserve-import-template": "an Excel template",
    "candidates:vetting-attachment": "the vetting answer's attachment",
    "discipline:ledger-template": "an Excel template",
    "discipline:report-attachment": "a reporter's attachment (decrypted)",
    "rollup:dashboard-home": "a redirect to the user's own dashboard",
    "renewal:second-factor-verify": "a redirect: nobody in the world has a second factor bound",
    "roster:import-template": "an Excel template",
    "rollup:notice-text": "the notice as plain text, to paste into a group chat",
    "rollup:notice-xlsx": "an Excel file",
    "rollup:area-notice-text": "the notice as plain text, to paste into a group chat",
    "rollup:area-notice-xlsx": "an Excel file",
    "rollup:stat-home": "a redirect to the user's county's statistical forms",
    "rollup:stat-form-xlsx": "an Excel file",
    "villagers-results": "a permanent redirect to the new address",
    "villagers-results-page": "a permanent redirect to the new address",
    "villagers:import-template": "an Excel template",
    "villagers:notice-download": "an archived notice (PDF)",
    "villagers:notice-preview": "a PDF",
    "villagers:round-record": "the ballot record (JSON)",
    "villagers:box-tally-pdf": "a PDF (or back to the box page before candidates are fixed)",
    "villagers:round-tally-pdf": "a PDF",
    "villagers:supervision-record": "the ballot record (JSON)",
}

# The two roles that edit most: a page is walked as each of them that it lets in, so that a
# form shown to one role only (the county's timetable, a township's unit) is rendered; a page
# neither of them may open is walked as the first persona that may.
EDITORS = ("staff_a", "reviewer")
OTHERS = ("leader_a", "discipline", "dept", "admin", "anon")


def _may_open(expected: dict, method: str) -> list[str]:
    if method == "get":
        editors = [p for p in EDITORS if expected[p] == 200]
        return editors or [p for p in OTHERS if expected[p] == 200][:1]
    # An action (a POST row): its GET is asked of someone logged in whom the action does not
    # send away as a stranger (404), normally someone whose POST it accepts.
    editors = [p for p in EDITORS if expected[p] in (200, 302)]
    return editors or [p for p in OTHERS if p != "anon" and expected[p] in (200, 302, 403)][:1]


def walk_cases():
    return [
        (name, persona)
        for name, (method, _build, _data, expected) in sorted(MATRIX.items())
        if name not in NOT_PAGES and name not in permission_matrix.SECOND_ROWS
        for persona in _may_open(expected, method)
    ]


CASES = walk_cases()


def _iso(*dates):
    return {d.isoformat() if d else None for d in dates}


# Edit pages and the stored dates their forms must show: the walk would pass on pages that
# show no date at all, so these make sure the world's dates reach the forms.
STORED_DATES = {
    ("renewal:round-detail", "reviewer"): lambda w, x: _iso(
        *w["round"].stages.values_list("due_date", flat=True)
    ),
    ("renewal:unit-edit", "staff_a"): lambda w, x: _iso(
        Unit.objects.get(pk=w["unit_a1"].pk).risk_assessed_on
    ),
    ("candidates:candidacy-edit", "staff_a"): lambda w, x: _iso(
        x["candidacy"].person.birth_date, x["candidacy"].person.party_joined_on
    ),
    ("villagers:election-edit", "staff_a"): lambda w, x: _iso(x["villagers_election"].election_day),
    ("villagers:election-detail", "staff_a"): lambda w, x: _iso(
        x["villagers_election"].register_published_on
    ),
    ("aftercare:unit-audit", "staff_a"): lambda w, x: _iso(x["ac_audit"].audited_on),
    ("aftercare:rectification-edit", "staff_a"): lambda w, x: _iso(x["ac_line"].due_on),
    ("aftercare:handover-detail", "staff_a"): lambda w, x: _iso(
        x["ac_handover"].items.order_by("pk").first().handed_over_on
    ),
    ("discipline:unit-pledges-talks", "staff_a"): lambda w, x: _iso(
        x["candidacy"].pledge.signed_on
    ),
}


@pytest.fixture(scope="module")
def dated_world(shared_world, django_db_blocker):
    """The matrix's world with stored dates, added inside its open transaction (and rolled
    back with it)."""
    world, personas, extras, _media = shared_world
    with django_db_blocker.unblock(), transaction.atomic():
        extras.update(add_dated_records(world, personas, extras))
    return shared_world


@pytest.fixture
def walk(dated_world, matrix):
    return matrix


def test_every_url_is_walked_or_listed():
    names = set(permission_matrix._names(get_resolver())) - {"admin"}
    walked = {name for name, _persona in CASES}
    assert not (names - walked - set(NOT_PAGES)), (
        "URLs neither walked (no persona may open them) nor listed in NOT_PAGES: "
        f"{sorted(names - walked - set(NOT_PAGES))}"
    )
    assert not (set(NOT_PAGES) - names), f"NOT_PAGES lists gone URLs: {set(NOT_PAGES) - names}"


@pytest.mark.parametrize(("name", "persona"), CASES)
def test_page_inputs_are_browser_acceptable(client, walk, name, persona):
    world, personas, extras = walk
    method, build, _data, _expected = MATRIX[name]
    log_in(client, personas, persona)
    response = client.get(build(world, extras))
    if method == "post" and response.status_code == 405:
        return  # an action, not a page
    assert response.status_code == 200, f"{name} as {persona}: {response.status_code}"
    assert response["Content-Type"].startswith("text/html"), (
        f"{name} answers {response['Content-Type']}: list it in NOT_PAGES with the reason"
    )
    html = response.content.decode()
    problems = input_problems(html)
    assert not problems, f"{name} as {persona}:\n" + "\n".join(problems)
    if (name, persona) in STORED_DATES:
        stored = STORED_DATES[name, persona](world, extras)
        assert None not in stored and stored <= set(input_values(html, "date")), (
            f"{name} as {persona} does not show the stored dates {sorted(stored)}"
        )


@pytest.mark.parametrize("name", sorted(NOT_PAGES))
def test_listed_urls_are_not_pages(client, walk, name):
    """NOT_PAGES stays honest: a listed URL that becomes a page must be walked instead."""
    world, personas, extras = walk
    _method, build, _data, expected = MATRIX[name]
    persona = next(p for p in (*EDITORS, *OTHERS) if expected[p] in (200, 301, 302))
    log_in(client, personas, persona)
    response = client.get(build(world, extras))
    is_page = response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert not is_page, f"{name} is a page: remove it from NOT_PAGES"
