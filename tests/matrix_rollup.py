"""Permission-matrix rows for the roll-up: dashboards, big screen, notices, daily reports.

County users (reviewer, discipline, admin, and read-only the city and province reviewers
above) read all of their county; a city's or a province's pages are for its reviewers; township users
read their own township's snapshot, the published notices of their county (ranking
and text), and write their own daily report; county-only pages of their own county
answer 403; another county and departments get 404.
"""

import datetime

from django.utils import timezone

from renewal.models import RollupRun
from renewal.rollup.areas import area_rollup_tree
from renewal.rollup.services import daily_report_submit, rollup_run

DAY = datetime.date(2026, 3, 10)


def extras(world, personas):
    daily_report_submit(
        actor=personas["staff_a"], township=world["township_a"], day=DAY, talks_held=2
    )
    run = rollup_run(county=world["county_a"], day=DAY)
    area_rollup_tree(region=world["province"], day=DAY)
    return {
        "rollup_run": run,
        "city_run": RollupRun.objects.get(county=world["city"], day=DAY),
        "province_run": RollupRun.objects.get(county=world["province"], day=DAY),
    }


def rows(expect):
    county = lambda w, x: w["county_a"].pk  # noqa: E731
    county_page = expect(staff_a=403, reviewer=200, reviewer_other=404)
    county_read = expect(staff_a=200, reviewer_other=404)
    today = timezone.localdate().isoformat()
    # Above the county: the city's and the province's reviewers (and admins) only; everyone
    # below, including the county's own users, finds nothing.
    city_page = expect(
        staff_a=404, reviewer=404, reviewer_other=404, discipline=404, city_reviewer=200
    )
    province_page = expect(
        staff_a=404,
        reviewer=404,
        reviewer_other=404,
        discipline=404,
        city_reviewer=404,
        province_reviewer=200,
    )
    return {
        "rollup:area-dashboard": (
            "get",
            lambda w, x: f"/dashboard/areas/{w['city'].pk}/",
            None,
            city_page,
        ),
        "rollup:area-screen": (
            "get",
            lambda w, x: f"/screen/areas/{w['province'].pk}/",
            None,
            province_page,
        ),
        "rollup:area-notice": (
            "get",
            lambda w, x: f"/rollup/area-notices/{x['city_run'].pk}/",
            None,
            city_page,
        ),
        "rollup:area-notice-text": (
            "get",
            lambda w, x: f"/rollup/area-notices/{x['province_run'].pk}/text/",
            None,
            province_page,
        ),
        "rollup:area-notice-xlsx": (
            "get",
            lambda w, x: f"/rollup/area-notices/{x['city_run'].pk}/xlsx/",
            None,
            city_page,
        ),
        "rollup:dashboard-home": (
            "get",
            lambda w, x: "/dashboard/",
            None,
            expect(staff_a=302, admin=302),
        ),
        "rollup:dashboard": ("get", lambda w, x: f"/dashboard/{county(w, x)}/", None, county_page),
        "rollup:noncompliant": (
            "get",
            lambda w, x: f"/dashboard/{county(w, x)}/noncompliant/",
            None,
            county_page,
        ),
        "rollup:screen": ("get", lambda w, x: f"/screen/{county(w, x)}/", None, county_page),
        "rollup:township": (
            "get",
            lambda w, x: f"/rollup/townships/{w['township_a'].pk}/",
            None,
            expect(staff_a=200, staff_b=404, reviewer=200, reviewer_other=404),
        ),
        "rollup:notice-list": (
            "get",
            lambda w, x: f"/rollup/{county(w, x)}/notices/",
            None,
            county_read,
        ),
        "rollup:run": (
            "post",
            lambda w, x: f"/rollup/{county(w, x)}/run/",
            {"day": "2026-03-11", "confirmed": "1"},
            expect(staff_a=403, reviewer=302, reviewer_other=404, discipline=403, admin=302),
        ),
        "rollup:notice-detail": (
            "get",
            lambda w, x: f"/rollup/notices/{x['rollup_run'].pk}/",
            None,
            county_read,
        ),
        "rollup:notice-text": (
            "get",
            lambda w, x: f"/rollup/notices/{x['rollup_run'].pk}/text/",
            None,
            county_read,
        ),
        "rollup:notice-xlsx": (
            "get",
            lambda w, x: f"/rollup/notices/{x['rollup_run'].pk}/xlsx/",
            None,
            county_page,
        ),
        # The statistical forms: county users; township users are refused, others find none.
        "rollup:stat-home": (
            "get",
            lambda w, x: "/stat-forms/",
            None,
            expect(staff_a=403, reviewer=302, reviewer_other=302, admin=302),
        ),
        "rollup:stat-form-list": (
            "get",
            lambda w, x: f"/stat-forms/{county(w, x)}/",
            None,
            county_page,
        ),
        "rollup:stat-form": (
            "get",
            lambda w, x: f"/stat-forms/{county(w, x)}/villagers-election/",
            None,
            county_page,
        ),
        "rollup:stat-form-xlsx": (
            "get",
            lambda w, x: f"/stat-forms/{county(w, x)}/party-election/xlsx/",
            None,
            county_page,
        ),
        "rollup:daily-report-list": (
            "get",
            lambda w, x: "/daily-reports/",
            None,
            expect(dept=403),
        ),
        "rollup:daily-report-edit": (
            "get",
            lambda w, x: f"/daily-reports/{w['township_a'].pk}/{today}/",
            None,
            expect(staff_a=200, staff_b=404, reviewer=403, reviewer_other=404),
        ),
    }
