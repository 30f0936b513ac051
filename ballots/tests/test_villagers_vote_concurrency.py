"""Two clerks counting at once: the election is counted once, a box is entered once."""

import threading

import pytest
from django.db import connection

from ballots.models import VillagersRound
from ballots.tests.villagers_vote_helpers import (
    MAIN_VOTES,
    MOBILE_VOTES,
    boxes_with_staff,
    enter,
    make_election,
    nominate_all,
)
from ballots.villagers import vote as vv
from renewal.models import DomainError

pytestmark = pytest.mark.django_db(transaction=True)


def _race(work, users):
    barrier, outcomes = threading.Barrier(len(users)), []

    def run(user):
        try:
            barrier.wait()
            work(user)
            outcomes.append("saved")
        except DomainError as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return outcomes


def test_box_and_count_saved_once_when_two_clerks_submit_together(world, personas):
    staff, leader = personas["staff_a"], personas["leader_a"]
    election, people = make_election(world)
    nominate_all(election, people, staff)
    main, mobile = boxes_with_staff(election, people)
    version = main.version

    def enter_main(user):
        vv.box_enter(
            box=main,
            version=version,
            actor=user,
            ballots_issued=50,
            ballots_returned=50,
            ballots_invalid=0,
            votes=MAIN_VOTES,
        )

    outcomes = _race(enter_main, [staff, leader])
    assert outcomes.count("saved") == 1, outcomes
    assert any(o.startswith("其他人刚刚录入") for o in outcomes)

    enter(mobile, staff, 10, MOBILE_VOTES)
    outcomes = _race(lambda user: vv.election_count(election=election, actor=user), [staff, leader])
    assert outcomes.count("saved") == 1, outcomes
    assert any("不能再重复计票" in o for o in outcomes)
    assert VillagersRound.objects.filter(election=election, round_type="first").count() == 3
