"""Pages of a city's or a province's roll-up: dashboard, big screen, notices.

They read the region's stored run and snapshot of a day and the snapshots of the regions
just below it (one query each), so they cost the same whatever the number of counties.
Drill-down: province → city (these pages) → county (its dashboard) → township → unit.
Access: ``renewal.rollup.access.area_for_user`` (404 outside the user's grant).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from renewal.kit.file_names import dated_name, disposition
from renewal.kit.rows import url_with_pk
from renewal.models import Region, RollupRun, RollupSnapshot
from renewal.rollup import access
from renewal.rollup import services as rollup
from renewal.rollup.areas import PART_NAME, WHOLE, parts_of
from renewal.rollup.exports import area_workbook, stage_columns
from renewal.rollup.views import (
    SCREEN_REFRESH_MINUTES,
    _parse_day,
    _stage_chart,
    _structure_table,
    elected_units,
)

SCREEN_ROWS = 20


def _area_run(area, day_param):
    """The region's run for ``?day=`` (404 if none), else its latest one (or None)."""
    runs = RollupRun.objects.filter(county=area).defer("notice_text")
    if day_param:
        day = _parse_day(day_param)
        run = runs.filter(day=day).first() if day else None
        if run is None:
            raise Http404
        return run
    return runs.order_by("-day").first()


def _ranking_rows(run, kind, rows=None) -> list[dict]:
    """The ranking's rows, each with its link one level down (a city's page, or the county's
    dashboard) and its shares as text."""
    name = "rollup:area-dashboard" if kind == Region.Kind.CITY else "rollup:dashboard"
    url, day = url_with_pk(name), f"?day={run.day:%Y-%m-%d}"
    return [
        {
            **row,
            "url": url(row["region_id"]) + day,
            "done_share_text": rollup.percent(row["done_share"]),
            "weighted_text": rollup.percent(row["weighted"]),
            "not_reported": row.get("townships", 0) - row.get("reports_submitted", 0),
        }
        for row in (run.ranking if rows is None else rows)
    ]


def _completion_chart(ranking) -> dict:
    ranked = [r for r in ranking if r["rank"] is not None]
    return {
        "townships": [r["name"] for r in ranked],
        "done_share": [round(r["done_share"] * 100, 1) for r in ranked],
        "weighted": [round(r["weighted"] * 100, 1) for r in ranked],
    }


def _context(request, area, run):
    """What the dashboard and the big screen share."""
    parts = (
        RollupSnapshot.objects.filter(region__parent=area, day=run.day)
        .select_related("region")
        .only("region__name", "region__code", "region__kind", "stage_counts", "region_id")
        .order_by("region__code")
    )
    total = RollupSnapshot.objects.filter(region=area, day=run.day).defer("noncompliant").first()
    kind = parts_of(area).values_list("kind", flat=True).first() or Region.Kind.COUNTY
    parts = list(parts)
    columns = stage_columns(total)
    structure = total.structure if total else {}
    return {
        "area": area,
        "run": run,
        "total": total,
        "whole": WHOLE[area.kind],
        "part_name": PART_NAME[kind],
        "ranking": _ranking_rows(run, kind),
        "county_ranking": _ranking_rows(run, Region.Kind.COUNTY, run.county_ranking),
        "missing": run.missing,
        "labels": run.figure_labels,
        "columns": columns,
        "report_labels": rollup.REPORT_LABELS,
        "structure": structure,
        "structure_rows": _structure_table(structure),
        "elected_units": elected_units(structure),
        "stage_chart": _stage_chart(parts, columns),
        "completion_chart": _completion_chart(run.ranking),
        "parent": _readable_parent(request.user, area),
        "tie_rule": rollup.tie_rule(PART_NAME[kind]),
    }


def _readable_parent(user, area):
    if area.parent_id and access.can_in_region(user, "view_region", area.parent_id):
        return Region.objects.only("id", "name").get(pk=area.parent_id)
    return None


@login_required
def area_dashboard(request, pk):
    area = access.area_for_user(request.user, pk)
    run = _area_run(area, request.GET.get("day"))
    context = {"area": area, "run": run, "whole": WHOLE[area.kind]}
    if run is not None:
        context |= _context(request, area, run)
        context["recent"] = (
            RollupRun.objects.filter(county=area)
            .order_by("-day")
            .values_list("day", flat=True)[:30]
        )
    return render(request, "renewal/rollup/area_dashboard.html", context)


@login_required
def area_screen(request, pk):
    area = access.area_for_user(request.user, pk)
    run = _area_run(area, None)
    context = {"area": area, "run": run, "refresh_minutes": SCREEN_REFRESH_MINUTES}
    if run is not None:
        context |= _context(request, area, run)
        context["ranking"] = context["ranking"][:SCREEN_ROWS]
    return render(request, "renewal/rollup/area_screen.html", context)


@login_required
def area_notice(request, pk):
    run = access.area_notice_for_user(request.user, pk)
    kind = parts_of(run.county).values_list("kind", flat=True).first() or Region.Kind.COUNTY
    context = {
        "area": run.county,
        "run": run,
        "part_name": PART_NAME[kind],
        "ranking": _ranking_rows(run, kind),
        "chart": _completion_chart(run.ranking),
        "tie_rule": rollup.tie_rule(PART_NAME[kind]),
        "runs": RollupRun.objects.filter(county=run.county)
        .order_by("-day")
        .values_list("pk", "day")[:30],
    }
    return render(request, "renewal/rollup/area_notice.html", context)


@login_required
def area_notice_text(request, pk):
    run = access.area_notice_for_user(request.user, pk)
    response = HttpResponse(run.notice_text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="notice-{run.day:%Y%m%d}.txt"'
    return response


@login_required
def area_notice_xlsx(request, pk):
    run = access.area_notice_for_user(request.user, pk)
    parts = list(
        RollupSnapshot.objects.filter(region__parent=run.county, day=run.day)
        .select_related("region")
        .defer("noncompliant", "structure")
        .order_by("region__code")
    )
    total = RollupSnapshot.objects.filter(region=run.county, day=run.day).first()
    kind = parts[0].region.kind if parts else Region.Kind.COUNTY
    content = area_workbook(run, parts, total, part_name=PART_NAME[kind])
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = disposition(
        dated_name("换届工作日通报", run.county.name, when=run.day),
        dated_name("notice", run.county.code, when=run.day),
    )
    return response
