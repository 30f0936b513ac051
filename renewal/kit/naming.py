"""The name printed on a ballot for each person standing, and shown for them on every list
where same-name people meet (the vetting and approval queues, pledges, talks): pure, no
database.

Ballots, tally sheets, the count and the ballot record work with names. Two people with the
same name are normal in a village, so a name that two candidates share is printed with what
tells them apart, from the least to the most: the year of birth, the month, the day, and
last the end of the ID number. Everything after the count maps a printed name back to the
person who stood under it; nothing looks a person up by name.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Standing:
    key: int  # the person's id
    name: str
    birth_date: datetime.date | None = None
    id_tail: str = ""  # the last four characters of the ID number


def _labels(p: Standing) -> list[str]:
    labels = []
    if p.birth_date:
        d = p.birth_date
        labels += [f"{d.year}年生", f"{d.year}年{d.month}月生", f"{d.year}年{d.month}月{d.day}日生"]
    if p.id_tail:
        labels.append(f"身份证尾号{p.id_tail}")
    return labels


def ballot_names(people: Iterable[Standing]) -> dict[int, str]:
    """Each person's printed name, unique among ``people`` (one person on several rows, e.g.
    standing for two posts, is one person)."""
    people = list({p.key: p for p in people}.values())
    by_name: dict[str, list[Standing]] = {}
    for p in people:
        by_name.setdefault(p.name, []).append(p)
    out: dict[int, str] = {}
    for name, group in by_name.items():
        if len(group) == 1:
            out[group[0].key] = name
            continue
        for level in range(4):
            shown = {}
            for p in group:
                labels = _labels(p)
                label = labels[min(level, len(labels) - 1)] if labels else f"{p.key}号"
                shown[p.key] = f"{name}（{label}）"
            if len(set(shown.values())) == len(group):
                break
        else:
            shown = {p.key: f"{name}（{p.key}号）" for p in group}
        out.update(shown)
    return out


def standing(person) -> Standing:
    """A Person (or anything with the same attributes) as the naming rule needs it."""
    number = getattr(person, "id_number", "") or ""
    return Standing(person.pk, person.name, person.birth_date, number[-4:])
