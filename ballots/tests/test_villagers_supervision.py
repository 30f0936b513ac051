"""The supervision committee: set-up by the pack, the bar on committee members and their
close relatives at nomination, the meeting's vote counted by the engine, the term."""

import datetime
import json

import pytest
from django.core.management import call_command

from ballots.models import GroupOfficer, SupervisionElection, VillagersRulePack
from ballots.tests.supervision_helpers import SLATE, approved_election
from ballots.tests.villagers_vote_helpers import make_election
from ballots.villagers import selectors
from ballots.villagers import supervision as sv
from ballots.villagers import vote as vv
from renewal.models import Body, DomainError, Handover, VillagerGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(personas):
    return personas["staff_a"]


@pytest.fixture
def elected(world, staff, personas):
    return approved_election(world, staff, personas["leader_a"])


def _setup(election, seats=3, assembly="meeting"):
    return sv.supervision_setup(
        election=election, assembly=assembly, seats=seats, meeting_day=election.election_day
    )


def _nominate(supervision, person, staff):
    return sv.supervision_nominate(
        supervision=supervision, person=person, nominators=10, source="joint", actor=staff
    )


def test_seats_and_meeting_follow_the_pack(elected):
    election, _ = elected
    with pytest.raises(DomainError, match="应选 3 至 5 人"):
        _setup(election, seats=7)
    VillagersRulePack.objects.filter(pk=election.pack_id).update(
        supervision_assembly="representatives"
    )
    election.refresh_from_db()
    with pytest.raises(DomainError, match="由村\\(居\\)民代表会议推选"):
        _setup(election)
    assert _setup(election, assembly="representatives").assembly_name == "村民代表会议"


def test_nomination_waits_for_the_committees_result(world, staff):
    election, people = make_election(world)
    supervision = _setup(election)
    with pytest.raises(DomainError, match="须先确认村民委员会选举结果"):
        _nominate(supervision, people["刘洋"], staff)


def test_a_close_relative_of_a_committee_member_is_refused_with_the_relationship(elected, staff):
    election, people = elected
    supervision = _setup(election)
    with pytest.raises(DomainError) as refused:
        _nominate(supervision, people["李秀英"], staff)
    assert "李秀英是村民委员会主任王建国的配偶" in str(refused.value)
    assert "近亲属不得担任村务监督委员会成员" in str(refused.value)
    assert not supervision.nominations.exists()


def test_a_committee_member_is_refused(elected, staff):
    election, people = elected
    supervision = _setup(election)
    with pytest.raises(DomainError, match="陈静是本届村民委员会委员，村民委员会成员不得担任"):
        _nominate(supervision, people["陈静"], staff)


def test_the_bar_on_relatives_is_rule_pack_data(elected, staff):
    election, people = elected
    VillagersRulePack.objects.filter(pk=election.pack_id).update(supervision_bars_relatives=False)
    election.refresh_from_db()
    supervision = _setup(election)
    assert _nominate(supervision, people["李秀英"], staff).person == people["李秀英"]


def test_a_namesake_of_a_relative_is_someone_else(elected, staff):
    from ballots.models import VoterRegistration
    from tests.factories import PersonFactory

    election, _ = elected
    namesake = PersonFactory(name="李秀英", sex="F")
    VoterRegistration.objects.create(
        election=election, round=election.round, person=namesake, category="resident"
    )
    assert _nominate(_setup(election), namesake, staff).person == namesake


def _slate(election, people, staff):
    supervision = _setup(election)
    ids = [_nominate(supervision, people[n], staff).pk for n in SLATE]
    return supervision, ids


def test_a_short_list_is_refused(elected, staff):
    election, people = elected
    supervision, ids = _slate(election, people, staff)
    with pytest.raises(DomainError, match="正式候选人至少 4 名"):
        sv.supervision_candidates_confirm(supervision=supervision, nomination_ids=ids[:3])


def _vote(rnd, staff, votes, present=60, invalid=0):
    rnd.refresh_from_db()
    return sv.supervision_round_enter(
        rnd=rnd,
        version=rnd.version,
        actor=staff,
        present=present,
        ballots_returned=present,
        ballots_invalid=invalid,
        votes=votes,
    )


def test_a_valid_slate_is_counted_elected_and_becomes_a_term(elected, staff, personas, tmp_path):
    election, people = elected
    supervision, ids = _slate(election, people, staff)
    rnd = sv.supervision_candidates_confirm(supervision=supervision, nomination_ids=ids)
    assert rnd.candidates == vv.sorted_names(SLATE)
    rnd = _vote(rnd, staff, {"刘洋": 50, "孙丽": 45, "周一": 40, "吴二": 20})
    assert rnd.result["outcome"] == "elected"
    assert rnd.result["elected"] == ["刘洋", "孙丽", "周一"]
    assert rnd.expected == vv.registered_voters(election).count()
    supervision.refresh_from_db()
    assert supervision.status == SupervisionElection.Status.COUNTED
    # The round is a ballot record that recount confirms on its own.
    path = tmp_path / "record.json"
    path.write_text(json.dumps(sv.round_record_json(rnd), ensure_ascii=False), encoding="utf-8")
    call_command("recount", str(path), "--verify")
    with pytest.raises(DomainError, match="请从当选人中选定村务监督委员会主任"):
        sv.supervision_approve(supervision=supervision, chair=people["吴二"], actor=staff)
    term = sv.supervision_approve(
        supervision=supervision, chair=people["孙丽"], actor=personas["leader_a"]
    )
    assert term.body == Body.SUPERVISION and term.round == election.round
    assert dict(term.members.values_list("person__name", "post")) == {
        "刘洋": "supervision_member",
        "孙丽": "supervision_chair",
        "周一": "supervision_member",
    }
    # The new body is handed over like the two committees.
    assert Handover.objects.filter(unit=election.unit, body=Body.SUPERVISION).exists()
    counts = selectors.supervision_members(election.round, [election.unit_id])
    assert counts == {election.unit_id: {"members": 3, "women": 1, "chairs": 1}}
    with pytest.raises(DomainError, match="已锁定"):
        _nominate(supervision, people["冯四"], staff)


def test_a_shortfall_opens_a_supplementary_round(elected, staff):
    election, people = elected
    supervision, ids = _slate(election, people, staff)
    rnd = sv.supervision_candidates_confirm(supervision=supervision, nomination_ids=ids)
    rnd = _vote(rnd, staff, {"刘洋": 50, "孙丽": 20, "周一": 10, "吴二": 5})
    assert rnd.result["outcome"] == "shortfall"
    follow = rnd.following.get()
    assert follow.round_type == "supplementary" and follow.seats == 2
    assert "刘洋" not in follow.candidates
    follow = _vote(follow, staff, {"孙丽": 30, "周一": 25, "吴二": 5})
    assert follow.result["elected"] == ["孙丽", "周一"]
    assert sv.elected_names(supervision) == ["刘洋", "孙丽", "周一"]


def test_a_representatives_meeting_needs_two_thirds_present(elected, staff):
    election, people = elected
    group = VillagerGroup.objects.create(unit=election.unit, name="第一村民小组")
    for name in ["李秀英", "冯四", "郑三"]:
        GroupOfficer.objects.create(
            election=election,
            group=group,
            role="representative",
            person=people[name],
            method="households",
            elected_on=election.election_day,
        )
    # Recorded later than the meeting: not one of those the meeting had.
    GroupOfficer.objects.create(
        election=election,
        group=group,
        role="representative",
        person=people["吴二"],
        method="households",
        elected_on=election.election_day + datetime.timedelta(days=1),
    )
    supervision = _setup(election, assembly="representatives")
    assert sv.expected_at_meeting(supervision) == 3
    ids = [_nominate(supervision, people[n], staff).pk for n in SLATE]
    rnd = sv.supervision_candidates_confirm(supervision=supervision, nomination_ids=ids)
    with pytest.raises(DomainError, match="应到 3 人，实到 1 人，须有三分之二以上"):
        _vote(rnd, staff, {"刘洋": 1}, present=1)
    rnd = _vote(rnd, staff, {"刘洋": 2, "孙丽": 2, "周一": 2}, present=2)
    assert set(rnd.result["elected"]) == {"刘洋", "孙丽", "周一"}


def test_figures_beyond_the_ballots_are_refused_and_nothing_is_kept(elected, staff):
    election, people = elected
    supervision, ids = _slate(election, people, staff)
    rnd = sv.supervision_candidates_confirm(supervision=supervision, nomination_ids=ids)
    with pytest.raises(DomainError, match="录入有误"):
        _vote(rnd, staff, {"刘洋": 70}, present=60)
    rnd.refresh_from_db()
    assert rnd.status == "open" and rnd.totals is None


def test_the_structure_figures_leave_the_supervision_committee_out(elected, staff):
    from django.utils import timezone

    from renewal.kit.figures import Counties
    from renewal.rollup.services import _load_terms

    election, people = elected
    supervision, ids = _slate(election, people, staff)
    rnd = sv.supervision_candidates_confirm(supervision=supervision, nomination_ids=ids)
    _vote(rnd, staff, {"刘洋": 50, "孙丽": 45, "周一": 40, "吴二": 20})
    sv.supervision_approve(supervision=supervision, chair=people["孙丽"], actor=staff)
    current, _ = _load_terms(Counties((election.round,)), timezone.localdate())
    assert {t.body for t in current[election.unit.county_id]} == {"villagers"}


def test_pack_edition_is_shown_on_the_pack():
    pack = VillagersRulePack.objects.get(province_code="", effective_from=datetime.date(2026, 1, 1))
    assert pack.law_edition == "2025"
    assert pack.get_law_edition_display().startswith("《村民委员会组织法》2025 年修正")
    assert "三分之一" in pack.bodies_source
    old = VillagersRulePack.objects.get(
        province_code="", effective_from=datetime.date(2018, 12, 29)
    )
    assert old.law_edition == "2018"


def test_the_relationship_a_nominee_declares_is_kept(world, staff):
    election, people = make_election(world)
    relatives = vv.parse_relatives(f"李秀英 配偶 {people['李秀英'].id_number}")
    nomination = vv.nomination_add(
        election=election,
        post="director",
        person=people["王建国"],
        nominators=10,
        source="joint",
        relatives=relatives,
        actor=staff,
    )
    assert list(nomination.relatives.values_list("name", "relation")) == [("李秀英", "配偶")]


def test_a_relative_the_nominee_declares_on_the_committee_bars_the_nominee(elected, staff):
    election, people = elected
    supervision = _setup(election)
    declared = vv.parse_relatives(f"张伟 哥哥 {people['张伟'].id_number}")
    with pytest.raises(DomainError) as refused:
        sv.supervision_nominate(
            supervision=supervision,
            person=people["吴二"],
            nominators=10,
            source="joint",
            relatives=declared,
            actor=staff,
        )
    assert "吴二申报的哥哥张伟是村民委员会副主任" in str(refused.value)
    kept = vv.parse_relatives(f"冯四 弟弟 {people['冯四'].id_number}")
    nomination = sv.supervision_nominate(
        supervision=supervision,
        person=people["吴二"],
        nominators=10,
        source="joint",
        relatives=kept,
        actor=staff,
    )
    assert list(nomination.relatives.values_list("name", "relation")) == [("冯四", "弟弟")]
