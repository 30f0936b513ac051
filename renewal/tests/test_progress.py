"""The derived stage, as a table over recorded facts (no database)."""

import pytest

from renewal.models import DEFAULT_STAGES
from renewal.progress import UnitFacts, completed_codes, derive_stage, stage_position

ALL = [code for code, _ in DEFAULT_STAGES]


@pytest.mark.parametrize(
    ("facts", "passed", "codes", "expected"),
    [
        (UnitFacts(), set(), ALL, "preparation"),
        (UnitFacts(risk_assessed=True), set(), ALL, "seats"),
        (UnitFacts(risk_assessed=True, seats_set=True), set(), ALL, "recommendation"),
        (UnitFacts(risk_assessed=True, seats_set=True, seat_change_open=True), set(), ALL, "seats"),
        (
            UnitFacts(seats_set=True),
            set(),
            [c for c in ALL if c != "preparation"],
            "recommendation",
        ),
        (UnitFacts(risk_assessed=True, seats_set=True), set(), ["preparation", "seats"], "done"),
        (UnitFacts(), set(), [], "done"),
        (UnitFacts(risk_assessed=True, seats_set=True), {"recommendation"}, ALL, "vetting"),
        (UnitFacts(risk_assessed=True, seats_set=True), {"vetting"}, ALL, "recommendation"),
        (UnitFacts(), {"recommendation", "vetting"}, ALL, "preparation"),
        (UnitFacts(risk_assessed=True, seats_set=True), set(ALL), ALL, "done"),
    ],
    ids=[
        "nothing recorded stays in preparation",
        "risk assessment completes preparation",
        "settled seats complete the seats stage",
        "an open seat change holds the unit at seats",
        "a skipped stage is passed over",
        "all enabled stages complete means done",
        "no stages means done",
        "a registered check completes its stage",
        "a later stage done does not skip an earlier one",
        "later checks cannot pass an unfinished preparation",
        "every stage complete means done",
    ],
)
def test_derive_stage(facts, passed, codes, expected):
    assert derive_stage(completed_codes(facts) | passed, codes) == expected


@pytest.mark.parametrize(
    ("stage", "codes", "expected"),
    [
        ("preparation", ALL, 0.0),
        ("done", ALL, 1.0),
        ("seats", ["preparation", "seats"], 0.5),
        ("gone", ["preparation"], 0.0),
        ("preparation", [], 1.0),
    ],
    ids=["first stage is 0", "done is 1", "halfway", "unknown stage is 0", "empty timetable"],
)
def test_stage_position(stage, codes, expected):
    assert stage_position(stage, codes) == expected
