"""Bad input on unit forms: a clear message in Chinese, nothing saved, never a 500."""

import pytest

from renewal.models import Unit

pytestmark = pytest.mark.django_db


def _create(client, **overrides):
    data = {
        "township": "",
        "code": "150123100202",
        "name": "新建村",
        "kind": "village",
        "population": 800,
        "households": 200,
        "groups": 4,
    }
    data.update(overrides)
    return client.post("/units/new/", data)


@pytest.fixture
def staff_a(client, personas, world):
    client.force_login(personas["staff_a"])
    return client


def test_creates_unit_with_branch_and_seats(staff_a, world):
    response = _create(staff_a, township=world["township_a"].pk)
    assert response.status_code == 302
    unit = Unit.objects.get(code="150123100202")
    assert unit.county == world["county_a"]
    assert unit.branch.name == "中共新建村支部委员会"
    assert unit.seats.get().party == world["round"].party_seats_default


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": "15012310020"}, "统计用区划代码应为 12 位数字"),
        ({"code": "15012310020X"}, "统计用区划代码应为 12 位数字"),
        ({"code": "150123100201"}, "已被“大红城村”使用"),
        ({"code": "150123999201"}, "前 9 位应与所属乡镇/街道 150123100 一致"),
        ({"population": -5}, "户籍人口不能小于 0。"),
        ({"population": 9_000_000}, "户籍人口不能大于 200000。"),
        ({"households": 5000, "population": 100}, "户数不能多于户籍人口"),
        ({"is_key": "on", "key_reasons": ""}, "须写明原因"),
        ({"name": ""}, "请填写名称。"),
    ],
    ids=[
        "short code",
        "letters in code",
        "duplicate code",
        "code outside township",
        "negative population",
        "absurd population",
        "more households than people",
        "key unit without reason",
        "missing name",
    ],
)
def test_bad_input_is_refused_in_chinese_and_kept(staff_a, world, overrides, message):
    before = Unit.objects.count()
    response = _create(staff_a, township=world["township_a"].pk, **overrides)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert Unit.objects.count() == before
    # What was typed is kept in the form.
    if overrides.get("name", "x"):
        assert 'value="' + str(overrides.get("name", "新建村")) + '"' in body


def test_township_outside_scope_is_refused(staff_a, world):
    response = _create(staff_a, township=world["township_b"].pk, code="150123101202")
    assert response.status_code == 200
    assert "乡镇/街道的选项无效，请重新选择。" in response.content.decode()
    assert not Unit.objects.filter(code="150123101202").exists()


def test_edit_keeps_typed_values_on_error(staff_a, world):
    unit = world["unit_a1"]
    response = staff_a.post(
        f"/units/{unit.pk}/edit/",
        {"name": "大红城新村", "kind": "village", "population": 10, "households": 50, "groups": 3},
    )
    assert response.status_code == 200
    assert "户数不能多于户籍人口" in response.content.decode()
    assert 'value="大红城新村"' in response.content.decode()
    unit.refresh_from_db()
    assert unit.name == "大红城村"


def test_edit_saves_and_records_history(client, personas, world):
    client.force_login(personas["staff_a"])
    unit = world["unit_a1"]
    assert unit.stage == "preparation"
    response = client.post(
        f"/units/{unit.pk}/edit/",
        {
            "name": "大红城村",
            "kind": "village",
            "population": 1500,
            "households": 400,
            "groups": 6,
            "risk_assessed_on": "2026-11-01",
        },
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.population == 1500
    # Preparation is done once the risk assessment is recorded; seats hold the defaults.
    assert unit.stage == "recommendation"
    client.force_login(personas["reviewer"])
    history = client.get(f"/units/{unit.pk}/history/").content.decode()
    # Who by name and role, what by its label: never the login or the stored value.
    assert "王敏（乡镇(街道)工作人员）" in history and "staff_a" not in history
    assert "户籍人口" in history and "1200 → 1500" in history
    assert "（空） → 2026年11月1日" in history


def test_risk_point_htmx_add_returns_fragment(staff_a, world):
    unit = world["unit_a1"]
    response = staff_a.post(
        f"/units/{unit.pk}/risks/",
        {"category": "dispute", "description": "宅基地纠纷"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "宅基地纠纷" in response.content.decode()
    assert "<html" not in response.content.decode()
    bad = staff_a.post(
        f"/units/{unit.pk}/risks/",
        {"category": "nonsense", "description": ""},
        HTTP_HX_REQUEST="true",
    )
    assert bad.status_code == 200
    assert "请填写情况说明。" in bad.content.decode()
    assert "类别的选项无效，请重新选择。" in bad.content.decode()
    assert unit.risk_points.count() == 2
