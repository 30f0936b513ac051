"""Permission-matrix rows for discipline intake, the public report pages, the reporter's
identity and the informants registry (see test_permission_matrix.py).

Discipline pages answer 403 to everyone but discipline officers (superusers included);
discipline objects answer 404 outside the officer's county, and to everyone else. The
matrix's discipline persona is not assigned to the report, so the identity gives 403.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from discipline.intake import services
from discipline.models import Report
from tests.files import PNG


def extras(world, personas):
    report = services.report_record(
        channel=Report.Channel.PHONE,
        county=world["county_a"],
        units=[world["unit_a1"]],
        subject="大红城村某候选人",
        content="来电反映吃请拉票。",
        anonymous=True,
        received_by=personas["discipline"],
    )
    informant = services.informant_add(unit=world["unit_a1"], group_number=1, name="李四")
    with_file = services.report_record(
        channel=Report.Channel.WEB,
        county=world["county_a"],
        subject="某村候选人",
        content="网上反映送购物卡。",
        anonymous=True,
        attachments=[SimpleUploadedFile("x.png", PNG)],
    )
    with_file.officers.add(personas["discipline"])
    return {
        "intake_report": report,
        "informant": informant,
        "attachment": with_file.attachments.get(),
    }


def rows(expect):
    public = expect(anon=200, staff_a=200, dept=200)
    officer_page = expect(staff_a=403, discipline=200, dept=403, admin=403)
    return {
        "discipline:public-report": ("get", lambda w, x: "/report/", None, public),
        "discipline:public-status": ("get", lambda w, x: "/report/status/", None, public),
        "discipline:intake-create": (
            "get",
            lambda w, x: "/discipline/intake/new/",
            None,
            officer_page,
        ),
        "discipline:intake-recorded": (
            "get",
            lambda w, x: f"/discipline/intake/{x['intake_report'].pk}/",
            None,
            expect(staff_a=404, discipline=200, admin=404),
        ),
        "discipline:report-identity": (
            "post",
            lambda w, x: f"/discipline/reports/{x['intake_report'].pk}/identity/",
            {},
            expect(staff_a=404, discipline=403, admin=404),
        ),
        # Only the officers assigned to the case (the matrix's discipline persona is, here).
        "discipline:report-attachment": (
            "get",
            lambda w, x: (
                f"/discipline/reports/{x['attachment'].report_id}/attachments/{x['attachment'].pk}/"
            ),
            None,
            expect(staff_a=404, discipline=200, admin=404),
        ),
        "discipline:informant-list": (
            "get",
            lambda w, x: "/discipline/informants/",
            None,
            officer_page,
        ),
        "discipline:unit-informants": (
            "get",
            lambda w, x: f"/discipline/informants/units/{w['unit_a1'].pk}/",
            None,
            officer_page,
        ),
        "discipline:informant-deactivate": (
            "post",
            lambda w, x: f"/discipline/informants/{x['informant'].pk}/deactivate/",
            {"confirmed": "1"},
            expect(staff_a=404, discipline=302, admin=404),
        ),
    }
