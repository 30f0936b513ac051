"""A villagers' committee elected and confirmed, with a close relative its director declared:
the starting point of the supervision committee's election."""

from ballots.models import NomineeRelative
from ballots.tests.villagers_vote_helpers import counted_election
from ballots.villagers import vote as vv
from renewal.kit import crypto

# Elected: 王建国 (主任), 张伟 (副主任), 陈静, 杨帆, 赵磊 (委员). 李秀英 is 王建国's wife.
SLATE = ["刘洋", "孙丽", "周一", "吴二"]


def approved_election(world, staff, approver):
    election, people = counted_election(world, staff)
    rnd = election.vote_rounds.get(status="open")
    vv.round_enter(
        rnd=rnd,
        version=rnd.version,
        actor=staff,
        present=55,
        ballots_returned=55,
        ballots_invalid=1,
        votes={"赵磊": 30, "孙丽": 20},
    )
    director = election.nominations.get(post="director", person=people["王建国"])
    NomineeRelative.objects.create(
        nomination=director,
        name="李秀英",
        relation="配偶",
        id_number_hash=crypto.blind_index(people["李秀英"].id_number, purpose="id"),
    )
    vv.election_approve(election=election, actor=approver)
    election.refresh_from_db()
    return election, people
