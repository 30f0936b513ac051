"""Pages of the nightly roll-up: dashboards, the big screen, notices and daily reports.

Every page reads stored snapshots (``RollupSnapshot`` / ``RollupRun``), never live
aggregates, so they cost the same at any scale. Access: ``renewal.rollup.access``.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField, JSONField
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from renewal.kit.confirmation import Ask, ask_first, asks
from renewal.kit.file_names import dated_name, disposition
from renewal.kit.paging import KeyPaginator
from renewal.kit.queueing import enqueue_or_run
from renewal.models import DailyReport, DomainError, RollupRun, RollupSnapshot, Unit
from renewal.rollup import access, structure
from renewal.rollup import services as rollup
from renewal.rollup.exports import notice_workbook, stage_columns
from renewal.rollup.forms import DailyReportForm, ReportFilterForm
from renewal.rollup.tasks import nightly_rollup

NONCOMPLIANT_PAGE = 20
REPORT_TAGS = {
    "late": mark_safe('<span class="tag late">逾时报送</span>'),
    "ok": mark_safe('<span class="tag ok">已报送</span>'),
    "missing": mark_safe('<span class="tag key">未报送</span>'),
}
SCREEN_TOWNSHIPS = 20  # a meeting-room display shows the leading townships
SCREEN_TABLE_ROWS = 10  # what the ranking table of the big screen shows without scrolling
SCREEN_REFRESH_MINUTES = 5  # the big screen reloads itself; its header says how often

# One colour per stage, the same on every chart: the workflow reads from cool to warm, and
# 全部完成 alone is green. A stage the product does not know gets grey.
STAGE_COLOURS = {
    "preparation": "#8c9eff",
    "seats": "#5c7cfa",
    "recommendation": "#4dabf7",
    "vetting": "#22b8cf",
    "formal_list": "#20c997",
    "congress": "#fab005",
    "approval": "#fd7e14",
    "villagers_election": "#e64980",
    "handover": "#be4bdb",
    "done": "#2f9e44",
}
OTHER_STAGE_COLOUR = "#868e96"

STRUCTURE_ROWS = [
    ("average_age", "平均年龄（岁）", "age"),
    ("under35", "35 岁以下占比", "share"),
    ("under40", "40 岁以下占比", "share"),
    ("college", "大专及以上占比", "share"),
    ("women", "女性占比", "share"),
    ("one_shoulder", "“一肩挑”比例", "share"),
    ("cross_posts", "交叉任职比例", "share"),
    ("veterans", "退役军人占比", "share"),
]


def _parse_day(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _run_for(county, day_param):
    """The county's notice for ``?day=`` (404 if none), else its latest one (or None)."""
    runs = RollupRun.objects.filter(county=county).defer(
        "ranking", "notice_text", "laggards", "late"
    )
    if day_param:
        day = _parse_day(day_param)
        run = runs.filter(day=day).first() if day else None
        if run is None:
            raise Http404
        return run
    return runs.order_by("-day").first()


def _format(value, kind):
    if value is None:
        return "—"
    if kind == "share":
        return rollup.percent(value)
    return f"{value:.1f}"


def _structure_table(data: dict) -> list[dict]:
    current, previous = data.get("current", {}), data.get("previous", {})
    rows = []
    for key, label, kind in STRUCTURE_ROWS:
        now, before = current.get(key), previous.get(key)
        change = None
        if now is not None and before is not None:
            diff = now - before
            change = f"{diff:+.1f} 岁" if kind == "age" else f"{diff * 100:+.1f} 个百分点"
        rows.append(
            {
                "label": label,
                "current": _format(now, kind),
                "previous": _format(before, kind),
                "change": change or "—",
            }
        )
    return rows


def _stage_chart(snapshots, columns):
    return {
        "townships": [s.region.name for s in snapshots],
        "stages": [
            {
                "name": name,
                "colour": STAGE_COLOURS.get(code, OTHER_STAGE_COLOUR),
                "values": [s.stage_counts.get(code, 0) for s in snapshots],
            }
            for code, name in columns
        ],
    }


def _completion_chart(run, limit=None):
    """Every ranked township's completion (or the first ``limit``), one light query."""
    rows = (
        RollupSnapshot.objects.filter(run=run, rank__isnull=False)
        .order_by("rank", "region__code")
        .values_list("region__name", "done_share", "weighted")
    )
    if limit:
        rows = rows[:limit]
    rows = list(rows)
    return {
        "townships": [name for name, _, _ in rows],
        "done_share": [round(done * 100, 1) for _, done, _ in rows],
        "weighted": [round(weighted * 100, 1) for _, _, weighted in rows],
    }


TABLE_SORTS = {
    "rank": ["rank", "region__code"],
    "code": ["region__code"],
    "-overdue": ["-overdue", "region__code"],
    "done_share": ["done_share", "weighted", "region__code"],
    "-units": ["-units", "region__code"],
}
TABLE_SORT_LABELS = {
    "rank": "名次",
    "code": "区划代码",
    "-overdue": "逾期（多→少）",
    "done_share": "完成率（低→高）",
    "-units": "村(社区)数（多→少）",
}
TABLE_PAGE = 50


def _table_rows(snapshots, columns, labels) -> list[dict]:
    """The table's cells as text, built once here: the template only prints them.

    The row itself carries the few figures a reader compares across townships; the count
    per stage, the registered figures and the day's report are its details, opened on
    demand, so the table fits a 1366-wide screen."""
    return [
        {
            "s": snap,
            "done": str(snap.stage_counts.get("done", 0)),
            "details": [
                (
                    "各阶段村(社区)数",
                    [(name, snap.stage_counts.get(code, 0)) for code, name in columns],
                ),
                (
                    "登记数据",
                    [(label, snap.figures.get(code, 0)) for code, label in labels.items()],
                ),
                (
                    "当日日报",
                    [
                        (label, snap.report.get(code, 0))
                        for code, label in rollup.REPORT_LABELS.items()
                    ],
                ),
            ],
            "done_share": rollup.percent(snap.done_share),
            "weighted": rollup.percent(snap.weighted),
        }
        for snap in snapshots
    ]


def _township_snapshots(run, *, sort="rank"):
    return (
        RollupSnapshot.objects.filter(run=run)
        .exclude(region_id=run.county_id)
        .select_related("region")
        .defer("structure", "noncompliant", "overdue_by_stage")
        .order_by(*TABLE_SORTS.get(sort, TABLE_SORTS["rank"]))
    )


# --- Dashboard --------------------------------------------------------------------------


@login_required
def dashboard_home(request):
    region = access.home_region(request.user)
    if region is None:
        raise Http404
    if region.is_above_county:
        return redirect("rollup:area-dashboard", pk=region.pk)
    if region.is_county:
        return redirect("rollup:dashboard", county_pk=region.pk)
    return redirect("rollup:township", pk=region.pk)


@login_required
def dashboard(request, county_pk):
    county = access.county_for_user(request.user, county_pk)
    run = _run_for(county, request.GET.get("day"))
    context = {
        "county": county,
        "run": run,
        "can_run": access.can_run_rollup(request.user, county.pk),
        # Drill-down back up: the city above, for a reviewer who reads it.
        "area_up": county.parent
        if county.parent_id and access.can_in_region(request.user, "view_region", county.parent_id)
        else None,
    }
    if run is None:
        return render(request, "renewal/rollup/dashboard.html", context)
    total = _county_total(run)
    columns = stage_columns(total)
    sort = request.GET.get("sort") if request.GET.get("sort") in TABLE_SORTS else "rank"
    page = KeyPaginator(_township_snapshots(run, sort=sort), TABLE_PAGE).get_page(
        request.GET.get("page")
    )
    context.update(
        total=total,
        columns=columns,
        page=page,
        rows=_table_rows(page.object_list, columns, run.figure_labels),
        total_row=_table_rows([total], columns, run.figure_labels)[0] if total else None,
        sort=sort,
        sorts=TABLE_SORT_LABELS,
        labels=run.figure_labels,
        report_labels=rollup.REPORT_LABELS,
    )
    if request.htmx:
        return render(request, "renewal/rollup/partials/township_table.html", context)
    context.update(
        stage_chart=_stage_chart(page.object_list, columns),
        completion_chart=_completion_chart(run),
        structure_rows=_structure_table(total.structure if total else {}),
        structure=total.structure if total else {},
        recent=RollupRun.objects.filter(county=county)
        .order_by("-day")
        .values_list("day", flat=True)[:30],
        **_noncompliant_page(request, run, total),
    )
    return render(request, "renewal/rollup/dashboard.html", context)


def _county_total(run):
    return (
        RollupSnapshot.objects.filter(run=run, region_id=run.county_id)
        .defer("noncompliant")
        .first()
    )


class _StoredList:
    """A snapshot's ``noncompliant`` JSON array, counted and sliced by PostgreSQL, so a
    page of 20 does not decode thousands of entries."""

    def __init__(self, snapshot_pk):
        self.rows = RollupSnapshot.objects.filter(pk=snapshot_pk)

    def count(self):
        if self.rows.query.is_empty():
            return 0
        found = self.rows.annotate(
            n=RawSQL("jsonb_array_length(noncompliant)", [], output_field=IntegerField())
        ).values_list("n", flat=True)
        return found.first() or 0

    def __getitem__(self, bounds):
        if bounds.stop <= bounds.start:
            return []
        path = f"$[{int(bounds.start)} to {int(bounds.stop) - 1}]"
        part = self.rows.annotate(
            part=RawSQL(
                "jsonb_path_query_array(noncompliant, %s::jsonpath)",
                [path],
                output_field=JSONField(),
            )
        ).values_list("part", flat=True)
        return part.first() or []


def _noncompliant_page(request, run, total):
    rows = _StoredList(total.pk if total else None)
    if total is None:
        rows.rows = RollupSnapshot.objects.none()
    page = KeyPaginator(rows, NONCOMPLIANT_PAGE).get_page(request.GET.get("page"))
    ids = [unit_id for unit_id, _ in page.object_list]
    units = Unit.objects.filter(pk__in=ids).select_related("township").in_bulk()
    targets = structure.Targets(**((total.structure or {}).get("targets") or {})) if total else None
    return {
        "noncompliant": [
            {"unit": units.get(unit_id), "shortfalls": structure.shortfall_labels(codes, targets)}
            for unit_id, codes in page.object_list
            if unit_id in units
        ],
        "noncompliant_page": page,
        "elected_units": elected_units(total.structure if total else {}),
    }


def elected_units(structure_data: dict) -> int:
    """How many units have a newly elected committee: below one, the structure pages give
    no verdict (两升一降, 均已达标) but say there is nothing to judge yet."""
    return (structure_data or {}).get("current", {}).get("units") or 0


@login_required
def noncompliant(request, county_pk):
    county = access.county_for_user(request.user, county_pk)
    run = _run_for(county, request.GET.get("day"))
    if run is None:
        raise Http404
    total = _county_total(run)
    context = {"county": county, "run": run, **_noncompliant_page(request, run, total)}
    return render(request, "renewal/rollup/partials/noncompliant.html", context)


@login_required
def screen(request, county_pk):
    county = access.county_for_user(request.user, county_pk)
    run = _run_for(county, None)
    context = {"county": county, "run": run, "refresh_minutes": SCREEN_REFRESH_MINUTES}
    if run is not None:
        total = _county_total(run)
        columns = stage_columns(total)
        top = list(_township_snapshots(run)[:SCREEN_TOWNSHIPS])
        context.update(
            total=total,
            snapshots=top[:SCREEN_TABLE_ROWS],
            stage_chart=_stage_chart(top, columns),
            completion_chart=_completion_chart(run, limit=SCREEN_TOWNSHIPS),
            labels=run.figure_labels,
            structure_rows=_structure_table(total.structure if total else {}),
            structure=total.structure if total else {},
        )
    return render(request, "renewal/rollup/screen.html", context)


# --- Township snapshots ----------------------------------------------------------------------


@login_required
def township_detail(request, pk):
    township = access.township_for_user(request.user, pk)
    history = (
        RollupSnapshot.objects.filter(region=township)
        .only("day", "rank", "done_share", "weighted", "overdue", "reports_submitted", "region_id")
        .order_by("-day")
    )
    page = KeyPaginator(history, 30).get_page(request.GET.get("page"))
    latest = (
        RollupSnapshot.objects.filter(region=township)
        .select_related("run")
        .defer("noncompliant", "run__ranking", "run__notice_text", "run__laggards", "run__late")
        .order_by("-day")
        .first()
    )
    columns = stage_columns(latest)
    context = {
        "township": township,
        "latest": latest,
        "page": page,
        "columns": columns,
        "labels": latest.run.figure_labels if latest else {},
        "report_labels": rollup.REPORT_LABELS,
        "structure_rows": _structure_table(latest.structure if latest else {}),
        "structure": latest.structure if latest else {},
        "is_county_user": access.is_county_user(request.user, township.parent_id),
    }
    return render(request, "renewal/rollup/township.html", context)


# --- Notices ------------------------------------------------------------------------------------


@login_required
def notice_list(request, county_pk):
    county = access.county_for_user(request.user, county_pk, county_page=False)
    runs = RollupRun.objects.filter(county=county).only(
        "id", "day", "ran_at", "duration_ms", "laggards", "county_id"
    )
    order = "day" if request.GET.get("sort") == "day" else "-day"
    page = KeyPaginator(runs.order_by(order), 30).get_page(request.GET.get("page"))
    context = {
        "county": county,
        "page": page,
        "sort": order,
        "can_run": access.can_run_rollup(request.user, county.pk),
        "today": timezone.localdate(),
        "default_day": rollup.last_closed_day(county.pk),
    }
    return render(request, "renewal/rollup/notice_list.html", context)


@login_required
def notice_detail(request, pk):
    run = access.notice_for_user(request.user, pk)
    ranked = [r for r in run.ranking if r["rank"] is not None]
    chart = {
        "townships": [r["name"] for r in ranked],
        "done_share": [round(r["done_share"] * 100, 1) for r in ranked],
        "weighted": [round(r["weighted"] * 100, 1) for r in ranked],
    }
    context = {
        "run": run,
        "county_user": access.is_county_user(request.user, run.county_id),
        "chart": chart,
        "tie_rule": rollup.TIE_RULE,
        "ranking_rows": format_html_join(
            "\n",
            '<tr><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td>'
            '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td></tr>',
            (
                (
                    r["rank"] if r["rank"] is not None else "不参加排名",
                    r["name"],
                    r["units"],
                    r["done"],
                    rollup.percent(r["done_share"]),
                    rollup.percent(r["weighted"]),
                    r["overdue"],
                    REPORT_TAGS["late" if r["late"] else ("ok" if r["submitted"] else "missing")],
                )
                for r in run.ranking
            ),
        ),
    }
    return render(request, "renewal/rollup/notice_detail.html", context)


@login_required
def notice_text(request, pk):
    run = access.notice_for_user(request.user, pk)
    response = HttpResponse(run.notice_text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="notice-{run.day:%Y%m%d}.txt"'
    return response


@login_required
def notice_xlsx(request, pk):
    run = access.notice_for_user(request.user, pk, workbook=True)
    snapshots = list(_township_snapshots(run, sort="rank"))
    total = _county_total(run)
    content = notice_workbook(run, snapshots, total)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = disposition(
        dated_name("换届工作日通报", run.county.name, when=run.day),
        dated_name("notice", run.county.code, when=run.day),
    )
    return response


@asks("rollup-run")
def _ask_run(what) -> Ask:
    county, day, early = what
    return Ask(
        action=f"仍然生成 {day:%Y-%m-%d} 的日通报" if early else "确认生成",
        question=f"确认生成 {day:%Y-%m-%d} 的日通报（{county.name}）？",
        consequence="生成后当日日报锁定，各乡镇(街道)不能再报送或修改当日日报；"
        "当日已生成过的，重建会覆盖当日原有结果。",
    )


@login_required
@require_POST
def rollup_start(request, county_pk):
    county = access.county_for_user(request.user, county_pk)
    if not access.can_run_rollup(request.user, county.pk):
        raise PermissionDenied("只有县委组织部可以生成或重建日通报。")
    day = _parse_day(request.POST.get("day"))
    if day is None or day > timezone.localdate():
        messages.error(request, "请填写今天或以前的统计日期（年-月-日，如 2026-03-01）。")
        return redirect("rollup:notice-list", county_pk=county.pk)
    # The notice locks that day's reports, and a rebuild replaces the day's figures. The
    # question depends on the day typed, so it is always this page, never a dialog: before the
    # deadline it also names the townships that may still report.
    early = not rollup.deadline_passed(county.pk, day)
    back = reverse("rollup:notice-list", args=[county.pk])
    context = {"county": county, "day": day}
    if early:
        context |= {
            "template": "renewal/rollup/run_confirm.html",
            "deadline": rollup.report_deadline(county.pk, day),
            "missing": rollup.townships_not_reported(county, day),
            "closed_day": rollup.last_closed_day(county.pk),
        }
    if asked := ask_first(request, "rollup-run", (county, day, early), back=back, **context):
        return asked
    if enqueue_or_run(nightly_rollup, day.isoformat(), county.code):
        messages.success(request, f"已提交生成 {day:%Y-%m-%d} 的日通报（重建会覆盖当日原有结果）。")
    else:
        messages.success(request, f"已生成 {day:%Y-%m-%d} 的日通报（重建会覆盖当日原有结果）。")
    return redirect("rollup:notice-list", county_pk=county.pk)


# --- Daily reports ------------------------------------------------------------------------------


@login_required
def daily_report_list(request):
    access.require_region_scope(request.user)
    county = access.home_county(request.user)
    county_id = county.pk if county else None
    wanted = request.GET.get("county", "")
    if wanted.isdigit() and access.reads_above_county(request.user):
        county_id = access.county_for_user(request.user, wanted).pk
    if county_id is None:
        raise Http404
    townships = access.townships_readable(request.user, county_id).order_by("code")
    form = ReportFilterForm(request.GET or None, townships=townships)
    reports = DailyReport.objects.filter(township__in=townships).select_related(
        "township", "submitted_by"
    )
    sort = "-day"
    if form.is_valid():
        data = form.cleaned_data
        if data["day_from"]:
            reports = reports.filter(day__gte=data["day_from"])
        if data["day_to"]:
            reports = reports.filter(day__lte=data["day_to"])
        if data["township"]:
            reports = reports.filter(township=data["township"])
        if data["late"]:
            reports = reports.filter(is_late=data["late"] == "late")
        sort = data["sort"] or sort
    order = {"township": ["township__code", "-day"]}.get(sort, [sort, "township__code"])
    page = KeyPaginator(reports.order_by(*order), 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    writable = [t for t in townships if access.reports_for(request.user, t)]
    context = {
        "form": form,
        "page": page,
        "today": today,
        "writable": writable,
        "county_id": county_id,
        "counties": access.counties_to_choose(request.user).only("id", "name"),
        "labels": DailyReport.FIGURES,
    }
    template = (
        "renewal/rollup/partials/report_rows.html"
        if request.htmx
        else "renewal/rollup/report_list.html"
    )
    return render(request, template, context)


@login_required
def daily_report_edit(request, township_pk, day):
    township = access.township_for_user(request.user, township_pk, write=True)
    day = _parse_day(day)
    if day is None:
        raise Http404
    report = DailyReport.objects.filter(township=township, day=day).first()
    locked = rollup.daily_report_locked(township, day)
    deadline = rollup.report_deadline(township.parent_id, day)
    form = DailyReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.fields}
        try:
            saved = rollup.daily_report_submit(
                actor=request.user, township=township, day=day, **values
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            late = "（已过截止时间，标记为逾时报送）" if saved.is_late else ""
            messages.success(request, f"{township.name} {day:%Y-%m-%d} 日报已保存{late}。")
            return redirect(reverse("rollup:daily-report-list"))
    context = {
        "township": township,
        "day": day,
        "form": form,
        "report": report,
        "locked": locked,
        "deadline": deadline,
        "future": day > timezone.localdate(),
    }
    return render(request, "renewal/rollup/report_form.html", context)
