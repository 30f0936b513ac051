"""Permission-matrix rows for the party roster (see test_permission_matrix.py).

The roster follows its unit: the township's staff and leaders read and write; county
reviewers and discipline officers read (403 on writes); other townships, other counties
and departments get 404 (403 for the template, which belongs to no unit); an import job is
its uploader's alone.
"""

import datetime

from renewal.models import RosterImportJob
from renewal.roster import services
from tests.factories import PersonFactory


def extras(world, personas):
    branch = world["unit_a1"].branch
    person = PersonFactory(name="矩阵党员")
    member = services.member_add(
        branch=branch,
        id_number=person.id_number,
        name=person.name,
        status="full",
        joined_on=datetime.date(2005, 7, 1),
        # The congress's attendance (matrix_ballots) has frozen this roster.
        reason="漏登，补录",
        actor=personas["staff_a"],
    )
    job = RosterImportJob.objects.create(
        user=personas["staff_a"],
        branch=branch,
        original_name="党员名册.xlsx",
        status=RosterImportJob.Status.PREVIEW,
        summary={"rows": 1, "added": 1, "updated": 0, "people_created": 1, "people_existing": 0},
    )
    return {"roster_member": member, "roster_job": job}


def rows(expect):
    A1 = lambda w: w["unit_a1"].pk  # noqa: E731
    M = lambda x: x["roster_member"].pk  # noqa: E731
    J = lambda x: x["roster_job"].pk  # noqa: E731
    read = expect(staff_a=200, staff_b=404, reviewer=200, reviewer_other=404)
    write = expect(staff_a=200, staff_b=404, reviewer=403, reviewer_other=404, discipline=403)
    own_job = expect(staff_a=200, leader_a=404, staff_b=404, reviewer=404, admin=404)
    own_job_post = expect(staff_a=302, leader_a=404, staff_b=404, reviewer=404, admin=404)
    return {
        "roster:member-list": ("get", lambda w, x: f"/units/{A1(w)}/roster/", None, read),
        "roster:member-add": ("get", lambda w, x: f"/units/{A1(w)}/roster/new/", None, write),
        "roster:member-edit": ("get", lambda w, x: f"/roster/members/{M(x)}/edit/", None, write),
        "roster:member-remove": (
            "get",
            lambda w, x: f"/roster/members/{M(x)}/remove/",
            None,
            write,
        ),
        "roster:import": ("get", lambda w, x: f"/units/{A1(w)}/roster/import/", None, write),
        "roster:import-template": (
            "get",
            lambda w, x: "/roster/import/template.xlsx",
            None,
            expect(
                staff_a=200, staff_b=200, reviewer=403, reviewer_other=403, discipline=403, dept=403
            ),
        ),
        "roster:import-job": ("get", lambda w, x: f"/roster/import/{J(x)}/", None, own_job),
        "roster:import-confirm": (
            "post",
            lambda w, x: f"/roster/import/{J(x)}/confirm/",
            {},
            own_job_post,
        ),
        "roster:import-cancel": (
            "post",
            lambda w, x: f"/roster/import/{J(x)}/cancel/",
            {},
            own_job_post,
        ),
    }
