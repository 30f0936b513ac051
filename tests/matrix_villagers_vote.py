"""Permission-matrix rows for the villagers' vote pages (see test_permission_matrix.py)."""

import datetime

from ballots.models import (
    BallotBox,
    VillagersNomination,
    VillagersRecall,
    VillagersRound,
    VillagersWriteIn,
    VoteOfficial,
)
from ballots.villagers import vote as vv
from renewal.models import Term, TermMember
from tests.factories import UnitFactory, villagers_election


def extras(world, personas):
    """Cheap rows made with the ORM: every page needs one object, not a whole election.

    The election is in its own unit of township A: unit A2 must stay without an election
    (the set-up rows create one there) and unit A1 has the set-up rows' election.
    """
    unit = UnitFactory(township=world["unit_a1"].township, name="投票测试村")
    election, people = villagers_election(
        unit, world["round"], names=["王建国", "李秀英", "周一"], women={"李秀英"}
    )
    nomination = VillagersNomination.objects.create(
        election=election, post="director", person=people["王建国"], nominators=5, source="joint"
    )
    official = VoteOfficial.objects.create(election=election, person=people["周一"], role="teller")
    box = BallotBox.objects.create(election=election, kind="main", name="中心会场")
    rnd = VillagersRound(
        election=election,
        number=1,
        post="director",
        election_kind="villagers-post",
        seats=1,
        candidates=["王建国", "李秀英"],
        expected=3,
        present=3,
        ballots_issued=3,
        totals={"returned": 3, "invalid": 0, "for": {"王建国": 2, "李秀英": 1}},
    )
    vv._count(rnd, election)
    rnd.save()
    term = Term.objects.create(
        unit=unit,
        body="villagers",
        elected_on=election.election_day,
        round=world["round"],
    )
    member = TermMember.objects.create(term=term, person=people["王建国"], post="director")
    recall = VillagersRecall.objects.create(
        election=election,
        member=member,
        reason="长期不履职",
        signatures=1,
        registered=3,
        proposed_on=datetime.date(2027, 3, 1),
    )
    write_in = VillagersWriteIn.objects.create(election=election, name="另选某")
    return {
        "v_write_in": write_in,
        "v_election": election,
        "v_nomination": nomination,
        "v_official": official,
        "v_box": box,
        "v_round": rnd,
        "v_recall": recall,
    }


def rows(expect):
    E = lambda x: x["v_election"].pk  # noqa: E731
    page = expect(staff_a=200, staff_b=404, reviewer=200, reviewer_other=404, discipline=404)
    write_post = expect(
        staff_a=302, staff_b=404, reviewer=403, reviewer_other=404, discipline=404, admin=302
    )
    write_render = expect(
        staff_a=200, staff_b=404, reviewer=403, reviewer_other=404, discipline=404, admin=200
    )
    moved = expect(
        anon=301,
        staff_a=301,
        staff_b=301,
        reviewer=301,
        reviewer_other=301,
        discipline=301,
        dept=301,
        admin=301,
    )
    prefix = "/villagers"
    return {
        "villagers:vote-list": (
            "get",
            lambda w, x: f"{prefix}/vote/",
            None,
            expect(discipline=404, dept=404),
        ),
        "villagers:vote-detail": ("get", lambda w, x: f"{prefix}/{E(x)}/vote/", None, page),
        "villagers:ballot-setup": (
            "post",
            lambda w, x: f"{prefix}/{E(x)}/ballot-setup/",
            {"mode": "separate", "deputy_seats": "1"},
            write_post,
        ),
        "villagers:nominations": (
            "get",
            lambda w, x: f"{prefix}/{E(x)}/nominations/",
            None,
            page,
        ),
        "villagers:nomination-delete": (
            "post",
            lambda w, x: f"{prefix}/{E(x)}/nominations/{x['v_nomination'].pk}/delete/",
            {"confirmed": "1"},
            write_post,
        ),
        "villagers:candidates-confirm": (
            "post",
            lambda w, x: f"{prefix}/{E(x)}/posts/director/confirm/",
            {},
            write_post,
        ),
        "villagers:polling": ("get", lambda w, x: f"{prefix}/{E(x)}/polling/", None, page),
        "villagers:official-add": (
            "post",
            lambda w, x: f"{prefix}/{E(x)}/officials/",
            {},
            write_render,
        ),
        "villagers:official-delete": (
            "post",
            lambda w, x: f"{prefix}/{E(x)}/officials/{x['v_official'].pk}/delete/",
            {"confirmed": "1"},
            write_post,
        ),
        "villagers:box-add": (
            "post",
            lambda w, x: f"{prefix}/{E(x)}/boxes/",
            {},
            write_render,
        ),
        "villagers:box-entry": (
            "get",
            lambda w, x: f"{prefix}/boxes/{x['v_box'].pk}/",
            None,
            page,
        ),
        # No formal candidates yet in this election: back to the box page with the reason.
        "villagers:box-tally-pdf": (
            "get",
            lambda w, x: f"{prefix}/boxes/{x['v_box'].pk}/tally.pdf",
            None,
            expect(
                staff_a=302,
                staff_b=404,
                reviewer=302,
                reviewer_other=404,
                discipline=404,
                city_reviewer=302,
                admin=302,
            ),
        ),
        "villagers:count": ("post", lambda w, x: f"{prefix}/{E(x)}/count/", {}, write_post),
        "villagers:round-detail": (
            "get",
            lambda w, x: f"{prefix}/rounds/{x['v_round'].pk}/",
            None,
            page,
        ),
        "villagers:round-record": (
            "get",
            lambda w, x: f"{prefix}/rounds/{x['v_round'].pk}/record.json",
            None,
            page,
        ),
        "villagers:round-tally-pdf": (
            "get",
            lambda w, x: f"{prefix}/rounds/{x['v_round'].pk}/tally.pdf",
            None,
            page,
        ),
        "villagers:approve": (
            "post",
            lambda w, x: f"{prefix}/{E(x)}/approve/",
            {"confirmed": "1"},
            expect(
                staff_a=403,
                leader_a=302,
                staff_b=404,
                reviewer=302,
                reviewer_other=404,
                discipline=404,
                admin=302,
            ),
        ),
        "villagers:write-in-resolve": (
            "post",
            lambda w, x: f"{prefix}/{E(x)}/write-ins/{x['v_write_in'].pk}/",
            {"id_number": ""},
            write_post,
        ),
        "villagers:recalls": ("get", lambda w, x: f"{prefix}/{E(x)}/recalls/", None, page),
        "villagers:recall-vote": (
            "post",
            lambda w, x: f"{prefix}/recalls/{x['v_recall'].pk}/vote/",
            {},
            write_post,
        ),
        # Addresses from before the vote shared the set-up's namespace: a permanent redirect
        # for everyone (the new address checks access).
        "villagers-results": ("get", lambda w, x: "/villagers-results/", None, moved),
        "villagers-results-page": (
            "get",
            lambda w, x: f"/villagers-results/{E(x)}/setup/",
            None,
            moved,
        ),
    }
