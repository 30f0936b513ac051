"""Every aftercare list runs the same number of queries however many rows it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from renewal.aftercare import audits, guidance
from renewal.models import AuditCategory, Handover
from renewal.tests.aftercare_setup import build, new_committee
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "/aftercare/",
    "/audits/",
    "/audits/ledger/",
    "/plans/",
    "/guidance/",
    "/handovers/",
    "/onboarding/",
]


def add_units(world, personas, n, start):
    category = AuditCategory.objects.get(county__isnull=True, number=2)
    for i in range(start, start + n):
        unit = UnitFactory(
            township=world["township_a"],
            code=f"150123100{500 + i:03d}",
            is_key=True,
            key_reasons="软弱涣散",
        )
        audit = audits.audit_record(
            actor=personas["staff_a"],
            unit=unit,
            round_=world["round"],
            auditor="审计组",
            period="2021-2026",
            audited_on=timezone.localdate(),
        )
        finding = audits.finding_add(audit=audit, category=category, description="问题")
        audits.rectification_add(
            finding=finding, measure="整改", responsible="甲", due_on=timezone.localdate()
        )
        guidance.plan_save(
            unit=unit,
            round_=world["round"],
            content="目标",
            measures="措施",
            status="drafting",
            leader_name="李",
            leader_post="副县长",
        )
        guidance.group_save(
            county=world["county_a"],
            round_=world["round"],
            name=f"指导组{i}",
            leader_name="赵",
            leader_post="组长",
            members=[("钱", "干部", None)],
            units=[unit],
        )
        new_committee(unit, world["round"])
        assert Handover.objects.filter(unit=unit).exists()


@pytest.mark.parametrize("url", LISTS)
def test_list_queries_do_not_grow_with_rows(client, world, personas, url):
    build(world, personas)
    add_units(world, personas, 2, 0)
    client.force_login(personas["reviewer"])
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_units(world, personas, 8, 2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few), url


def test_unit_page_links_to_its_aftercare_pages(client, world, personas):
    client.force_login(personas["staff_a"])
    page = client.get(f"/units/{world['unit_a2'].pk}/").content.decode()
    for link in (
        f"/audits/units/{world['unit_a2'].pk}/",
        f"/plans/units/{world['unit_a2'].pk}/",
        f"/onboarding/units/{world['unit_a2'].pk}/",
    ):
        assert link in page
