"""Permission-matrix rows for the villagers' election schedule and numbered 公告, and the
party organisation's 公示."""

import hashlib

from ballots.models import Congress, ElectionNotice, VillagersElection

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
    congress = Congress.objects.filter(unit=world["unit_a1"]).order_by("pk").first()
    party = ElectionNotice.objects.create(
        congress=congress,
        number=1,
        step="party_result",
        title="选举结果公示",
        version=1,
        issued_on=congress.held_on,
        content=PDF,
        sha256=hashlib.sha256(PDF).hexdigest(),
        generated_by=personas["staff_a"],
    )
    return {"villagers_notice": notice, "party_notice": party}


def rows(expect):
    E = lambda x: x["villagers_notice"].villagers_election_id  # noqa: E731
    page = expect(staff_a=200, staff_b=404, reviewer=200, reviewer_other=404, discipline=404)
    write_post = expect(
        staff_a=302, staff_b=404, reviewer=302, reviewer_other=404, discipline=404, admin=302
    )
    K = lambda x: x["party_notice"].congress_id  # noqa: E731
    party_page = expect(staff_a=200, staff_b=404, reviewer=200, reviewer_other=404)
    party_post = expect(
        staff_a=302, staff_b=404, reviewer=403, reviewer_other=404, discipline=403, admin=302
    )
    return {
        "ballots:congress-notices": (
            "get",
            lambda w, x: f"/congresses/{K(x)}/notices/",
            None,
            party_page,
        ),
        "ballots:congress-notice-publish": (
            "post",
            lambda w, x: f"/congresses/{K(x)}/notices/publish/",
            {"confirmed": "1"},
            party_post,
        ),
        "ballots:congress-notice-download": (
            "get",
            lambda w, x: f"/congress-notices/{x['party_notice'].pk}/",
            None,
            party_page,
        ),
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
