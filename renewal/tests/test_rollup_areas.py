"""The roll-up above the county: a city's and a province's sums, ranking, missing counties,
rebuilds, the pages' scope and their query count."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from renewal.models import Region, RollupRun, RollupSnapshot
from renewal.rollup import structure
from renewal.rollup.areas import area_rollup, area_rollup_tree
from renewal.rollup.services import daily_report_submit, rollup_run
from renewal.rollup.tasks import nightly_rollup
from renewal.tests.histories import at, person, term
from tests.factories import CountyFactory, TownshipFactory, UnitFactory
from tests.fixtures import PASSWORD

D = datetime.date
DAY = D(2026, 3, 10)
SUMMED = ("units", "overdue", "reports_submitted")


@pytest.fixture
def history(world, personas):
    """Both counties with structure data and one township report."""
    rnd = world["round"]
    term(world["unit_a1"], "party", D(2021, 3, 1), [("secretary", person(born=D(1960, 1, 1)))])
    term(
        world["unit_a1"],
        "party",
        D(2026, 3, 8),
        [("secretary", person(sex="F", born=D(1992, 1, 1), education="college"))],
        rnd,
    )
    daily_report_submit(
        actor=personas["staff_a"],
        township=world["township_a"],
        day=DAY,
        now=at(DAY, 17),
        talks_held=3,
        problems_solved=5,
    )
    return world


def snap(region, day=DAY):
    return RollupSnapshot.objects.get(region=region, day=day)


def run_counties(world, day=DAY):
    for county in (world["county_a"], world["county_b"]):
        rollup_run(county=county, day=day)


def test_city_and_province_are_sums_of_the_county_snapshots(history):
    w = history
    run_counties(w)
    area_rollup_tree(region=w["province"], day=DAY)
    a, b = snap(w["county_a"]), snap(w["county_b"])
    for region in (w["city"], w["province"]):
        s = snap(region)
        for name in SUMMED:
            assert getattr(s, name) == getattr(a, name) + getattr(b, name), name
        for code in set(a.figures) | set(b.figures):
            assert s.figures[code] == a.figures.get(code, 0) + b.figures.get(code, 0)
        for code in set(a.report) | set(b.report):
            assert s.report[code] == a.report.get(code, 0) + b.report.get(code, 0)
        for code in set(a.stage_counts) | set(b.stage_counts):
            assert s.stage_counts[code] == a.stage_counts.get(code, 0) + b.stage_counts.get(code, 0)
        done = a.stage_counts.get("done", 0) + b.stage_counts.get("done", 0)
        assert s.done_share == pytest.approx(done / s.units, abs=1e-4)
        assert s.weighted == pytest.approx(
            (a.weighted * a.units + b.weighted * b.units) / s.units, abs=1e-4
        )
        assert s.report["talks_held"] == 3
    city_run = RollupRun.objects.get(county=w["city"], day=DAY)
    assert not city_run.incomplete
    assert "全市共" in city_run.notice_text and "和林格尔县" in city_run.notice_text


def test_structure_shares_are_divided_again_from_summed_counts():
    """Two counties of 1 and 3 members: the city's share is 2/4, not the mean of 1/1 and 1/3."""
    one = structure.Counts(units=1, members=1, ages=30, women=1, college=1)
    three = structure.Counts(units=1, members=3, ages=150, women=1, college=0)
    parts = [
        structure._summary(c, structure.Counts(), dict.fromkeys(structure.MET_FIELDS, 0), None)
        for c in (one, three)
    ]
    summed = structure.structure_sum(parts)
    assert summed["current"]["women"] == 0.5
    assert summed["current"]["college"] == 0.25
    assert summed["current"]["average_age"] == 45.0
    assert summed["targets"] is None


def test_city_structure_comes_from_county_counts(history):
    w = history
    run_counties(w)
    area_rollup(region=w["city"], day=DAY)
    city = snap(w["city"]).structure
    county = snap(w["county_a"]).structure
    assert city["current"] == county["current"]  # county B has no new committee
    assert city["verdict"] == county["verdict"]
    assert city["verdict"]["age_down"] is True


def test_a_county_that_has_not_run_makes_the_city_incomplete_and_is_named(history):
    w = history
    rollup_run(county=w["county_a"], day=DAY)
    run = area_rollup(region=w["city"], day=DAY)
    assert run.incomplete
    assert [m["name"] for m in run.missing] == ["清水河县"]
    assert "数据不完整：清水河县" in run.notice_text
    assert snap(w["city"]).units == snap(w["county_a"]).units
    province = area_rollup(region=w["province"], day=DAY)
    assert [m["region_id"] for m in province.missing] == [w["county_b"].pk]
    # Running again once the county has run completes it, in place.
    rollup_run(county=w["county_b"], day=DAY)
    again = area_rollup(region=w["city"], day=DAY)
    assert again.pk == run.pk and not again.incomplete


def test_a_crashed_county_run_is_named_and_the_task_fails_after_the_sums(history, monkeypatch):
    w = history
    from renewal.rollup import services

    real = services._county_rollup

    def crash(county, *args, **kwargs):
        if county.pk == w["county_b"].pk:
            raise RuntimeError("worker killed")
        return real(county, *args, **kwargs)

    # The set-based pass fails, then the counties are run one by one: only 清水河县 fails.
    monkeypatch.setattr(services, "_county_rollup", crash)
    with pytest.raises(RuntimeError):
        nightly_rollup(DAY.isoformat())
    assert not RollupRun.objects.filter(county=w["county_b"], day=DAY).exists()
    city = RollupRun.objects.get(county=w["city"], day=DAY)
    assert [m["name"] for m in city.missing] == ["清水河县"]
    province = RollupRun.objects.get(county=w["province"], day=DAY)
    assert [m["name"] for m in province.missing] == ["清水河县"]
    assert RollupRun.objects.filter(county=w["county_a"], day=DAY).exists()
    monkeypatch.setattr(services, "_county_rollup", real)
    nightly_rollup(DAY.isoformat(), w["county_b"].code)
    city.refresh_from_db()
    assert city.missing == []
    assert not RollupRun.objects.get(county=w["province"], day=DAY).missing


def test_a_batch_out_of_time_is_not_run_again_county_by_county(history, monkeypatch):
    # The task's soft time limit: redoing the whole batch one county at a time would only
    # run into the hard limit, with nothing summed above.
    from celery.exceptions import SoftTimeLimitExceeded

    from renewal.rollup import services

    w = history
    calls = []

    def out_of_time(county, *args, **kwargs):
        calls.append(county.pk)
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "_county_rollup", out_of_time)
    with pytest.raises(SoftTimeLimitExceeded):
        services.rollup_counties([w["county_a"], w["county_b"]], DAY)
    assert len(calls) == 1
    assert not RollupRun.objects.filter(day=DAY).exists()


def test_a_county_snapshot_without_counts_asks_for_a_rebuild(history):
    w = history
    run_counties(w)
    county = snap(w["county_b"])
    county.structure.pop("counts")
    county.save(update_fields=["structure"])
    run = area_rollup(region=w["city"], day=DAY)
    assert [m["name"] for m in run.missing] == ["清水河县"]
    assert "重新生成" in run.missing[0]["reason"]


def test_rebuilding_a_past_day_is_idempotent(history):
    w = history
    run_counties(w)
    call_command("rollup", date=DAY.isoformat(), region=w["province"].code)
    fields = ("pk", "region_id", "units", "stage_counts", "figures", "report", "structure")
    before = list(
        RollupSnapshot.objects.filter(region__kind__in=Region.ABOVE_COUNTY)
        .order_by("pk")
        .values_list(*fields)
    )
    runs = list(RollupRun.objects.filter(county__kind__in=Region.ABOVE_COUNTY).values_list("pk"))
    call_command("rollup", date=DAY.isoformat(), region=w["province"].code)
    after = list(
        RollupSnapshot.objects.filter(region__kind__in=Region.ABOVE_COUNTY)
        .order_by("pk")
        .values_list(*fields)
    )
    assert after == before and len(after) == 2
    assert (
        list(RollupRun.objects.filter(county__kind__in=Region.ABOVE_COUNTY).values_list("pk"))
        == runs
    )


def test_the_county_command_also_sums_the_city_and_province(history):
    call_command("rollup", date=DAY.isoformat())
    assert RollupRun.objects.filter(county=history["city"], day=DAY, missing=[]).exists()
    assert RollupRun.objects.filter(county=history["province"], day=DAY, missing=[]).exists()


def test_counties_are_ranked_by_the_stated_rule(history):
    w = history
    run_counties(w)
    RollupSnapshot.objects.filter(region=w["county_a"], day=DAY).update(
        done_share=0.5, weighted=0.6
    )
    RollupSnapshot.objects.filter(region=w["county_b"], day=DAY).update(
        done_share=0.5, weighted=0.9
    )
    run = area_rollup(region=w["city"], day=DAY)
    assert [(r["name"], r["rank"]) for r in run.ranking] == [("清水河县", 1), ("和林格尔县", 2)]
    RollupSnapshot.objects.filter(region=w["county_b"], day=DAY).update(weighted=0.6)
    run = area_rollup(region=w["city"], day=DAY)
    assert [(r["name"], r["rank"]) for r in run.ranking] == [("和林格尔县", 1), ("清水河县", 1)]
    assert "没有村(社区)的区县不参加排名" in run.notice_text


def test_the_province_also_ranks_every_county_below_its_cities(history, personas, client):
    w = history
    run_counties(w)
    RollupSnapshot.objects.filter(region=w["county_a"], day=DAY).update(
        done_share=0.5, weighted=0.6
    )
    RollupSnapshot.objects.filter(region=w["county_b"], day=DAY).update(
        done_share=0.5, weighted=0.9
    )
    area_rollup_tree(region=w["province"], day=DAY)
    province = RollupRun.objects.get(county=w["province"], day=DAY)
    assert [(r["name"], r["city"], r["rank"]) for r in province.county_ranking] == [
        ("清水河县", "呼和浩特市", 1),
        ("和林格尔县", "呼和浩特市", 2),
    ]
    # Summed from the counties' snapshots, as the city's own ranking of them.
    city = RollupRun.objects.get(county=w["city"], day=DAY)
    assert city.county_ranking == []
    assert [r["region_id"] for r in province.county_ranking] == [
        r["region_id"] for r in city.ranking
    ]
    html = (
        _client(client, personas, "province_reviewer")
        .get(f"/dashboard/areas/{w['province'].pk}/")
        .content.decode()
    )
    assert "全省各区县排名" in html
    assert f"/dashboard/{w['county_b'].pk}/?day=2026-03-10" in html
    city_html = (
        _client(client, personas, "city_reviewer")
        .get(f"/dashboard/areas/{w['city'].pk}/")
        .content.decode()
    )
    assert "各区县排名" in city_html and "全市各区县排名" not in city_html


def test_townships_not_reported_are_named_under_their_county(history):
    w = history
    run_counties(w)
    run = area_rollup(region=w["city"], day=DAY)
    row = {r["name"]: r for r in run.ranking}
    assert row["和林格尔县"]["laggards"] == ["盛乐镇"]
    assert row["清水河县"]["laggards"] == ["城关镇(清)"]
    assert "和林格尔县（1 个：盛乐镇）" in run.notice_text


# --- Pages -------------------------------------------------------------------------------


def _client(client, personas, name):
    client.login(username=personas[name].username, password=PASSWORD)
    return client


@pytest.fixture
def built(history):
    run_counties(history)
    area_rollup_tree(region=history["province"], day=DAY)
    return history


@pytest.mark.parametrize(
    ("persona", "city", "province"),
    [
        ("city_reviewer", 200, 404),
        ("province_reviewer", 200, 200),
        ("reviewer", 404, 404),
        ("staff_a", 404, 404),
        ("admin", 200, 200),
    ],
)
def test_area_pages_are_scoped(built, personas, client, persona, city, province):
    c = _client(client, personas, persona)
    city_run = RollupRun.objects.get(county=built["city"], day=DAY)
    assert c.get(f"/dashboard/areas/{built['city'].pk}/").status_code == city
    assert c.get(f"/rollup/area-notices/{city_run.pk}/").status_code == city
    assert c.get(f"/dashboard/areas/{built['province'].pk}/").status_code == province
    assert c.get(f"/screen/areas/{built['province'].pk}/").status_code == province


def test_a_city_reviewer_gets_404_for_another_city(built, personas, client):
    other = Region.objects.create(
        code="150200000000", name="包头市", kind=Region.Kind.CITY, parent=built["province"]
    )
    c = _client(client, personas, "city_reviewer")
    assert c.get(f"/dashboard/areas/{other.pk}/").status_code == 404


def test_city_reviewer_reads_the_county_dashboard_but_cannot_run_it(built, personas, client):
    c = _client(client, personas, "city_reviewer")
    page = c.get(f"/dashboard/{built['county_a'].pk}/")
    assert page.status_code == 200
    assert "返回呼和浩特市" in page.content.decode()
    assert c.get(f"/rollup/townships/{built['township_a'].pk}/").status_code == 200
    run = c.post(f"/rollup/{built['county_a'].pk}/run/", {"day": "2026-03-11", "confirmed": "1"})
    assert run.status_code == 403


def test_city_dashboard_shows_ranking_missing_and_structure(history, personas, client):
    rollup_run(county=history["county_a"], day=DAY)
    area_rollup(region=history["city"], day=DAY)
    html = (
        _client(client, personas, "city_reviewer")
        .get(f"/dashboard/areas/{history['city'].pk}/")
        .content.decode()
    )
    assert "数据不完整：1 个区县未计入" in html and "清水河县" in html
    assert f'href="/dashboard/{history["county_a"].pk}/?day=2026-03-10"' in html
    assert "两升一降" in html
    assert 'data-chart="completion"' in html and "echarts-6.1.0.min.js" in html


def test_area_notice_text_and_workbook(built, personas, client):
    c = _client(client, personas, "province_reviewer")
    run = RollupRun.objects.get(county=built["province"], day=DAY)
    text = c.get(f"/rollup/area-notices/{run.pk}/text/")
    assert text.status_code == 200 and "全省共" in text.content.decode()
    xlsx = c.get(f"/rollup/area-notices/{run.pk}/xlsx/")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    counties = book["各区县排名"]
    assert [c.value for c in counties[2]][:3] == ["名次", "区县", "所属市(州、盟)"]
    assert {counties.cell(row=r, column=2).value for r in (3, 4)} == {"和林格尔县", "清水河县"}
    city_run = RollupRun.objects.get(county=built["city"], day=DAY)
    city_book = openpyxl.load_workbook(
        io.BytesIO(c.get(f"/rollup/area-notices/{city_run.pk}/xlsx/").content)
    )
    assert "各区县排名" not in city_book.sheetnames
    assert "呼和浩特市" in c.get(f"/rollup/area-notices/{run.pk}/").content.decode()


def test_dashboard_home_sends_reviewers_above_the_county_to_their_area(built, personas, client):
    c = _client(client, personas, "province_reviewer")
    assert c.get("/dashboard/")["Location"] == f"/dashboard/areas/{built['province'].pk}/"


def _add_counties(world, n):
    from renewal import services

    for i in range(n):
        code = f"15012{5 + i}000000"
        county = CountyFactory(code=code, name=f"测试县{i}", parent=world["city"])
        township = TownshipFactory(parent=county, code=f"15012{5 + i}100000", name=f"测试镇{i}")
        UnitFactory(township=township, code=f"15012{5 + i}100201", name=f"测试村{i}")
        services.round_open(county=county, year=2026)


def _city_dashboard_queries(world, personas, client):
    area_rollup(region=world["city"], day=DAY)
    c = _client(client, personas, "city_reviewer")
    c.get(f"/dashboard/areas/{world['city'].pk}/")  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(f"/dashboard/areas/{world['city'].pk}/").status_code == 200
    return len(ctx.captured_queries)


def test_city_dashboard_query_count_does_not_grow_with_counties(history, personas, client):
    run_counties(history)
    few = _city_dashboard_queries(history, personas, client)
    _add_counties(history, 3)
    for county in Region.objects.filter(parent=history["city"]).exclude(
        pk__in=[history["county_a"].pk, history["county_b"].pk]
    ):
        rollup_run(county=county, day=DAY)
    many = _city_dashboard_queries(history, personas, client)
    assert RollupRun.objects.get(county=history["city"], day=DAY).ranking.__len__() == 5
    assert many == few
