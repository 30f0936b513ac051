"""Derived stages against hand-made unit histories, read as of the end of a day."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from renewal import progress, services
from renewal.kit import figures
from renewal.models import SeatChange, Unit
from renewal.tests.histories import at, candidacy
from tests.factories import UnitFactory

D = datetime.date
LATER = ["congress", "approval", "villagers_election", "handover"]


@pytest.fixture
def history(world, personas):
    """unit_a1: assessed 01-05, entered 01-20, township-approved 02-10, formal 02-15."""
    unit = world["unit_a1"]
    Unit.objects.filter(pk=unit.pk).update(risk_assessed_on=D(2026, 1, 5))
    candidacy(
        unit,
        world["round"],
        personas["staff_a"],
        entered=D(2026, 1, 20),
        steps=[
            ("inspected", D(2026, 1, 28)),
            ("vetted", D(2026, 2, 5)),
            ("township_approved", D(2026, 2, 10)),
            ("formal", D(2026, 2, 15)),
        ],
    )
    return unit


def stage_on(world, unit, day):
    return progress.unit_stages(world["round"], [unit.pk], day)[unit.pk]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 1, 4), "preparation"),
        (D(2026, 1, 5), "recommendation"),
        (D(2026, 1, 20), "vetting"),
        (D(2026, 2, 9), "vetting"),
        (D(2026, 2, 10), "formal_list"),
        (D(2026, 2, 15), "congress"),
    ],
    ids=[
        "before the risk assessment: preparation",
        "assessed with default seats: recommendation",
        "a candidate entered: vetting",
        "vetted but not township-approved: still vetting",
        "township-approved: formal list",
        "formal list done, no congress check registered: congress is never passed",
    ],
)
def test_stage_follows_the_recorded_history(world, history, day, expected):
    assert stage_on(world, history, day) == expected


def test_registered_checks_complete_the_later_stages(world, history, monkeypatch):
    def elected_after_march(round_, unit_ids, day):
        return set(unit_ids) if day >= D(2026, 3, 1) else set()

    for code in LATER:
        monkeypatch.setitem(figures._stage_checks, code, elected_after_march)
    assert stage_on(world, history, D(2026, 2, 28)) == "congress"
    assert stage_on(world, history, D(2026, 3, 1)) == "done"


def test_a_check_is_given_the_day_and_the_round(world, history, monkeypatch):
    seen = []

    def spy(round_, unit_ids, day):
        seen.append((round_.pk, list(unit_ids), day))
        return set()

    monkeypatch.setitem(figures._stage_checks, "congress", spy)
    stage_on(world, history, D(2026, 2, 20))
    assert seen == [(world["round"].pk, [history.pk], D(2026, 2, 20))]


def test_an_open_seat_change_holds_the_unit_until_decided(world, history, personas):
    SeatChange.objects.create(
        round=world["round"],
        unit=history,
        body="party",
        previous=5,
        requested=7,
        reason="人口多",
        status=SeatChange.Status.APPROVED,
        requested_by=personas["staff_a"],
        requested_at=at(D(2026, 1, 8)),
        township_decided_at=at(D(2026, 1, 9)),
        county_decided_at=at(D(2026, 1, 12)),
    )
    assert stage_on(world, history, D(2026, 1, 7)) == "recommendation"
    assert stage_on(world, history, D(2026, 1, 9)) == "seats"
    assert stage_on(world, history, D(2026, 1, 11)) == "seats"
    assert stage_on(world, history, D(2026, 1, 12)) == "recommendation"


def test_a_disabled_stage_is_passed_over(world, history):
    world["round"].stages.filter(code="recommendation").update(enabled=False)
    assert stage_on(world, history, D(2026, 1, 6)) == "vetting"


def test_refresh_writes_todays_derived_stage(world, personas):
    unit = world["unit_b1"]
    Unit.objects.filter(pk=unit.pk).update(risk_assessed_on=D(2026, 1, 5))
    candidacy(unit, world["round"], personas["staff_b"], entered=timezone.localdate())
    services.units_refresh_stages(county=world["county_a"])
    unit.refresh_from_db()
    assert unit.stage == "vetting"


def test_queries_do_not_grow_with_the_number_of_units(world, history, personas):
    def count(unit_ids):
        with CaptureQueriesContext(connection) as ctx:
            progress.unit_stages(world["round"], unit_ids, D(2026, 2, 20))
        return len(ctx.captured_queries)

    few = count([history.pk])
    many_units = [UnitFactory(township=world["township_a"]) for _ in range(12)]
    for unit in many_units[:6]:
        candidacy(unit, world["round"], personas["staff_a"], entered=D(2026, 1, 21))
    assert count([history.pk] + [u.pk for u in many_units]) == few
