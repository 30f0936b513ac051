"""The roll-up pages: what each persona sees, the forms, the workbook, query counts."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from renewal.models import STAGE_NAMES, DailyReport, RollupRun
from renewal.rollup.services import daily_report_submit, rollup_run
from renewal.tests.histories import at
from tests.factories import TownshipFactory, UnitFactory

D = datetime.date
DAY = D(2026, 3, 10)


@pytest.fixture
def run(world, personas):
    daily_report_submit(
        actor=personas["staff_a"],
        township=world["township_a"],
        day=DAY,
        now=at(DAY, 9),
        disputes_mediated=156,
        problems_solved=218,
    )
    return rollup_run(county=world["county_a"], day=DAY)


def test_township_user_sees_the_ranking_but_not_other_townships_figures(
    client, world, personas, run
):
    client.force_login(personas["staff_a"])
    page = client.get(f"/rollup/notices/{run.pk}/").content.decode()
    assert "盛乐镇" in page  # the published ranking names townships
    assert "查看当日分乡镇(街道)数据" not in page and "下载 Excel" not in page
    assert world["unit_b1"].name not in page
    assert client.get(f"/rollup/townships/{world['township_b'].pk}/").status_code == 404
    own = client.get(f"/rollup/townships/{world['township_a'].pk}/").content.decode()
    assert "化解矛盾纠纷（件）（当日日报）" in own and "156" in own


def test_county_user_sees_the_figures_and_downloads_the_workbook(client, world, personas, run):
    client.force_login(personas["reviewer"])
    page = client.get(f"/rollup/notices/{run.pk}/").content.decode()
    assert "查看当日分乡镇(街道)数据" in page and "下载 Excel" in page
    response = client.get(f"/rollup/notices/{run.pk}/xlsx/")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["排名", "数据", "通报文字"]
    ranking = [row for row in wb["排名"].iter_rows(min_row=3, values_only=True) if row[1]]
    assert [r[1] for r in ranking[:2]] == ["城关镇", "盛乐镇"]
    assert ranking[0][8] == "已报送" and ranking[1][8] == "未报送"
    data = list(wb["数据"].iter_rows(values_only=True))
    header, total = data[1], data[-1]  # under the title row
    assert total[0] == "全县合计" and total[header.index("化解矛盾纠纷（件）")] == 156
    text = client.get(f"/rollup/notices/{run.pk}/text/")
    assert text["Content-Type"].startswith("text/plain")
    assert text.content.decode() == run.notice_text


def test_dashboard_reads_snapshots_with_constant_queries(client, world, personas, run):
    client.force_login(personas["reviewer"])
    url = f"/dashboard/{world['county_a'].pk}/"
    client.get(url)  # warm the permission caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(6):
        township = TownshipFactory(parent=world["county_a"], code=f"15012310{i + 2}000")
        UnitFactory(township=township)
    rollup_run(county=world["county_a"], day=DAY)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "各乡镇(街道)阶段分布" in page
    # No unit has elected its new committee: the page judges nothing yet.
    assert "尚无新一届班子数据" in page
    assert "两升一降" not in page and "均已达标" not in page
    assert "vendor/echarts/echarts-6.1.0.min.js" in page


def test_dashboard_shows_a_past_day_and_404s_an_unknown_one(client, world, personas, run):
    client.force_login(personas["reviewer"])
    url = f"/dashboard/{world['county_a'].pk}/"
    assert client.get(url, {"day": "2026-03-10"}).status_code == 200
    assert client.get(url, {"day": "2026-03-11"}).status_code == 404
    assert client.get(url, {"day": "bad"}).status_code == 404


def test_big_screen_refreshes_itself_and_names_no_people(client, world, personas, run):
    client.force_login(personas["reviewer"])
    page = client.get(f"/screen/{world['county_a'].pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="300">' in page and "每 5 分钟刷新" in page
    assert "城关镇" in page and "尚无新一届班子数据" in page and "两升一降" not in page
    for user in personas.values():
        if user is not None:
            assert user.username not in page


def test_daily_report_form_keeps_input_and_explains_errors(client, world, personas):
    client.force_login(personas["staff_b"])
    today = timezone.localdate().isoformat()
    url = f"/daily-reports/{world['township_b'].pk}/{today}/"
    response = client.post(
        url,
        {
            "talks_held": "-1",
            "disputes_mediated": "abc",
            "problems_solved": "7",
            "petitions_handled": "",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "不能为负数" in page and "请填写整数" in page and "请填写（没有请填 0）" in page
    assert 'value="7"' in page
    assert not DailyReport.objects.exists()
    response = client.post(
        url,
        {
            "talks_held": "4",
            "disputes_mediated": "2",
            "problems_solved": "7",
            "petitions_handled": "0",
        },
    )
    assert response.status_code == 302
    report = DailyReport.objects.get(township=world["township_b"])
    assert (report.talks_held, report.problems_solved, report.submitted_by) == (
        4,
        7,
        personas["staff_b"],
    )


def test_daily_report_is_locked_once_the_notice_ran(client, world, personas, run):
    client.force_login(personas["staff_b"])
    url = f"/daily-reports/{world['township_b'].pk}/2026-03-10/"
    assert "日报已锁定" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "talks_held": "1",
            "disputes_mediated": "0",
            "problems_solved": "0",
            "petitions_handled": "0",
        },
    )
    assert "已锁定" in response.content.decode()
    assert not DailyReport.objects.filter(township=world["township_b"]).exists()


def test_daily_report_list_filters_sorts_and_scopes(client, world, personas, run):
    daily_report_submit(
        actor=personas["staff_b"],
        township=world["township_b"],
        day=D(2026, 3, 9),
        now=at(D(2026, 3, 9), 20),
        talks_held=1,
    )
    client.force_login(personas["staff_a"])
    page = client.get("/daily-reports/").content.decode()
    assert "城关镇" in page and "盛乐镇" not in page.split("report-results")[1]
    client.force_login(personas["reviewer"])
    page = client.get("/daily-reports/", {"late": "late"}).content.decode()
    results = page.split('id="report-results"')[1]
    assert "盛乐镇" in results and "2026-03-10" not in results
    fragment = client.get(
        "/daily-reports/", {"sort": "day"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert fragment.index("2026-03-09") < fragment.index("2026-03-10")
    bad = client.get("/daily-reports/", {"day_from": "2026-13-01"}).content.decode()
    assert "起始日期不是有效的日期" in bad


def test_reviewer_rebuilds_a_day_from_the_notice_list(
    client, world, personas, run, django_capture_on_commit_callbacks
):
    client.force_login(personas["reviewer"])
    url = f"/rollup/{world['county_a'].pk}/run/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"day": "2026-03-09", "confirmed": "1"}, follow=True)
    assert "已提交生成 2026-03-09 的日通报" in response.content.decode()
    assert RollupRun.objects.filter(county=world["county_a"], day=D(2026, 3, 9)).exists()
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(url, {"day": tomorrow}, follow=True)
    assert "请填写今天或以前的统计日期" in response.content.decode()
    page = client.get(f"/rollup/{world['county_a'].pk}/notices/").content.decode()
    assert page.index("2026-03-10") < page.index("2026-03-09")


def test_dashboard_home_sends_each_user_to_their_region(client, world, personas):
    client.force_login(personas["reviewer"])
    assert client.get("/dashboard/")["Location"] == f"/dashboard/{world['county_a'].pk}/"
    client.force_login(personas["staff_b"])
    assert client.get("/dashboard/")["Location"] == f"/rollup/townships/{world['township_b'].pk}/"


def test_dashboard_table_pages_and_sorts_through_htmx(client, world, personas, run):
    for i in range(55):
        township = TownshipFactory(parent=world["county_a"], code=f"150123{i + 200:03d}000")
        if i % 5 == 0:
            UnitFactory(township=township)
    rollup_run(county=world["county_a"], day=DAY)
    client.force_login(personas["reviewer"])
    url = f"/dashboard/{world['county_a'].pk}/"
    page = client.get(url).content.decode()
    assert "共 57 个乡镇(街道)，第 1/2 页" in page and "录入人选（人）" in page
    fragment = client.get(url, {"sort": "code", "page": "2"}, HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert text.startswith('<div id="township-table">') and "第 2/2 页" in text
    assert "<html" not in text


def test_admin_adds_a_county_deadline_version(client, world, personas):
    from renewal.models import RollupSettings
    from renewal.rollup.services import report_deadline

    client.force_login(personas["admin"])
    assert client.get("/admin/renewal/rollupsettings/").status_code == 200
    RollupSettings.objects.create(
        county=world["county_a"],
        effective_from=D(2026, 3, 1),
        daily_report_deadline=datetime.time(17, 30),
        source="县委组织部通知（2026 年第 3 号）",
    )
    assert report_deadline(world["county_a"].pk, D(2026, 3, 2)) == at(D(2026, 3, 2), 17).replace(
        minute=30
    )
    assert report_deadline(world["county_a"].pk, D(2026, 2, 28)) == at(D(2026, 2, 28), 18)
    assert report_deadline(world["county_b"].pk, D(2026, 3, 2)) == at(D(2026, 3, 2), 18)


def test_dashboard_lists_noncompliant_units_page_by_page(client, world, personas):
    from renewal.tests.histories import person, term

    for _ in range(23):
        unit = UnitFactory(township=world["township_b"])
        term(unit, "party", D(2026, 3, 5), [("secretary", person())], rnd=world["round"])
    rollup_run(county=world["county_a"], day=DAY)
    client.force_login(personas["reviewer"])
    page = client.get(f"/dashboard/{world['county_a'].pk}/").content.decode()
    assert "未达标的村(社区)：23 个，第 1/2 页" in page
    assert "女性成员少于 1 名；35 岁以下成员少于 1 名；大专及以上成员少于 2 名" in page
    assert "尚未达到“两升一降”" in page and "尚无新一届班子数据" not in page
    fragment = client.get(
        f"/dashboard/{world['county_a'].pk}/noncompliant/", {"day": "2026-03-10", "page": "2"}
    ).content.decode()
    assert "第 2/2 页" in fragment and fragment.count("<tr><td>") == 3


def test_stages_come_in_workflow_order_each_in_its_own_colour(client, world, personas, run):
    from renewal.models.rounds import STAGE_CODES
    from renewal.rollup.views import STAGE_COLOURS

    client.force_login(personas["reviewer"])
    response = client.get(f"/dashboard/{world['county_a'].pk}/")
    chart = response.context["stage_chart"]["stages"]
    names = [s["name"] for s in chart]
    assert names == [STAGE_NAMES[code] for code in STAGE_CODES]
    assert len({s["colour"] for s in chart}) == len(chart)
    assert len(set(STAGE_COLOURS.values())) == len(STAGE_COLOURS)
    details = dict(response.context["total_row"]["details"])["各阶段村(社区)数"]
    assert [label for label, _ in details] == names
    township = client.get(f"/rollup/townships/{world['township_a'].pk}/")
    assert [name for _, name in township.context["columns"]] == names
