"""Who reads a guidance group: its county and its members whole, a township the groups that
cover its units (and of them only its own units and their visits), nobody else."""

import pytest
from django.utils import timezone

from renewal.aftercare import access, guidance
from renewal.models import GuidanceVisit

pytestmark = pytest.mark.django_db

NOTE_A = "候选人有贿选迹象"
NOTE_B = "宗族势力干扰"


def group(world, name="第一指导组", units=("unit_a1",), members=()):
    return guidance.group_save(
        county=world["county_a"],
        round_=world["round"],
        name=name,
        leader_name="赵组长",
        leader_post="县人大副主任",
        members=[("钱成员", "县委组织部干部", None), *members],
        units=[world[u] for u in units],
    )


def visit(world, personas, g, unit, findings):
    return guidance.visit_record(
        actor=personas["reviewer"],
        group=g,
        unit=world[unit],
        visited_on=timezone.localdate(),
        findings=findings,
    )


@pytest.mark.parametrize(
    "url", ["/guidance/{pk}/", "/guidance/{pk}/edit/", "/guidance/{pk}/visits/new/"]
)
def test_another_township_gets_404_on_every_page_of_the_group(client, world, personas, url):
    g = group(world)
    visit(world, personas, g, "unit_a1", NOTE_A)
    client.force_login(personas["staff_b"])
    path = url.format(pk=g.pk)
    response = client.post(path, {"findings": "x"}) if "visits" in path else client.get(path)
    assert response.status_code == 404
    assert NOTE_A not in response.content.decode()


def test_another_county_gets_404(client, world, personas):
    g = group(world)
    client.force_login(personas["reviewer_other"])
    assert client.get(f"/guidance/{g.pk}/").status_code == 404


def test_the_township_of_a_covered_unit_reads_the_group_and_its_note(client, world, personas):
    g = group(world)
    visit(world, personas, g, "unit_a1", NOTE_A)
    client.force_login(personas["staff_a"])
    page = client.get(f"/guidance/{g.pk}/").content.decode()
    assert "第一指导组" in page and NOTE_A in page


def test_a_township_reads_only_its_own_units_and_visits_of_a_shared_group(client, world, personas):
    g = group(world, units=("unit_a1", "unit_b1"))
    visit(world, personas, g, "unit_a1", NOTE_A)
    visit(world, personas, g, "unit_b1", NOTE_B)
    client.force_login(personas["staff_b"])
    response = client.get(f"/guidance/{g.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert NOTE_B in page and "盛乐村" in page
    assert NOTE_A not in page and "大红城村" not in page


@pytest.mark.parametrize(
    "persona", ["reviewer", "discipline", "city_reviewer", "province_reviewer", "admin"]
)
def test_the_county_reads_the_whole_group(client, world, personas, persona):
    g = group(world, units=("unit_a1", "unit_b1"))
    visit(world, personas, g, "unit_a1", NOTE_A)
    visit(world, personas, g, "unit_b1", NOTE_B)
    client.force_login(personas[persona])
    page = client.get(f"/guidance/{g.pk}/").content.decode()
    assert NOTE_A in page and NOTE_B in page


def test_a_member_from_another_township_reads_the_whole_group_and_logs_visits(
    client, world, personas
):
    g = group(world, members=[("孙成员", "盛乐镇干部", personas["staff_b"])])
    visit(world, personas, g, "unit_a1", NOTE_A)
    client.force_login(personas["staff_b"])
    page = client.get(f"/guidance/{g.pk}/").content.decode()
    assert NOTE_A in page and "大红城村" in page
    response = client.post(
        f"/guidance/{g.pk}/visits/new/",
        {
            "unit": world["unit_a1"].pk,
            "visited_on": timezone.localdate().isoformat(),
            "findings": NOTE_B,
        },
    )
    assert response.status_code == 302
    assert GuidanceVisit.objects.filter(group=g, findings=NOTE_B).exists()
    # Reading is not writing: the group is still the county's to change.
    assert client.get(f"/guidance/{g.pk}/edit/").status_code == 403


def test_a_member_without_a_region_reads_the_list_and_their_group(client, world, personas):
    g = group(world, members=[("孙成员", "县民政局", personas["dept"])])
    group(world, name="第二指导组")
    client.force_login(personas["dept"])
    page = client.get("/guidance/").content.decode()
    assert "第一指导组" in page and "第二指导组" not in page
    assert client.get(f"/guidance/{g.pk}/").status_code == 200


def test_the_list_refuses_those_without_a_region_or_a_group(client, world, personas):
    group(world)
    client.force_login(personas["dept"])
    assert client.get("/guidance/").status_code == 403


def test_the_list_shows_only_the_groups_in_scope(client, world, personas):
    group(world, name="甲组", units=("unit_a1",))
    group(world, name="乙组", units=("unit_b1",))
    group(world, name="丙组", units=())
    group(world, name="丁组", units=("unit_a2",), members=[("孙", "干部", personas["staff_b"])])
    seen = {}
    for persona in ["staff_a", "staff_b", "reviewer", "discipline", "reviewer_other"]:
        client.force_login(personas[persona])
        page = client.get("/guidance/").content.decode()
        seen[persona] = {n for n in ["甲组", "乙组", "丙组", "丁组"] if n in page}
    assert seen == {
        "staff_a": {"甲组", "丁组"},
        "staff_b": {"乙组", "丁组"},
        "reviewer": {"甲组", "乙组", "丙组", "丁组"},
        "discipline": {"甲组", "乙组", "丙组", "丁组"},
        "reviewer_other": set(),
    }


def test_the_lists_counts_are_those_of_the_group_page(world, personas):
    g = group(world, units=("unit_a1", "unit_a2", "unit_b1"))
    visit(world, personas, g, "unit_a1", NOTE_A)
    visit(world, personas, g, "unit_b1", NOTE_B)
    visit(world, personas, g, "unit_b1", NOTE_B)
    counts = {
        persona: access.groups_with_counts(personas[persona])
        .values_list("n_units", "n_visits")
        .get()
        for persona in ["staff_a", "staff_b", "reviewer", "admin"]
    }
    assert counts == {
        "staff_a": (2, 1),
        "staff_b": (1, 2),
        "reviewer": (3, 3),
        "admin": (3, 3),
    }


def test_the_overview_counts_only_groups_in_scope(client, world, personas):
    group(world, name="甲组", units=("unit_a1",))
    client.force_login(personas["staff_b"])
    assert client.get("/aftercare/").context["groups"] == 0
