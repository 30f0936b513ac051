"""Permission-matrix rows for the other bodies' pages: the supervision committee, the groups
with their representatives and leaders (see test_permission_matrix.py)."""

from ballots.models import (
    GroupOfficer,
    SupervisionElection,
    SupervisionNomination,
    SupervisionRound,
    VillagersElection,
)
from ballots.villagers import vote as vv
from renewal.models import VillagerGroup
from tests.factories import UnitFactory, villagers_election

DAY = "2026-11-29"  # the factory's election day


def extras(world, personas):
    """Two elections of their own units in township A: one whose committee is confirmed and
    whose supervision committee is being nominated; one whose meeting has voted."""
    township = world["unit_a1"].township
    names = ["王建国", "李秀英", "周一", "吴二"]
    election, people = villagers_election(
        UnitFactory(township=township, name="监督测试村"), world["round"], names=names
    )
    VillagersElection.objects.filter(pk=election.pk).update(status="approved")
    supervision = SupervisionElection.objects.create(
        villagers=election, assembly="meeting", seats=3, meeting_day=election.election_day
    )
    nomination = SupervisionNomination.objects.create(
        election=supervision, person=people["王建国"], nominators=5, source="joint"
    )
    group = VillagerGroup.objects.create(unit=election.unit, name="第一村民小组", households=30)
    officer = GroupOfficer.objects.create(
        election=election,
        group=group,
        role="representative",
        person=people["李秀英"],
        method="households",
        elected_on=election.election_day,
    )
    counted, _ = villagers_election(
        UnitFactory(township=township, name="监督计票村"), world["round"], names=names
    )
    voted = SupervisionElection.objects.create(
        villagers=counted,
        assembly="meeting",
        seats=1,
        meeting_day=counted.election_day,
        status="counted",
    )
    rnd = SupervisionRound(
        election=voted,
        number=1,
        election_kind="villagers-committee",
        seats=1,
        candidates=["王建国", "李秀英"],
        expected=4,
        present=4,
        ballots_issued=4,
        totals={"returned": 4, "invalid": 0, "for": {"王建国": 3, "李秀英": 1}},
    )
    vv._count(rnd, counted)
    rnd.save()
    return {
        "b_election": election,
        "b_people": people,
        "b_nomination": nomination,
        "b_group": group,
        "b_officer": officer,
        "b_counted": counted,
        "b_round": rnd,
    }


def rows(expect):
    E = lambda x: x["b_election"].pk  # noqa: E731
    page = expect(staff_a=200, staff_b=404, reviewer=200, reviewer_other=404, discipline=404)
    write_post = expect(
        staff_a=302, staff_b=404, reviewer=403, reviewer_other=404, discipline=404, admin=302
    )
    prefix = "/villagers"
    return {
        "villagers:supervision": ("get", lambda w, x: f"{prefix}/{E(x)}/supervision/", None, page),
        "villagers:supervision-nominate": (
            "post",
            lambda w, x: f"{prefix}/{E(x)}/supervision/nominations/",
            lambda w, x: {
                "person": x["b_people"]["周一"].pk,
                "nominators": "5",
                "source": "joint",
            },
            write_post,
        ),
        "villagers:supervision-nomination-delete": (
            "post",
            lambda w, x: f"{prefix}/{E(x)}/supervision/nominations/{x['b_nomination'].pk}/delete/",
            {"confirmed": "1"},
            write_post,
        ),
        "villagers:supervision-confirm": (
            "post",
            lambda w, x: f"{prefix}/{E(x)}/supervision/confirm/",
            {},
            write_post,
        ),
        "villagers:supervision-approve": (
            "post",
            lambda w, x: f"{prefix}/{x['b_counted'].pk}/supervision/approve/",
            {},
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
        "villagers:supervision-round": (
            "get",
            lambda w, x: f"{prefix}/supervision/rounds/{x['b_round'].pk}/",
            None,
            page,
        ),
        "villagers:supervision-record": (
            "get",
            lambda w, x: f"{prefix}/supervision/rounds/{x['b_round'].pk}/record.json",
            None,
            page,
        ),
        "villagers:groups": ("get", lambda w, x: f"{prefix}/{E(x)}/groups/", None, page),
        "villagers:group-edit": (
            "get",
            lambda w, x: f"{prefix}/{E(x)}/groups/{x['b_group'].pk}/edit/",
            None,
            page,
        ),
        "villagers:officer-add": (
            "post",
            lambda w, x: f"{prefix}/{E(x)}/officers/",
            lambda w, x: {
                "group": x["b_group"].pk,
                "role": "leader",
                "person": x["b_people"]["吴二"].pk,
                "method": "group_meeting",
                "elected_on": DAY,
            },
            write_post,
        ),
        "villagers:officer-delete": (
            "post",
            lambda w, x: f"{prefix}/officers/{x['b_officer'].pk}/delete/",
            {"confirmed": "1"},
            write_post,
        ),
    }
