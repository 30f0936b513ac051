"""日报告日通报: the nightly roll-up of a county for a date, its ranking and its notice.

``rollup_run(county=…, day=…)`` derives every unit's stage as of the end of the day,
sums every registered unit figure (``renewal.figures``), the townships' daily reports
and the structure of the newly elected committees, per township and for the county,
and writes one ``RollupSnapshot`` per region and date plus the county's ``RollupRun``
(ranking, laggards, the notice text). Everything is written in one transaction with
upserts keyed by (region, date), so running it twice gives the same rows, and every
fact is read "as of the end of the day", so any past date can be rebuilt.

The nightly job runs ``rollup_counties(counties, day)``: the same run, set-based, for a
batch of counties at once: each figure, stage check and fact is read in one query for all
of their units (``renewal.kit.figures.Counties``), then each county's rows are written as
its own run would write them. ``rollup_run`` is that run over one county.

A PostgreSQL advisory lock keyed by (county, date) makes a second run of the same
county and date that starts while one is under way give up at once (``RollupBusy``; in
a batch, that county is left out).

Ranking rule (also printed under every notice): townships with at least one unit are
ranked by the share of their units at ``done`` (highest first), then by the weighted
progress (the mean position of their units along the enabled stages, ``done`` = 100%).
Townships equal on both (to 0.1 percentage point) share a rank and the next rank is
skipped (1, 1, 3); within a rank they are listed by division code.
"""

import datetime
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from ballots.villagers import schedule as villagers_schedule
from renewal import progress
from renewal.kit import figures
from renewal.kit.dates import chinese_date
from renewal.models import (
    COMMITTEES,
    STAGE_NAMES,
    DailyReport,
    DomainError,
    Region,
    RenewalRound,
    RollupRun,
    RollupSettings,
    RollupSnapshot,
    Stage,
    Term,
    TermMember,
    Unit,
)
from renewal.rollup import structure
from renewal.selectors import active_round

LOCK_NAMESPACE = 0x7011  # high bits of the advisory lock key, so it is ours alone
REPORT_FIELDS = [code for code, _ in DailyReport.FIGURES]
REPORT_LABELS = dict(DailyReport.FIGURES)
log_error = logging.getLogger(__name__)


def tie_rule(parts: str) -> str:
    """The ranking rule as printed under a notice whose rows are ``parts`` (乡镇(街道), 区县 …)."""
    return (
        "排名规则：按已完成换届的村(社区)占比从高到低排序，占比相同的按加权进度"
        "（各村所处阶段在时间表中的位置，全部完成计 100%）从高到低排序；两项均相同的并列同一名次"
        f"（其后名次顺延），并列的按区划代码先后列出。没有村(社区)的{parts}不参加排名。"
    )


TIE_RULE = tie_rule("乡镇(街道)")


class RollupBusy(DomainError):
    """Another roll-up of the same county and date is running."""


def rollup_settings(county_id: int, day: datetime.date):
    return _or_default(RollupSettings.in_force(county_id=county_id, day=day))


def _or_default(row):
    return row or RollupSettings(daily_report_deadline=datetime.time(18, 0), source="系统默认")


# --- Ranking (pure) ------------------------------------------------------------------------


@dataclass
class RankRow:
    region_id: int
    code: str
    name: str
    units: int
    done_share: float
    weighted: float
    submitted: bool = False
    late: bool = False
    rank: int | None = None


def rank_regions(rows: list[RankRow]) -> list[RankRow]:
    """Sort and rank (see the module docstring); regions without units get no rank.

    The same rule ranks a county's townships, a city's counties and a province's cities."""
    ranked = [r for r in rows if r.units > 0]

    def key(r):
        return (-round(r.done_share, 3), -round(r.weighted, 3))

    ranked.sort(key=lambda r: (*key(r), r.code))
    previous = None
    for position, row in enumerate(ranked, start=1):
        if previous is not None and key(previous) == key(row):
            row.rank = previous.rank
        else:
            row.rank = position
        previous = row
    unranked = sorted((r for r in rows if r.units == 0), key=lambda r: r.code)
    return ranked + unranked


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def notice_text(
    *,
    county_name: str,
    day: datetime.date,
    ranking: list[dict],
    county: dict,
    figure_labels: dict[str, str],
    laggards: list[str],
    late: list[str],
    whole: str = "全县",
    report_lines: list[str] | None = None,
    rule: str = TIE_RULE,
    warning: str | None = None,
) -> str:
    """The message pasted into the work group chat (plain text, Chinese).

    A county's notice ranks its townships; a city's or a province's (``whole`` 全市 / 全省)
    ranks the regions below it and gives its own lines on reporting (``report_lines``)."""
    units = county["units"]
    stage_counts = county["stage_counts"]
    done = stage_counts.get("done", 0)
    lines = [
        f"【{county_name}村(社区)“两委”换届工作日通报】",
        chinese_date(day),
        *([warning] if warning else []),
        "",
        f"截至当日，{whole}共 {units} 个村(社区)，已完成换届 {done} 个（{percent(county['done_share'])}），"
        f"加权进度 {percent(county['weighted'])}；逾期（本阶段任务或选举法定时间节点未按期完成）的 "
        f"{county['overdue']} 个。",
    ]
    in_progress = [
        f"{STAGE_NAMES.get(code, code)} {n} 个"
        for code, n in stage_counts.items()
        if code != "done" and n
    ]
    if in_progress:
        lines.append("所处阶段：" + "，".join(in_progress) + "。")
    lines += ["", "一、进度排名"]
    for row in ranking:
        if row["rank"] is None:
            continue
        lines.append(
            f"{row['rank']}. {row['name']}：完成 {percent(row['done_share'])}"
            f"（{row['done']}/{row['units']}），加权进度 {percent(row['weighted'])}"
        )
    lines += ["", "二、主要数据"]
    figure_parts = [
        f"{label} {county['figures'].get(code, 0)}" for code, label in figure_labels.items()
    ]
    lines.append("；".join(figure_parts) + "。" if figure_parts else "暂无登记数据。")
    report_parts = [
        f"{REPORT_LABELS[code]} {county['report'].get(code, 0)}" for code in REPORT_FIELDS
    ]
    lines.append("乡镇日报：" + "；".join(report_parts) + "。")
    lines += ["", "三、日报报送情况"]
    if report_lines is not None:
        lines += report_lines
    elif laggards:
        lines.append(f"未报送日报的乡镇(街道)（{len(laggards)} 个）：{'、'.join(laggards)}。")
    else:
        lines.append("各乡镇(街道)均已报送日报。")
    if late:
        lines.append(f"逾时报送：{'、'.join(late)}。")
    lines += ["", rule]
    return "\n".join(lines)


# --- The job -------------------------------------------------------------------------------


@dataclass
class _Totals:
    units: int = 0
    stage_counts: dict = field(default_factory=dict)
    overdue: int = 0
    overdue_by_stage: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)
    report: dict = field(default_factory=dict)
    reports_submitted: int = 0
    position_sum: float = 0.0

    def add_unit(self, stage: str, position: float, overdue: bool) -> None:
        self.units += 1
        self.stage_counts[stage] = self.stage_counts.get(stage, 0) + 1
        self.position_sum += position
        if overdue:
            self.overdue += 1
            self.overdue_by_stage[stage] = self.overdue_by_stage.get(stage, 0) + 1

    @property
    def done_share(self) -> float:
        return self.stage_counts.get("done", 0) / self.units if self.units else 0.0

    @property
    def weighted(self) -> float:
        return self.position_sum / self.units if self.units else 0.0


def _lock_key(region_id: int, day: datetime.date) -> int:
    return (LOCK_NAMESPACE << 44) | (region_id << 24) | day.toordinal()


def _lock(county_id: int, day: datetime.date) -> bool:
    key = _lock_key(county_id, day)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
        return cursor.fetchone()[0]


def round_for(county: Region) -> RenewalRound:
    rnd = active_round(county.pk)
    if rnd is None:
        raise _no_round(county)
    return rnd


def _load_terms(scope: figures.Counties, day: datetime.date):
    """Each county's terms of its round elected by ``day`` and each one's previous term, as
    TermFacts: ``({county_id: current}, {county_id: previous})``.

    Filtered by joins on the counties rather than by lists of ids: at province scale the
    lists would cost more to send than the rows they select.
    """
    # The round's latest committee of each unit and body (a by-election replaces it);
    # the previous term is the latest one from before the round's first election.
    latest: dict[tuple[int, str], tuple] = {}
    first_elected: dict[tuple[int, str], datetime.date] = {}
    county_of: dict[int, int] = {}
    # The structure figures are those of the two committees (两委); the supervision
    # committee's members are counted on their own (ballots.villagers.selectors).
    rows = Term.objects.filter(
        figures.units_q(scope, None), elected_on__lte=day, body__in=COMMITTEES
    ).values_list("id", "unit_id", "body", "elected_on", "unit__county_id")
    for *row, county_id in rows:
        key = (row[1], row[2])
        county_of[row[1]] = county_id
        if key not in latest or row[3] > latest[key][3]:
            latest[key] = tuple(row)
        first_elected[key] = min(row[3], first_elected.get(key, row[3]))
    current = list(latest.values())
    previous = [
        row
        for row in Term.objects.filter(
            unit__county_id__in=scope.county_ids, elected_on__lte=day, body__in=COMMITTEES
        )
        .exclude(figures.units_q(scope, None))
        .order_by("unit_id", "body", "-elected_on")
        .distinct("unit_id", "body")
        .values_list("id", "unit_id", "body", "elected_on")
        if (row[1], row[2]) in first_elected and row[3] < first_elected[(row[1], row[2])]
    ]
    wanted = {row[0] for row in current + previous}
    members: dict[int, list[structure.Member]] = {}
    fields = (
        "term_id",
        "person_id",
        "post",
        "person__sex",
        "person__birth_date",
        "person__education",
        "person__tags",
    )
    member_rows = TermMember.objects.filter(
        term__unit__county_id__in=scope.county_ids, term__elected_on__lte=day
    ).values_list(*fields)
    for term_id, person_id, post, sex, born, education, tags in member_rows.iterator(
        chunk_size=20000
    ):
        if term_id in wanted:
            members.setdefault(term_id, []).append(
                structure.Member(person_id, sex, born, education, post, tuple(tags or ()))
            )

    def facts(rows):
        found: dict[int, list] = {county_id: [] for county_id in scope.county_ids}
        for term_id, unit_id, body, elected_on in rows:
            found[county_of[unit_id]].append(
                structure.TermFacts(unit_id, body, elected_on, tuple(members.get(term_id, ())))
            )
        return found

    return facts(current), facts(previous)


def rollup_run(
    *, county: Region, day: datetime.date, log: Callable[[str], None] | None = None
) -> RollupRun:
    """Roll up one county for one date (idempotent; see the module docstring): the
    set-based run of ``rollup_counties`` over this one county."""
    _check_day(day)
    if not county.is_county:
        raise DomainError("日通报按区县生成。")
    rnd = round_for(county)
    with transaction.atomic():
        if not _locks([county.pk], day):
            raise _busy(county, day)
        return _run_counties([(county, rnd)], day, log or (lambda message: None))[county.pk]


@dataclass
class Outcome:
    """What ``rollup_counties`` did: the runs written, the counties another worker was
    rolling up (skipped), and those that failed with their error."""

    runs: list[RollupRun] = field(default_factory=list)
    busy: list[Region] = field(default_factory=list)
    failed: list[tuple[Region, Exception]] = field(default_factory=list)


def rollup_counties(
    counties, day: datetime.date, *, log: Callable[[str], None] | None = None
) -> Outcome:
    """Roll up many counties for one date, set-based: each figure, stage check and fact is
    read in one query for a whole batch of counties (ROLLUP_BATCH_UNITS units at most),
    then every county's run and snapshots are written as ``rollup_run`` writes one.

    A batch is one transaction holding each county's advisory lock: a county locked by
    another worker is left out (``busy``), not run twice. When the batch fails, its
    counties are run again one by one, each in its own transaction, so a failing county
    is named (``failed``) without stopping the others.
    """
    say = log or (lambda message: None)
    outcome = Outcome()
    counties = sorted(counties, key=lambda c: c.code)
    try:
        _check_day(day)
    except DomainError as exc:
        outcome.failed = [(county, exc) for county in counties]
        return outcome
    rounds = {
        r.county_id: r
        for r in RenewalRound.objects.filter(county_id__in=[c.pk for c in counties], is_active=True)
    }
    pairs = []
    for county in counties:
        if not county.is_county:
            outcome.failed.append((county, DomainError("日通报按区县生成。")))
        elif county.pk not in rounds:
            outcome.failed.append((county, _no_round(county)))
        else:
            pairs.append((county, rounds[county.pk]))
    for batch in _batches(pairs):
        try:
            with transaction.atomic():
                free = _locks([county.pk for county, _ in batch], day)
                found = _run_counties([p for p in batch if p[0].pk in free], day, say)
            # Counted once committed: a batch that fails at its commit is run again below.
            outcome.busy += [county for county, _ in batch if county.pk not in free]
            outcome.runs += found.values()
        except SoftTimeLimitExceeded:
            raise  # out of time: no county-by-county retry of the whole batch
        except Exception:
            log_error.exception("set-based roll-up of %d counties failed", len(batch))
            say(f"  {len(batch)} 个区县合并汇总失败，逐县重新生成")
            for county, _rnd in batch:
                outcome.busy = [c for c in outcome.busy if c.pk != county.pk]
                try:
                    outcome.runs.append(rollup_run(county=county, day=day, log=log))
                except RollupBusy:
                    outcome.busy.append(county)
                except Exception as exc:
                    log_error.exception("roll-up of %s for %s failed", county.code, day)
                    outcome.failed.append((county, exc))
    return outcome


def _check_day(day: datetime.date) -> None:
    if day > timezone.localdate():
        raise DomainError("不能生成今天以后日期的通报。")


def _busy(county: Region, day: datetime.date) -> RollupBusy:
    return RollupBusy(f"{county.name} {day:%Y-%m-%d} 的日通报正在生成，请稍后再试。")


def _no_round(county: Region) -> DomainError:
    return DomainError(f"{county.name}没有进行中的换届轮次，无法生成日通报。")


def _batches(pairs: list) -> list[list]:
    """Consecutive counties, ROLLUP_BATCH_UNITS units at most a batch (a county alone when
    it has more), so memory stays bounded at province scale."""
    sizes = dict(
        Unit.objects.filter(county_id__in=[county.pk for county, _ in pairs])
        .values("county_id")
        .annotate(n=Count("id"))
        .values_list("county_id", "n")
    )
    batches, current, units = [], [], 0
    for pair in pairs:
        n = sizes.get(pair[0].pk, 0)
        if current and units + n > settings.ROLLUP_BATCH_UNITS:
            batches.append(current)
            current, units = [], 0
        current.append(pair)
        units += n
    return [*batches, current] if current else batches


def _locks(county_ids: list[int], day: datetime.date) -> set[int]:
    """Take each county's advisory lock for the transaction (one query); the counties got."""
    if not county_ids:
        return set()
    keys = {_lock_key(pk, day): pk for pk in county_ids}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT k, pg_try_advisory_xact_lock(k) FROM unnest(%s::bigint[]) WITH ORDINALITY"
            " AS t(k, n) ORDER BY n",
            [list(keys)],
        )
        return {keys[key] for key, got in cursor.fetchall() if got}


def _targets(row) -> structure.Targets:
    return structure.Targets(
        women_min=row.target_women_min,
        young_age=row.target_young_age,
        young_min=row.target_young_min,
        college_min=row.target_college_min,
    )


def _run_counties(pairs, day: datetime.date, say) -> dict[int, RollupRun]:
    """The roll-up of (county, active round) pairs whose locks are held, in the caller's
    transaction: every fact read once for all of them, each county's run written."""
    if not pairs:
        return {}
    started = time.monotonic()
    scope = figures.Counties(tuple(rnd for _, rnd in pairs))
    county_ids = scope.county_ids
    townships: dict[int, list] = {pk: [] for pk in county_ids}
    for tid, county_id, code, name in (
        Region.objects.filter(parent_id__in=county_ids)
        .order_by("code")
        .values_list("id", "parent_id", "code", "name")
    ):
        townships[county_id].append((tid, code, name))
    units: dict[int, list[tuple[int, int]]] = {pk: [] for pk in county_ids}
    stored, county_of = {}, {}
    for unit_id, county_id, township_id, stage in Unit.objects.filter(
        county_id__in=county_ids
    ).values_list("id", "county_id", "township_id", "stage"):
        units[county_id].append((unit_id, township_id))
        stored[unit_id] = stage
        county_of[unit_id] = county_id
    for county, _rnd in pairs:
        say(
            f"{county.name} {day:%Y-%m-%d}：{len(townships[county.pk])} 个乡镇(街道)，"
            f"{len(units[county.pk])} 个村(社区)"
        )

    codes_of = progress.enabled_codes_by_round(scope.rounds)
    due: dict[int, dict] = {rnd.pk: {} for rnd in scope.rounds}
    for round_id, code, due_date in Stage.objects.filter(
        round_id__in=scope.round_ids, enabled=True, due_date__isnull=False
    ).values_list("round_id", "code", "due_date"):
        due[round_id][code] = due_date
    every_code = list(dict.fromkeys(code for codes in codes_of.values() for code in codes))
    done = progress.stage_completion(scope, None, day, every_code)
    # A unit is overdue for its stage's due date, and also for a legal deadline of its
    # villagers' election schedule missed by ``day`` (选民名单 not published in time …).
    late_schedules = villagers_schedule.overdue_units(scope, day)
    say("  阶段已推算")

    counted = {
        figure.code: (figure.label, figure.count(scope, None, day))
        for figure in figures.unit_figures()
    }
    labels = {code: label for code, (label, _) in counted.items()}
    say(f"  {len(labels)} 项登记数据已汇总")
    reports: dict[int, dict] = {pk: {} for pk in county_ids}
    for row in DailyReport.objects.filter(township__parent_id__in=county_ids, day=day).values(
        "township_id", "township__parent_id", "is_late", *REPORT_FIELDS
    ):
        reports[row.pop("township__parent_id")][row["township_id"]] = row
    current, previous = _load_terms(scope, day)
    settings_of = RollupSettings.in_force_by_county(county_ids=county_ids, day=day)

    stages: dict[int, str] = {}
    plans = []
    for county, rnd in pairs:
        codes = codes_of[rnd.pk]
        for unit_id, _township in units[county.pk]:
            completed = {code for code in codes if unit_id in done.get(code, ())}
            stages[unit_id] = progress.derive_stage(completed, codes)
        plans.append(
            _county_rollup(
                county,
                rnd,
                day,
                townships=townships[county.pk],
                units=units[county.pk],
                stages=stages,
                codes=codes,
                due=due[rnd.pk],
                late_schedules=late_schedules,
                counted=counted,
                labels=labels,
                reports=reports[county.pk],
                current=current[county.pk],
                previous=previous[county.pk],
                targets=_targets(_or_default(settings_of[county.pk])),
            )
        )
    if day == timezone.localdate():
        _store_current_stages(stages, stored)

    runs = [plan[0] for plan in plans]
    RollupRun.objects.bulk_create(
        runs,
        update_conflicts=True,
        unique_fields=["county", "day"],
        update_fields=[
            "round",
            "ran_at",
            "duration_ms",
            "ranking",
            "figure_labels",
            "laggards",
            "late",
            "notice_text",
        ],
    )
    snapshots = []
    for run, made in plans:
        for snapshot in made:
            snapshot.run = run
            snapshots.append(snapshot)
    RollupSnapshot.objects.bulk_create(
        snapshots,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["region", "day"],
        update_fields=SNAPSHOT_FIELDS,
    )
    RollupSnapshot.objects.filter(run__in=[run.pk for run in runs]).exclude(
        region_id__in=[s.region_id for s in snapshots]
    ).delete()
    duration_ms = int((time.monotonic() - started) * 1000)
    RollupRun.objects.filter(pk__in=[run.pk for run in runs]).update(duration_ms=duration_ms)
    by_county = {}
    for run, made in plans:
        run.duration_ms = duration_ms
        by_county[run.county_id] = run
        say(f"  {run.county.name}完成：{len(made)} 份快照，用时 {duration_ms / 1000:.1f} 秒")
    return by_county


def _county_rollup(
    county,
    rnd,
    day,
    *,
    townships,
    units,
    stages,
    codes,
    due,
    late_schedules,
    counted,
    labels,
    reports,
    current,
    previous,
    targets,
):
    """One county's run (unsaved) and snapshots from the facts read for its batch."""
    per_township = {tid: _Totals() for tid, _, _ in townships}
    total = _Totals()
    township_of = dict(units)
    for unit_id, township_id in units:
        stage = stages[unit_id]
        position = progress.stage_position(stage, codes)
        overdue = (stage != "done" and stage in due and due[stage] < day) or (
            unit_id in late_schedules
        )
        per_township[township_id].add_unit(stage, position, overdue)
        total.add_unit(stage, position, overdue)

    for code, (_label, counts) in counted.items():
        for totals in [*per_township.values(), total]:
            totals.figures[code] = 0
        for unit_id, n in counts.items():
            if unit_id in township_of:
                per_township[township_of[unit_id]].figures[code] += n
                total.figures[code] += n

    for totals in [*per_township.values(), total]:
        totals.report = dict.fromkeys(REPORT_FIELDS, 0)
    for township_id, row in reports.items():
        per_township[township_id].reports_submitted = 1
        for code in REPORT_FIELDS:
            per_township[township_id].report[code] = row[code]
            total.report[code] += row[code]
    total.reports_submitted = len(reports)

    current_by, previous_by = (
        _by_township(current, township_of),
        _by_township(previous, township_of),
    )
    structures = {
        tid: structure.structure_summary(terms, previous_by.get(tid, []), targets)
        for tid, terms in current_by.items()
    }
    empty = structure.structure_summary([], [], targets)
    county_structure = structure.structure_summary(current, previous, targets)

    rows = rank_regions(
        [
            RankRow(
                region_id=tid,
                code=code,
                name=name,
                units=per_township[tid].units,
                done_share=per_township[tid].done_share,
                weighted=per_township[tid].weighted,
                submitted=tid in reports,
                late=bool(reports.get(tid, {}).get("is_late")),
            )
            for tid, code, name in townships
        ]
    )
    ranking = [
        {
            "region_id": r.region_id,
            "code": r.code,
            "name": r.name,
            "rank": r.rank,
            "units": r.units,
            "done": per_township[r.region_id].stage_counts.get("done", 0),
            "done_share": round(r.done_share, 4),
            "weighted": round(r.weighted, 4),
            "overdue": per_township[r.region_id].overdue,
            "submitted": r.submitted,
            "late": r.late,
        }
        for r in rows
    ]
    by_code = sorted(rows, key=lambda r: r.code)
    laggards = [r.name for r in by_code if not r.submitted]
    late = [r.name for r in by_code if r.late]
    county_row = {
        "units": total.units,
        "stage_counts": _ordered(total.stage_counts, codes),
        "done_share": total.done_share,
        "weighted": total.weighted,
        "overdue": total.overdue,
        "figures": total.figures,
        "report": total.report,
    }
    text = notice_text(
        county_name=county.name,
        day=day,
        ranking=ranking,
        county=county_row,
        figure_labels=labels,
        laggards=laggards,
        late=late,
    )
    run = RollupRun(
        county=county,
        day=day,
        round=rnd,
        ran_at=timezone.now(),
        duration_ms=0,
        ranking=ranking,
        figure_labels=dict(labels),
        laggards=laggards,
        late=late,
        notice_text=text,
    )
    ranks = {r.region_id: r.rank for r in rows}
    snapshots = [
        _snapshot(
            run, county, tid, per_township[tid], codes, structures.get(tid, empty), ranks[tid]
        )
        for tid, _, _ in townships
    ] + [_snapshot(run, county, county.pk, total, codes, county_structure, None)]
    return run, snapshots


SNAPSHOT_FIELDS = [
    "county",
    "noncompliant",
    "run",
    "units",
    "stage_counts",
    "overdue",
    "overdue_by_stage",
    "figures",
    "report",
    "reports_submitted",
    "structure",
    "done_share",
    "weighted",
    "rank",
]


def _by_township(terms, township_of) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for term in terms:
        grouped.setdefault(township_of[term.unit_id], []).append(term)
    return grouped


def _ordered(counts: dict, codes: list[str]) -> dict:
    """Stage counts in timetable order, with zeros, so pages and charts line up."""
    ordered = {code: counts.get(code, 0) for code in [*codes, "done"]}
    for code, n in counts.items():  # a stage disabled after units reached it
        ordered.setdefault(code, n)
    return ordered


def _snapshot(run, county, region_id, totals: _Totals, codes, structure_data, rank):
    return RollupSnapshot(
        region_id=region_id,
        county=county,
        day=run.day,
        run=run,
        units=totals.units,
        stage_counts=_ordered(totals.stage_counts, codes),
        overdue=totals.overdue,
        overdue_by_stage=totals.overdue_by_stage,
        figures=totals.figures,
        report=totals.report,
        reports_submitted=totals.reports_submitted,
        structure={k: v for k, v in structure_data.items() if k != "noncompliant"},
        noncompliant=structure_data["noncompliant"],
        done_share=round(totals.done_share, 4),
        weighted=round(totals.weighted, 4),
        rank=rank,
    )


def _store_current_stages(stages: dict[int, str], stored: dict[int, str]) -> None:
    """Today's roll-up also brings each unit's stored stage up to date."""
    by_stage: dict[str, list[int]] = {}
    for pk, stage in stages.items():
        if stored.get(pk) != stage:
            by_stage.setdefault(stage, []).append(pk)
    for stage, pks in by_stage.items():
        for part in progress.chunks(pks):
            Unit.objects.filter(pk__in=part).update(stage=stage)


def rollup_all(*, day: datetime.date, county_code: str | None = None, log=None) -> list[RollupRun]:
    """Every county with an active round (or the one given), set-based (``rollup_counties``);
    a county that failed, or that another worker is rolling up, is raised once the others
    are written."""
    counties = Region.objects.filter(kind=Region.Kind.COUNTY, rounds__is_active=True)
    if county_code:
        counties = Region.objects.filter(kind=Region.Kind.COUNTY, code=county_code)
        if not counties.exists():
            raise DomainError(f"没有区划代码为 {county_code} 的区县。")
    outcome = rollup_counties(list(counties.order_by("code")), day, log=log)
    if outcome.failed:
        raise outcome.failed[0][1]
    if outcome.busy:
        raise _busy(outcome.busy[0], day)
    return outcome.runs


def scheduled_at(day: datetime.date) -> datetime.datetime:
    """When beat queues the nightly roll-up of ``day`` (ROLLUP_HOUR:ROLLUP_MINUTE, local)."""
    at = datetime.time(settings.ROLLUP_HOUR, settings.ROLLUP_MINUTE)
    return timezone.make_aware(datetime.datetime.combine(day, at))


def rollup_finished(county: Region, day: datetime.date) -> bool:
    """Whether the nightly roll-up of ``day`` has finished for the county (a notice made at or
    after the scheduled time)."""
    return RollupRun.objects.filter(county=county, day=day, ran_at__gte=scheduled_at(day)).exists()


def rollups_overdue(now: datetime.datetime | None = None) -> list[tuple[Region, datetime.date]]:
    """(county, date) pairs whose nightly roll-up did not finish: yesterday's always, today's
    once ROLLUP_CATCHUP_MINUTES have passed since the scheduled time.

    The roll-up writes everything in one transaction, so a run killed mid-way leaves no
    notice at all (missing); a notice generated earlier that day by hand and not replaced
    by the nightly run (stale: made before the scheduled time) is overdue as well.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    grace = datetime.timedelta(minutes=settings.ROLLUP_CATCHUP_MINUTES)
    days = [today - datetime.timedelta(days=1)]
    if now >= scheduled_at(today) + grace:
        days.append(today)
    counties = list(
        Region.objects.filter(kind=Region.Kind.COUNTY, rounds__is_active=True)
        .distinct()
        .order_by("code")
    )
    done = {
        (county_id, day)
        for county_id, day, ran_at in RollupRun.objects.filter(
            county__in=counties, day__in=days
        ).values_list("county_id", "day", "ran_at")
        if ran_at >= scheduled_at(day)
    }
    return [(c, d) for d in days for c in counties if (c.pk, d) not in done]


# --- Daily township reports ----------------------------------------------------------------


def report_deadline(county_id: int, day: datetime.date) -> datetime.datetime:
    """The moment a township's report of ``day`` is due (the county's setting that day)."""
    at = rollup_settings(county_id, day).daily_report_deadline
    return timezone.make_aware(datetime.datetime.combine(day, at))


def deadline_passed(county_id: int, day: datetime.date, now: datetime.datetime | None = None):
    return report_deadline(county_id, day) <= (now or timezone.now())


def last_closed_day(county_id: int, now: datetime.datetime | None = None) -> datetime.date:
    """The latest day whose report deadline has passed: today once the deadline is over,
    else yesterday (a deadline is a time of its own day)."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    while not deadline_passed(county_id, day, now):
        day -= datetime.timedelta(days=1)
    return day


def townships_not_reported(county: Region, day: datetime.date) -> list[str]:
    """The county's townships with no daily report of ``day`` yet, by division code."""
    return list(
        Region.objects.filter(parent=county)
        .exclude(daily_reports__day=day)
        .order_by("code")
        .values_list("name", flat=True)
    )


def daily_report_locked(township: Region, day: datetime.date) -> bool:
    """A day's reports are final once that day's notice has been generated."""
    return RollupRun.objects.filter(county_id=township.parent_id, day=day).exists()


@transaction.atomic
def daily_report_submit(
    *, actor, township: Region, day: datetime.date, now: datetime.datetime | None = None, **values
) -> DailyReport:
    """Submit or correct a township's report of a day.

    Reports can be submitted after the deadline (then marked late, and the mark stays
    when corrected later) and corrected until the roll-up of that date has run; after
    that the notice has gone out and the report is locked.
    """
    if township.is_county:
        raise DomainError("日报由乡镇(街道)报送。")
    now = now or timezone.now()
    if day > timezone.localdate(now):
        raise DomainError("不能报送今天以后日期的日报。")
    unknown = set(values) - set(REPORT_FIELDS) - {"note"}
    if unknown:
        raise DomainError(f"日报没有这些栏目：{'、'.join(sorted(unknown))}。")
    Region.objects.select_for_update().get(pk=township.pk)  # one submitter at a time
    if daily_report_locked(township, day):
        raise DomainError(f"{day:%Y-%m-%d} 的日通报已生成，当日日报已锁定，不能再报送或修改。")
    report = DailyReport.objects.filter(township=township, day=day).first()
    if report is None:
        deadline = report_deadline(township.parent_id, day)
        report = DailyReport(
            township=township,
            day=day,
            submitted_by=actor,
            submitted_at=now,
            deadline=deadline,
            is_late=now > deadline,
        )
    for name, value in values.items():
        setattr(report, name, value.strip() if name == "note" else value)
    report.updated_at = now
    report.full_clean()
    report.save()
    return report
