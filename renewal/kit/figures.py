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

The nightly roll-up of many counties calls them once for all of them: ``round_`` is then
``Counties`` (the counties' active rounds) and ``unit_ids`` is None, meaning every unit
of each round's county, counted with that round. A function filters through
``units_q(round_, unit_ids, …)``, which reads both forms, so one implementation serves a
county and a whole province.
"""

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.db.models import F, Q


@dataclass(frozen=True)
class Counties:
    """Several counties at once, each with its active round: every unit of a round's county
    counted with that round (what ``round=…, unit_id__in=<the county's units>`` asks of one)."""

    rounds: tuple

    @property
    def round_ids(self) -> list[int]:
        return [r.pk for r in self.rounds]

    @property
    def county_ids(self) -> list[int]:
        return [r.county_id for r in self.rounds]


def units_q(round_, unit_ids, *, round: str | None = "round", unit: str = "unit") -> Q:
    """The rows of ``round_`` about ``unit_ids``, for a figure or a stage check.

    ``round`` and ``unit`` are the lookup paths of the row's round and unit (e.g.
    ``election__round`` and ``election__unit``); ``unit=""`` filters units themselves and
    ``round=None`` leaves the round out. With ``Counties`` (and ``unit_ids`` None) the rows of
    every unit of each round's county, with that round: one query for all the counties.
    """
    prefix = f"{unit}__" if unit else ""
    if isinstance(round_, Counties):
        if unit_ids is not None:
            raise ValueError("Counties covers every unit of its counties: unit_ids is None.")
        if round is None:
            return Q(**{f"{prefix}county_id__in": round_.county_ids})
        return Q(
            **{f"{round}_id__in": round_.round_ids, f"{prefix}county_id": F(f"{round}__county_id")}
        )
    found = Q(**{f"{unit}_id__in" if unit else "pk__in": list(unit_ids)})
    return found if round is None else found & Q(**{round: round_})


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
