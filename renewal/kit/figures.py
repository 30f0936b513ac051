"""Registries the other apps plug into: stage completion and roll-up figures per unit.

The renewal app knows regions, units and rounds; what a unit has *done* is recorded by
the other apps (candidates, congresses, villagers' elections, handovers, …). Each app
registers, in its AppConfig.ready(), the facts it owns:

* ``register_stage_check(code, check)``: ``check(round_, unit_ids, day)`` returns the
  set of those unit ids whose stage ``code`` was complete at the end of ``day``. The
  derived stage of a unit is the first enabled stage whose check does not include it.
* ``register_unit_figure(code, label, count, app=…)``: ``count(round_, unit_ids, day)``
  returns ``{unit_id: number}`` as of the end of ``day`` (missing ids count 0). The
  nightly roll-up sums them per township and county.

Both take the round (``renewal.RenewalRound``), a list of unit ids of that round's
county, and a ``datetime.date``; both must run a constant number of queries whatever
the number of units, so the roll-up stays fast at province scale.
"""

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

StageCheck = Callable[[object, Sequence[int], datetime.date], set[int]]
FigureCount = Callable[[object, Sequence[int], datetime.date], Mapping[int, int]]


@dataclass(frozen=True)
class UnitFigure:
    code: str  # stable key stored in snapshots, e.g. "candidates_entered"
    label: str  # Chinese, shown as a column heading
    count: FigureCount
    app: str = ""  # the app that owns it, for grouping on pages


_stage_checks: dict[str, StageCheck] = {}
_unit_figures: dict[str, UnitFigure] = {}


def register_stage_check(code: str, check: StageCheck) -> StageCheck:
    _stage_checks[code] = check
    return check


def register_unit_figure(code: str, label: str, count: FigureCount, app: str = "") -> UnitFigure:
    figure = UnitFigure(code=code, label=label, count=count, app=app)
    _unit_figures[code] = figure
    return figure


def stage_checks() -> dict[str, StageCheck]:
    return dict(_stage_checks)


def unit_figures() -> list[UnitFigure]:
    return list(_unit_figures.values())
