"""A villagers' election ready for the vote, shared by the voting tests."""

from ballots.models import VillagersBallotSetup
from ballots.villagers import vote as vv
from tests.factories import villagers_election

DIRECTORS = ["王建国", "李秀英"]
DEPUTIES = ["张伟", "刘洋"]
MEMBERS = ["陈静", "杨帆", "赵磊", "孙丽"]
STAFF = ["周一", "吴二", "郑三", "冯四"]
WOMEN = {"李秀英", "陈静", "孙丽"}


def make_election(world, *, mode=VillagersBallotSetup.Mode.COMBINED, voters=100, unit="unit_a1"):
    election, people = villagers_election(
        world[unit],
        world["round"],
        voters=voters,
        names=[*DIRECTORS, *DEPUTIES, *MEMBERS, *STAFF],
        women=WOMEN,
    )
    setup = vv.setup_for(election)
    setup.mode = mode
    setup.save(update_fields=["mode"])
    return election, people


def nominate_all(election, people, actor):
    for post, names in (
        ("director", DIRECTORS),
        ("deputy_director", DEPUTIES),
        ("committee_member", MEMBERS),
    ):
        ids = [
            vv.nomination_add(
                election=election,
                post=post,
                person=people[name],
                nominators=12,
                source="joint",
                actor=actor,
            ).pk
            for name in names
        ]
        vv.candidates_confirm(election=election, post=post, nomination_ids=ids)


def boxes_with_staff(election, people):
    main = vv.box_add(election=election, kind="main", name="村委会中心会场")
    mobile = vv.box_add(election=election, kind="mobile", name="流动票箱一")
    for name in STAFF[:3]:
        vv.official_add(election=election, person=people[name], role="scrutineer", box=mobile)
    vv.official_add(election=election, person=people[STAFF[3]], role="teller")
    return main, mobile


MAIN_VOTES = {
    "director": {"王建国": 40, "李秀英": 10},
    "deputy_director": {"张伟": 30, "刘洋": 20},
    "committee_member": {"陈静": 35, "杨帆": 30, "赵磊": 25, "孙丽": 20},
}
MOBILE_VOTES = {
    "director": {"王建国": 8, "李秀英": 2},
    "deputy_director": {"张伟": 6, "刘洋": 4},
    "committee_member": {"陈静": 8, "杨帆": 6, "赵磊": 5, "孙丽": 4},
}


def enter(box, actor, issued, votes, returned=None, invalid=0):
    box.refresh_from_db()
    return vv.box_enter(
        box=box,
        version=box.version,
        actor=actor,
        ballots_issued=issued,
        ballots_returned=issued if returned is None else returned,
        ballots_invalid=invalid,
        votes=votes,
    )


def counted_election(world, actor, **kw):
    election, people = make_election(world, **kw)
    nominate_all(election, people, actor)
    main, mobile = boxes_with_staff(election, people)
    enter(main, actor, 50, MAIN_VOTES)
    enter(mobile, actor, 10, MOBILE_VOTES)
    vv.election_count(election=election, actor=actor)
    election.refresh_from_db()
    return election, people
