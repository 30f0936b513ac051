"""Regions above the county: the admin's region form, and what city and province users read
(every county below, read-only), while a county-only user's pages stay as they were."""

import pytest

from discipline import access as discipline_access
from discipline.models import Report
from renewal.models import Profile, Region
from tests.factories import CountyFactory, TownshipFactory, UnitFactory
from tests.fixtures import make_user

pytestmark = pytest.mark.django_db


def region(code, name, kind, parent=None):
    return Region(code=code, name=name, kind=kind, parent=parent)


@pytest.mark.parametrize(
    ("new", "field", "words"),
    [
        (
            lambda w: region("150200000000", "包头市", "city", w["county_a"]),
            "parent",
            "上级必须是省",
        ),
        (
            lambda w: region("160200000000", "外省的市", "city", w["province"]),
            "code",
            "前 2 位应与上级“内蒙古自治区”一致",
        ),
        (
            lambda w: region("150225000000", "固阳县", "county", w["city"]),
            "code",
            "前 4 位应与上级“呼和浩特市”一致",
        ),
        (lambda w: region("150210000000", "错码市", "city", w["province"]), "code", "第 5 位起"),
        (
            lambda w: region("150000000000", "重复的省", "province", w["city"]),
            "parent",
            "不能选上级区域",
        ),
        (lambda w: region("150123102000", "无主镇", "township"), "parent", "必须选择所属区县"),
        (
            lambda w: region("150123102000", "挂在市下的镇", "township", w["city"]),
            "parent",
            "上级必须是区县",
        ),
    ],
    ids=[
        "city under a county",
        "city of another province's code",
        "county of another city's code",
        "city code with county digits",
        "province with a parent",
        "township without a county",
        "township under a city",
    ],
)
def test_region_clean_names_the_mistake_in_chinese(world, new, field, words):
    candidate = new(world)
    with pytest.raises(Exception) as caught:
        candidate.full_clean(validate_unique=False)
    assert words in " ".join(caught.value.message_dict[field])


def test_a_county_without_a_city_is_still_valid(db):
    region("150123000000", "和林格尔县", "county").full_clean()


def test_a_region_changed_in_place_must_fit_its_children(world):
    city = world["city"]
    city.code = "150200000000"
    with pytest.raises(Exception) as caught:
        city.full_clean()
    assert "下级“和林格尔县”" in caught.value.message_dict["code"][0]
    city.refresh_from_db()
    city.kind = Region.Kind.PROVINCE
    city.parent = None
    with pytest.raises(Exception) as caught:
        city.full_clean()
    assert "不能改为" in caught.value.message_dict["kind"][0]


def test_admin_creates_a_city_and_puts_a_county_under_it(client, world, personas):
    client.force_login(personas["admin"])
    response = client.post(
        "/admin/renewal/region/add/",
        {"code": "150200000000", "name": "包头市", "kind": "city", "parent": world["province"].pk},
    )
    assert response.status_code == 302, response.content.decode()
    baotou = Region.objects.get(code="150200000000")
    county = Region.objects.create(code="150222000000", name="固阳县", kind="county")
    response = client.post(
        f"/admin/renewal/region/{county.pk}/change/",
        {"code": county.code, "name": county.name, "kind": "county", "parent": world["city"].pk},
    )
    assert response.status_code == 200
    assert "前 4 位应与上级“呼和浩特市”一致" in response.content.decode()
    response = client.post(
        f"/admin/renewal/region/{county.pk}/change/",
        {"code": county.code, "name": county.name, "kind": "county", "parent": baotou.pk},
    )
    assert response.status_code == 302
    county.refresh_from_db()
    assert county.parent_id == baotou.pk


def township_select(body: str) -> str:
    start = body.index('<select name="township"')
    return body[start : body.index("</select>", start)]


def outside_world():
    """A second city of the province, with one county and one unit: outside 呼和浩特市."""
    baotou = Region.objects.create(
        code="150200000000",
        name="包头市",
        kind="city",
        parent=Region.objects.get(code="1500" + "0" * 8),
    )
    county = CountyFactory(code="150222000000", name="固阳县", parent=baotou)
    township = TownshipFactory(parent=county, code="150222100000", name="金山镇")
    return baotou, UnitFactory(township=township, name="金山村")


def test_city_reviewer_reads_both_counties_with_a_county_column(client, world, personas):
    _baotou, outside = outside_world()
    client.force_login(personas["city_reviewer"])
    body = client.get("/units/").content.decode()
    for key in ("unit_a1", "unit_b1", "unit_c1"):
        assert world[key].name in body
    assert outside.name not in body
    assert "<th>区县</th>" in body and 'name="county"' in body
    # Thousands of townships at province scale: they are offered once a county is chosen.
    assert "请先选择区县" in body and f'value="{world["township_a"].pk}"' not in township_select(
        body
    )
    filtered = client.get("/units/", {"county": world["county_b"].pk}).content.decode()
    assert world["unit_c1"].name in filtered and world["unit_a1"].name not in filtered
    options = township_select(filtered)
    assert f'value="{world["township_c"].pk}"' in options
    assert f'value="{world["township_a"].pk}"' not in options
    # A township chosen before the county changed is dropped, not an empty list.
    moved = client.get(
        "/units/", {"county": world["county_b"].pk, "township": world["township_a"].pk}
    ).content.decode()
    assert world["unit_c1"].name in moved
    # A township chosen alone (a bookmark) offers its county's townships, itself selected.
    alone = township_select(
        client.get("/units/", {"township": world["township_c"].pk}).content.decode()
    )
    assert f'value="{world["township_c"].pk}" selected' in alone
    # A search refused as too long keeps the county's townships on offer.
    refused = township_select(
        client.get("/units/", {"county": world["county_b"].pk, "q": "长" * 41}).content.decode()
    )
    assert f'value="{world["township_c"].pk}"' in refused
    # The list refreshed in place brings the township select along, out of band.
    partial = client.get(
        "/units/", {"county": world["county_a"].pk}, headers={"HX-Request": "true"}
    ).content.decode()
    assert 'hx-swap-oob="true"' in partial
    assert world["township_a"].name in township_select(partial)
    assert client.get("/units/", {"county": outside.county_id}).status_code == 404
    assert client.get(f"/units/{outside.pk}/").status_code == 404
    assert client.get(f"/units/{world['unit_c1'].pk}/").status_code == 200
    assert client.get(f"/units/{world['unit_c1'].pk}/edit/").status_code == 403


def test_province_reviewer_reads_every_city_below(client, world, personas):
    _baotou, outside = outside_world()
    client.force_login(personas["province_reviewer"])
    body = client.get("/units/").content.decode()
    assert world["unit_a1"].name in body and outside.name in body
    assert client.get(f"/units/{outside.pk}/").status_code == 200


def test_county_user_sees_no_county_level(client, world, personas):
    client.force_login(personas["reviewer"])
    body = client.get("/units/").content.decode()
    assert "<th>区县</th>" not in body and 'name="county"' not in body
    assert "<optgroup" not in body
    home = client.get("/").content.decode()
    assert "各乡镇(街道)进度" in home and "各区县进度" not in home


def test_city_reviewers_home_shows_progress_per_county(client, world, personas):
    client.force_login(personas["city_reviewer"])
    home = client.get("/").content.decode()
    assert "各区县进度" in home
    assert f"?county={world['county_a'].pk}" in home and f"?county={world['county_b'].pk}" in home


def test_city_discipline_officer_holds_every_county_below(world):
    officer = make_user("city_jiwei", Profile.Role.DISCIPLINE_OFFICER, world["city"])
    county_officer = make_user("county_jiwei", Profile.Role.DISCIPLINE_OFFICER, world["county_a"])
    assert set(discipline_access.discipline_counties(officer)) == {
        world["county_a"].pk,
        world["county_b"].pk,
    }
    assert discipline_access.discipline_counties(county_officer) == [world["county_a"].pk]


def test_candidate_and_reserve_lists_offer_the_counties_below(client, world, personas):
    _baotou, outside = outside_world()
    client.force_login(personas["city_reviewer"])
    for path in ("/candidates/", "/candidates/reserves/"):
        body = client.get(path).content.decode()
        assert 'name="county"' in body and "请先选择区县" in body, path
        chosen = client.get(path, {"county": world["county_b"].pk})
        assert chosen.status_code == 200
        assert world["township_c"].name in township_select(chosen.content.decode()), path
        assert client.get(path, {"county": outside.county_id}).status_code == 404
    client.force_login(personas["reviewer"])
    body = client.get("/candidates/").content.decode()
    assert 'name="county"' not in body and "请先选择区县" not in body
    assert world["township_a"].name in township_select(body)


def test_city_discipline_officer_reads_a_county_case_but_does_not_handle_it(client, world):
    officer = make_user("city_jiwei", Profile.Role.DISCIPLINE_OFFICER, world["city"])
    report = Report.objects.create(
        channel=Report.Channel.PHONE,
        county=world["county_b"],
        township=world["township_c"],
        subject="某候选人拉票",
        content="来电反映：某候选人请客吃饭拉票。",
    )
    client.force_login(officer)
    page = client.get(f"/discipline/cases/{report.pk}/")
    assert page.status_code == 200
    assert "assign-check_group" not in page.content.decode()
    response = client.post(
        f"/discipline/cases/{report.pk}/assign/", {"assign-check_group": "第一核查组"}
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.check_group == ""
