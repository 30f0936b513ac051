"""In a real browser: the county reviewer opens the statistical forms from the menu, reads a
form per township and per unit, and downloads both forms; the workbooks' totals are the
figures counted directly from the data (renewal/tests/stat_forms_data.py)."""

import io

import openpyxl
import pytest
from django.utils import timezone

from renewal.kit import measures
from renewal.models import Unit
from renewal.rollup import statforms
from renewal.tests import stat_forms_data
from tests.browser import log_in, menu_item
from tests.factories import UnitFactory
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORMS = {
    "villagers-election": "村(居)民委员会换届选举情况统计表",
    "party-election": "村(社区)党组织换届选举情况统计表",
}


def _direct(world):
    """Per township and for the county: the sums of every count, counted directly."""
    rnd, day = world["round"], timezone.localdate()
    units = list(Unit.objects.filter(county=world["county_a"]).order_by("code"))
    sums = {}
    for unit in units:
        counts = stat_forms_data.unit_counts(unit, rnd, day)
        for key in (unit.township.name, "和林格尔县合计"):
            for code, n in counts.items():
                sums.setdefault(key, {})[code] = sums.setdefault(key, {}).get(code, 0) + n
    return sums


def _expected(measure, sums):
    if not measure.is_ratio:
        return sums.get(measure.code, 0)
    whole = sums.get(measure.denominator, 0)
    if not whole:
        return None
    share = sums.get(measure.numerator, 0) / whole
    return round(share, 4) if measure.style == measures.PERCENT else round(share, 1)


def test_reviewer_reads_and_downloads_the_statistical_forms(live_server, page, world, personas):
    extra = UnitFactory(township=world["township_b"], code="150123101202", name="土城子村")
    units = [world["unit_a1"], world["unit_a2"], world["unit_b1"], extra]
    stat_forms_data.seed(world["round"], units)
    sums = _direct(world)

    log_in(page, live_server, "reviewer", PASSWORD)
    menu_item(page, "统计报表").click()
    page.wait_for_selector("h1:has-text('和林格尔县统计报表')")
    page.click(f"text={FORMS['villagers-election']}")
    page.wait_for_selector(f"h1:has-text('{FORMS['villagers-election']}')")
    # The wide form scrolls inside its own box: the page itself fits a 1366-wide window.
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    table = page.locator("table.stat-form")
    assert table.locator("thead tr").first.locator("th", has_text="选民").count() == 1
    total = table.locator("tbody tr.total")
    assert total.locator("th").inner_text() == "和林格尔县合计"
    cells = total.locator("td").all_inner_texts()
    county = sums["和林格尔县合计"]
    form = statforms.form_for(world["county_a"].pk, "villagers-election")
    labels = [c.label for c in form.columns.order_by("order")]
    assert cells[labels.index("登记选民数")] == str(county["registered_voters"])
    turnout = county["voters_voted"] / county["registered_voters"]
    assert cells[labels.index("参选率")] == f"{turnout * 100:.1f}%"

    # The detail per unit: one row per village or community, with its township.
    page.click("a:has-text('分村(社区)明细')")
    page.wait_for_selector("a[aria-current='page']:has-text('分村(社区)明细')")
    rows = page.locator("table.stat-form tbody tr")
    assert rows.count() == Unit.objects.filter(county=world["county_a"]).count()
    assert any("城关镇" in text and "大红城村" in text for text in rows.all_inner_texts())

    for code, name in FORMS.items():
        menu_item(page, "统计报表").click()
        with page.expect_download() as download:
            page.locator("tr", has_text=name).locator("a:has-text('下载 Excel')").click()
        assert download.value.suggested_filename.startswith(f"{name}-和林格尔县-")
        wb = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
        ws = wb["分乡镇(街道)"]
        assert ws["A1"].value.startswith(f"和林格尔县{name}")
        form = statforms.form_for(world["county_a"].pk, code)
        columns = list(form.columns.order_by("order"))
        header = [ws.cell(3, n + 2).value or ws.cell(2, n + 2).value for n in range(len(columns))]
        assert header == [c.label for c in columns]
        rows = {r[0]: r[1:] for r in ws.iter_rows(min_row=4, values_only=True)}
        assert list(rows) == ["城关镇", "盛乐镇", "和林格尔县合计"]
        for key, values in rows.items():
            expected = [_expected(measures.measure(c.measure), sums[key]) for c in columns]
            assert list(values) == expected, key
        detail = wb["分村(社区)明细"]
        assert detail.max_row - 3 == Unit.objects.filter(county=world["county_a"]).count()
