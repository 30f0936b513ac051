"""日报告日通报 above the county: a city's or a province's snapshot of a day.

``area_rollup(region=…, day=…)`` reads the stored snapshots of the day of the regions
just below (a city's counties, a province's cities, or its counties where it has no
cities) and never a unit: figures, stage counts, overdue counts and reports are summed;
every share (完成率, 加权进度, the structure shares, 两升一降) is divided again from the
summed numerators and denominators, never averaged. The regions below are ranked by the
county's rule (``services.rank_regions``).

A county whose run of the day is missing (not run yet, or crashed: a run writes all or
nothing) is named in the run's ``missing`` list and the snapshot is incomplete; a
province takes over its cities' missing counties. Running it again once the county has
run completes it. Upserts keyed by (region, date) as for the county, so it is idempotent
and any past date can be rebuilt.
"""

import datetime
import time

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from renewal.models import DomainError, Region, RollupRun, RollupSnapshot
from renewal.rollup import structure
from renewal.rollup.exports import stage_order
from renewal.rollup.services import (
    REPORT_FIELDS,
    SNAPSHOT_FIELDS,
    RankRow,
    RollupBusy,
    _lock,
    notice_text,
    rank_regions,
    tie_rule,
)

WHOLE = {Region.Kind.CITY: "全市", Region.Kind.PROVINCE: "全省"}
PART_NAME = {Region.Kind.COUNTY: "区县", Region.Kind.CITY: "市(州、盟)"}
NOT_RUN = "当日日统计未生成（未运行或运行中断）"
NO_COUNTS = "当日日统计生成于旧版本，缺少汇总所需的计数，需重新生成当日日统计"


def parts_of(region: Region):
    """The regions just below a city or a province whose snapshots it sums."""
    return Region.objects.filter(
        parent=region, kind__in=[Region.Kind.CITY, Region.Kind.COUNTY]
    ).order_by("code")


def _expected_counties(counties, day: datetime.date) -> list:
    """The counties that owe a run of ``day``: those with an active round, and any that has
    a run of that day (a county whose round has since closed still counts on its old days)."""
    return [
        c for c in counties.filter(Q(rounds__is_active=True) | Q(rollup_runs__day=day)).distinct()
    ]


def _stage_sum(totals: dict, counts: dict) -> None:
    for code, n in counts.items():
        totals[code] = totals.get(code, 0) + n


def area_rollup(*, region: Region, day: datetime.date, log=None) -> RollupRun:
    """Build (or rebuild) a city's or a province's snapshot and notice of ``day``."""
    say = log or (lambda message: None)
    if not region.is_above_county:
        raise DomainError("只有市、省级区域由下级区县的日统计汇总。")
    started = time.monotonic()
    with transaction.atomic():
        if not _lock(region.pk, day):
            raise RollupBusy(f"{region.name} {day:%Y-%m-%d} 的日统计正在生成，请稍后再看。")
        parts = list(parts_of(region))
        part_ids = [p.pk for p in parts]
        part_kind = parts[0].kind if parts else Region.Kind.COUNTY
        snapshots = {
            s.region_id: s
            for s in RollupSnapshot.objects.filter(region_id__in=part_ids, day=day).defer(
                "noncompliant"
            )
        }
        runs = {
            r.county_id: r
            for r in RollupRun.objects.filter(county_id__in=part_ids, day=day).only(
                "id", "county_id", "ranking", "laggards", "figure_labels", "missing"
            )
        }
        missing: list[dict] = []
        if part_kind == Region.Kind.COUNTY:
            owed = _expected_counties(Region.objects.filter(pk__in=part_ids), day)
            for county in sorted(owed, key=lambda c: c.code):
                snap = snapshots.get(county.pk)
                reason = (
                    NOT_RUN
                    if snap is None
                    else (None if structure.has_counts(snap.structure) else NO_COUNTS)
                )
                if reason:
                    snapshots.pop(county.pk, None)
                    missing.append(_missing_row(county, reason))
        else:
            for city in parts:
                run = runs.get(city.pk)
                if run is None:
                    # A city never built for the day: its counties are what is missing.
                    owed = _expected_counties(parts_of(city), day)
                    missing += [_missing_row(c, NOT_RUN) for c in owed]
                    snapshots.pop(city.pk, None)
                else:
                    missing += run.missing
        say(f"{region.name} {day:%Y-%m-%d}：{len(parts)} 个下级区域，缺 {len(missing)} 个区县")

        total = {
            "units": 0,
            "stage_counts": {},
            "overdue": 0,
            "overdue_by_stage": {},
            "figures": {},
            "report": dict.fromkeys(REPORT_FIELDS, 0),
            "reports_submitted": 0,
            "position_sum": 0.0,
        }
        labels: dict[str, str] = {}
        ranking_input = []
        rows_extra = {}
        for part in parts:
            snap = snapshots.get(part.pk)
            if snap is None:
                continue
            run = runs.get(part.pk)
            total["units"] += snap.units
            _stage_sum(total["stage_counts"], snap.stage_counts)
            total["overdue"] += snap.overdue
            _stage_sum(total["overdue_by_stage"], snap.overdue_by_stage)
            _stage_sum(total["figures"], snap.figures)
            _stage_sum(total["report"], snap.report)
            total["reports_submitted"] += snap.reports_submitted
            # The snapshot keeps the mean position; times its units it is the sum again.
            total["position_sum"] += snap.weighted * snap.units
            labels.update(run.figure_labels if run else {})
            townships = _townships(run, part_kind)
            ranking_input.append(
                RankRow(
                    region_id=part.pk,
                    code=part.code,
                    name=part.name,
                    units=snap.units,
                    done_share=snap.done_share,
                    weighted=snap.weighted,
                    submitted=snap.reports_submitted >= townships,
                )
            )
            rows_extra[part.pk] = {
                "done": snap.stage_counts.get("done", 0),
                "overdue": snap.overdue,
                "townships": townships,
                "reports_submitted": snap.reports_submitted,
                "laggards": list(run.laggards) if run else [],
                "incomplete": bool(run and run.missing),
            }
        ranked = rank_regions(ranking_input)
        ranking = [
            {
                "region_id": r.region_id,
                "code": r.code,
                "name": r.name,
                "rank": r.rank,
                "units": r.units,
                "done_share": round(r.done_share, 4),
                "weighted": round(r.weighted, 4),
                "submitted": r.submitted,
                "late": False,
                **rows_extra[r.region_id],
            }
            for r in ranked
        ]
        county_ranking = _county_ranking(parts, day) if part_kind == Region.Kind.CITY else []
        units = total["units"]
        stage_counts = dict(
            sorted(total["stage_counts"].items(), key=lambda item: stage_order(item[0]))
        )
        done_share = stage_counts.get("done", 0) / units if units else 0.0
        weighted = total["position_sum"] / units if units else 0.0
        summed = structure.structure_sum([s.structure for s in snapshots.values()])
        laggards = [r["name"] for r in sorted(ranking, key=lambda r: r["code"]) if r["laggards"]]
        text = notice_text(
            county_name=region.name,
            day=day,
            ranking=ranking,
            county={
                "units": units,
                "stage_counts": stage_counts,
                "done_share": done_share,
                "weighted": weighted,
                "overdue": total["overdue"],
                "figures": total["figures"],
                "report": total["report"],
            },
            figure_labels=labels,
            laggards=laggards,
            late=[],
            whole=WHOLE[region.kind],
            report_lines=_report_lines(ranking, part_kind),
            rule=tie_rule(PART_NAME[part_kind]),
            warning=_warning(missing),
        )
        run, _ = RollupRun.objects.update_or_create(
            county=region,
            day=day,
            defaults={
                "round": None,
                "ran_at": timezone.now(),
                "duration_ms": 0,
                "ranking": ranking,
                "figure_labels": labels,
                "laggards": laggards,
                "late": [],
                "missing": missing,
                "county_ranking": county_ranking,
                "notice_text": text,
            },
        )
        snapshot = RollupSnapshot(
            region=region,
            county=region,
            day=day,
            run=run,
            units=units,
            stage_counts=stage_counts,
            overdue=total["overdue"],
            overdue_by_stage=total["overdue_by_stage"],
            figures=total["figures"],
            report=total["report"],
            reports_submitted=total["reports_submitted"],
            structure=summed,
            noncompliant=[],
            done_share=round(done_share, 4),
            weighted=round(weighted, 4),
            rank=None,
        )
        RollupSnapshot.objects.bulk_create(
            [snapshot],
            update_conflicts=True,
            unique_fields=["region", "day"],
            update_fields=SNAPSHOT_FIELDS,
        )
        run.duration_ms = int((time.monotonic() - started) * 1000)
        run.save(update_fields=["duration_ms"])
    say(f"  完成{'（数据不完整）' if missing else ''}，用时 {run.duration_ms / 1000:.1f} 秒")
    return run


def _county_ranking(cities, day: datetime.date) -> list[dict]:
    """A province's counties ranked across its cities by the county's rule, from the counties'
    stored snapshots of the day (a county without one is not ranked: it is named missing)."""
    snapshots = (
        RollupSnapshot.objects.filter(
            region__parent__in=cities, region__kind=Region.Kind.COUNTY, day=day
        )
        .select_related("region__parent")
        .only(
            "region__code",
            "region__name",
            "region__parent__name",
            "units",
            "stage_counts",
            "overdue",
            "done_share",
            "weighted",
            "reports_submitted",
        )
    )
    snapshots = {s.region_id: s for s in snapshots}
    runs = {
        r.county_id: r
        for r in RollupRun.objects.filter(county_id__in=snapshots, day=day).only(
            "id", "county_id", "ranking"
        )
    }
    ranked = rank_regions(
        [
            RankRow(
                region_id=pk,
                code=snap.region.code,
                name=snap.region.name,
                units=snap.units,
                done_share=snap.done_share,
                weighted=snap.weighted,
                submitted=snap.reports_submitted >= _townships(runs.get(pk), Region.Kind.COUNTY),
            )
            for pk, snap in snapshots.items()
        ]
    )
    return [
        {
            "region_id": r.region_id,
            "code": r.code,
            "name": r.name,
            "city": snapshots[r.region_id].region.parent.name,
            "rank": r.rank,
            "units": r.units,
            "done": snapshots[r.region_id].stage_counts.get("done", 0),
            "done_share": round(r.done_share, 4),
            "weighted": round(r.weighted, 4),
            "overdue": snapshots[r.region_id].overdue,
            "townships": _townships(runs.get(r.region_id), Region.Kind.COUNTY),
            "reports_submitted": snapshots[r.region_id].reports_submitted,
        }
        for r in ranked
    ]


def _missing_row(county: Region, reason: str) -> dict:
    return {"region_id": county.pk, "code": county.code, "name": county.name, "reason": reason}


def _townships(run, part_kind) -> int:
    """How many townships report under a part: a county's ranking lists each of them; a
    city's ranking rows carry the count of their county."""
    if run is None:
        return 0
    if part_kind == Region.Kind.COUNTY:
        return len(run.ranking)
    return sum(row.get("townships", 0) for row in run.ranking)


def _warning(missing: list[dict]) -> str | None:
    if not missing:
        return None
    names = "、".join(m["name"] for m in missing)
    return f"（数据不完整：{names}当日日统计未生成或需重新生成，以下数字不含其数据。）"


def _report_lines(ranking: list[dict], part_kind) -> list[str]:
    behind = [r for r in sorted(ranking, key=lambda r: r["code"]) if r["laggards"]]
    if not behind:
        return ["各区县所辖乡镇(街道)均已报送日报。"]
    parts = []
    for row in behind:
        n = row["townships"] - row["reports_submitted"]
        if part_kind == Region.Kind.COUNTY:
            parts.append(f"{row['name']}（{n} 个：{'、'.join(row['laggards'])}）")
        else:
            parts.append(f"{row['name']}（{n} 个，涉及{'、'.join(row['laggards'])}）")
    return [f"有乡镇(街道)未报送日报的{PART_NAME[part_kind]}：{'；'.join(parts)}。"]


def ancestors_of(county_ids) -> list[Region]:
    """The cities and provinces above the counties, cities first (the order to build them)."""
    found: dict[int, Region] = {}
    level = set(
        Region.objects.filter(pk__in=county_ids)
        .exclude(parent=None)
        .values_list("parent_id", flat=True)
    )
    while level:
        regions = list(Region.objects.filter(pk__in=level - set(found)))
        found.update({r.pk: r for r in regions if r.is_above_county})
        level = {r.parent_id for r in regions if r.parent_id}
    order = {Region.Kind.CITY: 0, Region.Kind.PROVINCE: 1}
    return sorted(found.values(), key=lambda r: (order[r.kind], r.code))


def area_rollup_tree(*, region: Region, day: datetime.date, log=None) -> list[RollupRun]:
    """Rebuild a city, or a province and its cities first, for ``day`` (counties untouched)."""
    if not region.is_above_county:
        raise DomainError(f"{region.name}不是市或省级区域。")
    regions = [region]
    if region.kind == Region.Kind.PROVINCE:
        regions = list(parts_of(region).filter(kind=Region.Kind.CITY)) + regions
    return [area_rollup(region=r, day=day, log=log) for r in regions]


def area_rollup_above(*, county_ids, day: datetime.date, log=None) -> list[RollupRun]:
    """After counties' runs: their cities, then their provinces (a busy one is skipped)."""
    runs = []
    for region in ancestors_of(county_ids):
        try:
            runs.append(area_rollup(region=region, day=day, log=log))
        except RollupBusy:
            continue
    return runs
