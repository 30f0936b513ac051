"""The supervision committee's meeting under the election-day safeguards: entered twice where
the county requires it (agreed → counted once, differing → the coordinator keeps one), a save
over a newer version refused with the saved figures beside the typed ones, the villagers'
check wording with each warning's reason kept, and the agreed entry in the entry chain."""

import pytest
from django.urls import reverse

from ballots import checks
from ballots import double_entry as entered_twice
from ballots.models import EntryDraft, SupervisionRound, TallyAcknowledgement
from ballots.tests.supervision_helpers import SLATE, approved_election
from ballots.tests.test_double_entry import require_double_entry
from ballots.villagers import entry_chain
from ballots.villagers import supervision as sv
from renewal.models import DomainError, Profile
from tests.fixtures import make_user

pytestmark = pytest.mark.django_db

AGREED = {"刘洋": 50, "孙丽": 45, "周一": 40, "吴二": 20}
OTHER = {"刘洋": 50, "孙丽": 45, "周一": 39, "吴二": 21}
WRITE_IN_AHEAD = {"刘洋": 50, "孙丽": 45, "周一": 40, "吴二": 10, "郑五": 20}


@pytest.fixture
def staff(personas):
    return personas["staff_a"]


@pytest.fixture
def clerk2(world):
    return make_user("staff_a2", Profile.Role.TOWNSHIP_STAFF, world["township_a"], full_name="孙伟")


@pytest.fixture
def meeting_round(world, staff, personas) -> SupervisionRound:
    election, people = approved_election(world, staff, personas["leader_a"])
    supervision = sv.supervision_setup(
        election=election, assembly="meeting", seats=3, meeting_day=election.election_day
    )
    ids = [
        sv.supervision_nominate(
            supervision=supervision, person=people[n], nominators=10, source="joint", actor=staff
        ).pk
        for n in SLATE
    ]
    return sv.supervision_candidates_confirm(supervision=supervision, nomination_ids=ids)


def enter(rnd, user, votes, *, version=None, acknowledgements=None):
    rnd.refresh_from_db()
    return sv.supervision_round_enter(
        rnd=rnd,
        version=rnd.version if version is None else version,
        actor=user,
        present=60,
        ballots_returned=60,
        ballots_invalid=0,
        votes=votes,
        acknowledgements=acknowledgements,
    )


def test_two_accounts_that_agree_count_the_meeting_once_and_chain_it(
    world, meeting_round, staff, clerk2
):
    require_double_entry(world)
    enter(meeting_round, staff, AGREED)
    meeting_round.refresh_from_db()
    assert meeting_round.status == "open" and meeting_round.result is None
    assert entered_twice.state_of(sv.SUPERVISION, meeting_round) == entered_twice.FIRST
    with pytest.raises(DomainError, match="第二次录入须由另一个账号完成"):
        enter(meeting_round, staff, AGREED)
    enter(meeting_round, clerk2, AGREED)
    meeting_round.refresh_from_db()
    assert meeting_round.status == "counted"
    assert meeting_round.result["elected"] == ["刘洋", "孙丽", "周一"]
    assert meeting_round.entered_by == clerk2
    assert set(meeting_round.drafts.values_list("status", flat=True)) == {"agreed"}
    (entry,) = meeting_round.entries.all()
    assert entry.figures == entry_chain.round_figures(meeting_round)
    election = meeting_round.election.villagers
    verdict = entry_chain.election_chain(election)
    assert verdict.intact and not verdict.counted_differs
    # A count changed behind the chain's back is found, as check_ballot_chain reports it.
    SupervisionRound.objects.filter(pk=meeting_round.pk).update(
        totals={**meeting_round.totals, "for": OTHER}
    )
    assert entry_chain.election_chain(election).counted_differs


def test_differing_entries_wait_for_the_coordinator_who_keeps_one(
    client, world, meeting_round, staff, clerk2, personas
):
    require_double_entry(world)
    enter(meeting_round, staff, AGREED)
    enter(meeting_round, clerk2, OTHER)
    meeting_round.refresh_from_db()
    assert meeting_round.status == "open"
    disputes = entered_twice.disputes_visible_to(personas["reviewer"])
    assert [(d.kind, d.tally.pk) for d in disputes] == [(sv.SUPERVISION, meeting_round.pk)]
    assert [r.label for r in disputes[0].rows if r.differs] == ["吴二 得票", "周一 得票"]
    client.force_login(personas["reviewer"])
    page = client.get(reverse("ballots:double-entry-list")).content.decode()
    detail = reverse("ballots:double-entry-detail", args=[sv.SUPERVISION, meeting_round.pk])
    assert detail in page
    page = client.get(detail).content.decode()
    assert "吴二 得票" in page and "采用第二次录入" in page
    client.force_login(personas["staff_b"])
    assert client.get(detail).status_code == 404
    entered_twice.entry_resolve(
        kind=sv.SUPERVISION, pk=meeting_round.pk, actor=personas["reviewer"], choice="second"
    )
    meeting_round.refresh_from_db()
    assert meeting_round.status == "counted"
    assert meeting_round.totals["for"] == OTHER
    assert meeting_round.entered_by == clerk2
    assert meeting_round.entries.get().entered_by == clerk2
    assert EntryDraft.objects.filter(supervision_round=meeting_round, status="kept").count() == 1
    assert entry_chain.election_chain(meeting_round.election.villagers).intact


def test_a_save_over_a_newer_version_is_refused_beside_the_saved_figures(meeting_round, staff):
    stale_version = meeting_round.version
    enter(meeting_round, staff, AGREED)
    with pytest.raises(entered_twice.StaleEntry) as lost:
        enter(meeting_round, staff, OTHER, version=stale_version)
    differs = [(r.label, r.first, r.second) for r in lost.value.rows if r.differs]
    assert differs == [("吴二 得票", 21, 20), ("周一 得票", 39, 40)]
    meeting_round.refresh_from_db()
    assert meeting_round.totals["for"] == AGREED


def test_a_written_in_name_is_refused_where_it_is_entered(meeting_round, staff):
    """Members are chosen among the vetted formal candidates: a name written in would be
    elected and then never confirmed, so the tally is refused before anything is saved."""
    with pytest.raises(DomainError, match="郑五不是本轮的正式候选人"):
        enter(
            meeting_round, staff, WRITE_IN_AHEAD, acknowledgements=checks.AcknowledgeAll("已核对")
        )
    meeting_round.refresh_from_db()
    assert meeting_round.status == "open" and not meeting_round.entries.exists()
    assert not TallyAcknowledgement.objects.filter(supervision_round=meeting_round).exists()


def test_the_round_page_shows_the_stale_save_without_write_in_lines(client, meeting_round, staff):
    stale_version = meeting_round.version
    enter(meeting_round, staff, AGREED)
    client.force_login(staff)
    data = {
        "version": stale_version,
        "present": 60,
        "ballots_returned": 60,
        "ballots_invalid": 0,
    }
    for i, name in enumerate(meeting_round.candidates):
        data[f"s-c{i}"] = OTHER[name]
    url = reverse("villagers:supervision-round", args=[meeting_round.pk])
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="stale-entry"' in page and "您录入的数字没有保存" in page
    assert "s-w0-name" not in page  # the meeting's ballot has no 另选他人 lines


def test_the_counted_round_page_shows_the_chain_and_the_record_seal(client, meeting_round, staff):
    from ballots.record import grouped_hash, record_hash

    enter(meeting_round, staff, AGREED)
    meeting_round.refresh_from_db()
    client.force_login(staff)
    page = client.get(reverse("villagers:supervision-round", args=[meeting_round.pk]))
    html = page.content.decode()
    assert 'id="entry-chain"' in html and "本次选举的计票录入记录" in html
    seal = grouped_hash(record_hash(sv.round_record_json(meeting_round)))
    assert f"<code>{seal}</code>" in html
