"""Who is entitled on a day, and why: the member's rule and its database filter agree."""

import datetime

import pytest

from renewal.models import PartyMember
from tests.factories import PersonFactory, UnitFactory

D = datetime.date
DAY = D(2026, 3, 10)
BASE = {"status": "full", "joined_on": D(2000, 7, 1)}

# (rule, fields, entitled on DAY, words of the reason)
CASES = [
    ("a full member is entitled", {}, True, "正式党员，有表决权"),
    ("a probationary member is not", {"status": "probationary"}, False, "预备党员"),
    (
        "a full member regularised after the day was probationary then",
        {"regularized_on": D(2026, 3, 11)},
        False,
        "2026-03-11 转正，当日为预备党员",
    ),
    ("regularised on the day counts", {"regularized_on": DAY}, True, "正式党员"),
    (
        "under 留党察看 until a later day",
        {"on_probation": True, "probation_until": D(2026, 12, 31)},
        False,
        "留党察看期间（至 2026-12-31）",
    ),
    (
        "留党察看 ending on the day still bars",
        {"on_probation": True, "probation_until": DAY},
        False,
        "留党察看期间",
    ),
    (
        "留党察看 over before the day restores the rights",
        {"on_probation": True, "probation_until": D(2026, 3, 9)},
        True,
        "正式党员",
    ),
    (
        "transferred out before the day",
        {"left_on": D(2026, 3, 1)},
        False,
        "组织关系已于 2026-03-01 转出",
    ),
    ("transferred out on the day", {"left_on": DAY}, False, "转出"),
    ("transferred out after the day", {"left_on": D(2026, 3, 11)}, True, "正式党员"),
    (
        "transferred in after the day",
        {"transferred_in_on": D(2026, 3, 20)},
        False,
        "组织关系 2026-03-20 转入，当日尚未转入本党组织",
    ),
    ("transferred in before the day", {"transferred_in_on": D(2026, 1, 5)}, True, "正式党员"),
    ("joined after the day", {"joined_on": D(2026, 3, 11)}, False, "当日尚未入党"),
]


@pytest.mark.parametrize(
    ("fields", "entitled", "words"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_member_rule_says_who_and_why(fields, entitled, words):
    member = PartyMember(**{**BASE, **fields})
    assert member.entitled_on(DAY) is entitled
    assert words in member.entitlement(DAY)


@pytest.mark.django_db
def test_the_database_filter_agrees_with_the_rule():
    branch = UnitFactory().branch
    members = [
        PartyMember.objects.create(branch=branch, person=PersonFactory(), **{**BASE, **fields})
        for _rule, fields, _e, _w in CASES
    ]
    counted = set(
        PartyMember.objects.filter(PartyMember.entitled_q(DAY)).values_list("pk", flat=True)
    )
    assert counted == {m.pk for m in members if m.entitled_on(DAY)}
    listed = set(
        PartyMember.objects.filter(PartyMember.on_roster_q(DAY)).values_list("pk", flat=True)
    )
    assert listed == {m.pk for m in members if m.on_roster(DAY)}
