"""Groups of a unit, their representatives and leaders, and the share of women."""

import datetime

import pytest

from ballots.models import VillagersRulePack
from ballots.tests.villagers_vote_helpers import make_election
from ballots.villagers import groups, selectors
from renewal.models import DomainError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("total", "den", "needed"),
    [
        (0, 3, 0),  # no representatives yet: nothing to check
        (9, 3, 3),  # a third of nine
        (10, 3, 4),  # a third of ten is rounded up
        (12, 3, 4),
        (10, 4, 3),  # a province asking a quarter
    ],
)
def test_women_needed_is_a_share_rounded_up(total, den, needed):
    assert groups.women_needed(total, den) == needed


@pytest.mark.parametrize(
    ("total", "women", "met"),
    [(9, 3, True), (9, 2, False), (10, 3, False), (10, 4, True), (0, 0, True)],
)
def test_women_share_verdict(total, women, met):
    share = groups.WomenShare(total=total, women=women, den=3, source="组织法")
    assert share.met is met
    if total and not met:
        assert f"还差 {share.needed - women} 名" in share.sentence()


@pytest.fixture
def election(world):
    election, people = make_election(world, voters=20)
    return election, people


def _add(election, group, person, role="representative", method="households"):
    return groups.officer_add(
        election=election,
        group=group,
        role=role,
        person=person,
        method=method,
        elected_on=datetime.date(2026, 11, 29),
    )


def test_representatives_women_share_is_checked_against_the_pack(election):
    election, people = election
    first = groups.group_add(unit=election.unit, name="第一村民小组", households=40)
    second = groups.group_add(unit=election.unit, name="第二村民小组")
    assert second.order == first.order + 1
    for name in ["王建国", "张伟", "刘洋"]:
        _add(election, first, people[name])
    _add(election, second, people["李秀英"])
    share = groups.women_share(election)
    assert (share.total, share.women, share.needed, share.met) == (4, 1, 2, False)
    assert "不符合，还差 1 名" in share.sentence()
    assert "三分之一" in share.source or "第二十五条" in share.source
    _add(election, second, people["陈静"])
    share = groups.women_share(election)
    assert (share.total, share.women, share.met) == (5, 2, True)
    # The threshold is the pack's: a pack asking half refuses the same list.
    VillagersRulePack.objects.filter(pk=election.pack_id).update(representatives_women_share_den=2)
    election.refresh_from_db()
    assert not groups.women_share(election).met
    counts = selectors.representatives(election.round, [election.unit_id])
    assert counts == {election.unit_id: {"total": 5, "women": 2}}


def test_one_leader_per_group_by_the_packs_method(election):
    election, people = election
    group = groups.group_add(unit=election.unit, name="第一村民小组")
    with pytest.raises(DomainError, match="由小组会议推选产生"):
        _add(election, group, people["王建国"], role="leader", method="households")
    _add(election, group, people["王建国"], role="leader", method="group_meeting")
    with pytest.raises(DomainError, match="第一村民小组已登记村民小组长"):
        _add(election, group, people["张伟"], role="leader", method="group_meeting")
    assert selectors.group_leaders(election.round, [election.unit_id]) == {
        election.unit_id: {"total": 1, "women": 0}
    }


def test_officers_are_registered_voters_of_the_unit(election, world):
    from tests.factories import PersonFactory, UnitFactory

    election, people = election
    group = groups.group_add(unit=election.unit, name="第一村民小组")
    with pytest.raises(DomainError, match="不是本次选举的登记选民"):
        _add(election, group, PersonFactory(name="外村人"))
    other = groups.group_add(
        unit=UnitFactory(township=world["township_a"], name="邻村"), name="第一村民小组"
    )
    with pytest.raises(DomainError, match="该小组不属于本村"):
        _add(election, other, people["王建国"])
    _add(election, group, people["王建国"])
    with pytest.raises(DomainError, match="王建国已登记为村民代表"):
        _add(election, group, people["王建国"])


def test_group_names_are_unique_in_a_unit(election):
    election, _ = election
    groups.group_add(unit=election.unit, name="第一村民小组")
    with pytest.raises(DomainError, match="已有“第一村民小组”"):
        groups.group_add(unit=election.unit, name=" 第一村民小组 ")
