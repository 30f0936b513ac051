"""Double entry with a coordinator (ballots.double_entry): two accounts type every tally, the
count runs only on an agreed entry, and the coordinator settles two that differ."""

import datetime

import pytest

from ballots import double_entry as entered_twice
from ballots.congress import services as bs
from ballots.models import DoubleEntryRules, EntryDraft
from ballots.tests.test_congress import NAMES, P, attend, congress, enter, totals  # noqa: F401
from ballots.tests.villagers_vote_helpers import (
    MAIN_VOTES,
    MOBILE_VOTES,
    boxes_with_staff,
    counted_election,
    make_election,
    nominate_all,
)
from ballots.tests.villagers_vote_helpers import enter as enter_box
from ballots.villagers import entry_chain
from ballots.villagers import vote as vv
from renewal.models import DomainError, Profile
from tests.fixtures import make_user

pytestmark = pytest.mark.django_db

FIRST = totals(10, 王建国=9, 李秀英=8, 张伟=7, 刘洋=6, 陈静=6, 杨帆=3)
SECOND = totals(10, 王建国=9, 李秀英=8, 张伟=7, 刘洋=6, 陈静=5, 杨帆=4)


def require_double_entry(world, coordinator=DoubleEntryRules.Coordinator.COUNTY_REVIEWER):
    return DoubleEntryRules.objects.create(
        county=world["county_a"],
        effective_from=datetime.date(2026, 1, 1),
        required=True,
        coordinator=coordinator,
        source="县委组织部换届选举工作方案（测试）",
    )


@pytest.fixture
def clerk2(world):
    return make_user("staff_a2", Profile.Role.TOWNSHIP_STAFF, world["township_a"], full_name="孙伟")


def disputed_round(congress, personas, clerk2):  # noqa: F811
    attend(congress, present=10)
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    assert rnd.double_entry  # forced on by the county's setting
    assert enter(rnd, personas["staff_a"], 10, FIRST).status == "awaiting_second"
    assert enter(rnd, clerk2, 10, SECOND).status == "disputed"
    return rnd


# --- Comparing, pure -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "differing"),
    [
        (FIRST, FIRST, []),
        (FIRST, SECOND, ["杨帆 赞成", "陈静 赞成"]),
        (FIRST, totals(10, 王建国=9, 李秀英=8, 张伟=7, 刘洋=6, 陈静=6), ["杨帆 赞成"]),
        (FIRST, totals(11, 王建国=9, 李秀英=8, 张伟=7, 刘洋=6, 陈静=6, 杨帆=3), ["收回选票"]),
    ],
    ids=["same figures agree", "two names differ", "a name left blank is 0", "returned differs"],
)
def test_congress_entries_compared_line_by_line(first, second, differing):
    figures = [
        bs.typed_figures(ballots_issued=10, totals=t, reconciliation=None) for t in (first, second)
    ]
    kind = entered_twice.Kind.CONGRESS_ROUND
    rows = entered_twice.compare(*(entered_twice.lines(kind, f) for f in figures))
    assert [r.label for r in rows if r.differs] == differing
    assert entered_twice.agree(kind, *figures) == (not differing)


def test_ballot_by_ballot_entries_compare_each_ballot():
    kind = entered_twice.Kind.CONGRESS_ROUND
    one = {"for": ["王建国"], "against": [], "abstain": [], "write_in": []}
    two = {"for": [], "against": ["王建国"], "abstain": [], "write_in": ["赵磊"]}
    first = bs.typed_figures(ballots_issued=3, ballots=[one, one])
    second = bs.typed_figures(ballots_issued=3, ballots=[one, two, one])
    rows = entered_twice.compare(
        entered_twice.lines(kind, first), entered_twice.lines(kind, second)
    )
    differing = [(r.label, r.first_text, r.second_text) for r in rows if r.differs]
    assert differing == [
        (
            "第 2 张选票",
            "赞成：王建国；反对：无；弃权：无",
            "赞成：无；反对：王建国；弃权：无；另选：赵磊",
        ),
        ("第 3 张选票", "未填", "赞成：王建国；反对：无；弃权：无"),
    ]


# --- The county's setting ------------------------------------------------------------------------


def test_county_setting_forces_double_entry_on_every_round(world, congress, personas):  # noqa: F811
    attend(congress, present=10)
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    assert not rnd.double_entry
    rnd.delete()
    require_double_entry(world)
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    assert rnd.double_entry
    assert enter(rnd, personas["staff_a"], 10, FIRST).status == "awaiting_second"


# --- Congress rounds -----------------------------------------------------------------------------


def test_agreed_entries_are_counted_once_and_chained_once(world, congress, personas, clerk2):  # noqa: F811
    require_double_entry(world)
    attend(congress, present=10)
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    rnd = enter(rnd, personas["staff_a"], 10, FIRST)
    assert rnd.result is None and rnd.entries.count() == 0  # nothing counted on one entry
    with pytest.raises(DomainError, match="须由另一个账号"):
        enter(rnd, personas["staff_a"], 10, FIRST)
    rnd = enter(rnd, clerk2, 10, FIRST)
    assert rnd.status == "counted" and rnd.totals == FIRST
    assert rnd.entries.count() == 1 and rnd.entries.get().entered_by == clerk2
    assert set(rnd.drafts.values_list("status", flat=True)) == {"agreed"}


def test_entries_that_differ_wait_for_the_coordinator(world, congress, personas, clerk2):  # noqa: F811
    require_double_entry(world)
    rnd = disputed_round(congress, personas, clerk2)
    rnd.refresh_from_db()
    assert rnd.result is None and rnd.entries.count() == 0
    with pytest.raises(DomainError, match="正等待协调人处理"):
        enter(rnd, personas["leader_a"], 10, FIRST)
    (dispute,) = entered_twice.disputes_visible_to(personas["reviewer"])
    assert dispute.tally == rnd and dispute.differences == 2
    assert entered_twice.disputes_visible_to(personas["staff_b"]) == []
    assert entered_twice.disputes_visible_to(personas["reviewer_other"]) == []


@pytest.mark.parametrize(
    ("choice", "kept_totals", "kept_by"),
    [("first", FIRST, "staff_a"), ("second", SECOND, "clerk2")],
    ids=["keeps the first", "keeps the second"],
)
def test_coordinator_keeps_one_entry_and_it_is_counted(
    world,
    congress,  # noqa: F811
    personas,
    clerk2,
    choice,
    kept_totals,
    kept_by,
):
    require_double_entry(world)
    rnd = disputed_round(congress, personas, clerk2)
    kept = entered_twice.entry_resolve(
        kind="congress-round", pk=rnd.pk, actor=personas["reviewer"], choice=choice
    )
    rnd.refresh_from_db()
    assert rnd.status == "counted" and rnd.totals == kept_totals
    clerk = clerk2 if kept_by == "clerk2" else personas[kept_by]
    assert kept.entered_by == clerk and rnd.entries.get().entered_by == clerk
    assert bs.round_chain(rnd).intact
    statuses = dict(rnd.drafts.values_list("position", "status"))
    assert statuses == (
        {1: "kept", 2: "set_aside"} if choice == "first" else {1: "set_aside", 2: "kept"}
    )
    assert set(rnd.drafts.values_list("resolved_by", flat=True)) == {personas["reviewer"].pk}
    with pytest.raises(DomainError, match="可能已由他人处理"):
        entered_twice.entry_resolve(
            kind="congress-round", pk=rnd.pk, actor=personas["reviewer"], choice=choice
        )


def test_coordinator_sends_both_back_to_be_entered_again(world, congress, personas, clerk2):  # noqa: F811
    require_double_entry(world)
    rnd = disputed_round(congress, personas, clerk2)
    assert (
        entered_twice.entry_resolve(
            kind="congress-round", pk=rnd.pk, actor=personas["reviewer"], choice="return"
        )
        is None
    )
    rnd.refresh_from_db()
    assert rnd.status == "open" and rnd.result is None and rnd.entries.count() == 0
    assert set(rnd.drafts.values_list("status", flat=True)) == {"returned"}
    enter(rnd, clerk2, 10, SECOND)
    assert enter(rnd, personas["staff_a"], 10, SECOND).status == "counted"


def test_only_the_coordinator_named_by_the_county_resolves(world, congress, personas, clerk2):  # noqa: F811
    rule = require_double_entry(world, DoubleEntryRules.Coordinator.TOWNSHIP_LEADER)
    rnd = disputed_round(congress, personas, clerk2)

    def resolve(user):
        return entered_twice.entry_resolve(
            kind="congress-round", pk=rnd.pk, actor=user, choice="first"
        )

    for user in (personas["reviewer"], personas["staff_b"], clerk2):
        with pytest.raises(DomainError, match="乡镇\\(街道\\)党\\(工\\)委负责人处理"):
            resolve(user)
    rule.coordinator = DoubleEntryRules.Coordinator.COUNTY_REVIEWER
    rule.save(update_fields=["coordinator"])
    with pytest.raises(DomainError, match="县委组织部审核人员处理"):
        resolve(personas["leader_a"])
    resolve(personas["reviewer"])
    rnd.refresh_from_db()
    assert rnd.status == "counted"


def test_a_clerk_of_the_tally_does_not_settle_it(world, congress, personas):  # noqa: F811
    require_double_entry(world, DoubleEntryRules.Coordinator.TOWNSHIP_LEADER)
    attend(congress, present=10)
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    enter(rnd, personas["staff_a"], 10, FIRST)
    enter(rnd, personas["leader_a"], 10, SECOND)
    with pytest.raises(DomainError, match="您录入过这张计票单"):
        entered_twice.entry_resolve(
            kind="congress-round", pk=rnd.pk, actor=personas["leader_a"], choice="second"
        )


# --- Villagers' boxes and rounds -----------------------------------------------------------------


def test_villagers_box_counts_only_once_agreed_or_kept(world, personas, clerk2):
    require_double_entry(world)
    staff = personas["staff_a"]
    election, people = make_election(world)
    nominate_all(election, people, staff)
    main, mobile = boxes_with_staff(election, people)
    enter_box(mobile, staff, 10, MOBILE_VOTES)
    enter_box(mobile, clerk2, 10, MOBILE_VOTES)
    mobile.refresh_from_db()
    assert mobile.entered_by == clerk2 and mobile.votes == MOBILE_VOTES
    assert mobile.entries.count() == 1

    enter_box(main, staff, 50, MAIN_VOTES)
    main.refresh_from_db()
    assert main.entered_at is None
    with pytest.raises(DomainError, match="村委会中心会场"):
        vv.election_count(election=election, actor=staff)
    other = {**MAIN_VOTES, "director": {"王建国": 41, "李秀英": 9}}
    enter_box(main, clerk2, 50, other)
    with pytest.raises(DomainError, match="两次录入尚未核对一致：村委会中心会场"):
        vv.election_count(election=election, actor=staff)
    (dispute,) = entered_twice.disputes_visible_to(personas["reviewer"])
    assert [r.label for r in dispute.rows if r.differs] == ["王建国 主任得票", "李秀英 主任得票"]

    entered_twice.entry_resolve(
        kind="villagers-box", pk=main.pk, actor=personas["reviewer"], choice="second"
    )
    main.refresh_from_db()
    assert main.votes["director"] == {"王建国": 41, "李秀英": 9} and main.entered_by == clerk2
    rounds = vv.election_count(election=election, actor=staff)
    assert rounds[0].result["elected"] == ["王建国"]


def test_villagers_box_sent_back_is_entered_again(world, personas, clerk2):
    require_double_entry(world)
    election, people = make_election(world)
    nominate_all(election, people, personas["staff_a"])
    main, _mobile = boxes_with_staff(election, people)
    enter_box(main, personas["staff_a"], 50, MAIN_VOTES)
    enter_box(main, clerk2, 50, {**MAIN_VOTES, "director": {"王建国": 39, "李秀英": 11}})
    entered_twice.entry_resolve(
        kind="villagers-box", pk=main.pk, actor=personas["reviewer"], choice="return"
    )
    assert entered_twice.state_of("villagers-box", main) is None
    main.refresh_from_db()
    assert main.entered_at is None
    assert EntryDraft.objects.filter(box=main, status="returned").count() == 2


def test_later_villagers_round_counts_the_entry_the_coordinator_keeps(world, personas, clerk2):
    staff = personas["staff_a"]
    election, _people = counted_election(world, staff)
    require_double_entry(world)
    rnd = election.vote_rounds.get(status="open")

    def enter_round(user, votes):
        rnd.refresh_from_db()
        return vv.round_enter(
            rnd=rnd,
            version=rnd.version,
            actor=user,
            present=55,
            ballots_returned=55,
            ballots_invalid=1,
            votes=votes,
        )

    assert enter_round(staff, {"赵磊": 30, "孙丽": 20}).status == "open"
    assert entered_twice.state_of("villagers-round", rnd) == "first"
    enter_round(clerk2, {"赵磊": 31, "孙丽": 19})
    rnd.refresh_from_db()
    assert rnd.status == "open" and rnd.result is None
    assert entered_twice.state_of("villagers-round", rnd) == "disputed"
    entered_twice.entry_resolve(
        kind="villagers-round", pk=rnd.pk, actor=personas["reviewer"], choice="first"
    )
    rnd.refresh_from_db()
    assert rnd.status == "counted" and rnd.result["elected"] == ["赵磊"]
    assert rnd.totals["for"] == {"赵磊": 30, "孙丽": 20}
    assert rnd.entries.get().entered_by == staff
    assert entry_chain.election_chain(election).intact
