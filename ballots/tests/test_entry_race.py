"""Two clerks saving the same tally at once: the one who lost is told that their figures were
not saved, and shown them beside what was; nothing they typed overwrites the winner's."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from ballots import double_entry as entered_twice
from ballots.checks import AcknowledgeAll
from ballots.congress import services as bs
from ballots.tests.test_congress import NAMES, P, attend, congress, totals  # noqa: F401
from ballots.tests.villagers_vote_helpers import (
    MAIN_VOTES,
    boxes_with_staff,
    make_election,
    nominate_all,
)
from ballots.villagers import vote as vv
from renewal.models import DomainError

WINNER_OR_LOSER = {
    "staff_a": totals(10, 王建国=9, 李秀英=8, 张伟=7, 刘洋=6, 陈静=6, 杨帆=3),
    "leader_a": totals(10, 王建国=9, 李秀英=8, 张伟=7, 刘洋=6, 陈静=5, 杨帆=4),
}


def race(work, users):
    """Run ``work(user)`` for each user at the same moment, each on its own connection."""
    barrier, outcomes = threading.Barrier(len(users)), {}

    def run(user):
        try:
            barrier.wait()
            work(user)
            outcomes[user.username] = "saved"
        except DomainError as exc:
            outcomes[user.username] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_congress_clerk_who_lost_the_race_sees_their_figures_beside_the_saved(
    congress,  # noqa: F811
    personas,
):
    attend(congress, present=10)
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    version = rnd.version

    def save(user):
        bs.round_enter(
            actor=user,
            rnd=rnd,
            version=version,
            ballots_issued=10,
            totals=WINNER_OR_LOSER[user.username],
            acknowledgements=AcknowledgeAll("核对计票单无误"),
        )

    outcomes = race(save, [personas["staff_a"], personas["leader_a"]])
    (winner,) = [name for name, o in outcomes.items() if o == "saved"]
    (loser,) = [name for name, o in outcomes.items() if o != "saved"]
    refused = outcomes[loser]
    assert isinstance(refused, entered_twice.StaleEntry), refused
    assert "您录入的数字没有保存" in str(refused)
    rnd.refresh_from_db()
    assert rnd.totals == WINNER_OR_LOSER[winner]  # the loser overwrote nothing
    assert rnd.entries.count() == 1 and rnd.entries.get().entered_by.username == winner
    differing = {r.label: (r.first, r.second) for r in refused.rows if r.differs}
    mine, saved = WINNER_OR_LOSER[loser]["for"], WINNER_OR_LOSER[winner]["for"]
    assert differing == {
        "陈静 赞成": (mine["陈静"], saved["陈静"]),
        "杨帆 赞成": (mine["杨帆"], saved["杨帆"]),
    }


@pytest.mark.django_db(transaction=True)
def test_villagers_box_clerk_who_lost_the_race_is_told_and_nothing_is_overwritten(world, personas):
    staff, leader = personas["staff_a"], personas["leader_a"]
    election, people = make_election(world)
    nominate_all(election, people, staff)
    main, _mobile = boxes_with_staff(election, people)
    version = main.version
    figures = {
        "staff_a": MAIN_VOTES,
        "leader_a": {**MAIN_VOTES, "director": {"王建国": 39, "李秀英": 11}},
    }

    def save(user):
        vv.box_enter(
            box=main,
            version=version,
            actor=user,
            ballots_issued=50,
            ballots_returned=50,
            ballots_invalid=0,
            votes=figures[user.username],
        )

    outcomes = race(save, [staff, leader])
    (winner,) = [name for name, o in outcomes.items() if o == "saved"]
    (loser,) = [name for name, o in outcomes.items() if o != "saved"]
    assert isinstance(outcomes[loser], entered_twice.StaleEntry), outcomes[loser]
    main.refresh_from_db()
    assert main.votes == figures[winner] and main.entered_by.username == winner
    assert main.entries.count() == 1
    assert [r.label for r in outcomes[loser].rows if r.differs] == [
        "王建国 主任得票",
        "李秀英 主任得票",
    ]


@pytest.mark.django_db
def test_stale_box_form_keeps_the_clerks_figures_and_says_they_were_not_saved(
    client, world, personas
):
    staff = personas["staff_a"]
    election, people = make_election(world)
    nominate_all(election, people, staff)
    main, _mobile = boxes_with_staff(election, people)
    stale_version = main.version
    vv.box_enter(
        box=main,
        version=stale_version,
        actor=personas["leader_a"],
        ballots_issued=50,
        ballots_returned=50,
        ballots_invalid=0,
        votes=MAIN_VOTES,
    )
    main.refresh_from_db()
    client.force_login(staff)
    data = {"version": stale_version, "ballots_issued": "50", "ballots_returned": "50"}
    data["ballots_invalid"] = "0"
    typed = {**MAIN_VOTES, "director": {"王建国": 41, "李秀英": 9}}
    for post, tally in typed.items():
        for i, name in enumerate(vv.formal_candidates(election)[post]):
            data[f"{post}-c{i}"] = str(tally.get(name, 0))
    response = client.post(reverse("villagers:box-entry", args=[main.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "您录入的数字没有保存" in page and 'id="stale-compare"' in page
    assert 'class="differs"' in page
    assert 'value="41" inputmode="numeric"' in page  # the form keeps what they typed
    assert f'name="version" value="{main.version}"' in page  # and can be saved again
    main.refresh_from_db()
    assert main.votes == MAIN_VOTES and main.entered_by == personas["leader_a"]
