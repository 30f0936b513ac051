"""The roll-up feed of the aftercare work: registered codes, and one query whatever the units."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from renewal.kit.figures import stage_checks, unit_figures
from renewal.models import Unit
from renewal.tests.aftercare_setup import build
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

CODES = {"rectifications_open", "handovers_overdue", "key_units_without_plan", "pledges_recorded"}


def test_figures_and_the_handover_check_are_registered():
    assert CODES <= {f.code for f in unit_figures()}
    assert "handover" in stage_checks()


def test_each_figure_runs_one_query_whatever_the_number_of_units(world, personas):
    build(world, personas)
    for n in range(15):
        UnitFactory(
            township=world["township_b"],
            code=f"1501231014{n:02d}",
            is_key=True,
            key_reasons="矛盾纠纷",
        )
    ids = list(Unit.objects.filter(county=world["county_a"]).values_list("pk", flat=True))
    today = timezone.localdate()
    counters = [f.count for f in unit_figures() if f.code in CODES]
    counters.append(stage_checks()["handover"])
    for count in counters:
        with CaptureQueriesContext(connection) as few:
            count(world["round"], ids[:2], today)
        with CaptureQueriesContext(connection) as many:
            result = count(world["round"], ids, today)
        assert len(few) == len(many) == 1, count.__name__
        assert result is not None
    figures = {f.code: f.count for f in unit_figures()}
    assert len(figures["key_units_without_plan"](world["round"], ids, today)) == 15
