"""Pure rules of the villagers' vote: combined tallies, recall, dual roles (no database)."""

import pytest

from ballots.villagers import vote as vv


@pytest.mark.parametrize(
    ("votes", "expected"),
    [
        pytest.param(
            {"director": {"甲": 5}, "deputy_director": {"乙": 4}, "committee_member": {"丙": 3}},
            {
                "director": {"甲": 5},
                "deputy_director": {"甲": 5, "乙": 4},
                "committee_member": {"甲": 5, "乙": 4, "丙": 3},
            },
            id="member tally adds director and deputy votes, deputy tally adds director votes",
        ),
        pytest.param(
            {"director": {"甲": 5}, "deputy_director": {"甲": 2}, "committee_member": {"甲": 1}},
            {
                "director": {"甲": 5},
                "deputy_director": {"甲": 7},
                "committee_member": {"甲": 8},
            },
            id="one name's votes in three columns add up",
        ),
        pytest.param(
            {"committee_member": {"丙": 3}, "women_member": {"丁": 6}},
            {
                "director": {},
                "deputy_director": {},
                "committee_member": {"丙": 3},
                "women_member": {"丁": 6},
            },
            id="the separately elected women's seat keeps its own votes",
        ),
        pytest.param(
            {},
            {"director": {}, "deputy_director": {}, "committee_member": {}},
            id="no votes, empty tallies",
        ),
    ],
)
def test_combined_tallies(votes, expected):
    assert vv.combined_tallies(votes) == expected


@pytest.mark.parametrize(
    ("registered", "voted", "in_favour", "passes"),
    [
        pytest.param(100, 51, 26, True, id="more than half vote and more than half agree"),
        pytest.param(100, 50, 50, False, id="exactly half of registered voting is not enough"),
        pytest.param(100, 80, 40, False, id="exactly half in favour is not enough"),
        pytest.param(100, 80, 41, True, id="41 of 80 in favour passes"),
        pytest.param(0, 0, 0, False, id="nobody registered, nothing passes"),
    ],
)
def test_recall_passes(registered, voted, in_favour, passes):
    assert vv.recall_passes(registered=registered, voted=voted, in_favour=in_favour) is passes


@pytest.mark.parametrize(
    ("registered", "den", "needed"),
    [(100, 5, 20), (101, 5, 21), (7, 5, 2), (0, 5, 1), (90, 10, 9)],
)
def test_signatures_needed_rounds_up(registered, den, needed):
    assert vv.signatures_needed(registered, den) == needed


def test_candidates_needed_is_seats_plus_extra():
    assert vv.candidates_needed(3, 1) == 4
    assert vv.candidates_needed(1, 2) == 3


@pytest.mark.parametrize(
    ("party", "villagers", "one_shoulder", "cross", "total"),
    [
        pytest.param(
            [(1, "secretary"), (2, "party_member")],
            [(1, "director"), (3, "committee_member")],
            True,
            (1,),
            3,
            id="secretary is the director: one shoulder",
        ),
        pytest.param(
            [(1, "secretary"), (2, "party_member")],
            [(2, "director"), (1, "committee_member")],
            False,
            (1, 2),
            2,
            id="both sit on both committees but the secretary is not director",
        ),
        pytest.param(
            [(1, "secretary")], [(4, "director")], False, (), 2, id="no cross-appointment"
        ),
        pytest.param([], [(4, "director")], False, (), 1, id="no party term yet"),
    ],
)
def test_dual_roles_of(party, villagers, one_shoulder, cross, total):
    roles = vv.dual_roles_of(party, villagers)
    assert roles.one_shoulder is one_shoulder
    assert roles.cross == cross
    assert roles.members_total == total


def test_relatives_parse_names_and_optional_id_numbers():
    import datetime

    from renewal.kit.idcard import make_id_number

    number = make_id_number("152622", datetime.date(1970, 1, 2), 3, "F")
    assert vv.parse_relatives(f"李四 {number}\n\n") == [("李四", number)]
    assert vv.parse_relatives(f"李四，配偶，{number}") == [("李四", number, "配偶")]
    with pytest.raises(vv.DomainError, match="姓名、关系（可省略）、公民身份号码"):
        vv.parse_relatives("张三")
    with pytest.raises(vv.DomainError, match="近亲属王五"):
        vv.parse_relatives("王五 123")
