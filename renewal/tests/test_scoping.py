"""Township A's staff can reach nothing of township B: pages, lists, filters, exports, fragments."""

import openpyxl
import pytest
from django.db import transaction

from renewal.kit.exports import export_dir
from renewal.models import ExportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_staff_a(client, personas):
    client.force_login(personas["staff_a"])
    return client


def test_list_shows_only_own_township(as_staff_a, world):
    body = as_staff_a.get("/units/").content.decode()
    assert world["unit_a1"].name in body and world["unit_a2"].name in body
    assert world["unit_b1"].name not in body and world["unit_c1"].name not in body


def test_fragment_shows_only_own_township(as_staff_a, world):
    response = as_staff_a.get("/units/", {"q": "村"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body  # the fragment, not the page
    assert world["unit_a1"].name in body
    assert world["unit_b1"].name not in body


def test_filter_by_other_township_is_404(as_staff_a, world):
    assert as_staff_a.get("/units/", {"township": world["township_b"].pk}).status_code == 404
    assert (
        as_staff_a.get(
            "/units/", {"township": world["township_b"].pk}, HTTP_HX_REQUEST="true"
        ).status_code
        == 404
    )


def test_search_by_other_township_code_finds_nothing(as_staff_a, world):
    body = as_staff_a.get("/units/", {"q": world["unit_b1"].code}).content.decode()
    assert world["unit_b1"].name not in body
    assert "没有符合条件的村(社区)" in body


@pytest.mark.parametrize("suffix", ["", "edit/", "branch/", "seats/", "history/"])
def test_other_township_unit_pages_are_404(as_staff_a, world, suffix):
    assert as_staff_a.get(f"/units/{world['unit_b1'].pk}/{suffix}").status_code == 404


def test_posting_to_other_township_unit_is_404_and_saves_nothing(as_staff_a, world):
    unit = world["unit_b1"]
    response = as_staff_a.post(
        f"/units/{unit.pk}/edit/",
        {"name": "篡改", "kind": "village", "population": 1, "households": 1, "groups": 1},
    )
    assert response.status_code == 404
    unit.refresh_from_db()
    assert unit.name == "盛乐村"
    response = as_staff_a.post(f"/units/{unit.pk}/risks/", {"category": "clan", "description": "x"})
    assert response.status_code == 404
    assert unit.risk_points.count() == 0


def test_export_by_other_township_filter_is_404(as_staff_a, world):
    response = as_staff_a.post("/units/export/", {"township": world["township_b"].pk})
    assert response.status_code == 404
    assert not ExportJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_export_contains_only_own_units(client, personas, world):
    client.force_login(personas["staff_a"])
    with transaction.atomic():
        response = client.post("/units/export/", {})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE  # eager in tests
    sheet = openpyxl.load_workbook(export_dir() / job.file_name).active
    codes = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]  # below title, header
    assert sorted(codes) == sorted([world["unit_a1"].code, world["unit_a2"].code])
    download = client.get(f"/exports/{job.pk}/download/")
    assert download.status_code == 200
    client.force_login(personas["staff_b"])
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404
    assert client.get(f"/exports/{job.pk}/", HTTP_HX_REQUEST="true").status_code == 404


def test_county_reviewer_sees_all_townships_of_county_only(client, personas, world):
    client.force_login(personas["reviewer"])
    body = client.get("/units/").content.decode()
    for key in ("unit_a1", "unit_a2", "unit_b1"):
        assert world[key].name in body
    assert world["unit_c1"].name not in body
    assert client.get(f"/units/{world['unit_c1'].pk}/").status_code == 404


def test_nonexistent_and_malformed_ids_are_404(as_staff_a):
    assert as_staff_a.get("/units/999999/").status_code == 404
    assert as_staff_a.get("/units/", {"township": "abc"}).status_code == 404
    assert as_staff_a.get("/units/", {"page": "abc"}).status_code == 200
