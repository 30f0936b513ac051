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


@dataclass
class Counts:
    """The numerators and denominators behind ``Figures``: what a level above sums.

    Shares are never averaged up the tree; the sums of these are divided again."""

    units: int = 0
    members: int = 0
    ages: int = 0
    under35: int = 0
    under40: int = 0
    college: int = 0
    women: int = 0
    veterans: int = 0
    cross: int = 0
    both_bodies: int = 0
    one_shoulder: int = 0

    def as_dict(self) -> dict:
        return asdict(self)

    def figures(self) -> Figures:
        members = self.members
        return Figures(
            units=self.units,
            members=members,
            average_age=round(self.ages / members, 1) if members else None,
            under35=_share(self.under35, members),
            under40=_share(self.under40, members),
            college=_share(self.college, members),
            women=_share(self.women, members),
            veterans=_share(self.veterans, members),
            one_shoulder=_share(self.one_shoulder, self.both_bodies),
            cross_posts=_share(self.cross, members),
        )


def committee_counts(terms: Iterable[TermFacts]) -> Counts:
    """The structure counts of the committees in ``terms`` (any number of units)."""
    grouped = _by_unit(terms)
    c = Counts(units=len(grouped))
    for unit_terms in grouped.values():
        people = _unit_people(unit_terms)
        for member, age, bodies in people.values():
            c.members += 1
            c.ages += age
            c.under35 += age < 35
            c.under40 += age < 40
            c.college += member.education in COLLEGE_OR_ABOVE
            c.women += member.sex == "F"
            c.veterans += VETERAN in member.tags
            c.cross += len(bodies) > 1
        posts = {(t.body, m.post): m.person_id for t in unit_terms for m in t.members}
        if {t.body for t in unit_terms} >= {PARTY, VILLAGERS}:
            c.both_bodies += 1
            secretary = posts.get((PARTY, SECRETARY))
            c.one_shoulder += secretary is not None and secretary == posts.get(
                (VILLAGERS, DIRECTOR)
            )
    return c


def committee_figures(terms: Iterable[TermFacts]) -> Figures:
    """The structure figures of the committees in ``terms`` (any number of units)."""
    return committee_counts(terms).figures()


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
    checks = [unit_compliance(uid, ts, targets) for uid, ts in _by_unit(current).items()]
    met = {
        "units": len(checks),
        "compliant": sum(c.compliant for c in checks),
        "women": sum("women" not in c.shortfalls for c in checks),
        "young": sum("young" not in c.shortfalls for c in checks),
        "college": sum("college" not in c.shortfalls for c in checks),
    }
    summary = _summary(committee_counts(current), committee_counts(previous), met, targets)
    summary["noncompliant"] = sorted([c.unit_id, c.shortfalls] for c in checks if not c.compliant)
    return summary


COUNT_FIELDS = tuple(Counts.__dataclass_fields__)
MET_FIELDS = ("units", "compliant", "women", "young", "college")


def _summary(now: Counts, before: Counts, met: dict, targets: Targets | None) -> dict:
    current, previous = now.figures(), before.figures()
    units = met["units"]
    return {
        "current": current.as_dict(),
        "previous": previous.as_dict(),
        "verdict": two_up_one_down(current, previous),
        "compliance": {
            "units": units,
            "compliant": met["compliant"],
            "share": _share(met["compliant"], units),
            "women": _share(met["women"], units),
            "young": _share(met["young"], units),
            "college": _share(met["college"], units),
        },
        # The numerators and denominators, so that a city or a province sums them.
        "counts": {"current": now.as_dict(), "previous": before.as_dict(), "met": met},
        "targets": asdict(targets) if targets else None,
    }


def has_counts(summary: dict) -> bool:
    """Whether a stored summary carries its counts (summaries stored before they did not)."""
    return "counts" in (summary or {})


def structure_sum(summaries: list[dict]) -> dict:
    """The structure of a region above the county from its parts' stored summaries: counts
    are summed and every share and the 两升一降 verdict worked out again from the sums.

    Targets are a county's setting: the sum keeps them only when every part has the same."""
    now, before = Counts(), Counts()
    met = dict.fromkeys(MET_FIELDS, 0)
    targets = set()
    for summary in summaries:
        counts = summary["counts"]
        for name in COUNT_FIELDS:
            setattr(now, name, getattr(now, name) + counts["current"].get(name, 0))
            setattr(before, name, getattr(before, name) + counts["previous"].get(name, 0))
        for name in MET_FIELDS:
            met[name] += counts["met"].get(name, 0)
        if summary.get("targets"):
            targets.add(tuple(sorted(summary["targets"].items())))
    same = Targets(**dict(targets.pop())) if len(targets) == 1 else None
    return _summary(now, before, met, same)
