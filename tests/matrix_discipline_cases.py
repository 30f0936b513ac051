"""Permission-matrix rows for the discipline cases, dashboard, ledger, pledges and talks
(see test_permission_matrix.py).

Case pages are for county A's discipline officer only: other users get 403 on lists and
404 on objects (superusers included). Pledges and talks follow the unit's region scope.
"""

import datetime

from discipline.models import LedgerImportJob, Report


def _ledger_job(world, user) -> LedgerImportJob:
    """A ledger import of `user` waiting for confirmation."""
    return LedgerImportJob.objects.create(
        user=user,
        county=world["county_a"],
        original_name="台账.xlsx",
        status=LedgerImportJob.Status.PREVIEW,
        summary={"rows": 1, "created": 1, "existing": 0, "matched": 0, "marked": []},
    )


def extras(world, personas):
    report = Report.objects.create(
        channel=Report.Channel.PHONE,
        county=world["county_a"],
        township=world["township_a"],
        subject="矩阵测试案件",
        content="反映拉票。",
    )
    return {"case": report, "ledger_job": _ledger_job(world, personas["discipline"])}


def rows(expect):
    R = lambda x: x["case"].pk  # noqa: E731
    J = lambda x: x["ledger_job"].pk  # noqa: E731
    A1 = lambda w: w["unit_a1"].pk  # noqa: E731
    today = datetime.date.today().isoformat()
    officers_page = expect(staff_a=403, reviewer=403, discipline=200, dept=403, admin=403)
    officers_object = expect(staff_a=404, reviewer=404, discipline=200, admin=404)
    officers_post = expect(staff_a=404, reviewer=404, discipline=302, admin=404)
    unit_write = expect(
        staff_a=302, staff_b=404, reviewer=403, reviewer_other=404, discipline=403, admin=302
    )
    return {
        "discipline:case-list": ("get", lambda w, x: "/discipline/cases/", None, officers_page),
        "discipline:case-detail": (
            "get",
            lambda w, x: f"/discipline/cases/{R(x)}/",
            None,
            officers_object,
        ),
        "discipline:case-action": (
            "post",
            lambda w, x: f"/discipline/cases/{R(x)}/assign/",
            {"assign-check_group": "第一核查组"},
            officers_post,
        ),
        "discipline:dashboard": (
            "get",
            lambda w, x: "/discipline/dashboard/",
            None,
            officers_page,
        ),
        "discipline:coverage": (
            "get",
            lambda w, x: "/discipline/coverage/",
            None,
            expect(dept=403),
        ),
        "discipline:unit-pledges-talks": (
            "get",
            lambda w, x: f"/discipline/units/{A1(w)}/",
            None,
            expect(staff_a=200, staff_b=404, reviewer=200, reviewer_other=404),
        ),
        "discipline:pledge-record": (
            "post",
            lambda w, x: f"/discipline/units/{A1(w)}/pledge/",
            {"decision": "sign", "signed_on": today},  # access is decided before the form
            unit_write,
        ),
        "discipline:talk-record": (
            "post",
            lambda w, x: f"/discipline/units/{A1(w)}/talk/",
            lambda w, x: {
                "person": x["candidacy"].person_id,  # a candidate, in the talk-before range
                "phase": "before",
                "held_on": today,
                "talked_by": "镇党委书记",
            },
            unit_write,
        ),
        "discipline:ledger": ("get", lambda w, x: "/discipline/ledger/", None, officers_page),
        "discipline:ledger-template": (
            "get",
            lambda w, x: "/discipline/ledger/template.xlsx",
            None,
            officers_page,
        ),
        "discipline:ledger-import-job": (
            "get",
            lambda w, x: f"/discipline/ledger/imports/{J(x)}/",
            None,
            officers_object,
        ),
        "discipline:ledger-import-confirm": (
            "post",
            lambda w, x: f"/discipline/ledger/imports/{J(x)}/confirm/",
            {},
            officers_post,
        ),
        "discipline:ledger-import-cancel": (
            "post",
            lambda w, x: f"/discipline/ledger/imports/{J(x)}/cancel/",
            {},
            officers_post,
        ),
    }
