"""Permission-matrix rows for the villagers' election set-up and register."""

import datetime

from ballots.models import VoterImportJob
from ballots.villagers import setup
from renewal.kit.idcard import make_id_number

ELECTION_DAY = datetime.date(2027, 1, 20)


def voter_id(n: int) -> str:
    return make_id_number("152622", datetime.date(1970 + n, 3, 1 + n), n, "M" if n % 2 else "F")


def extras(world, personas):
    staff = personas["staff_a"]
    election = setup.election_create(actor=staff, unit=world["unit_a1"], election_day=ELECTION_DAY)
    regs = [
        setup.voter_register(
            actor=staff,
            election=election,
            id_number=voter_id(n),
            name=f"选民{n}",
            category="resident",
            group_name="第一小组",
        )
        for n in range(1, 4)
    ]
    member = setup.committee_member_add(actor=staff, election=election, name="王主任", role="chair")
    election.refresh_from_db()
    election = setup.register_publish(
        actor=staff,
        election=election,
        published_on=datetime.date(2026, 12, 20),
        version=election.version,
    )
    objection = setup.objection_receive(
        actor=staff,
        election=election,
        raised_by="李某",
        received_on=datetime.date(2026, 12, 22),
        reason="已迁出",
        registration=regs[2],
    )
    proxy = setup.proxy_create(
        actor=staff,
        election=election,
        holder=regs[0],
        principal=regs[1],
        relation="spouse",
        written_on=datetime.date(2027, 1, 5),
    )
    setup.register_correct(
        actor=staff,
        election=election,
        action=setup.Correction.CHANGE,
        reason="小组登记有误",
        registration=regs[0],
        category="resident",
        group_name="第二小组",
    )
    job = VoterImportJob.objects.create(
        election=election, user=staff, original_name="选民.xlsx", status="preview"
    )
    return {
        "villagers_election": election,
        "voter": regs[0],
        "committee_member": member,
        "objection": objection,
        "proxy": proxy,
        "voter_job": job,
    }


def rows(expect):
    E = lambda x: x["villagers_election"].pk  # noqa: E731
    page = expect(staff_a=200, staff_b=404, reviewer=200, reviewer_other=404, discipline=404)
    # The edit pages: the reviewers above the county read the election, never its forms.
    write_get = {**page, "city_reviewer": 403, "province_reviewer": 403}
    write_post = expect(
        staff_a=302, staff_b=404, reviewer=302, reviewer_other=404, discipline=404, admin=302
    )
    listing = expect(staff_a=200, staff_b=200, reviewer=200, discipline=404)
    # Reviewers above the county see ID numbers masked, as discipline officers would.
    unmask = {**page, "city_reviewer": 403, "province_reviewer": 403}
    own_job = expect(
        staff_a=200,
        leader_a=404,
        staff_b=404,
        reviewer=404,
        reviewer_other=404,
        discipline=404,
        admin=404,
    )
    own_job_post = {**own_job, "staff_a": 302}
    return {
        "villagers:election-list": ("get", lambda w, x: "/villagers/", None, listing),
        "villagers:open-objections": (
            "get",
            lambda w, x: "/villagers/objections/",
            None,
            listing,
        ),
        "villagers:import-template": (
            "get",
            lambda w, x: "/villagers/import/template.xlsx",
            None,
            listing,
        ),
        "villagers:election-create": (
            "get",
            lambda w, x: f"/villagers/units/{w['unit_a2'].pk}/new/",
            None,
            write_get,
        ),
        "villagers:election-detail": ("get", lambda w, x: f"/villagers/{E(x)}/", None, page),
        "villagers:election-edit": (
            "get",
            lambda w, x: f"/villagers/{E(x)}/edit/",
            None,
            write_get,
        ),
        "villagers:committee-add": (
            "post",
            lambda w, x: f"/villagers/{E(x)}/committee/",
            {},
            write_post,
        ),
        "villagers:member-leave": (
            "get",
            lambda w, x: f"/villagers/committee/{x['committee_member'].pk}/leave/",
            None,
            write_get,
        ),
        "villagers:voter-list": ("get", lambda w, x: f"/villagers/{E(x)}/voters/", None, page),
        "villagers:voter-create": (
            "get",
            lambda w, x: f"/villagers/{E(x)}/voters/new/",
            None,
            write_get,
        ),
        "villagers:voter-edit": (
            "get",
            lambda w, x: f"/villagers/voters/{x['voter'].pk}/edit/",
            None,
            write_get,
        ),
        "villagers:voter-active": (
            "post",
            lambda w, x: f"/villagers/voters/{x['voter'].pk}/active/",
            {"active": "1"},
            write_post,
        ),
        "villagers:voter-unmask": (
            "post",
            lambda w, x: f"/villagers/voters/{x['voter'].pk}/unmask/",
            {},
            unmask,
        ),
        "villagers:register-publish": (
            "post",
            lambda w, x: f"/villagers/{E(x)}/publish/",
            {},
            write_post,
        ),
        "villagers:objection-list": (
            "get",
            lambda w, x: f"/villagers/{E(x)}/objections/",
            None,
            page,
        ),
        "villagers:objection-answer": (
            "get",
            lambda w, x: f"/villagers/objections/{x['objection'].pk}/answer/",
            None,
            write_get,
        ),
        "villagers:proxy-list": ("get", lambda w, x: f"/villagers/{E(x)}/proxies/", None, page),
        "villagers:proxy-print": (
            "get",
            lambda w, x: f"/villagers/{E(x)}/proxies/print/",
            None,
            page,
        ),
        "villagers:proxy-withdraw": (
            "post",
            lambda w, x: f"/villagers/proxies/{x['proxy'].pk}/withdraw/",
            {"confirmed": "1"},
            write_post,
        ),
        "villagers:voter-print": (
            "get",
            lambda w, x: f"/villagers/{E(x)}/voters/print/",
            None,
            page,
        ),
        "villagers:register-correct": (
            "get",
            lambda w, x: f"/villagers/{E(x)}/corrections/new/",
            None,
            write_get,
        ),
        "villagers:register-changes": (
            "get",
            lambda w, x: f"/villagers/{E(x)}/changes/",
            None,
            page,
        ),
        "villagers:import": ("get", lambda w, x: f"/villagers/{E(x)}/import/", None, write_get),
        "villagers:import-job": (
            "get",
            lambda w, x: f"/villagers/import/{x['voter_job'].pk}/",
            None,
            own_job,
        ),
        "villagers:import-confirm": (
            "post",
            lambda w, x: f"/villagers/import/{x['voter_job'].pk}/confirm/",
            {},
            own_job_post,
        ),
        "villagers:import-cancel": (
            "post",
            lambda w, x: f"/villagers/import/{x['voter_job'].pk}/cancel/",
            {},
            own_job_post,
        ),
    }
