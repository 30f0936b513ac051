"""The official statistical forms filled from a county with known data: every cell of every
township row, of the county total and of every unit row is checked against the figures
counted directly (renewal/tests/stat_forms_data.py), and filling costs the same number of
queries whatever the number of units."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl.utils import get_column_letter

from renewal import services
from renewal.kit import measures
from renewal.models import StatColumn, StatForm
from renewal.rollup import stat_catalogue, statforms
from renewal.rollup.admin import StatColumnForm
from renewal.rollup.stat_exports import form_workbook
from renewal.tests import stat_forms_data
from tests.factories import CountyFactory, TownshipFactory, UnitFactory

pytestmark = pytest.mark.django_db

SHIPPED = [spec["code"] for spec in stat_catalogue.FORMS]


@pytest.fixture
def county():
    county = CountyFactory(code="150125000000", name="统计县")
    t1 = TownshipFactory(parent=county, code="150125100000", name="甲镇")
    t2 = TownshipFactory(parent=county, code="150125101000", name="乙镇")
    units = [
        UnitFactory(township=t1, code="150125100201", name="一村"),
        UnitFactory(township=t1, code="150125100202", name="二村"),
        UnitFactory(township=t2, code="150125101201", name="三村", kind="community"),
        UnitFactory(township=t2, code="150125101202", name="四村"),
        UnitFactory(township=t2, code="150125101203", name="五村"),
    ]
    rnd = services.round_open(county=county, year=2026)
    stat_forms_data.seed(rnd, units)
    return {"county": county, "townships": [t1, t2], "units": units, "round": rnd}


def expected_value(measure, sums):
    """A column's expected cell from directly counted sums (a rate from its two sums)."""
    if not measure.is_ratio:
        return sums.get(measure.code, 0)
    whole = sums.get(measure.denominator, 0)
    if not whole:
        return None
    share = sums.get(measure.numerator, 0) / whole
    return round(share, 4) if measure.style == measures.PERCENT else round(share, 1)


def direct_sums(units, rnd, day):
    sums = {}
    for unit in units:
        for code, n in stat_forms_data.unit_counts(unit, rnd, day).items():
            sums[code] = sums.get(code, 0) + n
    return sums


@pytest.mark.parametrize("code", SHIPPED)
def test_every_cell_of_the_shipped_forms_is_the_direct_count(county, code):
    form = statforms.form_for(county["county"].pk, code)
    filled = statforms.form_fill(form=form, county=county["county"])
    day, rnd = filled.day, county["round"]
    columns = list(form.columns.order_by("order"))
    assert [c.label for c in filled.columns] == [c.label for c in columns]
    assert all(c.measure is not None for c in filled.columns), filled.missing

    expected_rows = [
        (t.name, [u for u in county["units"] if u.township_id == t.pk]) for t in county["townships"]
    ]
    expected_rows.append(("统计县合计", county["units"]))
    got_rows = [*filled.townships, filled.total]
    assert [r.name for r in got_rows] == [name for name, _ in expected_rows]
    for (name, units), row in zip(expected_rows, got_rows, strict=True):
        sums = direct_sums(units, rnd, day)
        for column, value in zip(filled.columns, row.values, strict=True):
            assert value == expected_value(column.measure, sums), (name, column.label)

    assert [r.name for r in filled.units] == [u.name for u in county["units"]]
    for unit, row in zip(county["units"], filled.units, strict=True):
        sums = direct_sums([unit], rnd, day)
        for column, value in zip(filled.columns, row.values, strict=True):
            assert value == expected_value(column.measure, sums), (unit.name, column.label)


def test_every_measure_of_the_forms_is_the_direct_count(county):
    """Every measure this app registers, shipped on a form or not, on one form of them all."""
    form = StatForm.objects.create(
        code="all-measures", county=county["county"], name="全部指标", version="测试", source="测试"
    )
    codes = sorted(code for code, m in measures.measures().items() if m.app == "rollup")
    for n, code in enumerate(codes, start=1):
        form.columns.create(order=n, label=code[:40], measure=code)
    filled = statforms.form_fill(form=form, county=county["county"])
    for units, row in [(county["units"], filled.total)] + [
        ([unit], row) for unit, row in zip(county["units"], filled.units, strict=True)
    ]:
        sums = direct_sums(units, county["round"], filled.day)
        for column, value in zip(filled.columns, row.values, strict=True):
            assert value == expected_value(column.measure, sums), (row.name, column.measure.code)


def test_the_seeded_county_exercises_every_column(county):
    """The data is not trivially empty: each count of the shipped forms is non-zero in the
    county total, so a measure that always answered 0 would fail the test above."""
    sums = direct_sums(county["units"], county["round"], timezone.localdate())
    for code in SHIPPED:
        form = statforms.form_for(county["county"].pk, code)
        for column in form.columns.all():
            measure = measures.measure(column.measure)
            for part in (
                (measure.numerator, measure.denominator) if measure.is_ratio else (measure.code,)
            ):
                assert sums.get(part), (code, column.label, part)


def _cells(filled):
    """The county total's cells by heading (the first column of a heading) and by (upper
    heading, heading)."""
    cell = {}
    for column, value in zip(filled.columns, filled.total.values, strict=True):
        cell.setdefault(column.label, value)
        cell[column.group, column.label] = value
    return cell


def test_known_figures_of_the_seeded_county(county):
    """A few cells by hand, so the direct counts themselves are checked."""
    villagers = statforms.form_fill(
        form=statforms.form_for(county["county"].pk, "villagers-election"),
        county=county["county"],
    )
    cell = _cells(villagers)
    assert cell["登记选民数"] == 39 + 24 + 11  # one deactivated registration each
    assert cell["参选人数"] == 35 + 21
    assert cell["参选率"] == round(56 / 74, 4)
    assert cell["直接提名"] == 3 and cell["自荐"] == 2
    assert cell["召开选举大会"] == 1 and cell["设投票站"] == 1
    assert cell["流动票箱数"] == 3 and cell["委托投票人数"] == 3
    assert cell["一次选举成功"] == 1 and cell["另行选举"] == 1
    assert cell["合计"] == 4 + 2  # the recalled member no longer counts
    assert cell["35岁以下"] == 1 and cell["35至45岁"] == 1  # 35 on the day, not yet 35
    assert cell["“一肩挑”村(社区)数"] == 1 and cell["交叉任职人数"] == 2 + 1
    # The replaced committee, the recalled member and the later committee do not count.
    supervision = "村(居)务监督委员会成员"
    assert cell[supervision, "合计"] == 3 + 2 and cell[supervision, "女性"] == 2 + 1
    assert cell[supervision, "主任"] == 1 + 1
    # Those elected after the day do not count yet.
    assert cell["村(居)民代表", "合计"] == 5 + 3 and cell["村(居)民代表", "女性"] == 3
    assert cell["村(居)民代表", "女性占比"] == round(3 / 8, 4)
    assert cell["村(居)民小组长", "合计"] == 2 + 1 and cell["村(居)民小组长", "女性"] == 2
    party = statforms.form_fill(
        form=statforms.form_for(county["county"].pk, "party-election"), county=county["county"]
    )
    cell = _cells(party)
    assert cell["党员数"] == 8 + 4 + 4  # transferred-out members are not on the roster
    assert cell["应到会"] == 4 + 2 and cell["实到会"] == 3 + 2
    assert cell["差额数"] == 1 + 0 + 1


@pytest.mark.parametrize("code", SHIPPED)
def test_query_count_does_not_grow_with_the_units(county, code):
    form = statforms.form_for(county["county"].pk, code)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            statforms.form_fill(form=form, county=county["county"])
        return len(captured)

    before = queries()
    for township in county["townships"]:
        for _ in range(5):
            UnitFactory(township=township)
    assert queries() == before


def _workbook(filled):
    return openpyxl.load_workbook(io.BytesIO(form_workbook(filled)))


def test_workbook_has_the_two_row_header_and_the_same_figures(county):
    filled = statforms.form_fill(
        form=statforms.form_for(county["county"].pk, "villagers-election"),
        county=county["county"],
    )
    wb = _workbook(filled)
    ws = wb["分乡镇(街道)"]
    assert (
        ws["A1"].value.startswith("统计县村(居)民委员会换届选举情况统计表（截至")
        and ws["A1"].font.b
    )
    assert ws.freeze_panes == "A4" and ws.print_title_rows == "$1:$3"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert all(c.font.b for c in ws[2] if c.value)
    groups = [c.group for c in filled.columns]
    first = groups.index("选民") + 2  # column B is the first figure column
    assert ws.cell(2, first).value == "选民" and ws.cell(3, first).value == "登记选民数"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert f"{get_column_letter(first)}2:{get_column_letter(first + 2)}2" in merged
    assert "A2:A3" in merged
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert [r[0] for r in rows] == ["甲镇", "乙镇", "统计县合计"]
    assert list(rows[-1][1:]) == filled.total.values
    turnout = 1 + [c.label for c in filled.columns].index("参选率")
    assert ws.cell(6, turnout + 1).number_format == "0.0%"
    detail = wb["分村(社区)明细"]
    units = list(detail.iter_rows(min_row=4, values_only=True))
    assert [(r[0], r[1], r[2]) for r in units] == [
        (u.township.name, u.name, u.code) for u in county["units"]
    ]
    assert [list(r[3:]) for r in units] == [row.values for row in filled.units]


def test_changing_a_column_in_the_data_changes_the_export(county):
    """No code: the admin's rows decide the headings, the measures and their order."""
    form = StatForm.objects.get(code="villagers-election", county=None)
    columns = form.columns.order_by("order")
    voters = columns.get(measure="registered_voters")
    voters.label, voters.group, voters.order = "选民总数", "", 500
    voters.save()
    columns.get(measure="proxies").delete()
    form.columns.create(order=501, group="新增", label="党员数", measure="party_members")
    filled = statforms.form_fill(form=form, county=county["county"])
    ws = _workbook(filled)["分乡镇(街道)"]
    header = [ws.cell(3, c).value or ws.cell(2, c).value for c in range(1, ws.max_column + 1)]
    assert "委托投票人数" not in header
    assert header[-2:] == ["选民总数", "党员数"] and ws.cell(2, ws.max_column).value == "新增"
    total = next(iter(ws.iter_rows(min_row=6, max_row=6, values_only=True)))
    sums = direct_sums(county["units"], county["round"], filled.day)
    assert total[-2:] == (sums["registered_voters"], sums["party_members"])


def test_a_countys_own_form_replaces_the_default(county):
    default = StatForm.objects.get(code="party-election", county=None)
    own = StatForm.objects.create(
        code="party-election",
        county=county["county"],
        name="本县党组织换届统计表",
        version="县定",
        source="县委组织部通知",
    )
    own.columns.create(order=1, label="党员", measure="party_members")
    own.columns.create(order=2, label="旧指标", measure="no_such_measure")
    forms = statforms.forms_for(county["county"].pk)
    assert own in forms and default not in forms
    other = CountyFactory(code="150126000000")
    assert default in statforms.forms_for(other.pk)
    filled = statforms.form_fill(form=own, county=county["county"])
    assert filled.missing == ["旧指标"]
    assert filled.total.values[1] is None
    assert statforms.shown(None, "") == "—"


def test_ratio_measures_are_built_from_registered_counts():
    for measure in measures.measures().values():
        if measure.is_ratio:
            for part in (measure.numerator, measure.denominator):
                assert part in measures.measures() and not measures.measure(part).is_ratio


def test_the_admin_offers_the_registered_measures(client, county, personas):
    form = StatForm.objects.get(code="villagers-election", county=None)
    column = form.columns.get(measure="registered_voters")
    edit = StatColumnForm(
        {"order": column.order, "group": "选民", "label": "选民", "measure": "no_such_measure"},
        instance=column,
    )
    assert not edit.is_valid() and "measure" in edit.errors
    edit = StatColumnForm(
        {"order": column.order, "group": "选民", "label": "选民", "measure": "party_members"},
        instance=column,
    )
    assert edit.is_valid(), edit.errors
    edit.save()
    assert form.columns.get(order=column.order).measure == "party_members"

    client.force_login(personas["admin"])
    page = client.get(f"/admin/renewal/statform/{form.pk}/change/").content.decode()
    assert "登记选民数（registered_voters）" in page and "参选率（turnout）" in page


@pytest.mark.parametrize("spec", stat_catalogue.FORMS, ids=lambda s: s["code"])
def test_each_upper_heading_of_a_shipped_form_is_one_run_of_columns(spec):
    """A group split by other columns would print its upper heading twice."""
    runs = [group for group, *_ in spec["columns"]]
    runs = [g for n, g in enumerate(runs) if g and (n == 0 or runs[n - 1] != g)]
    assert len(runs) == len(set(runs)), runs
    assert all(measures.measure(code) for _group, _label, code in spec["columns"])


def test_columns_shipped_later_are_appended_to_the_default_form_once(county):
    """As their migration does on a database loaded before: the default form gains the
    missing columns after its own, a county's own form of the same code is left alone."""
    default = StatForm.objects.get(code="villagers-election", county=None)
    added = [measure for _group, _label, measure in stat_catalogue.OTHER_BODIES]
    default.columns.filter(measure__in=added[1:]).delete()
    default.columns.filter(measure="units").update(label="村数")
    own = StatForm.objects.create(
        code="villagers-election", county=county["county"], name="本县表", version="县定"
    )
    own.columns.create(order=1, label="村数", measure="units")
    kept = list(default.columns.order_by("order").values_list("order", "label", "measure"))

    for _ in range(2):
        stat_catalogue.add_columns(
            StatForm, StatColumn, "villagers-election", stat_catalogue.OTHER_BODIES
        )

    columns = list(default.columns.order_by("order").values_list("order", "label", "measure"))
    assert columns[: len(kept)] == kept
    assert [measure for _order, _label, measure in columns[len(kept) :]] == added[1:]
    assert [order for order, *_ in columns] == list(range(1, len(columns) + 1))
    assert list(own.columns.values_list("measure", flat=True)) == ["units"]
