"""班子结构: the structure of elected committees, and the targets per unit.

Pure: plain data in, plain data out; no ORM and no settings. The roll-up loads the
terms and members and stores what these functions return.

Definitions (stated once, used by every page and the notice):
- A unit's committee members are the distinct persons on its party committee and its
  villagers' committee of the same round; a person on both counts once.
- Age is the age on the election date of the term (the party term's date for a person
  on both committees).
- 大专及以上: education 大专, 本科 or 研究生.
- 一肩挑: share of units with both committees elected whose party secretary is also
  the villagers' committee director.
- 交叉任职: share of members who sit on both committees.
- The previous term (上届) of a unit is its latest earlier term of each body.
- "两升一降": education up, women up, average age down against the previous term.
"""

import datetime
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from renewal.kit.dates import age_on

COLLEGE_OR_ABOVE = frozenset({"college", "bachelor", "postgraduate"})
VETERAN = "veteran"
PARTY, VILLAGERS = "party", "villagers"
SECRETARY, DIRECTOR = "secretary", "director"


@dataclass(frozen=True)
class Member:
    person_id: int
    sex: str  # "M" / "F"
    birth_date: datetime.date
    education: str
    post: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class TermFacts:
    unit_id: int
    body: str
    elected_on: datetime.date
    members: tuple[Member, ...]


@dataclass(frozen=True)
class Targets:
    women_min: int = 1
    young_age: int = 35
    young_min: int = 1
    college_min: int = 2


@dataclass
class Figures:
    units: int = 0
    members: int = 0
    average_age: float | None = None
    under35: float | None = None
    under40: float | None = None
    college: float | None = None
    women: float | None = None
    veterans: float | None = None
    one_shoulder: float | None = None  # 一肩挑
    cross_posts: float | None = None  # 交叉任职

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class UnitCompliance:
    unit_id: int
    women: int
    young: int
    college: int
    shortfalls: list[str] = field(default_factory=list)

    @property
    def compliant(self) -> bool:
        return not self.shortfalls


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _unit_people(terms: list[TermFacts]) -> dict[int, tuple[Member, int, set[str]]]:
    """person id → (member, age on the election date, bodies) for one unit's terms."""
    people: dict[int, tuple[Member, int, set[str]]] = {}
    for term in sorted(terms, key=lambda t: t.body != PARTY):
        for m in term.members:
            if m.person_id in people:
                people[m.person_id][2].add(term.body)
            else:
                people[m.person_id] = (m, age_on(m.birth_date, term.elected_on), {term.body})
    return people


def _by_unit(terms: Iterable[TermFacts]) -> dict[int, list[TermFacts]]:
    grouped: dict[int, list[TermFacts]] = {}
    for term in terms:
        grouped.setdefault(term.unit_id, []).append(term)
    return grouped


def committee_figures(terms: Iterable[TermFacts]) -> Figures:
    """The structure figures of the committees in ``terms`` (any number of units)."""
    grouped = _by_unit(terms)
    members = ages = under35 = under40 = college = women = veterans = cross = 0
    both_bodies = one_shoulder = 0
    for unit_terms in grouped.values():
        people = _unit_people(unit_terms)
        for member, age, bodies in people.values():
            members += 1
            ages += age
            under35 += age < 35
            under40 += age < 40
            college += member.education in COLLEGE_OR_ABOVE
            women += member.sex == "F"
            veterans += VETERAN in member.tags
            cross += len(bodies) > 1
        posts = {(t.body, m.post): m.person_id for t in unit_terms for m in t.members}
        if {t.body for t in unit_terms} >= {PARTY, VILLAGERS}:
            both_bodies += 1
            secretary = posts.get((PARTY, SECRETARY))
            one_shoulder += secretary is not None and secretary == posts.get((VILLAGERS, DIRECTOR))
    return Figures(
        units=len(grouped),
        members=members,
        average_age=round(ages / members, 1) if members else None,
        under35=_share(under35, members),
        under40=_share(under40, members),
        college=_share(college, members),
        women=_share(women, members),
        veterans=_share(veterans, members),
        one_shoulder=_share(one_shoulder, both_bodies),
        cross_posts=_share(cross, members),
    )


def two_up_one_down(current: Figures, previous: Figures) -> dict:
    """两升一降: education up, women up, age down. Unknown (no data) counts as not met."""

    def up(now, before):
        return now is not None and before is not None and now > before

    education_up = up(current.college, previous.college)
    women_up = up(current.women, previous.women)
    age_down = up(previous.average_age, current.average_age)
    return {
        "education_up": education_up,
        "women_up": women_up,
        "age_down": age_down,
        "met": education_up and women_up and age_down,
        "age_change": (
            round(current.average_age - previous.average_age, 1)
            if current.average_age is not None and previous.average_age is not None
            else None
        ),
    }


def unit_compliance(unit_id: int, terms: list[TermFacts], targets: Targets) -> UnitCompliance:
    """The targets of one unit's new committees (both bodies together)."""
    people = _unit_people(terms)
    women = sum(m.sex == "F" for m, _, _ in people.values())
    young = sum(age < targets.young_age for _, age, _ in people.values())
    college = sum(m.education in COLLEGE_OR_ABOVE for m, _, _ in people.values())
    shortfalls = []
    if women < targets.women_min:
        shortfalls.append("women")
    if young < targets.young_min:
        shortfalls.append("young")
    if college < targets.college_min:
        shortfalls.append("college")
    return UnitCompliance(unit_id, women, young, college, shortfalls)


def shortfall_labels(codes: Iterable[str], targets: Targets | None = None) -> list[str]:
    t = targets or Targets()
    labels = {
        "women": f"女性成员少于 {t.women_min} 名",
        "young": f"{t.young_age} 岁以下成员少于 {t.young_min} 名",
        "college": f"大专及以上成员少于 {t.college_min} 名",
    }
    return [labels.get(c, c) for c in codes]


def structure_summary(
    current: list[TermFacts], previous: list[TermFacts], targets: Targets
) -> dict:
    """Everything a snapshot stores about structure for one region."""
    now, before = committee_figures(current), committee_figures(previous)
    checks = [unit_compliance(uid, ts, targets) for uid, ts in _by_unit(current).items()]
    compliant = [c for c in checks if c.compliant]
    return {
        "current": now.as_dict(),
        "previous": before.as_dict(),
        "verdict": two_up_one_down(now, before),
        "compliance": {
            "units": len(checks),
            "compliant": len(compliant),
            "share": _share(len(compliant), len(checks)),
            "women": _share(sum("women" not in c.shortfalls for c in checks), len(checks)),
            "young": _share(sum("young" not in c.shortfalls for c in checks), len(checks)),
            "college": _share(sum("college" not in c.shortfalls for c in checks), len(checks)),
        },
        "noncompliant": sorted([c.unit_id, c.shortfalls] for c in checks if not c.compliant),
        "targets": asdict(targets),
    }
