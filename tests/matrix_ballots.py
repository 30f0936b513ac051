"""Permission-matrix rows for the party congress pages (see test_permission_matrix.py)."""

import datetime

from ballots.checks import AcknowledgeAll
from ballots.congress import services as bs
from tests.factories import formal_party_candidates, roster_members

NAMES = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆"]


def ballots_extras(world, personas):
    people = formal_party_candidates(world["unit_a1"], NAMES)
    scrutineers = roster_members(world["unit_a1"], ["监票甲", "计票乙"])
    congress = bs.congress_create(
        unit=world["unit_a1"], held_on=datetime.date(2026, 11, 20), place="会议室", chair="王"
    )
    bs.attendance_update(
        congress=congress,
        version=congress.version,
        rows=[
            {"id": a.pk, "present": True, "excluded": "", "approved_by": ""}
            for a in congress.attendance.all()
        ],
    )
    bs.scrutineer_add(congress=congress, person=scrutineers[0], role="chief")
    bs.scrutineer_add(congress=congress, person=scrutineers[1], role="teller")
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=people)
    rnd = bs.round_enter(
        acknowledgements=AcknowledgeAll("核对计票单无误"),
        actor=personas["staff_a"],
        rnd=rnd,
        version=rnd.version,
        ballots_issued=5,
        totals={
            "returned": 5,
            "invalid": 0,
            "for": dict.fromkeys(NAMES[:4], 5) | {NAMES[4]: 4, "赵另选": 1},
            "against": {},
            "abstain": {},
        },
    )
    write_in = rnd.entrants.get(name="赵另选")
    return {"congress": congress, "election_round": rnd, "write_in": write_in, "member": people[5]}


def rows(expect):
    K = lambda x: x["congress"].pk  # noqa: E731
    R = lambda x: x["election_round"].pk  # noqa: E731
    page = expect(staff_a=200, staff_b=404, reviewer=200, reviewer_other=404)
    write_get = expect(staff_a=200, staff_b=404, reviewer=403, reviewer_other=404, discipline=403)
    write_post = expect(
        staff_a=302, staff_b=404, reviewer=403, reviewer_other=404, discipline=403, admin=302
    )
    return {
        "ballots:congress-list": ("get", lambda w, x: "/congresses/", None, expect(dept=403)),
        "ballots:tally-checks": ("get", lambda w, x: "/tally-checks/", None, expect(dept=403)),
        "ballots:tally-checks-pdf": (
            "get",
            lambda w, x: "/tally-checks/pdf/",
            None,
            expect(dept=403),
        ),
        "ballots:congress-create": (
            "get",
            lambda w, x: f"/units/{w['unit_a1'].pk}/congress/new/",
            None,
            write_get,
        ),
        "ballots:congress-detail": ("get", lambda w, x: f"/congresses/{K(x)}/", None, page),
        "ballots:congress-attendance": (
            "get",
            lambda w, x: f"/congresses/{K(x)}/attendance/",
            None,
            page,
        ),
        "ballots:congress-quorum": ("post", lambda w, x: f"/congresses/{K(x)}/quorum/", {}, page),
        "ballots:scrutineer-add": (
            "post",
            lambda w, x: f"/congresses/{K(x)}/scrutineers/",
            {},
            write_post,
        ),
        "ballots:scrutineer-remove": (
            "post",
            lambda w, x: (
                f"/congresses/{K(x)}/scrutineers/{x['congress'].scrutineers.first().pk}/remove/"
            ),
            {"confirmed": "1"},
            write_post,
        ),
        "ballots:round-create": (
            "post",
            lambda w, x: f"/congresses/{K(x)}/rounds/",
            {},
            write_post,
        ),
        "ballots:congress-report": (
            "post",
            lambda w, x: f"/congresses/{K(x)}/report/",
            {},
            write_post,
        ),
        "ballots:congress-report-pdf": (
            "get",
            lambda w, x: f"/congresses/{K(x)}/report.pdf",
            None,
            page,
        ),
        "ballots:congress-approve": (
            "post",
            lambda w, x: f"/congresses/{K(x)}/approve/",
            {"confirmed": "1"},
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
        "ballots:congress-reopen": (
            "post",
            lambda w, x: f"/congresses/{K(x)}/reopen/",
            {"reason": "核对"},
            expect(
                staff_a=403,
                staff_b=404,
                reviewer=302,
                reviewer_other=404,
                discipline=403,
                admin=302,
            ),
        ),
        "ballots:congress-file-secretary": (
            "post",
            lambda w, x: f"/congresses/{K(x)}/file-secretary/",
            {},
            expect(
                staff_a=403,
                staff_b=404,
                reviewer=302,
                reviewer_other=404,
                discipline=403,
                admin=302,
            ),
        ),
        "ballots:round-detail": ("get", lambda w, x: f"/congress-rounds/{R(x)}/", None, page),
        "ballots:double-entry-list": (
            "get",
            lambda w, x: "/double-entries/",
            None,
            expect(dept=403),
        ),
        "ballots:double-entry-detail": (
            "get",
            lambda w, x: f"/double-entries/congress-round/{R(x)}/",
            None,
            page,
        ),
        "ballots:round-reduce": (
            "post",
            lambda w, x: f"/congress-rounds/{R(x)}/reduce/",
            {"agreed": "1"},
            write_post,
        ),
        "ballots:write-in-resolve": (
            "post",
            lambda w, x: f"/congress-rounds/{R(x)}/write-ins/{x['write_in'].pk}/",
            lambda w, x: {"person": x["member"].pk},
            write_post,
        ),
        "ballots:round-record": (
            "get",
            lambda w, x: f"/congress-rounds/{R(x)}/record.json",
            None,
            page,
        ),
        "ballots:round-pdf": (
            "get",
            lambda w, x: f"/congress-rounds/{R(x)}/ballots.pdf",
            None,
            page,
        ),
    }
