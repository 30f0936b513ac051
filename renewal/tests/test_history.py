"""The history page (修改记录) says each saved change in the user's words: who by name and
role, the field by its label, choices by label, related rows by name, 是/否, Chinese dates,
encrypted values not at all; the events of one save together; a fixed number of queries."""

import pghistory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from renewal.kit.history import MASKED, events_for
from renewal.models import RiskPoint, Unit
from tests.factories import PersonFactory, RiskPointFactory

pytestmark = pytest.mark.django_db


def test_one_save_reads_as_the_user_knows_it(client, personas, world):
    unit = world["unit_a1"]
    client.force_login(personas["staff_a"])
    response = client.post(
        f"/units/{unit.pk}/edit/",
        {
            "name": "大红城村",
            "kind": "community",
            "population": 1500,
            "households": 400,
            "groups": 6,
            "is_key": "on",
            "key_reasons": "选情复杂",
            "risk_assessed_on": "2026-11-01",
        },
    )
    assert response.status_code == 302
    # One transaction here, so every event has the same time: find the save by its author.
    (latest,) = [e for e in events_for(unit) if e.user != "系统"]
    assert latest.user == "王敏（乡镇(街道)工作人员）"
    # The form's save and the stage it moves the unit to: two updates of one request.
    items = [i for i in latest.items if i.model == "村(社区)" and i.action == "修改"]
    assert len(items) == len(latest.items) == 2
    said = {c.field: (c.before, c.after) for i in items for c in i.changes}
    assert said["类型"] == ("村", "社区")  # labels, not village/community
    assert said["重点难点村"] == ("否", "是")
    assert said["户籍人口"] == ("1200", "1500")
    assert said["风险研判完成日期"] == ("（空）", "2026年11月1日")
    assert said["当前阶段"] == ("准备工作", "推荐人选")  # the stage's name, not its code
    assert {i.target for i in items} == {"大红城村"}

    client.force_login(personas["reviewer"])
    page = client.get(f"/units/{unit.pk}/history/").content.decode()
    assert "时间（北京时间）" in page and "村 → 社区" in page and "staff_a" not in page


def test_related_rows_are_named_and_an_insert_lists_what_was_set(world):
    unit = world["unit_a1"]
    with pghistory.context(command="test"):
        RiskPointFactory(unit=unit, category=RiskPoint.Category.DISPUTE, description="宅基地纠纷")
    (item,) = [i for e in events_for(unit) for i in e.items if i.target.endswith("宅基地纠纷")]
    assert (item.action, item.model) == ("新增", "风险点")
    said = {c.field: (c.before, c.after) for c in item.changes}
    assert said["村(社区)"] == (None, "大红城村")  # the unit by name, not its id
    assert said["类别"] == (None, RiskPoint.Category.DISPUTE.label)


def test_encrypted_values_are_never_shown(db):
    person = PersonFactory(phone="13800000000")
    person.phone = "13900000000"
    person.save()
    (update,) = [i for e in events_for(person) for i in e.items if i.action == "修改"]
    said = {c.field: (c.before, c.after) for c in update.changes}
    assert said["联系电话"] == (MASKED, MASKED)
    shown = " ".join(
        f"{c.before} {c.after}" for e in events_for(person) for i in e.items for c in i.changes
    )
    assert "1380000" not in shown and "1390000" not in shown and person.id_number not in shown


def test_the_page_costs_the_same_queries_for_more_rows(world):
    unit = Unit.objects.get(pk=world["unit_a1"].pk)

    def count():
        with CaptureQueriesContext(connection) as queries:
            events_for(unit)
        return len(queries)

    few = count()
    for n in range(6):
        RiskPointFactory(unit=unit, description=f"风险{n}")
    assert count() == few
