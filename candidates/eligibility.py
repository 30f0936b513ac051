"""Candidate eligibility and formal-list surplus rules, as pure functions.

Plain dataclasses in, plain dataclasses out: no ORM, no Django, no settings. The
service loads a county's ``EligibilityRules`` row and the people, turns them into
``Rules`` and ``CandidateFacts``, calls these functions and stores or shows the
findings. Every finding carries a Chinese message fit to show as is, and the text
of the rule it applies.

Ages are whole years (周岁) on the election day: a person turns a year older on
the birthday itself, so someone whose 51st birthday is the day after the election
is still 50 on election day. A 29 February birthday falls on 1 March in common years.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from renewal.kit.dates import age_on

# Mirrors of the TextChoices in renewal.models; kept here so this module imports no Django.
EDUCATION_LABELS = {
    "primary": "小学",
    "junior": "初中",
    "senior": "高中/中专",
    "college": "大专",
    "bachelor": "本科",
    "postgraduate": "研究生",
}
# Dicts keep insertion order, so the ladder is the order above.
EDUCATION_RANK = {value: rank for rank, value in enumerate(EDUCATION_LABELS)}

BODY_LABELS = {"party": "党组织委员会", "villagers": "村(居)民委员会"}

POST_LABELS = {
    "secretary": "书记",
    "deputy_secretary": "副书记",
    "party_member": "委员",
    "director": "主任",
    "deputy_director": "副主任",
    "committee_member": "委员",
    "women_member": "妇女委员",
}
PARTY_POSTS = frozenset({"secretary", "deputy_secretary", "party_member"})
VILLAGERS_POSTS = frozenset({"director", "deputy_director", "committee_member", "women_member"})
BODY_POSTS = {"party": PARTY_POSTS, "villagers": VILLAGERS_POSTS}
MEMBER_POSTS = frozenset({"committee_member", "women_member"})

POLITICAL_STATUS_LABELS = {
    "full_member": "中共党员",
    "probationary": "中共预备党员",
    "league": "共青团员",
    "other_party": "民主党派",
    "masses": "群众",
}

ERROR = "error"
WARNING = "warning"

PARTY_MEMBERSHIP_SOURCE = (
    "中国共产党基层组织选举工作条例（2020）：预备党员、受留党察看处分的党员没有表决权、"
    "选举权和被选举权"
)
VOTING_AGE_SOURCE = "村民委员会组织法第十三条：年满十八周岁的村民有选举权和被选举权"
VILLAGERS_SIZE_SOURCE = "村民委员会组织法第六条：村民委员会由主任、副主任和委员共三至七人组成"
VILLAGERS_SURPLUS_SOURCE = "村民委员会组织法第十五条（候选人名额应当多于应选名额）及省实施办法"
POSTS_SOURCE = "党组织委员会设书记、副书记、委员；村(居)民委员会设主任、副主任、委员（含妇女委员）"
WOMAN_SOURCE = "村民委员会组织法第六条（村民委员会成员中应当有妇女成员）"
VOTING_AGE = 18


@dataclass(frozen=True)
class Rules:
    """Mirrors ``candidates.models.EligibilityRules``; the defaults are the township plan's."""

    secretary_continuing_max_age: int = 50
    secretary_continuing_min_education: str = "junior"
    secretary_new_max_age: int = 45
    secretary_new_min_education: str = "senior"
    young_secretary_age: int = 45
    young_secretary_min_share: Decimal = Decimal("0.30")
    party_surplus_ratio: Decimal = Decimal("1.20")
    villagers_director_surplus: int = 1
    villagers_deputy_surplus: int = 1
    villagers_member_surplus_min: int = 1
    villagers_member_surplus_max: int = 3
    require_woman: bool = True
    source: str = "X镇村(社区)组织换届工作实施方案（十不推、书记人选条件）"

    def __post_init__(self):
        for name in ("young_secretary_min_share", "party_surplus_ratio"):
            if not isinstance(getattr(self, name), Decimal):
                # str() first, so a float 1.2 becomes Decimal("1.2"), not its binary value.
                object.__setattr__(self, name, Decimal(str(getattr(self, name))))
        for name in ("secretary_continuing_min_education", "secretary_new_min_education"):
            if getattr(self, name) not in EDUCATION_RANK:
                raise ValueError(f"资格条件中的学历“{getattr(self, name)}”无法识别。")
        if not Decimal(0) <= self.young_secretary_min_share <= Decimal(1):
            raise ValueError("书记人选中年轻化比例下限应在 0 到 1 之间。")
        if self.party_surplus_ratio < Decimal(1):
            raise ValueError("党组织委员差额比例不能小于 1。")
        if self.villagers_member_surplus_min > self.villagers_member_surplus_max:
            raise ValueError("委员差额下限不能大于上限。")


def rules_from_settings(obj) -> Rules:
    """Build ``Rules`` from any object with the same attribute names (the model row).

    ``None`` gives the defaults; attributes the object lacks keep their default,
    and a blank ``source`` keeps the default source text.
    """
    if obj is None:
        return Rules()
    values = {}
    for f in fields(Rules):
        if not hasattr(obj, f.name):
            continue
        value = getattr(obj, f.name)
        if f.name == "source" and not value:
            continue
        values[f.name] = value
    return Rules(**values)


@dataclass(frozen=True)
class CandidateFacts:
    name: str
    body: str  # "party" | "villagers"
    post: str  # a Post value
    is_continuing: bool
    political_status: str  # a Person.PoliticalStatus value
    on_probation: bool  # 留党察看
    birth_date: date
    education: str  # an Education value
    sex: str  # "M" | "F"
    # Identity used to count distinct people on a list (the person's id); the name if None.
    key: object = None

    @property
    def identity(self):
        return self.name if self.key is None else self.key


@dataclass(frozen=True)
class Finding:
    code: str
    level: str  # "error" blocks, "warning" informs
    message: str
    source: str = ""

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


def education_label(value: str) -> str:
    return EDUCATION_LABELS.get(value, "未登记" if not value else f"“{value}”")


def _post_label(c: CandidateFacts) -> str:
    return f"{BODY_LABELS.get(c.body, c.body)}{POST_LABELS.get(c.post, c.post)}"


def check_candidate(c: CandidateFacts, rules: Rules, *, election_day: date) -> list[Finding]:
    """Everything that bars one person from the post they stand for (errors only)."""
    if c.body not in BODY_POSTS:
        raise ValueError(f"未知的班子类型：{c.body!r}")
    findings: list[Finding] = []
    if c.post not in BODY_POSTS[c.body]:
        findings.append(
            Finding(
                "post-not-in-body",
                ERROR,
                f"{c.name} 的拟任职务“{POST_LABELS.get(c.post, c.post)}”"
                f"不属于{BODY_LABELS[c.body]}。",
                POSTS_SOURCE,
            )
        )
    age = age_on(c.birth_date, election_day)
    if age < VOTING_AGE:
        findings.append(
            Finding(
                "under-age",
                ERROR,
                f"{c.name} 于选举日 {election_day:%Y-%m-%d} 未满 {VOTING_AGE} 周岁，没有被选举权。",
                VOTING_AGE_SOURCE,
            )
        )
    if c.body == "party":
        findings.extend(_party_membership(c))
    if c.post == "secretary":
        findings.extend(_secretary(c, rules, age=age, election_day=election_day))
    return findings


def _party_membership(c: CandidateFacts) -> list[Finding]:
    if c.political_status != "full_member":
        status = POLITICAL_STATUS_LABELS.get(c.political_status, c.political_status)
        why = "预备党员没有被选举权" if c.political_status == "probationary" else "不是中共正式党员"
        message = f"{c.name} 是{status}，{why}，不能作为{_post_label(c)}人选。"
    elif c.on_probation:
        message = f"{c.name} 正在留党察看期间，没有被选举权，不能作为{_post_label(c)}人选。"
    else:
        return []
    return [Finding("party-needs-full-member", ERROR, message, PARTY_MEMBERSHIP_SOURCE)]


def _secretary(c: CandidateFacts, rules: Rules, *, age: int, election_day: date) -> list[Finding]:
    if c.is_continuing:
        kind, max_age = "继任", rules.secretary_continuing_max_age
        min_education = rules.secretary_continuing_min_education
    else:
        kind, max_age = "新任", rules.secretary_new_max_age
        min_education = rules.secretary_new_min_education
    findings = []
    if age > max_age:
        findings.append(
            Finding(
                "secretary-too-old",
                ERROR,
                f"{c.name} 将于选举日 {election_day:%Y-%m-%d} 满 {age} 周岁，"
                f"超过{kind}书记人选年龄上限 {max_age} 周岁。",
                rules.source,
            )
        )
    rank = EDUCATION_RANK.get(c.education)
    if rank is None or rank < EDUCATION_RANK[min_education]:
        findings.append(
            Finding(
                "secretary-education",
                ERROR,
                f"{c.name} 的学历为{education_label(c.education)}，"
                f"{kind}书记人选须具有{EDUCATION_LABELS[min_education]}及以上文化程度。",
                rules.source,
            )
        )
    return findings


# The count keys of a list check, as the page says them.
COUNT_LABELS = {
    "candidates": "正式候选人",
    "secretary": "书记人选",
    "deputy_secretary": "副书记人选",
    "director": "主任候选人",
    "deputy_director": "副主任候选人",
    "members": "委员候选人（含妇女委员）",
}


@dataclass(frozen=True)
class ListCheck:
    findings: list[Finding]
    # What the list needs, per count key: (at least, at most or None).
    required: dict[str, tuple[int, int | None]]
    counts: dict[str, int]

    @property
    def blocked(self) -> bool:
        return any(f.level == ERROR for f in self.findings)

    @property
    def required_labelled(self) -> list[tuple[str, str]]:
        """Each count the list needs, said: ("正式候选人", "至少 6 人"), ("书记人选", "应为 1 人")."""
        return [(COUNT_LABELS[k], _how_many(low, high)) for k, (low, high) in self.required.items()]

    @property
    def counts_labelled(self) -> list[tuple[str, int]]:
        return [(COUNT_LABELS[k], n) for k, n in self.counts.items()]


def _how_many(low: int, high: int | None) -> str:
    if high == low:
        return f"应为 {low} 人"
    return f"至少 {low} 人" + (f"、至多 {high} 人" if high is not None else "")


def party_minimum(seats: int, ratio: Decimal) -> int:
    """Formal candidates needed for ``seats``: seats × ratio rounded up (5 → 6, 7 → 9)."""
    return int((Decimal(seats) * ratio).to_integral_value(rounding=ROUND_CEILING))


def _percent(share: Decimal) -> str:
    text = f"{share * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def check_formal_list(
    body: str,
    seats: int,
    candidates: list[CandidateFacts],
    rules: Rules,
    *,
    women_seat: bool = False,
) -> ListCheck:
    """Whether a committee's formal candidate list has the posts and the surplus it needs.

    ``seats`` is the committee's total seats; 0 (not yet set) gives a blocking
    "seats-missing" finding rather than an exception. People are counted once per post
    (by ``CandidateFacts.key``, else by name), and once overall for the party
    committee, where the secretary candidate also stands for the committee. A post the
    committee must fill needs a candidate: the party committee's secretary, the villagers'
    committee's director, and its women's seat where the county elects one (``women_seat``).
    """
    if body not in BODY_POSTS:
        raise ValueError(f"未知的班子类型：{body!r}")
    findings: list[Finding] = []
    own = [c for c in candidates if c.body == body]
    for c in candidates:
        if c.body != body or c.post not in BODY_POSTS[body]:
            findings.append(
                Finding(
                    "post-not-in-body",
                    ERROR,
                    f"{c.name}（{_post_label(c)}）不应列入{BODY_LABELS[body]}正式候选人名单。",
                    POSTS_SOURCE,
                )
            )
    if seats < 1:
        # Seats not yet set (the caller passes 0): nothing to measure the surplus against.
        findings.append(
            Finding(
                "seats-missing",
                ERROR,
                f"{BODY_LABELS[body]}职数尚未核定，无法核对正式候选人差额。",
                "换届工作程序：先核定职数，再确定正式候选人",
            )
        )
        required, counts = {}, {"candidates": len({c.identity for c in own})}
    elif body == "party":
        required, counts = _party_list(seats, own, rules, findings)
    else:
        required, counts = _villagers_list(seats, own, rules, findings, women_seat=women_seat)
    if rules.require_woman and own and not any(c.sex == "F" for c in own):
        findings.append(
            Finding(
                "no-woman",
                WARNING,
                f"{BODY_LABELS[body]}正式候选人中没有女性，请注意保证班子中有女性成员。",
                WOMAN_SOURCE,
            )
        )
    return ListCheck(findings=findings, required=required, counts=counts)


def _distinct(cands: list[CandidateFacts], posts) -> int:
    return len({c.identity for c in cands if c.post in posts})


def _party_list(seats, own, rules, findings):
    ratio = rules.party_surplus_ratio
    needed = party_minimum(seats, ratio)
    counts = {
        "candidates": _distinct(own, PARTY_POSTS),
        "secretary": _distinct(own, {"secretary"}),
        "deputy_secretary": _distinct(own, {"deputy_secretary"}),
    }
    required = {"candidates": (needed, None), "secretary": (1, 1)}
    if counts["candidates"] < needed:
        findings.append(
            Finding(
                "surplus-short",
                ERROR,
                f"党组织委员会职数 {seats} 名，按不少于 {_percent(ratio - 1)} 的差额比例，"
                f"正式候选人至少 {needed} 名，现有 {counts['candidates']} 名，"
                f"还差 {needed - counts['candidates']} 名。",
                rules.source,
            )
        )
    if counts["secretary"] > 1:
        names = "、".join(dict.fromkeys(c.name for c in own if c.post == "secretary"))
        findings.append(
            Finding(
                "secretary-not-single",
                ERROR,
                f"书记实行等额选举，只能有 1 名书记人选，现有 {counts['secretary']} 名"
                f"（{names}）。",
                rules.source,
            )
        )
    elif counts["secretary"] == 0:
        findings.append(
            Finding(
                "secretary-missing",
                ERROR,
                "名单中没有书记人选：党组织委员会须有 1 名书记人选（书记实行等额选举）。",
                rules.source,
            )
        )
    return required, counts


def _villagers_list(seats, own, rules, findings, *, women_seat):
    if seats < 3:
        findings.append(
            Finding(
                "seats-too-few",
                ERROR,
                f"村(居)民委员会职数为 {seats} 名，少于主任、副主任和委员合计的最低 3 名。",
                VILLAGERS_SIZE_SOURCE,
            )
        )
    member_seats = max(seats - 2, 0)
    required = {
        "director": (1 + rules.villagers_director_surplus, None),
        "deputy_director": (1 + rules.villagers_deputy_surplus, None),
        "members": (
            member_seats + rules.villagers_member_surplus_min,
            member_seats + rules.villagers_member_surplus_max,
        ),
    }
    counts = {
        "director": _distinct(own, {"director"}),
        "deputy_director": _distinct(own, {"deputy_director"}),
        "members": _distinct(own, MEMBER_POSTS),
    }
    post_seats = {"director": 1, "deputy_director": 1, "members": member_seats}
    labels = {"director": "主任", "deputy_director": "副主任", "members": "委员（含妇女委员）"}
    if counts["director"] == 0:
        findings.append(
            Finding(
                "director-missing",
                ERROR,
                f"名单中没有主任候选人：主任应选 1 名，候选人至少 {required['director'][0]} 名。",
                VILLAGERS_SURPLUS_SOURCE,
            )
        )
    if women_seat and not _distinct(own, {"women_member"}):
        findings.append(
            Finding(
                "women-seat-missing",
                ERROR,
                "本县单独选举妇女委员，名单中还没有妇女委员候选人。",
                WOMAN_SOURCE,
            )
        )
    for key, (low, high) in required.items():
        have = counts[key]
        if key == "director" and have == 0:
            continue  # said above, in the words of the missing post
        if have < low:
            findings.append(
                Finding(
                    "surplus-short",
                    ERROR,
                    f"{labels[key]}应选 {post_seats[key]} 名，候选人至少 {low} 名，"
                    f"现有 {have} 名，还差 {low - have} 名。",
                    VILLAGERS_SURPLUS_SOURCE,
                )
            )
        elif high is not None and have > high:
            findings.append(
                Finding(
                    "surplus-too-many",
                    ERROR,
                    f"{labels[key]}应选 {post_seats[key]} 名，候选人最多 {high} 名，"
                    f"现有 {have} 名，差额过大，须减少 {have - high} 名。",
                    VILLAGERS_SURPLUS_SOURCE,
                )
            )
    for c in own:
        if c.post == "women_member" and c.sex != "F":
            findings.append(
                Finding(
                    "women-member-not-woman",
                    ERROR,
                    f"{c.name} 不是女性，不能作为妇女委员候选人。",
                    WOMAN_SOURCE,
                )
            )
    return required, counts


@dataclass(frozen=True)
class YoungShare:
    total: int
    young: int
    share: Decimal  # young / total, to 4 decimal places; 0 when there are none
    met: bool
    message: str


def young_secretary_share(
    secretaries: list[CandidateFacts], rules: Rules, *, election_day: date
) -> YoungShare:
    """The county indicator: the share of secretary candidates under the young age line."""
    line, minimum = rules.young_secretary_age, rules.young_secretary_min_share
    total = len(secretaries)
    if total == 0:
        return YoungShare(
            total=0,
            young=0,
            share=Decimal(0),
            met=True,
            message=f"尚无书记人选，暂不计算未满 {line} 周岁人选的比例。",
        )
    young = sum(1 for c in secretaries if age_on(c.birth_date, election_day) < line)
    share = (Decimal(young) / Decimal(total)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    # Compare exactly (3 of 10 against 0.30), never the rounded share.
    met = Decimal(young) >= minimum * total
    verdict = "达到" if met else "未达到"
    message = (
        f"书记人选 {total} 名，其中选举日未满 {line} 周岁的 {young} 名，"
        f"占 {_percent(share)}，{verdict}不低于 {_percent(minimum)} 的要求。"
    )
    if not met:
        short = math.ceil(minimum * total) - young
        message += f"人选总数不变时，还需 {short} 名未满 {line} 周岁的人选。"
    return YoungShare(total=total, young=young, share=share, met=met, message=message)
