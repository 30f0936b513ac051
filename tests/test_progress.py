"""The derived stage, as a table over recorded facts (no database)."""

import pytest

from renewal.models import DEFAULT_STAGES
from renewal.progress import UnitFacts, derive_stage

ALL = [code for code, _ in DEFAULT_STAGES]


@pytest.mark.parametrize(
    ("facts", "codes", "expected"),
    [
        (UnitFacts(), ALL, "preparation"),
        (UnitFacts(risk_assessed=True), ALL, "seats"),
        (UnitFacts(risk_assessed=True, seats_set=True), ALL, "recommendation"),
        (UnitFacts(risk_assessed=True, seats_set=True, seat_change_open=True), ALL, "seats"),
        (UnitFacts(seats_set=True), [c for c in ALL if c != "preparation"], "recommendation"),
        (UnitFacts(risk_assessed=True, seats_set=True), ["preparation", "seats"], "done"),
        (UnitFacts(), [], "done"),
    ],
    ids=[
        "nothing recorded stays in preparation",
        "risk assessment completes preparation",
        "settled seats complete the seats stage",
        "an open seat change holds the unit at seats",
        "a skipped stage is passed over",
        "all enabled stages complete means done",
        "no stages means done",
    ],
)
def test_derive_stage(facts, codes, expected):
    assert derive_stage(facts, codes) == expected
