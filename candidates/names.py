"""People of the same name on one list, told apart by when they were born: pure, no database.

Two people of the same name in one village are normal; a list the township reads (whom to
send to vetting, whom to approve) shows such names with the year of birth, or the full
date when the year is shared too, as the ballots do.
"""

import datetime
from collections.abc import Iterable


def births_by_name(people: Iterable[tuple[str, int, datetime.date]]) -> dict[str, dict]:
    """(name, person id, birth date) triples -> name -> {person id: birth date}."""
    births: dict[str, dict] = {}
    for name, pk, birth in people:
        births.setdefault(name, {})[pk] = birth
    return births


def told_apart(person, births: dict) -> str:
    """The person's name, with when they were born when another person on the same list
    (``births``: person id -> birth date of everyone of that name) has it too."""
    if len(births) < 2:
        return person.name
    d = person.birth_date
    if sum(1 for b in births.values() if b.year == d.year) == 1:
        return f"{person.name}（{d.year}年生）"
    return f"{person.name}（{d.year}年{d.month}月{d.day}日生）"
