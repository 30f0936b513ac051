"""Table-driven tests of the pure eligibility rules and the shipped negative lists.

No database and no Django: these rules are plain functions over dataclasses.
"""

import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from candidates.catalogues import CATALOGUES, DEPARTMENT_CODES, SCOPES, SEVERITIES
from candidates.eligibility import (
    CandidateFacts,
    Finding,
    Rules,
    age_on,
    check_candidate,
    check_formal_list,
    party_minimum,
    rules_from_settings,
    young_secretary_share,
)

ELECTION = date(2027, 3, 10)
RULES = Rules()
PROJECT = Path(__file__).resolve().parents[2]


def person(
    name="王建国",
    *,
    body="party",
    post="party_member",
    continuing=False,
    status="full_member",
    probation=False,
    born=date(1985, 6, 1),
    education="senior",
    sex="M",
    key=None,
):
    return CandidateFacts(
        name=name,
        body=body,
        post=post,
        is_continuing=continuing,
        political_status=status,
        on_probation=probation,
        birth_date=born,
        education=education,
        sex=sex,
        key=key,
    )


def codes(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(f.code, f.level) for f in findings}


# --- age --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(1977, 3, 10), date(2027, 3, 10), 50),
        (date(1977, 3, 11), date(2027, 3, 10), 49),
        (date(1977, 3, 9), date(2027, 3, 10), 50),
        (date(2000, 2, 29), date(2018, 2, 28), 17),
        (date(2000, 2, 29), date(2018, 3, 1), 18),
        (date(2000, 2, 29), date(2020, 2, 29), 20),
        (date(1980, 12, 31), date(2027, 1, 1), 46),
    ],
    ids=[
        "the birthday itself adds the year",
        "the day before the birthday does not",
        "the day after the birthday does",
        "29 February is not yet reached on 28 February of a common year",
        "29 February is reached on 1 March of a common year",
        "29 February in a leap year",
        "new year's day after a 31 December birthday",
    ],
)
def test_age_on(birth, day, age):
    assert age_on(birth, day) == age


# --- one candidate ----------------------------------------------------------------------------

SECRETARY = {"post": "secretary", "education": "senior"}
CONTINUING = {"post": "secretary", "continuing": True, "education": "junior"}
NEW = {"post": "secretary", "continuing": False, "education": "senior"}

CANDIDATE_CASES = [
    (
        "continuing secretary aged 50 on election day passes",
        CONTINUING,
        {"born": date(1977, 3, 10)},
        set(),
    ),
    (
        "continuing secretary aged 51 on election day fails",
        CONTINUING,
        {"born": date(1976, 3, 10)},
        {("secretary-too-old", "error")},
    ),
    (
        "birthday the day after the election still counts as 50",
        CONTINUING,
        {"born": date(1976, 3, 11)},
        set(),
    ),
    ("new secretary aged 45 passes", NEW, {"born": date(1982, 3, 10)}, set()),
    (
        "new secretary aged 46 fails",
        NEW,
        {"born": date(1981, 3, 10)},
        {("secretary-too-old", "error")},
    ),
    (
        "a 48-year-old may continue but not start as secretary (continuing)",
        CONTINUING,
        {"born": date(1979, 1, 1)},
        set(),
    ),
    (
        "a 48-year-old may continue but not start as secretary (new)",
        NEW,
        {"born": date(1979, 1, 1)},
        {("secretary-too-old", "error")},
    ),
    ("continuing secretary with 初中 passes", CONTINUING, {"education": "junior"}, set()),
    (
        "continuing secretary with 小学 fails",
        CONTINUING,
        {"education": "primary"},
        {("secretary-education", "error")},
    ),
    ("new secretary needs 高中", NEW, {"education": "junior"}, {("secretary-education", "error")}),
    ("new secretary with 高中/中专 passes", NEW, {"education": "senior"}, set()),
    ("new secretary with 本科 passes", NEW, {"education": "bachelor"}, set()),
    (
        "unrecorded education does not meet the secretary rule",
        NEW,
        {"education": ""},
        {("secretary-education", "error")},
    ),
    (
        "too old and under-educated gives both findings",
        NEW,
        {"born": date(1970, 1, 1), "education": "primary"},
        {("secretary-too-old", "error"), ("secretary-education", "error")},
    ),
    (
        "probationary member cannot stand for party committee",
        {"post": "party_member"},
        {"status": "probationary"},
        {("party-needs-full-member", "error")},
    ),
    (
        "member under 留党察看 cannot stand for party committee",
        {"post": "party_member"},
        {"probation": True},
        {("party-needs-full-member", "error")},
    ),
    (
        "non-member cannot stand for party committee",
        {"post": "party_member"},
        {"status": "masses"},
        {("party-needs-full-member", "error")},
    ),
    (
        "probationary member cannot be secretary either",
        SECRETARY,
        {"status": "probationary"},
        {("party-needs-full-member", "error")},
    ),
    (
        "age and education limits apply only to the secretary",
        {"post": "deputy_secretary"},
        {"born": date(1960, 1, 1), "education": "primary"},
        set(),
    ),
    (
        "non-member may stand for villagers committee",
        {"body": "villagers", "post": "director"},
        {"status": "masses", "born": date(1960, 1, 1), "education": "primary"},
        set(),
    ),
    (
        "probationary member may stand for villagers committee",
        {"body": "villagers", "post": "committee_member"},
        {"status": "probationary"},
        set(),
    ),
    (
        "under 18 on election day cannot stand",
        {"body": "villagers", "post": "committee_member"},
        {"status": "masses", "born": date(2009, 3, 11)},
        {("under-age", "error")},
    ),
    (
        "18 on election day may stand",
        {"body": "villagers", "post": "committee_member"},
        {"status": "masses", "born": date(2009, 3, 10)},
        set(),
    ),
    (
        "villagers post on the party committee is refused",
        {"body": "party", "post": "director"},
        {},
        {("post-not-in-body", "error")},
    ),
]


@pytest.mark.parametrize(
    ("role", "facts", "expected"),
    [case[1:] for case in CANDIDATE_CASES],
    ids=[case[0] for case in CANDIDATE_CASES],
)
def test_check_candidate(role, facts, expected):
    findings = check_candidate(person(**{**role, **facts}), RULES, election_day=ELECTION)
    assert codes(findings) == expected
    assert all(f.message and f.source for f in findings)


def test_too_old_message_explains_itself_in_chinese():
    c = person(post="secretary", continuing=True, born=date(1976, 3, 10), education="junior")
    [finding] = check_candidate(c, RULES, election_day=ELECTION)
    assert finding.message == (
        "王建国 将于选举日 2027-03-10 满 51 周岁，超过继任书记人选年龄上限 50 周岁。"
    )
    assert finding.source == RULES.source


def test_education_message_names_both_levels():
    c = person(post="secretary", education="junior")
    [finding] = check_candidate(c, RULES, election_day=ELECTION)
    assert finding.message == "王建国 的学历为初中，新任书记人选须具有高中/中专及以上文化程度。"


def test_probationary_message_says_why():
    [finding] = check_candidate(person(status="probationary"), RULES, election_day=ELECTION)
    assert "中共预备党员" in finding.message
    assert "没有被选举权" in finding.message


@pytest.mark.parametrize(
    ("overrides", "facts", "expected"),
    [
        (
            {"secretary_continuing_max_age": 55},
            {"continuing": True, "born": date(1973, 1, 1), "education": "junior"},
            set(),
        ),
        (
            {"secretary_new_min_education": "college"},
            {"education": "senior"},
            {("secretary-education", "error")},
        ),
    ],
    ids=[
        "a county may raise the continuing age limit",
        "a county may require 大专 of new secretaries",
    ],
)
def test_county_settings_change_the_secretary_rule(overrides, facts, expected):
    rules = replace(RULES, **overrides)
    c = person(post="secretary", **facts)
    assert codes(check_candidate(c, rules, election_day=ELECTION)) == expected


# --- formal lists -----------------------------------------------------------------------------


def lineup(body, posts: dict[str, int], *, women: int = 1) -> list[CandidateFacts]:
    """Distinct people for each post; the first ``women`` of them are women."""
    people = []
    for post, count in posts.items():
        for _ in range(count):
            n = len(people)
            people.append(
                person(
                    f"人选{n + 1}",
                    body=body,
                    post=post,
                    sex="F" if n < women or post == "women_member" else "M",
                    key=n,
                )
            )
    return people


LIST_CASES = [
    ("5 seats need 6 candidates", "party", 5, {"secretary": 1, "party_member": 5}, {}, set()),
    (
        "5 seats with 5 candidates are 1 short",
        "party",
        5,
        {"secretary": 1, "party_member": 4},
        {},
        {("surplus-short", "error")},
    ),
    ("7 seats need 9", "party", 7, {"secretary": 1, "party_member": 8}, {}, set()),
    (
        "7 seats with 8 candidates are short",
        "party",
        7,
        {"secretary": 1, "party_member": 7},
        {},
        {("surplus-short", "error")},
    ),
    ("3 seats need 4", "party", 3, {"secretary": 1, "party_member": 3}, {}, set()),
    (
        "a county ratio of 1.5 makes 5 seats need 8",
        "party",
        5,
        {"secretary": 1, "party_member": 6},
        {"party_surplus_ratio": Decimal("1.50")},
        {("surplus-short", "error")},
    ),
    (
        "two secretary candidates are refused (等额)",
        "party",
        5,
        {"secretary": 2, "party_member": 4},
        {},
        {("secretary-not-single", "error")},
    ),
    (
        "a party list without a secretary candidate is refused",
        "party",
        5,
        {"party_member": 6},
        {},
        {("secretary-missing", "error")},
    ),
    (
        "no woman is only a warning",
        "party",
        5,
        {"secretary": 1, "party_member": 5},
        {"women": 0},
        {("no-woman", "warning")},
    ),
    (
        "no woman is not even a warning when the county does not require one",
        "party",
        5,
        {"secretary": 1, "party_member": 5},
        {"women": 0, "require_woman": False},
        set(),
    ),
    (
        "villagers list with the minimum surplus passes",
        "villagers",
        5,
        {"director": 2, "deputy_director": 2, "committee_member": 4},
        {},
        set(),
    ),
    (
        "one director candidate is refused",
        "villagers",
        5,
        {"director": 1, "deputy_director": 2, "committee_member": 4},
        {},
        {("surplus-short", "error")},
    ),
    (
        "a villagers list without a director candidate is refused, naming the post",
        "villagers",
        5,
        {"deputy_director": 2, "committee_member": 4},
        {},
        {("director-missing", "error")},
    ),
    (
        "a county electing a women's seat needs a women's seat candidate",
        "villagers",
        5,
        {"director": 2, "deputy_director": 2, "committee_member": 4},
        {"women_seat": True},
        {("women-seat-missing", "error")},
    ),
    (
        "a women's seat candidate satisfies the county's women's seat",
        "villagers",
        5,
        {"director": 2, "deputy_director": 2, "committee_member": 3, "women_member": 1},
        {"women_seat": True},
        set(),
    ),
    (
        "one deputy director candidate is refused",
        "villagers",
        5,
        {"director": 2, "deputy_director": 1, "committee_member": 4},
        {},
        {("surplus-short", "error")},
    ),
    (
        "as many member candidates as member seats is refused",
        "villagers",
        5,
        {"director": 2, "deputy_director": 2, "committee_member": 3},
        {},
        {("surplus-short", "error")},
    ),
    (
        "villagers members surplus of exactly 3 passes",
        "villagers",
        5,
        {"director": 2, "deputy_director": 2, "committee_member": 6},
        {},
        set(),
    ),
    (
        "villagers members surplus above 3 is refused",
        "villagers",
        5,
        {"director": 2, "deputy_director": 2, "committee_member": 7},
        {},
        {("surplus-too-many", "error")},
    ),
    (
        "women member counts as a member",
        "villagers",
        5,
        {"director": 2, "deputy_director": 2, "committee_member": 3, "women_member": 1},
        {"women": 0},
        set(),
    ),
    (
        "3 seats leave 1 member seat: 2 member candidates pass",
        "villagers",
        3,
        {"director": 2, "deputy_director": 2, "committee_member": 2},
        {},
        set(),
    ),
    (
        "villagers list without a woman is only a warning",
        "villagers",
        5,
        {"director": 2, "deputy_director": 2, "committee_member": 4},
        {"women": 0},
        {("no-woman", "warning")},
    ),
    (
        "fewer than 3 villagers committee seats are refused",
        "villagers",
        2,
        {"director": 2, "deputy_director": 2, "committee_member": 1},
        {},
        {("seats-too-few", "error")},
    ),
]


@pytest.mark.parametrize(
    ("body", "seats", "posts", "options", "expected"),
    [case[1:] for case in LIST_CASES],
    ids=[case[0] for case in LIST_CASES],
)
def test_check_formal_list(body, seats, posts, options, expected):
    options = dict(options)
    women = options.pop("women", 1)
    women_seat = options.pop("women_seat", False)
    rules = replace(RULES, **options)
    result = check_formal_list(
        body, seats, lineup(body, posts, women=women), rules, women_seat=women_seat
    )
    assert codes(result.findings) == expected
    assert result.blocked == any(level == "error" for _, level in expected)
    assert all(f.message for f in result.findings)


@pytest.mark.parametrize(
    ("seats", "ratio", "needed"),
    [
        (3, "1.20", 4),
        (5, "1.20", 6),
        (7, "1.20", 9),
        (9, "1.20", 11),
        (10, "1.20", 12),
        (5, "1.00", 5),
        (5, "1.50", 8),
    ],
    ids=[
        "3 seats need 4",
        "5 seats need 6",
        "7 seats need 9",
        "9 seats need 11",
        "10 seats need exactly 12, no extra round-up",
        "ratio 1 means no surplus",
        "ratio 1.5 on 5 seats rounds 7.5 up to 8",
    ],
)
def test_party_minimum_rounds_up_exactly(seats, ratio, needed):
    assert party_minimum(seats, Decimal(ratio)) == needed


def test_missing_posts_say_which_post_in_chinese():
    party = check_formal_list("party", 5, lineup("party", {"party_member": 6}), RULES)
    [secretary] = party.findings
    assert secretary.message == (
        "名单中没有书记人选：党组织委员会须有 1 名书记人选（书记实行等额选举）。"
    )
    posts = {"deputy_director": 2, "committee_member": 4}
    villagers = check_formal_list("villagers", 5, lineup("villagers", posts), RULES)
    [director] = villagers.findings
    assert director.message == "名单中没有主任候选人：主任应选 1 名，候选人至少 2 名。"
    women = check_formal_list(
        "villagers", 5, lineup("villagers", {"director": 2, **posts}), RULES, women_seat=True
    )
    assert [f.message for f in women.findings] == [
        "本县单独选举妇女委员，名单中还没有妇女委员候选人。"
    ]


def test_surplus_short_says_how_many_more():
    result = check_formal_list(
        "party", 7, lineup("party", {"secretary": 1, "party_member": 6}), RULES
    )
    [finding] = result.findings
    assert finding.code == "surplus-short"
    assert "至少 9 名" in finding.message
    assert "现有 7 名" in finding.message
    assert "还差 2 名" in finding.message
    assert "20%" in finding.message
    assert result.required["candidates"] == (9, None)
    assert result.counts["candidates"] == 7


def test_secretary_on_two_posts_is_one_candidate():
    secretary = person("李书记", post="secretary", sex="F", key=1)
    also_member = replace(secretary, post="party_member")
    others = lineup("party", {"party_member": 5})
    others = [replace(c, key=100 + i) for i, c in enumerate(others)]
    result = check_formal_list("party", 5, [secretary, also_member, *others], RULES)
    assert result.counts == {"candidates": 6, "secretary": 1, "deputy_secretary": 0}
    assert not result.blocked


def test_villagers_required_and_counts():
    posts = {"director": 2, "deputy_director": 2, "committee_member": 5, "women_member": 1}
    result = check_formal_list("villagers", 5, lineup("villagers", posts), RULES)
    assert result.required == {
        "director": (2, None),
        "deputy_director": (2, None),
        "members": (4, 6),
    }
    assert result.counts == {"director": 2, "deputy_director": 2, "members": 6}
    assert result.findings == []


def test_the_requirements_are_said_in_the_users_words():
    """The page's 差额要求 line names each count as the county's documents do, never by key."""
    party = check_formal_list(
        "party", 7, lineup("party", {"secretary": 1, "party_member": 6}), RULES
    )
    assert party.required_labelled == [("正式候选人", "至少 9 人"), ("书记人选", "应为 1 人")]
    assert party.counts_labelled == [("正式候选人", 7), ("书记人选", 1), ("副书记人选", 0)]
    posts = {"director": 2, "deputy_director": 2, "committee_member": 5, "women_member": 1}
    villagers = check_formal_list("villagers", 5, lineup("villagers", posts), RULES)
    assert villagers.required_labelled == [
        ("主任候选人", "至少 2 人"),
        ("副主任候选人", "至少 2 人"),
        ("委员候选人（含妇女委员）", "至少 4 人、至多 6 人"),
    ]


def test_too_many_members_message_says_surplus_too_large():
    posts = {"director": 2, "deputy_director": 2, "committee_member": 8}
    result = check_formal_list("villagers", 5, lineup("villagers", posts), RULES)
    [finding] = result.findings
    assert "差额过大" in finding.message
    assert "最多 6 名" in finding.message


def test_women_member_must_be_a_woman():
    posts = {"director": 2, "deputy_director": 2, "committee_member": 4}
    man = person("赵六", body="villagers", post="women_member", sex="M", key=99)
    result = check_formal_list("villagers", 5, [*lineup("villagers", posts), man], RULES)
    assert ("women-member-not-woman", "error") in codes(result.findings)


@pytest.mark.parametrize("body", ["party", "villagers"])
def test_seats_not_yet_set_block_the_list_without_raising(body):
    post = "party_member" if body == "party" else "director"
    result = check_formal_list(body, 0, [person(body=body, post=post, sex="F")], RULES)
    assert codes(result.findings) == {("seats-missing", "error")}
    assert result.blocked
    assert result.required == {}


def test_candidate_of_the_other_committee_is_refused():
    cands = [
        *lineup("party", {"secretary": 1, "party_member": 5}),
        person(body="villagers", post="director"),
    ]
    result = check_formal_list("party", 5, cands, RULES)
    assert codes(result.findings) == {("post-not-in-body", "error")}


# --- young secretaries ------------------------------------------------------------------------

YOUNG = date(1990, 1, 1)  # 37 on election day
OLD = date(1975, 1, 1)  # 52


@pytest.mark.parametrize(
    ("births", "overrides", "young", "share", "met"),
    [
        ([YOUNG] * 3 + [OLD] * 7, {}, 3, "0.3000", True),
        ([YOUNG] * 2 + [OLD] * 8, {}, 2, "0.2000", False),
        ([YOUNG] + [OLD] * 2, {}, 1, "0.3333", True),
        ([date(1982, 3, 10)], {}, 0, "0", False),
        ([date(1982, 3, 11)], {}, 1, "1.0000", True),
        (
            [YOUNG] * 3 + [OLD] * 7,
            {"young_secretary_min_share": Decimal("0.50")},
            3,
            "0.3000",
            False,
        ),
        ([], {}, 0, "0", True),
    ],
    ids=[
        "young share exactly 30% is met",
        "20% is not met",
        "1 of 3 is met",
        "aged exactly 45 on election day is not young",
        "45 the day after the election is still young",
        "a county may require 50%",
        "no secretary candidates yet counts as met",
    ],
)
def test_young_secretary_share(births, overrides, young, share, met):
    secretaries = [person(f"书记{i}", post="secretary", born=born) for i, born in enumerate(births)]
    result = young_secretary_share(secretaries, replace(RULES, **overrides), election_day=ELECTION)
    assert (result.total, result.young, result.met) == (len(births), young, met)
    assert result.share == Decimal(share)
    assert result.message


def test_young_share_messages():
    none = young_secretary_share([], RULES, election_day=ELECTION)
    assert "尚无书记人选" in none.message
    short = young_secretary_share(
        [person(post="secretary", born=b) for b in [YOUNG] * 2 + [OLD] * 8],
        RULES,
        election_day=ELECTION,
    )
    assert "未达到不低于 30% 的要求" in short.message
    assert "还需 1 名" in short.message


# --- rules from the settings row --------------------------------------------------------------


def test_rules_from_none_are_the_defaults():
    assert rules_from_settings(None) == Rules()


def test_rules_from_a_settings_row():
    row = SimpleNamespace(
        secretary_continuing_max_age=55,
        secretary_continuing_min_education="senior",
        young_secretary_min_share=Decimal("0.25"),
        party_surplus_ratio=1.2,
        require_woman=False,
        source="",
        county=object(),  # extra attributes are ignored
    )
    rules = rules_from_settings(row)
    assert rules.secretary_continuing_max_age == 55
    assert rules.secretary_continuing_min_education == "senior"
    assert rules.secretary_new_max_age == 45  # not on the row: default
    assert rules.party_surplus_ratio == Decimal("1.2")
    assert rules.require_woman is False
    assert rules.source == Rules().source  # blank source keeps the default text


@pytest.mark.parametrize(
    "overrides",
    [
        {"secretary_new_min_education": "kindergarten"},
        {"young_secretary_min_share": Decimal("1.5")},
        {"party_surplus_ratio": Decimal("0.9")},
        {"villagers_member_surplus_min": 4},
    ],
    ids=["unknown education", "share above 1", "ratio below 1", "member surplus min above max"],
)
def test_inconsistent_rules_are_refused(overrides):
    with pytest.raises(ValueError):
        Rules(**overrides)


def test_eligibility_module_imports_no_django():
    code = (
        "import sys, candidates.eligibility, candidates.catalogues; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, check=False)
    assert done.returncode == 0, "candidates.eligibility or catalogues imports Django"


# --- negative-list catalogues -----------------------------------------------------------------


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=[c["name"] for c in CATALOGUES])
def test_catalogue_is_well_formed(catalogue):
    assert catalogue["code"] and len(catalogue["code"]) <= 40
    assert re.fullmatch(r"[a-z0-9-]+", catalogue["code"])
    assert catalogue["name"] and len(catalogue["name"]) <= 40
    assert catalogue["scope"] in SCOPES
    assert catalogue["version"]
    assert catalogue["source"] and len(catalogue["source"]) <= 200
    items = catalogue["items"]
    assert [item["number"] for item in items] == list(range(1, len(items) + 1))
    for item in items:
        assert item["text"].strip() and len(item["text"]) <= 300
        assert item["severity"] in SEVERITIES
        assert item["lookback_years"] is None or 1 <= item["lookback_years"] <= 50
        assert item["department"] is None or item["department"] in DEPARTMENT_CODES


def test_catalogue_sizes_and_codes():
    sizes = {c["name"]: len(c["items"]) for c in CATALOGUES}
    assert sizes == {"十不推": 10, "十不能": 10, "七不宜": 7}
    assert len({c["code"] for c in CATALOGUES}) == len(CATALOGUES)


def test_shi_bu_tui_is_the_seed_text_in_order():
    [shi_bu_tui] = [c for c in CATALOGUES if c["code"] == "shi-bu-tui"]
    seed = (
        "凡政治品质和道德品行差的;有涉法涉罪或被立案调查的;有违纪违法问题正在接受调查处理的;"
        "有拉票贿选或其他不正当行为的;组织或参与非法上访、越级上访的;"
        "组织或参与封建迷信活动、参加邪教活动的;个人信用缺失的;能力虽强但心术不正的;"
        "廉洁自律过不了关的;不具备其他履职能力和条件的。"
    )
    assert ";".join(item["text"] for item in shi_bu_tui["items"]) == seed[1:-1]
    assert shi_bu_tui["scope"] == "party"


def test_bu_yi_items_are_cautions_and_bu_neng_items_bar():
    by_code = {c["code"]: c for c in CATALOGUES}
    assert {i["severity"] for i in by_code["shi-bu-neng"]["items"]} == {"bar"}
    assert {i["severity"] for i in by_code["qi-bu-yi"]["items"]} == {"caution"}


def test_department_codes_mirror_the_migration():
    migration = (PROJECT / "renewal/migrations/0002_departments.py").read_text(encoding="utf-8")
    block = migration.split("DEPARTMENTS = [", 1)[1].split("]", 1)[0]
    assert set(DEPARTMENT_CODES) == set(re.findall(r'\("([a-z_]+)",', block))
