"""Villagers' vote services: nominations, officials, boxes, counting, approval, figures."""

import datetime
import functools
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ballots import checks
from ballots.congress.figures import congress_held_units, villagers_approved_units
from ballots.models import (
    CountyVillagersRules,
    VillagersElection,
    VillagersRound,
    VoterRegistration,
)
from ballots.tests.villagers_vote_helpers import (
    DIRECTORS,
    MAIN_VOTES,
    MEMBERS,
    MOBILE_VOTES,
    STAFF,
    boxes_with_staff,
    counted_election,
    enter,
    make_election,
    nominate_all,
)
from ballots.villagers import setup
from ballots.villagers import vote as vv
from candidates.models import Candidacy
from renewal.kit import figures
from renewal.kit.idcard import make_id_number
from renewal.models import DomainError, Term, TermMember, UnitSeats
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(personas):
    return personas["staff_a"]


def test_seats_by_post_follow_the_committee_size_and_women_seat(world):
    election, _ = make_election(world)
    assert vv.seats_by_post(election) == {
        "director": 1,
        "deputy_director": 1,
        "committee_member": 3,
    }
    CountyVillagersRules.objects.create(
        county=world["county_a"], pack=election.pack, women_seat=True
    )
    assert vv.seats_by_post(election) == {
        "director": 1,
        "deputy_director": 1,
        "committee_member": 2,
        "women_member": 1,
    }


def test_nominee_must_be_a_registered_voter(world, staff):
    election, _ = make_election(world)
    outsider = PersonFactory(name="外人")
    with pytest.raises(DomainError, match="不是本次选举的登记选民"):
        vv.nomination_add(
            election=election,
            post="director",
            person=outsider,
            nominators=10,
            source="joint",
            actor=staff,
        )


def test_nominee_first_known_from_the_register_has_education_recorded(world, staff):
    """The register records no education; the structure figures need the nominee's."""
    election, _ = make_election(world)
    election.status = "published"
    election.save(update_fields=["status"])
    registration = setup.voter_register(
        actor=staff,
        election=election,
        id_number=make_id_number("152622", datetime.date(1993, 5, 20), 7, "F"),
        name="韩雪",
        category="resident",
    )
    person = registration.person
    assert person.education == ""
    nominate = functools.partial(
        vv.nomination_add,
        election=election,
        post="committee_member",
        person=person,
        nominators=10,
        source="joint",
        actor=staff,
    )
    with pytest.raises(DomainError, match="选民名单未登记韩雪的学历"):
        nominate()
    assert not election.nominations.exists()
    nominate(education="bachelor")
    person.refresh_from_db()
    assert person.education == "bachelor"
    # Already on record: a different one typed is not taken silently.
    with pytest.raises(DomainError, match="学历已登记为“本科”"):
        nominate(post="director", education="senior")


def test_women_seat_takes_women_only(world, staff):
    election, people = make_election(world)
    CountyVillagersRules.objects.create(
        county=world["county_a"], pack=election.pack, women_seat=True
    )
    with pytest.raises(DomainError, match="须为女性"):
        vv.nomination_add(
            election=election,
            post="women_member",
            person=people["王建国"],
            nominators=10,
            source="joint",
            actor=staff,
        )
    vv.nomination_add(
        election=election,
        post="women_member",
        person=people["陈静"],
        nominators=10,
        source="joint",
        actor=staff,
    )


def _nominate(election, people, post, names, actor):
    return [
        vv.nomination_add(
            election=election,
            post=post,
            person=people[n],
            nominators=10,
            source="group",
            actor=actor,
        ).pk
        for n in names
    ]


def test_short_list_is_refused_saying_how_many_more(world, staff):
    election, people = make_election(world)
    ids = _nominate(election, people, "committee_member", ["陈静", "杨帆", "赵磊"], staff)
    with pytest.raises(DomainError, match=r"至少 4 名.*现只有 3 名，还需 1 名"):
        vv.candidates_confirm(election=election, post="committee_member", nomination_ids=ids)
    assert not election.nominations.filter(formal=True).exists()


def test_member_list_without_a_woman_is_refused_without_womens_seat(world, staff):
    election, people = make_election(world)
    ids = _nominate(election, people, "committee_member", ["杨帆", "赵磊", "王建国", "张伟"], staff)
    with pytest.raises(DomainError, match="至少要有 1 名女性"):
        vv.candidates_confirm(election=election, post="committee_member", nomination_ids=ids)


def test_formal_candidates_are_in_stroke_order(world, staff):
    election, people = make_election(world)
    ids = _nominate(election, people, "committee_member", MEMBERS, staff)
    names = vv.candidates_confirm(election=election, post="committee_member", nomination_ids=ids)
    assert names == sorted(MEMBERS, key=vv.stroke_sort_key)
    assert names[0] == "孙丽"  # 孙 has 6 strokes, fewer than 杨 陈 赵


def test_candidates_and_their_relatives_cannot_scrutinise(world, staff):
    election, people = make_election(world)
    relative = people["周一"]
    vv.nomination_add(
        election=election,
        post="director",
        person=people["王建国"],
        nominators=10,
        source="joint",
        relatives=[("周一", relative.id_number), ("冯四", people["冯四"].id_number)],
        actor=staff,
    )
    with pytest.raises(DomainError, match="王建国是候选人"):
        vv.official_add(election=election, person=people["王建国"], role="scrutineer")
    with pytest.raises(DomainError, match="周一是候选人王建国的近亲属"):
        vv.official_add(election=election, person=relative, role="teller")
    with pytest.raises(DomainError, match="冯四是候选人王建国的近亲属"):
        vv.official_add(election=election, person=people["冯四"], role="recorder")
    vv.official_add(election=election, person=people["吴二"], role="recorder")
    # Relatives are told apart by ID number: another villager named 周一 may scrutinise.
    namesake = PersonFactory(name="周一")
    VoterRegistration.objects.create(
        election=election, round=election.round, person=namesake, category="resident"
    )
    vv.official_add(election=election, person=namesake, role="scrutineer")


def test_a_relative_refused_is_told_whose_relative_among_same_name_candidates(world, staff):
    """Both 张伟 stand: the refusal names the one whose relative it is, as on the ballot."""
    election, people = make_election(world)
    relative = people["周一"]
    twins = [PersonFactory(name="张伟", birth_date=datetime.date(y, 3, 12)) for y in (1980, 1990)]
    VoterRegistration.objects.bulk_create(
        VoterRegistration(election=election, round=election.round, person=p, category="resident")
        for p in twins
    )
    for twin, relatives in zip(twins, ([("周一", relative.id_number)], []), strict=True):
        vv.nomination_add(
            election=election,
            post="director",
            person=twin,
            nominators=10,
            source="joint",
            relatives=relatives,
            actor=staff,
        )
    with pytest.raises(DomainError, match="周一是候选人张伟（1980年生）的近亲属"):
        vv.official_add(election=election, person=relative, role="teller")


def test_mobile_box_needs_three_scrutineers_before_entry(world, staff):
    election, people = make_election(world)
    nominate_all(election, people, staff)
    mobile = vv.box_add(election=election, kind="mobile", name="流动票箱一")
    vv.official_add(election=election, person=people[STAFF[0]], role="scrutineer", box=mobile)
    with pytest.raises(DomainError, match=r"至少 3 名监票人.*现有 1 名"):
        enter(mobile, staff, 10, MOBILE_VOTES)
    for name in STAFF[1:3]:
        vv.official_add(election=election, person=people[name], role="scrutineer", box=mobile)
    enter(mobile, staff, 10, MOBILE_VOTES)


def test_box_entry_checks_counts_and_keeps_nothing_on_error(world, staff):
    election, people = make_election(world)
    nominate_all(election, people, staff)
    main, _ = boxes_with_staff(election, people)
    with pytest.raises(DomainError) as exc:
        enter(main, staff, 50, {"director": {"王建国": 60}}, returned=50, invalid=51)
    message = str(exc.value)
    assert "F.103 废票（51）多于收回票数（50）" in message
    main.refresh_from_db()
    assert main.entered_at is None and main.votes == {}


def test_combined_entry_refuses_one_name_in_two_columns_beyond_the_ballots(world, staff):
    election, people = make_election(world)
    nominate_all(election, people, staff)
    main, _ = boxes_with_staff(election, people)
    votes = {"director": {"王建国": 30}, "committee_member": {"王建国": 25}}
    with pytest.raises(
        DomainError, match=r"F\.108 王建国在主任、副主任、委员栏得票合计（55）多于有效票（50）"
    ):
        enter(main, staff, 50, votes)


def test_stale_box_version_is_refused(world, staff):
    election, people = make_election(world)
    nominate_all(election, people, staff)
    main, _ = boxes_with_staff(election, people)
    enter(main, staff, 50, MAIN_VOTES)
    with pytest.raises(DomainError, match="其他人刚刚录入"):
        vv.box_enter(
            box=main,
            version=1,
            actor=staff,
            ballots_issued=50,
            ballots_returned=50,
            ballots_invalid=0,
            votes=MAIN_VOTES,
        )


def test_counting_waits_for_every_box(world, staff):
    election, people = make_election(world)
    nominate_all(election, people, staff)
    main, _ = boxes_with_staff(election, people)
    enter(main, staff, 50, MAIN_VOTES)
    with pytest.raises(DomainError, match="流动票箱一"):
        vv.election_count(election=election, actor=staff)


def test_boxes_are_summed_and_combined_then_counted_post_by_post(world, staff):
    election, _ = counted_election(world, staff)
    rounds = {r.post: r for r in election.vote_rounds.filter(round_type="first")}
    director = rounds["director"]
    assert director.expected == 100 and director.present == 60
    assert director.result["elected"] == ["王建国"]
    # Deputy tally adds director-column votes; the director-elect leaves later posts.
    assert rounds["deputy_director"].totals["for"] == {"张伟": 36, "刘洋": 24, "李秀英": 12}
    assert rounds["deputy_director"].result["elected"] == ["张伟"]
    member = rounds["committee_member"]
    assert member.election_kind == "villagers-committee"
    assert member.totals["for"]["刘洋"] == 24  # deputy-column votes count as member votes
    assert sorted(member.result["elected"]) == ["杨帆", "陈静"]
    assert member.result["outcome"] == "shortfall"
    supplementary = election.vote_rounds.get(round_type="supplementary")
    assert supplementary.post == "committee_member" and supplementary.seats == 1
    assert "赵磊" in supplementary.candidates and "陈静" not in supplementary.candidates
    assert election.status == VillagersElection.Status.VOTING


def _finish(election, staff, **votes):
    rnd = election.vote_rounds.get(status="open")
    return vv.round_enter(
        rnd=rnd,
        version=rnd.version,
        actor=staff,
        present=55,
        ballots_returned=55,
        ballots_invalid=1,
        votes=votes or {"赵磊": 30, "孙丽": 20},
        # A written-in name ahead of a candidate warns (W.202); these tests are about the count.
        acknowledgements=checks.AcknowledgeAll("已核对计票单"),
    )


def test_supplementary_round_elects_by_plurality_with_a_third(world, staff):
    election, _ = counted_election(world, staff)
    rnd = election.vote_rounds.get(status="open")
    with pytest.raises(DomainError, match="陈静已当选"):
        vv.round_enter(
            rnd=rnd,
            version=rnd.version,
            actor=staff,
            present=55,
            ballots_returned=55,
            ballots_invalid=0,
            votes={"陈静": 30},
        )
    rnd = _finish(election, staff, 赵磊=17, 孙丽=16)
    assert rnd.result["outcome"] == "shortfall"  # 17 × 3 < 55: below a third
    rnd = _finish(election, staff, 赵磊=30, 孙丽=20)
    assert rnd.result["elected"] == ["赵磊"]
    election.refresh_from_db()
    assert election.status == VillagersElection.Status.COUNTED


def test_void_when_not_more_than_half_of_registered_vote(world, staff):
    election, people = make_election(world, voters=120)
    nominate_all(election, people, staff)
    main, mobile = boxes_with_staff(election, people)
    enter(main, staff, 50, MAIN_VOTES)
    enter(mobile, staff, 10, MOBILE_VOTES)
    vv.election_count(election=election, actor=staff)
    director = election.vote_rounds.get(post="director", round_type="first")
    assert director.result["outcome"] == "void"
    revote = director.following.get()
    assert revote.round_type == VillagersRound.RoundType.REVOTE
    assert revote.candidates == sorted(DIRECTORS, key=vv.stroke_sort_key)


def test_approval_writes_the_term_and_dual_roles(world, staff, personas):
    election, people = counted_election(world, staff)
    _finish(election, staff)
    election.refresh_from_db()
    with pytest.raises(DomainError):
        vv.nomination_add(
            election=election,
            post="director",
            person=people["周一"],
            nominators=1,
            source="self",
            actor=staff,
        )
    party = Term.objects.create(
        unit=world["unit_a1"],
        body="party",
        elected_on=datetime.date(2026, 11, 20),
        round=world["round"],
    )
    TermMember.objects.create(term=party, person=people["王建国"], post="secretary")
    TermMember.objects.create(term=party, person=people["张伟"], post="party_member")
    term = vv.election_approve(election=election, actor=personas["leader_a"])
    posts = dict(term.members.values_list("person__name", "post"))
    assert posts == {
        "王建国": "director",
        "张伟": "deputy_director",
        "陈静": "committee_member",
        "杨帆": "committee_member",
        "赵磊": "committee_member",
    }
    assert term.round == world["round"] and term.body == "villagers"
    election.refresh_from_db()
    assert election.status == VillagersElection.Status.APPROVED
    with pytest.raises(DomainError, match="已锁定"):
        vv.box_add(election=election, kind="sub", name="二组分会场")
    detail = vv.dual_roles_detail(election)
    assert detail["one_shoulder"] and detail["cross_names"] == ["王建国", "张伟"]
    unit_ids = [world["unit_a1"].pk, world["unit_a2"].pk]
    with CaptureQueriesContext(connection) as ctx:
        roles = vv.dual_roles(world["round"], unit_ids)
    assert len(ctx.captured_queries) == 1
    assert roles == {world["unit_a1"].pk: (True, 2, 5)}


def test_write_in_winner_must_be_tied_to_a_voter_before_the_result(world, staff, personas):
    election, _ = counted_election(world, staff)
    _finish(election, staff, 赵磊=5, 无名氏=40)
    election.refresh_from_db()
    (write_in,) = vv.unresolved_write_ins(election)
    assert write_in.name == "无名氏"
    with pytest.raises(DomainError, match="另选他人当选的“无名氏”尚未确认是哪位登记选民"):
        vv.election_approve(election=election, actor=personas["leader_a"])
    assert not Term.objects.filter(body="villagers").exists()
    stranger = PersonFactory(name="无名氏")
    with pytest.raises(DomainError, match="不是本次选举的登记选民"):
        vv.write_in_resolve(write_in=write_in, person=stranger)
    voter = (
        vv.registered_voters(election)
        .exclude(person__in=election.nominations.values("person"))
        .first()
        .person
    )
    vv.write_in_resolve(write_in=write_in, person=voter)
    term = vv.election_approve(election=election, actor=personas["leader_a"])
    assert term.members.filter(person=voter).exists()


@pytest.mark.parametrize(
    ("mode", "kind"),
    [("combined", "villagers-committee"), ("separate", "villagers-post")],
)
def test_every_round_exports_a_record_recount_verifies(world, staff, tmp_path, mode, kind):
    election, _ = counted_election(world, staff, mode=mode)
    if election.vote_rounds.filter(status="open").exists():
        _finish(election, staff)
    rounds = list(election.vote_rounds.filter(status="counted"))
    assert len(rounds) >= 3
    for rnd in rounds:
        data = vv.round_record_json(rnd)
        assert data["election"] == kind
        path = tmp_path / f"round-{rnd.number}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        call_command("recount", str(path), "--verify")


def test_stage_checks_and_figures_respect_the_day(world, staff, personas):
    election, _ = counted_election(world, staff)
    _finish(election, staff)
    election.refresh_from_db()
    vv.election_approve(election=election, actor=personas["leader_a"])
    today = datetime.date.today()
    unit_ids = [world["unit_a1"].pk, world["unit_a2"].pk, world["unit_b1"].pk]
    checks = figures.stage_checks()
    with CaptureQueriesContext(connection) as ctx:
        done = checks["villagers_election"](world["round"], unit_ids, today)
    assert len(ctx.captured_queries) == 1
    assert done == {world["unit_a1"].pk}
    assert (
        villagers_approved_units(world["round"], unit_ids, today - datetime.timedelta(1)) == set()
    )
    assert congress_held_units(world["round"], unit_ids, today) == set()
    counts = {f.code: f for f in figures.unit_figures()}
    assert counts["villagers_elections_done"].count(world["round"], unit_ids, today) == {
        world["unit_a1"].pk: 1
    }
    assert {"congresses_held", "congress_results_approved"} <= set(counts)
    assert {"congress", "approval"} <= set(checks)


def test_recall_needs_a_fifth_and_a_double_majority(world, staff, personas):
    election, _ = counted_election(world, staff)
    _finish(election, staff)
    election.refresh_from_db()
    term = vv.election_approve(election=election, actor=personas["leader_a"])
    member = term.members.get(person__name="杨帆")
    with pytest.raises(DomainError, match="至少 20 人，现只有 19 人"):
        vv.recall_propose(
            election=election,
            member=member,
            signatures=19,
            reason="长期不履职",
            proposed_on=datetime.date(2027, 3, 1),
        )
    recall = vv.recall_propose(
        election=election,
        member=member,
        signatures=20,
        reason="长期不履职",
        proposed_on=datetime.date(2027, 3, 1),
    )
    with pytest.raises(DomainError, match="多于参加投票"):
        vv.recall_vote(
            recall=recall,
            voted_on=datetime.date(2027, 3, 20),
            registered=100,
            voted=60,
            in_favour=61,
        )
    recall = vv.recall_vote(
        recall=recall, voted_on=datetime.date(2027, 3, 20), registered=100, voted=60, in_favour=31
    )
    assert recall.status == "passed"
    assert "罢免通过" in vv.recall_verdict(recall)
    assert vv.dual_roles(world["round"], [world["unit_a1"].pk])[world["unit_a1"].pk][2] == 4
    other = term.members.get(person__name="赵磊")
    failed = vv.recall_propose(
        election=election,
        member=other,
        signatures=30,
        reason="作风问题",
        proposed_on=datetime.date(2027, 3, 1),
    )
    failed = vv.recall_vote(
        recall=failed, voted_on=datetime.date(2027, 3, 20), registered=100, voted=50, in_favour=50
    )
    assert failed.status == "failed"


def test_ballot_setup_changes_seats_until_a_box_is_entered(world, staff):
    election, people = make_election(world)
    nominate_all(election, people, staff)
    vv.ballot_setup_update(election=election, mode="separate", deputy_seats=2)
    assert vv.seats_by_post(election) == {
        "director": 1,
        "deputy_director": 2,
        "committee_member": 2,
    }
    # The changed posts' lists are checked again for the surplus.
    assert set(election.nominations.filter(formal=True).values_list("post", flat=True)) == {
        "director"
    }
    UnitSeats.objects.filter(unit=world["unit_a1"]).update(villagers=3)
    with pytest.raises(DomainError, match="共 3 个职数，设副主任 2 名后没有委员职数"):
        vv.ballot_setup_update(election=election, mode="separate", deputy_seats=2)
    UnitSeats.objects.filter(unit=world["unit_a1"]).update(villagers=5)
    vv.ballot_setup_update(election=election, mode="combined", deputy_seats=1)
    for post, names in (("deputy_director", ["张伟", "刘洋"]), ("committee_member", MEMBERS)):
        ids = election.nominations.filter(post=post, person__name__in=names).values_list(
            "pk", flat=True
        )
        vv.candidates_confirm(election=election, post=post, nomination_ids=list(ids))
    main, _ = boxes_with_staff(election, people)
    enter(main, staff, 50, MAIN_VOTES)
    with pytest.raises(DomainError, match="不能再修改计票方式"):
        vv.ballot_setup_update(election=election, mode="separate", deputy_seats=1)


def test_a_nominee_on_the_election_committee_leaves_it(world, staff):
    from ballots.models import ElectionCommitteeMember
    from ballots.villagers.setup import CANDIDATE_LEAVE_REASON, committee_member_add

    election, people = make_election(world)
    nominee = people[DIRECTORS[0]]
    committee_member_add(
        actor=staff, election=election, name=nominee.name, role="member", person=nominee
    )
    vv.nomination_add(
        election=election,
        post="director",
        person=nominee,
        nominators=12,
        source="joint",
        actor=staff,
    )
    member = ElectionCommitteeMember.objects.get(election=election, person=nominee)
    assert member.left_on is not None
    assert member.leave_reason == CANDIDATE_LEAVE_REASON


def test_a_name_taken_off_the_formal_list_is_no_longer_a_formal_candidate(world, staff):
    """Confirmed again without one name: that person's candidacy leaves the formal list
    too, so the result will not record them as not elected; a nomination removed by
    mistake withdraws its candidacy."""
    election, people = make_election(world)
    ids = _nominate(election, people, "committee_member", MEMBERS + ["王建国"], staff)
    vv.candidates_confirm(
        election=election, post="committee_member", nomination_ids=ids, actor=staff
    )
    dropped = election.nominations.get(pk=ids[-1])
    assert dropped.candidacy.status == Candidacy.Status.FORMAL
    vv.candidates_confirm(
        election=election, post="committee_member", nomination_ids=ids[:-1], actor=staff
    )
    dropped.refresh_from_db()
    dropped.candidacy.refresh_from_db()
    assert not dropped.formal and dropped.candidacy.status != Candidacy.Status.FORMAL
    assert dropped.candidacy.log.filter(action="撤销正式候选人").exists()
    candidacy = dropped.candidacy
    vv.nomination_remove(nomination=dropped, actor=staff)
    candidacy.refresh_from_db()
    assert candidacy.status == Candidacy.Status.WITHDRAWN
