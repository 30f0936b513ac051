"""Permission-matrix rows for the villagers' election schedule and numbered 公告."""

import hashlib

from ballots.models import ElectionNotice, VillagersElection

PDF = b"%PDF-1.4\n%matrix\n"


def extras(world, personas):
    """An archived 公告 of the set-up rows' election (unit A1)."""
    election = VillagersElection.objects.get(unit=world["unit_a1"])
    notice = ElectionNotice.objects.create(
        villagers_election=election,
        number=1,
        step="method",
        title="选举日期与方式",
        version=1,
        issued_on=election.election_day,
        content=PDF,
        sha256=hashlib.sha256(PDF).hexdigest(),
        generated_by=personas["staff_a"],
    )
    return {"villagers_notice": notice}


def rows(expect):
    E = lambda x: x["villagers_notice"].villagers_election_id  # noqa: E731
    page = expect(staff_a=200, staff_b=404, reviewer=200, reviewer_other=404, discipline=404)
    write_post = expect(
        staff_a=302, staff_b=404, reviewer=302, reviewer_other=404, discipline=404, admin=302
    )
    return {
        "villagers:notice-list": ("get", lambda w, x: f"/villagers/{E(x)}/notices/", None, page),
        "villagers:notice-preview": (
            "get",
            lambda w, x: f"/villagers/{E(x)}/notices/1/preview/",
            None,
            page,
        ),
        "villagers:notice-publish": (
            "post",
            lambda w, x: f"/villagers/{E(x)}/notices/1/publish/",
            {"confirmed": "1"},
            write_post,
        ),
        "villagers:notice-download": (
            "get",
            lambda w, x: f"/villagers/notices/{x['villagers_notice'].pk}/",
            None,
            page,
        ),
    }
