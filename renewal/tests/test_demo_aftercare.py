"""The aftercare demo: an audit with findings, a key unit's plan, a guidance group with a
visit; seeding twice changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from renewal.models import (
    AuditFinding,
    ExitAudit,
    GuidanceGroup,
    GuidanceVisit,
    KeyUnitPlan,
    Rectification,
    Unit,
)

pytestmark = pytest.mark.django_db

MODELS = (ExitAudit, AuditFinding, Rectification, KeyUnitPlan, GuidanceGroup, GuidanceVisit)


def counts():
    return tuple(m.objects.count() for m in MODELS)


def test_demo_has_aftercare_data_and_is_idempotent():
    call_command("seed_demo", units=40, stdout=StringIO())
    first = counts()
    assert first[:3] == (1, 2, 2)
    assert first[3] == (1 if Unit.objects.filter(is_key=True).exists() else 0)
    assert first[4:] == (1, 1)
    assert Rectification.objects.filter(status="done").count() == 1
    call_command("seed_demo", units=40, stdout=StringIO())
    assert counts() == first
