"""Permission-matrix rows for the candidates app (see test_permission_matrix.py)."""

import datetime

from django.core.files.base import ContentFile

from candidates import services as cs
from candidates.models import ImportJob, ReserveImportJob
from renewal.models import Department
from tests.factories import PersonFactory, party_member


def candidate_extras(world, personas):
    person = party_member(world["unit_a1"])
    candidacy = cs.candidacy_create(
        actor=personas["staff_a"],
        unit=world["unit_a1"],
        person=person,
        body="party",
        post="party_member",
    )
    police, _ = Department.objects.get_or_create(code="police", defaults={"name": "公安"})
    batch = cs.vetting_send(
        actor=personas["staff_a"],
        candidacies=[candidacy],
        departments=[police],
        due_date=datetime.date.today() + datetime.timedelta(days=5),
    )
    request = batch.requests.get()
    request.attachment.save("reply.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    reserve = cs.reserve_add(unit=world["unit_a1"], person=PersonFactory())
    job = ImportJob.objects.create(
        user=personas["staff_a"], original_name="人选.xlsx", status=ImportJob.Status.INVALID
    )
    reserve_job = ReserveImportJob.objects.create(
        user=personas["staff_a"], original_name="后备干部.xlsx", status=ImportJob.Status.INVALID
    )
    return {
        "candidacy": candidacy,
        "vetting": request,
        "reserve": reserve,
        "import_job": job,
        "reserve_job": reserve_job,
    }


def rows(expect):
    C = lambda x: x["candidacy"].pk  # noqa: E731
    V = lambda x: x["vetting"].pk  # noqa: E731
    unit_page = expect(staff_a=200, staff_b=404, reviewer=200, reviewer_other=404)
    unit_write = expect(staff_a=200, staff_b=404, reviewer=403, reviewer_other=404, discipline=403)
    township_only = expect(staff_a=200, reviewer=403, reviewer_other=403, discipline=403, dept=403)
    own_job = expect(staff_a=200, leader_a=404, staff_b=404, reviewer=404, admin=404)
    return {
        "candidates:candidacy-list": ("get", lambda w, x: "/candidates/", None, expect(dept=403)),
        "candidates:candidacy-create": (
            "get",
            lambda w, x: f"/candidates/new/?unit={w['unit_a1'].pk}",
            None,
            unit_write,
        ),
        "candidates:candidacy-export": (
            "post",
            lambda w, x: "/candidates/export/",
            {},
            expect(staff_a=302, dept=403, admin=302),
        ),
        "candidates:approvals": (
            "get",
            lambda w, x: "/candidates/approvals/",
            None,
            expect(dept=403),
        ),
        # Township party committees only. The ticked candidacy is only preliminary: the
        # leader's approval lists it as refused and changes nothing.
        "candidates:approvals-approve": (
            "post",
            lambda w, x: "/candidates/approvals/approve/",
            lambda w, x: {"ids": C(x)},
            expect(
                staff_a=403,
                leader_a=302,
                staff_b=403,
                reviewer=403,
                reviewer_other=403,
                discipline=403,
                dept=403,
                admin=302,
            ),
        ),
        "candidates:status-counts": (
            "get",
            lambda w, x: "/candidates/status-counts/",
            None,
            expect(dept=403),
        ),
        "candidates:candidacy-detail": (
            "get",
            lambda w, x: f"/candidates/{C(x)}/",
            None,
            unit_page,
        ),
        "candidates:candidacy-edit": (
            "get",
            lambda w, x: f"/candidates/{C(x)}/edit/",
            None,
            unit_write,
        ),
        "candidates:candidacy-unmask": (
            "post",
            lambda w, x: f"/candidates/{C(x)}/unmask/",
            {},
            expect(staff_a=200, staff_b=404, reviewer=200, reviewer_other=404, discipline=403),
        ),
        "candidates:candidacy-inspection": (
            "post",
            lambda w, x: f"/candidates/{C(x)}/inspection/",
            {},
            expect(
                staff_a=302,
                staff_b=404,
                reviewer=403,
                reviewer_other=404,
                discipline=403,
                admin=302,
            ),
        ),
        "candidates:candidacy-action": (
            "post",
            lambda w, x: f"/candidates/{C(x)}/withdraw/",
            {"reason": "本人申请"},
            expect(
                staff_a=302,
                staff_b=404,
                reviewer=403,
                reviewer_other=404,
                discipline=403,
                admin=302,
            ),
        ),
        "candidates:unit-candidates": (
            "get",
            lambda w, x: f"/candidates/units/{w['unit_a1'].pk}/",
            None,
            unit_page,
        ),
        "candidates:unit-formal-confirm": (
            "post",
            lambda w, x: f"/candidates/units/{w['unit_a1'].pk}/confirm/party/",
            {},
            expect(
                staff_a=403,
                leader_a=302,
                staff_b=404,
                reviewer=403,
                reviewer_other=404,
                discipline=403,
                admin=302,
            ),
        ),
        "candidates:vetting-queue": (
            "get",
            lambda w, x: "/candidates/vetting/",
            None,
            expect(dept=200),
        ),
        "candidates:vetting-send": (
            "get",
            lambda w, x: "/candidates/vetting/send/",
            None,
            township_only,
        ),
        # Without a 文号 the department's answer is refused and nothing is recorded.
        "candidates:vetting-answer-clear": (
            "post",
            lambda w, x: "/candidates/vetting/answer-clear/",
            lambda w, x: {"ids": V(x)},
            expect(staff_a=403, reviewer=403, reviewer_other=403, dept=302, admin=403),
        ),
        "candidates:vetting-answer": (
            "get",
            lambda w, x: f"/candidates/vetting/{V(x)}/",
            None,
            expect(staff_a=403, staff_b=404, reviewer=403, reviewer_other=404, dept=200, admin=403),
        ),
        "candidates:vetting-attachment": (
            "get",
            lambda w, x: f"/candidates/vetting/{V(x)}/attachment/",
            None,
            expect(staff_a=200, staff_b=404, reviewer=200, reviewer_other=404, dept=200),
        ),
        "candidates:vetting-caution": (
            "post",
            lambda w, x: f"/candidates/vetting/{V(x)}/caution/",
            {"reason": "说明"},
            expect(
                staff_a=302,
                staff_b=404,
                reviewer=403,
                reviewer_other=404,
                discipline=403,
                dept=403,
                admin=302,
            ),
        ),
        "candidates:vetting-overturn": (
            "post",
            lambda w, x: f"/candidates/vetting/{V(x)}/overturn/",
            {"reason": "理由"},
            expect(
                staff_a=403,
                staff_b=404,
                reviewer=302,
                reviewer_other=404,
                discipline=403,
                dept=403,
                admin=302,
            ),
        ),
        "candidates:reserve-list": (
            "get",
            lambda w, x: "/candidates/reserves/",
            None,
            expect(dept=403),
        ),
        "candidates:reserve-propose": (
            "post",
            lambda w, x: f"/candidates/reserves/{x['reserve'].pk}/propose/",
            {"body": "villagers", "post": "committee_member", "is_continuing": "0"},
            expect(
                staff_a=302,
                staff_b=404,
                reviewer=403,
                reviewer_other=404,
                discipline=403,
                admin=302,
            ),
        ),
        "candidates:reserve-add": (
            "get",
            lambda w, x: "/candidates/reserves/new/",
            None,
            township_only,
        ),
        "candidates:reserve-edit": (
            "get",
            lambda w, x: f"/candidates/reserves/{x['reserve'].pk}/edit/",
            None,
            unit_write,
        ),
        "candidates:reserve-retire": (
            "get",
            lambda w, x: f"/candidates/reserves/{x['reserve'].pk}/retire/",
            None,
            unit_write,
        ),
        "candidates:reserve-import": (
            "get",
            lambda w, x: "/candidates/reserves/import/",
            None,
            township_only,
        ),
        "candidates:reserve-import-template": (
            "get",
            lambda w, x: "/candidates/reserves/import/template.xlsx",
            None,
            township_only,
        ),
        "candidates:reserve-import-job": (
            "get",
            lambda w, x: f"/candidates/reserves/import/{x['reserve_job'].pk}/",
            None,
            own_job,
        ),
        "candidates:reserve-import-confirm": (
            "post",
            lambda w, x: f"/candidates/reserves/import/{x['reserve_job'].pk}/confirm/",
            {},
            expect(staff_a=302, leader_a=404, staff_b=404, reviewer=404, admin=404),
        ),
        "candidates:reserve-import-cancel": (
            "post",
            lambda w, x: f"/candidates/reserves/import/{x['reserve_job'].pk}/cancel/",
            {},
            expect(staff_a=302, leader_a=404, staff_b=404, reviewer=404, admin=404),
        ),
        "candidates:import": ("get", lambda w, x: "/candidates/import/", None, township_only),
        "candidates:import-template": (
            "get",
            lambda w, x: "/candidates/import/template.xlsx",
            None,
            township_only,
        ),
        "candidates:import-job": (
            "get",
            lambda w, x: f"/candidates/import/{x['import_job'].pk}/",
            None,
            own_job,
        ),
        "candidates:import-confirm": (
            "post",
            lambda w, x: f"/candidates/import/{x['import_job'].pk}/confirm/",
            {},
            expect(staff_a=302, leader_a=404, staff_b=404, reviewer=404, admin=404),
        ),
        "candidates:import-cancel": (
            "post",
            lambda w, x: f"/candidates/import/{x['import_job'].pk}/cancel/",
            {},
            expect(staff_a=302, leader_a=404, staff_b=404, reviewer=404, admin=404),
        ),
    }
