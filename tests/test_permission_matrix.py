"""Every URL × every persona → the expected status. A URL without a row fails."""

import shutil

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from renewal.kit.exports import export_dir
from renewal.models import ExportJob
from tests import (
    matrix_aftercare,
    matrix_ballots,
    matrix_candidates,
    matrix_discipline_cases,
    matrix_discipline_intake,
    matrix_notices,
    matrix_rollup,
    matrix_roster,
    matrix_villagers_bodies,
    matrix_villagers_setup,
    matrix_villagers_vote,
)
from tests.fixtures import build_pending_change, build_personas, build_world

PERSONAS = [
    "anon",
    "staff_a",
    "leader_a",
    "staff_b",
    "reviewer",
    "reviewer_other",
    "discipline",
    "city_reviewer",
    "province_reviewer",
    "dept",
    "admin",
]


def expect(
    anon=302,
    staff_a=200,
    leader_a=None,
    staff_b=None,
    reviewer=None,
    reviewer_other=None,
    discipline=None,
    city_reviewer=None,
    province_reviewer=None,
    dept=None,
    admin=None,
):
    """Statuses per persona; unspecified ones default to their nearest peer."""
    leader_a = staff_a if leader_a is None else leader_a
    staff_b = staff_a if staff_b is None else staff_b
    reviewer = staff_a if reviewer is None else reviewer
    reviewer_other = staff_b if reviewer_other is None else reviewer_other
    discipline = reviewer if discipline is None else discipline
    # City and province reviewers (组织部 above the county) hold a read-only grant over both
    # counties of the world: they read what the county reviewer reads (unit A1 included) and
    # change nothing. Where the county reviewer is refused, so are they (the discipline
    # officer's own pages); where the county reviewer and the read-only discipline officer
    # agree, so do they; where only the discipline officer is refused, it is a write and
    # refuses them too (the villagers' elections, which refuse discipline by role, use
    # villagers_expect).
    if city_reviewer is None:
        city_reviewer = reviewer if reviewer in (403, 404) or reviewer == discipline else discipline
    province_reviewer = city_reviewer if province_reviewer is None else province_reviewer
    dept = 404 if dept is None else dept
    admin = 200 if admin is None else admin
    return dict(
        anon=anon,
        staff_a=staff_a,
        leader_a=leader_a,
        staff_b=staff_b,
        reviewer=reviewer,
        reviewer_other=reviewer_other,
        discipline=discipline,
        city_reviewer=city_reviewer,
        province_reviewer=province_reviewer,
        dept=dept,
        admin=admin,
    )


def villagers_expect(**statuses):
    """The villagers' elections refuse discipline officers by role (404), so the reviewers
    above the county follow the county reviewer instead, read-only: what the county reviewer
    changes (302) answers them 403."""
    row = expect(**statuses)
    if "city_reviewer" not in statuses:
        read_only = 403 if row["reviewer"] == 302 else row["reviewer"]
        row["city_reviewer"] = read_only
        row["province_reviewer"] = statuses.get("province_reviewer", read_only)
    return row


# name: (method, path builder, post data, expected)
A1 = lambda w, x: w["unit_a1"].pk  # noqa: E731
MATRIX = {
    "login": ("get", lambda w, x: "/login/", None, expect(anon=200, staff_a=200, dept=200)),
    "logout": (
        "post",
        lambda w, x: "/logout/",
        {},
        expect(anon=302, staff_a=302, dept=302, admin=302),
    ),
    "renewal:home": ("get", lambda w, x: "/", None, expect(dept=200)),
    "renewal:keep-alive": (
        "post",
        lambda w, x: "/account/keep-alive/",
        {},
        expect(anon=302, staff_a=204, dept=204, admin=204),
    ),
    # The security log: system administrators only; nobody else finds it.
    "renewal:security-events": (
        "get",
        lambda w, x: "/security/events/",
        None,
        expect(anon=302, staff_a=404, dept=404, admin=200),
    ),
    "renewal:security-events-export": (
        "post",
        lambda w, x: "/security/events/export/",
        {"kind": "login"},
        expect(anon=302, staff_a=404, dept=404, admin=302),
    ),
    "renewal:unit-list": ("get", lambda w, x: "/units/", None, expect(dept=403)),
    "renewal:unit-create": (
        "get",
        lambda w, x: "/units/new/",
        None,
        expect(staff_a=200, reviewer=403, reviewer_other=403, discipline=403, dept=403),
    ),
    "renewal:unit-export": (
        "post",
        lambda w, x: "/units/export/",
        {"kind": "village"},
        expect(staff_a=302, dept=403, admin=302),
    ),
    "renewal:unit-detail": (
        "get",
        lambda w, x: f"/units/{A1(w, x)}/",
        None,
        expect(staff_a=200, staff_b=404, reviewer=200, reviewer_other=404),
    ),
    "renewal:unit-edit": (
        "get",
        lambda w, x: f"/units/{A1(w, x)}/edit/",
        None,
        expect(staff_a=200, staff_b=404, reviewer=403, reviewer_other=404, discipline=403),
    ),
    "renewal:branch-edit": (
        "get",
        lambda w, x: f"/units/{A1(w, x)}/branch/",
        None,
        expect(staff_a=200, staff_b=404, reviewer=403, reviewer_other=404, discipline=403),
    ),
    "renewal:risk-add": (
        "post",
        lambda w, x: f"/units/{A1(w, x)}/risks/",
        {"category": "dispute", "description": "土地纠纷"},
        expect(
            staff_a=302, staff_b=404, reviewer=403, reviewer_other=404, discipline=403, admin=302
        ),
    ),
    "renewal:risk-delete": (
        "post",
        lambda w, x: f"/units/{A1(w, x)}/risks/{w['risk_a1'].pk}/delete/",
        {"confirmed": "1"},
        expect(
            staff_a=302, staff_b=404, reviewer=403, reviewer_other=404, discipline=403, admin=302
        ),
    ),
    "renewal:seat-change-create": (
        "get",
        lambda w, x: f"/units/{A1(w, x)}/seats/",
        None,
        expect(staff_a=200, staff_b=404, reviewer=403, reviewer_other=404, discipline=403),
    ),
    "renewal:unit-history": (
        "get",
        lambda w, x: f"/units/{A1(w, x)}/history/",
        None,
        expect(staff_a=403, staff_b=404, reviewer=200, reviewer_other=404, discipline=403),
    ),
    "renewal:seat-change-list": ("get", lambda w, x: "/seat-changes/", None, expect(dept=403)),
    "renewal:seat-change-decide": (
        "get",
        lambda w, x: f"/seat-changes/{x['pending_change'].pk}/decide/",
        None,
        expect(
            staff_a=403, leader_a=200, staff_b=404, reviewer=403, reviewer_other=404, discipline=403
        ),
    ),
    "renewal:round-list": ("get", lambda w, x: "/rounds/", None, expect(dept=403)),
    "renewal:password-change": (
        "get",
        lambda w, x: "/account/password/",
        None,
        expect(dept=200),  # everyone changes their own password
    ),
    # Everyone may bind a second factor of their own; nobody here has one to verify or renew,
    # so those two send back to the binding page.
    "renewal:second-factor": (
        "get",
        lambda w, x: "/account/second-factor/",
        None,
        expect(dept=200),
    ),
    "renewal:second-factor-verify": (
        "get",
        lambda w, x: "/account/second-factor/verify/",
        None,
        expect(staff_a=302, dept=302, admin=302),
    ),
    "renewal:second-factor-codes": (
        "post",
        lambda w, x: "/account/second-factor/recovery-codes/",
        {"code": "123456"},
        expect(staff_a=302, dept=302, admin=302),
    ),
    "renewal:round-detail": (
        "get",
        lambda w, x: f"/rounds/{w['round'].pk}/",
        None,
        expect(staff_a=200, staff_b=200, reviewer_other=404),
    ),
    "renewal:export-detail": (
        "get",
        lambda w, x: f"/exports/{x['job'].pk}/",
        None,
        expect(staff_a=200, leader_a=404, staff_b=404, reviewer=404, admin=404),
    ),
    "renewal:export-download": (
        "get",
        lambda w, x: f"/exports/{x['job'].pk}/download/",
        None,
        expect(staff_a=200, leader_a=404, staff_b=404, reviewer=404, admin=404),
    ),
    # The job is done: its owner is sent back to it with the reason; nobody else finds it.
    "renewal:export-retry": (
        "post",
        lambda w, x: f"/exports/{x['job'].pk}/retry/",
        None,
        expect(staff_a=302, leader_a=404, staff_b=404, reviewer=404, admin=404),
    ),
}
MATRIX.update(matrix_candidates.rows(expect))
MATRIX.update(matrix_ballots.rows(expect))
MATRIX.update(matrix_discipline_intake.rows(expect))
MATRIX.update(matrix_discipline_cases.rows(expect))
MATRIX.update(matrix_villagers_setup.rows(villagers_expect))
MATRIX.update(matrix_villagers_vote.rows(villagers_expect))
MATRIX.update(matrix_notices.rows(villagers_expect))
MATRIX.update(matrix_villagers_bodies.rows(villagers_expect))
MATRIX.update(matrix_aftercare.rows(expect))
MATRIX.update(matrix_rollup.rows(expect))
MATRIX.update(matrix_roster.rows(expect))
# A URL's second row, for its other method (the POST of a form page), is keyed
# "name (method)"; the walks over every URL follow the URL's own row.
SECOND_ROWS = {name for name in MATRIX if name.endswith((" (post)", " (get)"))}

# The admin site: staff only (admins); everyone else is sent to its login page.
ADMIN_ROW = (
    "get",
    lambda w, x: "/admin/",
    None,
    expect(anon=302, staff_a=302, reviewer=302, dept=302, admin=200),
)


def _names(resolver, prefix=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if p.app_name == "admin":
                yield "admin"
                continue
            yield from _names(p, prefix + (f"{p.namespace}:" if p.namespace else ""))
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + p.name


def test_every_url_has_a_row():
    names = set(_names(get_resolver()))
    missing = names - set(MATRIX) - {"admin"}
    assert not missing, f"URLs without a permission-matrix row: {sorted(missing)}"


def build_extras(world, personas):
    job = ExportJob.objects.create(
        user=personas["staff_a"], status=ExportJob.Status.DONE, file_name="matrix-test.xlsx"
    )
    (export_dir() / job.file_name).write_bytes(b"PK test")
    return {
        "pending_change": build_pending_change(world, personas),
        "job": job,
        **matrix_candidates.candidate_extras(world, personas),
        **matrix_ballots.ballots_extras(world, personas),
        **matrix_discipline_intake.extras(world, personas),
        **matrix_discipline_cases.extras(world, personas),
        **matrix_villagers_setup.extras(world, personas),
        **matrix_villagers_vote.extras(world, personas),
        **matrix_notices.extras(world, personas),
        **matrix_villagers_bodies.extras(world, personas),
        **matrix_aftercare.extras(world, personas),
        **matrix_rollup.extras(world, personas),
        **matrix_roster.extras(world, personas),
    }


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """world, personas and extras, built once for this module.

    They are written inside a transaction that stays open until the module ends and is then
    rolled back. Each test runs in a savepoint of it (the `db` fixture nests in the open
    transaction), so whatever a request changes is undone before the next test, and every
    request sees the same world. on_commit callbacks never run, as in any `db` test.
    Files the extras write go to a media directory of their own, copied for each test.
    """
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world()
            personas = build_personas(world)
            extras = build_extras(world, personas)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield world, personas, extras, media
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def matrix(shared_world, db, settings, tmp_path):
    """The shared world for one test: a savepoint (`db`), its own copy of the media files,
    an empty cache (the public report pages count requests per address in it)."""
    world, personas, extras, media = shared_world
    settings.MEDIA_ROOT = str(shutil.copytree(media, tmp_path / "media"))
    cache.clear()
    return world, personas, extras


def log_in(client, personas, persona):
    """Log in as a fresh copy of the persona: nothing cached on a user object carries over."""
    if personas[persona] is not None:
        client.force_login(get_user_model().objects.get(pk=personas[persona].pk))


CASES = [(name, persona) for name in MATRIX for persona in PERSONAS] + [
    ("admin", persona) for persona in PERSONAS
]


@pytest.mark.parametrize(("name", "persona"), CASES)
def test_permission_matrix(client, matrix, name, persona):
    world, personas, extras = matrix
    method, build, data, expected = ADMIN_ROW if name == "admin" else MATRIX[name]
    log_in(client, personas, persona)
    path = build(world, extras)
    if callable(data):
        data = data(world, extras)
    response = getattr(client, method)(path, data or {})
    assert response.status_code == expected[persona], (
        f"{name} as {persona}: {response.status_code} != {expected[persona]}"
    )
    if persona == "anon" and response.status_code == 302 and name not in ("logout", "admin"):
        assert response["Location"].startswith("/login/")


# Personas that only some rows name (a row's statuses for them sit beside the others'):
# the supervision rows' reviewer of a second city and reviewer who is no group's member.
EXTRA_PERSONAS = matrix_aftercare.EXTRA_PERSONAS
EXTRA_CASES = [
    (name, persona)
    for name, row in MATRIX.items()
    for persona in EXTRA_PERSONAS
    if persona in row[3]
]


def test_every_supervision_row_names_the_extra_personas():
    rows = [name for name in MATRIX if name.startswith("aftercare:supervision")]
    assert rows and all(set(EXTRA_PERSONAS) <= set(MATRIX[name][3]) for name in rows)


@pytest.mark.parametrize(("name", "persona"), EXTRA_CASES)
def test_permission_matrix_extra_personas(client, matrix, name, persona):
    world, _personas, extras = matrix
    method, build, data, expected = MATRIX[name]
    log_in(client, extras["ac_personas"], persona)
    if callable(data):
        data = data(world, extras)
    response = getattr(client, method)(build(world, extras), data or {})
    assert response.status_code == expected[persona], (
        f"{name} as {persona}: {response.status_code} != {expected[persona]}"
    )


def test_a_second_citys_reviewer_lists_none_of_the_first_citys_groups(client, matrix):
    """The list shows each city reviewer their own city's groups only; the member persona
    and the reviewer who is no member read the same."""
    _world, personas, extras = matrix
    shown = {}
    for persona, users in (
        ("city_reviewer", personas),
        ("city_plain", extras["ac_personas"]),
        ("city_reviewer_b", extras["ac_personas"]),
    ):
        log_in(client, users, persona)
        page = client.get("/supervision/").content.decode()
        shown[persona] = (extras["ac_supervision"].name in page, "固阳督查组" in page)
    assert shown == {
        "city_reviewer": (True, False),
        "city_plain": (True, False),
        "city_reviewer_b": (False, True),
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_fragments_follow_the_matrix(client, matrix, persona):
    """htmx fragments answer exactly like their pages."""
    _world, personas, _extras = matrix
    log_in(client, personas, persona)
    response = client.get("/units/", HTTP_HX_REQUEST="true")
    assert response.status_code == MATRIX["renewal:unit-list"][3][persona]
