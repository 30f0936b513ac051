"""Which stage a unit has reached, derived from what is recorded about it.

A unit's stage is the first enabled stage of its round's timetable that is not complete.
Completion of ``preparation`` and ``seats`` follows from the renewal app's own facts
(risk assessment, settled seats); every later stage is completed by the check another
app registered in ``renewal.kit.figures`` (candidates: recommendation, vetting, formal list;
ballots: congress, approval, villagers' election; handover). A stage nobody registered a
check for is never passed, so the pipeline cannot run ahead of the data.

Two layers: the pure rule (``completed_codes`` and ``derive_stage``: facts in, stage out)
and the loader (``stage_completion`` / ``unit_stages``) that reads the facts of many
units as of the end of a day with a constant number of queries per chunk of units.
"""

import datetime
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

from renewal.kit import figures
from renewal.kit.dates import end_of_day
from renewal.models import DEFAULT_STAGES, SeatChange, Stage, Unit, UnitSeats

# Registered checks are called with at most this many unit ids at a time, so a
# province-size county keeps its IN lists (and the queries' memory) bounded.
CHUNK = 5000


@dataclass(frozen=True)
class UnitFacts:
    risk_assessed: bool = False
    seats_set: bool = False
    seat_change_open: bool = False


BUILTIN: dict[str, Callable[[UnitFacts], bool]] = {
    "preparation": lambda f: f.risk_assessed,
    "seats": lambda f: f.seats_set and not f.seat_change_open,
}


def completed_codes(facts: UnitFacts) -> set[str]:
    """The built-in stages these facts complete."""
    return {code for code, done in BUILTIN.items() if done(facts)}


def derive_stage(completed: Collection[str], enabled_codes: Sequence[str]) -> str:
    """The first enabled stage not completed; ``done`` when every enabled stage is."""
    for code in enabled_codes:
        if code not in completed:
            return code
    return "done"


def stage_position(stage: str, enabled_codes: Sequence[str]) -> float:
    """How far along the timetable a stage is: 0 at the first stage, 1 at ``done``."""
    if not enabled_codes or stage == "done":
        return 1.0
    try:
        return enabled_codes.index(stage) / len(enabled_codes)
    except ValueError:
        return 0.0


def chunks(ids: Sequence[int], size: int = CHUNK) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# --- Loading the facts -------------------------------------------------------------------


def enabled_codes(rnd) -> list[str]:
    if rnd is None:
        return [code for code, _ in DEFAULT_STAGES]
    return list(rnd.stages.filter(enabled=True).order_by("order").values_list("code", flat=True))


def enabled_codes_by_round(rounds) -> dict[int, list[str]]:
    """``enabled_codes`` of each of the rounds, in one query."""
    found: dict[int, list[str]] = {rnd.pk: [] for rnd in rounds}
    rows = Stage.objects.filter(round__in=list(found), enabled=True).order_by("round_id", "order")
    for round_id, code in rows.values_list("round_id", "code"):
        found[round_id].append(code)
    return found


def _open_at(status, requested_at, township_at, county_at, until) -> bool:
    """Was a seat change still awaiting a decision at ``until``?

    An increase within the default is approved on request (no decision times); a
    township refusal closes it at the township step; otherwise the county decides.
    """
    if status == "approved" and township_at is None and county_at is None:
        closed_at = requested_at
    elif status == "rejected" and county_at is None:
        closed_at = township_at
    else:
        closed_at = county_at
    return closed_at is None or closed_at >= until


def _builtin_completion(rnd, unit_ids: Sequence[int], day: datetime.date) -> dict[str, set[int]]:
    """preparation / seats as of the end of ``day``: three queries per chunk (or for all the
    units of ``figures.Counties``)."""
    until = end_of_day(day)
    done: dict[str, set[int]] = {"preparation": set(), "seats": set()}
    for part in _parts(rnd, unit_ids):
        assessed = Unit.objects.filter(
            figures.units_q(rnd, part, round=None, unit=""), risk_assessed_on__lte=day
        ).values_list("pk", flat=True)
        done["preparation"].update(assessed)
        if rnd is None:
            continue
        with_seats = set(
            UnitSeats.objects.filter(figures.units_q(rnd, part)).values_list("unit_id", flat=True)
        )
        open_changes = set()
        changes = SeatChange.objects.filter(
            figures.units_q(rnd, part), requested_at__lt=until
        ).values_list(
            "unit_id", "status", "requested_at", "township_decided_at", "county_decided_at"
        )
        for unit_id, status, requested_at, township_at, county_at in changes:
            if _open_at(status, requested_at, township_at, county_at, until):
                open_changes.add(unit_id)
        done["seats"].update(with_seats - open_changes)
    return done


def _parts(rnd, unit_ids):
    """Chunks of the unit ids; ``figures.Counties`` (unit_ids None) is read whole."""
    return [None] if isinstance(rnd, figures.Counties) else chunks(list(unit_ids))


def stage_completion(
    rnd, unit_ids: Sequence[int], day: datetime.date, codes: Sequence[str]
) -> dict[str, set[int]]:
    """For each of ``codes``, the units whose stage was complete at the end of ``day``."""
    done = _builtin_completion(rnd, unit_ids, day)
    checks = figures.stage_checks()
    for code in codes:
        if code in BUILTIN:
            continue
        check = checks.get(code)
        done[code] = set()
        if check is None or rnd is None:
            continue
        for part in _parts(rnd, unit_ids):
            done[code].update(check(rnd, part, day))
    return done


def unit_stages(rnd, unit_ids: Sequence[int], day: datetime.date) -> dict[int, str]:
    """The derived stage of each unit at the end of ``day``."""
    codes = enabled_codes(rnd)
    done = stage_completion(rnd, unit_ids, day, codes)
    stages = {}
    for unit_id in unit_ids:
        completed = {code for code in codes if unit_id in done.get(code, ())}
        stages[unit_id] = derive_stage(completed, codes)
    return stages
