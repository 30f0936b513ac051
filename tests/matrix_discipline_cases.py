"""Permission-matrix rows for the discipline cases, dashboard, ledger, pledges and talks
(see test_permission_matrix.py).

Case pages are for county A's discipline officer only: other users get 403 on lists and
404 on objects (superusers included). Pledges and talks follow the unit's region scope.
"""

import datetime
import uuid

from discipline.ledger import services as ledger
from discipline.models import Report
from renewal.kit.idcard import make_id_number


def _ledger_file(user) -> str:
    """A clean stored upload of `user`, as ledger_upload leaves it; returns its token."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append([header for _key, header in ledger.COLUMNS])
    wb.active.append(
        [
            "矩阵测试",
            make_id_number("152622", datetime.date(1970, 1, 1), 5, "M"),
            "某村会计",
            "党内警告",
            "2023-06-15",
            "县纪委",
        ]
    )
    token = uuid.uuid4().hex
    wb.save(ledger._path(user, token))
    return token


def extras(world, personas):
    report = Report.objects.create(
        channel=Report.Channel.PHONE,
        county=world["county_a"],
        township=world["township_a"],
        subject="矩阵测试案件",
        content="反映拉票。",
    )
    return {"case": report, "ledger_token": _ledger_file(personas["discipline"])}


def rows(expect):
    R = lambda x: x["case"].pk  # noqa: E731
    T = lambda x: x["ledger_token"]  # noqa: E731
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
            {"phase": "before", "held_on": today, "talked_by": "镇党委书记"},
            unit_write,
        ),
        "discipline:ledger": ("get", lambda w, x: "/discipline/ledger/", None, officers_page),
        "discipline:ledger-template": (
            "get",
            lambda w, x: "/discipline/ledger/template.xlsx",
            None,
            officers_page,
        ),
        "discipline:ledger-preview": (
            "get",
            lambda w, x: f"/discipline/ledger/uploads/{T(x)}/",
            None,
            officers_object,
        ),
        "discipline:ledger-confirm": (
            "post",
            lambda w, x: f"/discipline/ledger/uploads/{T(x)}/confirm/",
            {},
            officers_post,
        ),
        "discipline:ledger-cancel": (
            "post",
            lambda w, x: f"/discipline/ledger/uploads/{T(x)}/cancel/",
            {},
            officers_post,
        ),
    }
