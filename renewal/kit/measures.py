"""Measures: the named aggregates the official statistical forms are filled from.

A statistical form (``renewal.StatForm``) is data: its columns name measures by code, so a
county or province changes a form's columns without code. The measures themselves are code,
each one tested, registered by the app that owns the records it counts, in its
AppConfig.ready() (as ``renewal.kit.figures`` and ``renewal.kit.next_steps`` are):

* ``register_count(code, label, count, unit=…, app=…)``: ``count(round_, unit_ids, day)``
  returns ``{unit_id: number}`` (missing ids count 0), as of the end of ``day`` where the
  records it counts carry their dates (the forms are filled for today). A region's
  value is the sum over its units, so a township row, the county total and the detail sheet
  of units always add up. It must run a constant number of queries whatever the number of
  units (one aggregate query over all of them, never a query per unit).
* ``register_ratio(code, label, numerator, denominator, …)``: a rate or an average of two
  count measures, worked out on each row from that row's sums (参选率 of a township is its
  voters who voted over its registered voters, not the mean of its villages' rates).

Both take the round (``renewal.RenewalRound``), a list of unit ids of that round's county
and a ``datetime.date``, like the roll-up figures, so that a figure function already written
for the roll-up is registered here as it is.
"""

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

Count = Callable[[object, Sequence[int], datetime.date], Mapping[int, int]]

PERCENT, AVERAGE = "percent", "average"


@dataclass(frozen=True)
class Measure:
    code: str  # stable key the form's columns name, e.g. "registered_voters"
    label: str  # Chinese, offered in the admin and used as the default heading
    unit: str = ""  # 人, 个, 张 …: what is counted ("" for rates)
    app: str = ""  # the app that owns it
    count: Count | None = None
    numerator: str = ""  # ratio measures: codes of two count measures
    denominator: str = ""
    style: str = ""  # PERCENT (a share, shown as 45.0%) or AVERAGE (one decimal)

    @property
    def is_ratio(self) -> bool:
        return self.count is None

    def value(self, sums: Mapping[str, int]) -> float | int | None:
        """This measure's value on one row, from the row's sums of the count measures (None
        for a ratio whose denominator is 0: nothing to divide)."""
        if not self.is_ratio:
            return sums.get(self.code, 0)
        whole = sums.get(self.denominator, 0)
        if not whole:
            return None
        share = sums.get(self.numerator, 0) / whole
        return round(share, 4) if self.style == PERCENT else round(share, 1)


_measures: dict[str, Measure] = {}


def register_count(code: str, label: str, count: Count, *, unit: str = "", app: str = ""):
    measure = Measure(code=code, label=label, unit=unit, app=app, count=count)
    _measures[code] = measure
    return measure


def register_ratio(
    code: str,
    label: str,
    numerator: str,
    denominator: str,
    *,
    style: str = PERCENT,
    app: str = "",
) -> Measure:
    measure = Measure(
        code=code,
        label=label,
        app=app,
        numerator=numerator,
        denominator=denominator,
        style=style,
    )
    _measures[code] = measure
    return measure


def measures() -> dict[str, Measure]:
    return dict(_measures)


def measure(code: str) -> Measure | None:
    return _measures.get(code)


def needed_counts(codes: Sequence[str]) -> list[Measure]:
    """The count measures that the measures ``codes`` are worked out from, each once, in
    order (a ratio brings its numerator and denominator). Unknown codes are left out."""
    wanted: list[str] = []
    for code in codes:
        found = _measures.get(code)
        if found is None:
            continue
        for part in (found.numerator, found.denominator) if found.is_ratio else (code,):
            if part in _measures and not _measures[part].is_ratio and part not in wanted:
                wanted.append(part)
    return [_measures[code] for code in wanted]


def choices() -> list[tuple[str, str]]:
    """(code, label) of every measure, for the admin's column editor, grouped by app."""
    ordered = sorted(_measures.values(), key=lambda m: (m.app, m.code))
    return [(m.code, f"{m.label}（{m.code}）") for m in ordered]
