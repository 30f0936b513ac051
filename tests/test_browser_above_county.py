"""In a real browser at 1366×768: a city's and a province's reviewer log in, read the
progress per county, list the units of both counties, open one of each, find no button that
writes, and meet the 404 page on a unit outside their region. Screenshots go where the
layout walk puts them (SCREENSHOT_DIR, or the test's tmp dir)."""

import pytest

from renewal.models import Region
from tests.browser import log_in, menu_item
from tests.factories import CountyFactory, TownshipFactory, UnitFactory
from tests.fixtures import PASSWORD
from tests.test_browser_layout import screenshot_dir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Words of the buttons and links that change a unit's data.
WRITE_WORDS = (
    "编辑基本信息",
    "申请调整",
    "建立党员大会",
    "查看与维护",
    "从 Excel 导入名册",
    "添加",
)


def outside_units():
    """A unit of another city of the province (包头市), and one of another province."""
    province = Region.objects.get(code="150000000000")
    baotou = Region.objects.create(code="150200000000", name="包头市", kind="city", parent=province)
    county = CountyFactory(code="150222000000", name="固阳县", parent=baotou)
    in_province = UnitFactory(
        township=TownshipFactory(parent=county, code="150222100000", name="金山镇"),
        name="金山村",
    )
    shanxi = Region.objects.create(code="140000000000", name="山西省", kind="province")
    taiyuan = Region.objects.create(code="140100000000", name="太原市", kind="city", parent=shanxi)
    county = CountyFactory(code="140121000000", name="清徐县", parent=taiyuan)
    elsewhere = UnitFactory(
        township=TownshipFactory(parent=county, code="140121100000", name="清源镇"),
        name="东于村",
    )
    return in_province, elsewhere


def no_write_buttons(page, where):
    text = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    found = [word for word in WRITE_WORDS if word in text]
    assert not found, f"{where}: buttons that write: {found}"


@pytest.mark.parametrize(
    ("persona", "outside"),
    [("city_reviewer", "in_province"), ("province_reviewer", "elsewhere")],
)
def test_reviewer_above_the_county_reads_both_counties(
    live_server, page, world, personas, tmp_path, persona, outside
):
    in_province, elsewhere = outside_units()
    shots = screenshot_dir(tmp_path)
    log_in(page, live_server, persona, PASSWORD)
    assert "各区县进度" in page.content()
    progress = page.inner_text("main")
    assert "和林格尔县" in progress and "清水河县" in progress
    page.screenshot(path=shots / f"{persona}-home.png")

    menu_item(page, "村(社区)").click()
    page.wait_for_selector("#unit-results table")
    results = page.inner_text("#unit-results")
    for name in ("大红城村", "盛乐村", "清水村"):
        assert name in results
    assert "东于村" not in results
    assert ("金山村" in results) == (persona == "province_reviewer")
    headers = page.locator("#unit-results thead th").all_inner_texts()
    assert "区县" in headers
    assert "新增村(社区)" not in page.inner_text("main")
    page.screenshot(path=shots / f"{persona}-units.png")

    # The county filter narrows the list to one county (htmx swaps the results).
    page.select_option("#id_county", label="清水河县")
    page.wait_for_function(
        "() => !document.querySelector('#unit-results').innerText.includes('大红城村')"
    )
    assert "清水村" in page.inner_text("#unit-results")
    assert "county=" in page.url
    # The township select follows the county: its townships only, then one of them chosen.
    page.wait_for_function(
        "() => [...document.querySelectorAll('#id_township option')]"
        ".some(o => o.textContent === '城关镇(清)')"
    )
    townships = page.locator("#id_township option").all_inner_texts()
    assert "城关镇(清)" in townships and "城关镇" not in townships
    page.select_option("#id_township", label="城关镇(清)")
    page.wait_for_function("() => location.search.includes('township=')")
    assert "清水村" in page.inner_text("#unit-results")
    assert page.locator("#id_township").input_value() != ""

    for name, county in (("大红城村", "和林格尔县"), ("清水村", "清水河县")):
        unit = next(u for key, u in world.items() if key.startswith("unit_") and u.name == name)
        page.goto(f"{live_server.url}/units/{unit.pk}/")
        page.wait_for_selector(f"h1:has-text('{name}')")
        assert county in page.inner_text("main")
        no_write_buttons(page, f"{persona} on {name}")
        page.screenshot(path=shots / f"{persona}-unit-{unit.pk}.png")

    target = in_province if outside == "in_province" else elsewhere
    response = page.goto(f"{live_server.url}/units/{target.pk}/")
    assert response.status == 404
    assert "不在您的管辖范围内" in page.content()
    page.screenshot(path=shots / f"{persona}-outside-404.png")
