"""应到会 is counted from the roster wherever it is shown: the unit page and the units export."""

import datetime

import pytest

from renewal.exports import UNIT_HEADER, units_export
from renewal.models import ExportJob
from renewal.roster import services
from renewal.tests.roster.helpers import member_id

pytestmark = pytest.mark.django_db
D = datetime.date


def add(branch, n, **fields):
    values = {"status": "full", "joined_on": D(2000, 7, 1)}
    return services.member_add(
        branch=branch, id_number=member_id(n), name=f"党员{n}", **{**values, **fields}
    )


def test_unit_page_branch_form_and_export_count_from_the_roster(client, personas, world):
    unit = world["unit_a1"]
    staff = client
    staff.force_login(personas["staff_a"])
    add(unit.branch, 1)
    add(unit.branch, 2)
    add(unit.branch, 3, status="probationary", joined_on=D(2025, 7, 1))
    page = staff.get(f"/units/{unit.pk}/").content.decode()
    assert "在册党员 3 名，今日有表决权 2 名" in page
    assert f"/units/{unit.pk}/roster/" in page
    form = staff.get(f"/units/{unit.pk}/branch/").content.decode()
    assert "voting_members" not in form and "由<a" in form
    job = ExportJob(user=personas["staff_a"], params={"q": unit.name})
    export = units_export(job)
    (row,) = list(export.rows)
    assert row[UNIT_HEADER.index("有表决权党员数")] == 2
