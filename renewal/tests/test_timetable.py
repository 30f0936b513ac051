import datetime

import pytest

from renewal.models import Unit

pytestmark = pytest.mark.django_db


def _formset_data(rnd, changes=None):
    data = {"form-TOTAL_FORMS": 0, "form-INITIAL_FORMS": 0}
    for i, stage in enumerate(rnd.stages.order_by("order")):
        row = {"id": stage.pk, "name": stage.name, "due_date": "", "enabled": "on"}
        row.update((changes or {}).get(stage.code, {}))
        for key, value in row.items():
            if key == "enabled" and not value:
                continue
            data[f"form-{i}-{key}"] = value
        data["form-TOTAL_FORMS"] = i + 1
        data["form-INITIAL_FORMS"] = i + 1
    return data


def test_county_edits_timetable_and_stages_follow(client, world, personas):
    rnd = world["round"]
    client.force_login(personas["reviewer"])
    data = _formset_data(
        rnd,
        {
            "preparation": {"enabled": False},
            "seats": {"name": "核定职数", "due_date": "2026-12-01"},
        },
    )
    response = client.post(f"/rounds/{rnd.pk}/", data)
    assert response.status_code == 302
    stage = rnd.stages.get(code="seats")
    assert stage.name == "核定职数" and stage.due_date == datetime.date(2026, 12, 1)
    # With preparation skipped, units move on to the first stage not yet complete.
    assert Unit.objects.get(pk=world["unit_a1"].pk).stage == "recommendation"


def test_due_dates_going_backwards_are_refused(client, world, personas):
    rnd = world["round"]
    client.force_login(personas["reviewer"])
    data = _formset_data(
        rnd,
        {"seats": {"due_date": "2026-12-20"}, "recommendation": {"due_date": "2026-12-01"}},
    )
    response = client.post(f"/rounds/{rnd.pk}/", data, follow=True)
    assert "早于前一阶段" in response.content.decode()
    assert rnd.stages.get(code="seats").due_date is None


def test_township_cannot_edit_timetable(client, world, personas):
    rnd = world["round"]
    client.force_login(personas["staff_a"])
    response = client.post(f"/rounds/{rnd.pk}/", _formset_data(rnd, {"seats": {"name": "改"}}))
    assert response.status_code == 403
    assert rnd.stages.get(code="seats").name == "职数核定"


def test_overdue_filter(client, world, personas):
    client.force_login(personas["reviewer"])
    # The world fixture dates preparation 2026-01-10, which has passed: every unit is late.
    body = client.get("/units/", {"overdue": "on"}).content.decode()
    assert world["unit_a1"].name in body and "逾期" in body
