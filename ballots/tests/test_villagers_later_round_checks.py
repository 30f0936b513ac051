"""The coded checks run on every villagers' round: the boxes of the first vote, and the
totals of a re-vote or an 另行选举; a warning on a later round is saved only with the
clerk's reason, kept with that round, as on a box."""

import pytest

from ballots import checks
from ballots.check_catalogue import TallyRefused, TallyWarnings
from ballots.models import TallyAcknowledgement
from ballots.tests.test_villagers_tally_sheet import text_of
from ballots.tests.villagers_vote_helpers import (
    MAIN_VOTES,
    MOBILE_VOTES,
    boxes_with_staff,
    counted_election,
    enter,
    make_election,
    nominate_all,
)
from ballots.villagers import vote as vv

pytestmark = pytest.mark.django_db

# 周强 is written in and beats a printed candidate of the 另行选举: W.202.
WRITE_IN_AHEAD = {"赵磊": 30, "孙丽": 5, "周强": 12}


def later(
    rnd,
    actor,
    votes,
    *,
    present=55,
    returned=55,
    invalid=0,
    reconciliation=None,
    acknowledgements=None,
):
    rnd.refresh_from_db()
    return vv.round_enter(
        rnd=rnd,
        version=rnd.version,
        actor=actor,
        present=present,
        ballots_returned=returned,
        ballots_invalid=invalid,
        votes=votes,
        reconciliation=reconciliation,
        acknowledgements=acknowledgements,
    )


def revote_round(world, actor):
    election, people = make_election(world, voters=120)  # 60 of 120 voting: void
    nominate_all(election, people, actor)
    main, mobile = boxes_with_staff(election, people)
    enter(main, actor, 50, MAIN_VOTES)
    enter(mobile, actor, 10, MOBILE_VOTES)
    vv.election_count(election=election, actor=actor)
    return election.vote_rounds.get(post="director", round_type="revote")


def test_supplementary_round_warning_needs_a_reason_and_is_kept(world, personas):
    staff = personas["staff_a"]
    election, _ = counted_election(world, staff)
    rnd = election.vote_rounds.get(round_type="supplementary")
    with pytest.raises(TallyWarnings) as warned:
        later(rnd, staff, WRITE_IN_AHEAD)
    assert [f.code for f in warned.value.findings] == ["W.202"]
    rnd.refresh_from_db()
    assert rnd.status == "open" and not rnd.entries.exists()

    later(rnd, staff, WRITE_IN_AHEAD, acknowledgements=checks.AcknowledgeAll("周强在本村威望高"))
    rnd.refresh_from_db()
    assert rnd.status == "counted"
    (ack,) = TallyAcknowledgement.objects.filter(vote_round=rnd)
    assert ack.code == "W.202" and ack.reason == "周强在本村威望高" and ack.acknowledged_by == staff


@pytest.mark.parametrize(
    ("kind", "figures", "code"),
    [
        ("supplementary", {"returned": 56}, "F.101"),
        ("supplementary", {"invalid": 56}, "F.103"),
        ("supplementary", {"present": 101, "returned": 101}, "F.110"),
        ("revote", {"returned": 61, "present": 60}, "F.101"),
    ],
)
def test_later_rounds_of_every_type_refuse_on_f_rules(world, personas, kind, figures, code):
    staff = personas["staff_a"]
    if kind == "revote":
        rnd = revote_round(world, staff)
        votes = {"王建国": 40, "李秀英": 10}
    else:
        rnd = counted_election(world, staff)[0].vote_rounds.get(round_type=kind)
        votes = {"赵磊": 30, "孙丽": 20}
    with pytest.raises(TallyRefused) as refused:
        later(rnd, staff, votes, **figures)
    assert code in [f.code for f in refused.value.findings]


def test_revote_round_warns_too(world, personas):
    staff = personas["staff_a"]
    rnd = revote_round(world, staff)
    votes = {"王建国": 50, "李秀英": 5, "周强": 8}
    with pytest.raises(TallyWarnings, match=r"W\.202"):
        later(rnd, staff, votes, present=70, returned=70)
    later(
        rnd, staff, votes, present=70, returned=70, acknowledgements=checks.AcknowledgeAll("已核")
    )
    assert TallyAcknowledgement.objects.filter(vote_round=rnd, code="W.202").exists()


def test_the_round_page_asks_for_the_reason_and_lists_it(client, world, personas):
    staff = personas["staff_a"]
    election, _ = counted_election(world, staff)
    rnd = election.vote_rounds.get(round_type="supplementary")
    url = f"/villagers/rounds/{rnd.pk}/"
    form = {"version": rnd.version, "present": "55", "ballots_returned": "55"}
    form |= {"ballots_invalid": "0", "r-w0-name": "周强", "r-w0-votes": "12"}
    form |= {"rec-printed": "57", "rec-spoiled": "1", "rec-unused": "1", "rec-receipts": "55"}
    form |= {
        f"r-c{i}": str({"赵磊": 30, "孙丽": 5}.get(n, "")) for i, n in enumerate(rnd.candidates)
    }
    client.force_login(staff)
    response = client.post(url, form)
    page = response.content.decode()
    assert response.status_code == 400 and 'id="tally-warnings"' in page and "W.202" in page
    key = next(f.key for f in vv_findings(rnd, staff))
    # A tick without a reason asks again.
    response = client.post(url, form | {"ack": key})
    assert response.status_code == 400 and "已勾选的核对提示须填写理由" in response.content.decode()
    response = client.post(url, form | {"ack": key, f"reason-{key}": "核对计票单无误"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'id="acknowledgements"' in page and "核对计票单无误" in page
    rnd.refresh_from_db()
    assert (rnd.ballots_printed, rnd.ballot_receipts) == (57, 55)


def vv_findings(rnd, staff):
    try:
        later(rnd, staff, WRITE_IN_AHEAD)
    except TallyWarnings as exc:
        return exc.findings
    return []


def test_a_later_rounds_ballot_count_is_reconciled_and_kept(client, world, personas):
    staff = personas["staff_a"]
    election, _ = counted_election(world, staff)
    rnd = election.vote_rounds.get(round_type="supplementary")
    votes = {"赵磊": 30, "孙丽": 20}
    with pytest.raises(TallyRefused, match=r"F\.111"):
        later(rnd, staff, votes, reconciliation=checks.Reconciliation(60, 1, 1, 55, 0))
    short = checks.Reconciliation(printed=60, spoiled=2, unused=3, receipts=54, proxies_used=1)
    with pytest.raises(TallyWarnings) as warned:
        later(rnd, staff, votes, reconciliation=short)
    assert sorted(f.code for f in warned.value.findings) == ["W.301", "W.302"]
    later(rnd, staff, votes, reconciliation=short, acknowledgements=checks.AcknowledgeAll("已核"))
    rnd.refresh_from_db()
    assert (rnd.ballots_printed, rnd.ballots_spoiled, rnd.ballots_unused) == (60, 2, 3)
    assert (rnd.ballot_receipts, rnd.proxies_used) == (54, 1)
    client.force_login(staff)
    text = text_of(client.get(f"/villagers/rounds/{rnd.pk}/tally.pdf").content)
    assert "印制（领取）选票60张＝发出选票55张＋作废选票（损坏调换）2张＋未使用选票3张" in text
    assert "领票登记54人" in text and "使用委托投票1张" in text
