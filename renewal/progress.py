"""Which stage a unit has reached, derived from what is recorded about it.

Pure: facts in, stage code out. Each stage has a completion test over the facts;
a unit's stage is the first enabled stage whose test fails. A stage that no
recorded fact can complete yet (the later apps add their facts) is never passed.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class UnitFacts:
    risk_assessed: bool = False
    seats_set: bool = False
    seat_change_open: bool = False


COMPLETED: dict[str, Callable[[UnitFacts], bool]] = {
    "preparation": lambda f: f.risk_assessed,
    "seats": lambda f: f.seats_set and not f.seat_change_open,
}


def derive_stage(facts: UnitFacts, enabled_codes: Sequence[str]) -> str:
    for code in enabled_codes:
        done = COMPLETED.get(code)
        if done is None or not done(facts):
            return code
    return "done"
