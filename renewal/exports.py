"""Excel exports: streamed with openpyxl's write-only mode; formulas neutralised."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from openpyxl import Workbook

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that Excel would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def export_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_xlsx(path: Path, title: str, header: list[str], rows, *, on_progress=None, every=500):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title)
    ws.append(header)
    count = 0
    for row in rows:
        ws.append([safe_cell(v) for v in row])
        count += 1
        if on_progress and count % every == 0:
            on_progress(count)
    wb.save(path)
    return count


UNIT_HEADER = [
    "统计用区划代码",
    "名称",
    "类型",
    "乡镇/街道",
    "户籍人口",
    "户数",
    "村(居)民小组数",
    "重点难点村",
    "重点难点原因",
    "当前阶段",
    "党组织名称",
    "党组织类型",
    "有表决权党员数",
]


def unit_rows(units, stage_names):
    qs = units.select_related("township", "branch")
    for u in qs.iterator(chunk_size=2000):
        branch = getattr(u, "branch", None)
        yield [
            u.code,
            u.name,
            u.get_kind_display(),
            u.township.name,
            u.population,
            u.households,
            u.groups,
            "是" if u.is_key else "否",
            u.key_reasons,
            stage_names.get(u.stage, u.stage),
            branch.name if branch else "",
            branch.get_kind_display() if branch else "",
            branch.voting_members if branch else "",
        ]


@dataclass(frozen=True)
class Export:
    title: str
    header: list[str]
    rows: Iterable
    total: int
    target: str


# kind -> function(job) -> Export; the candidates app registers its roster here.
EXPORTERS: dict[str, Callable] = {}


def register_exporter(kind: str, builder: Callable) -> None:
    EXPORTERS[kind] = builder


def _params_querydict(params: dict):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, value in params.items():
        data[key] = value
    return data


def _units_export(job) -> Export:
    from renewal.selectors import filtered_units, stage_choices

    _form, units, _due = filtered_units(job.user, _params_querydict(job.params))
    county_ids = set(units.values_list("county_id", flat=True).distinct())
    names = dict(stage_choices(county_ids))
    return Export("村(社区)", UNIT_HEADER, unit_rows(units, names), units.count(), "村(社区)名册")


register_exporter("units", _units_export)


def export_start(*, user, params: dict, kind: str = "units"):
    """Queue an export of what the user sees under `params` (the list's filters)."""
    from django.db import transaction

    from renewal.models import ExportJob
    from renewal.tasks import run_export

    if kind not in EXPORTERS:
        raise ValueError(f"unknown export kind {kind}")
    job = ExportJob.objects.create(user=user, kind=kind, params=params)
    transaction.on_commit(lambda: run_export.delay(job.pk))
    return job


def export_run(*, job_id: int) -> None:
    """Build the file; progress is saved as it goes so the page can show it."""
    from django.utils import timezone

    from renewal.models import AccessLog, ExportJob

    job = ExportJob.objects.select_related("user").get(pk=job_id)
    if job.status == ExportJob.Status.DONE:
        return  # idempotent: a redelivered task does nothing
    job.status = ExportJob.Status.RUNNING
    job.save(update_fields=["status"])
    try:
        export = EXPORTERS[job.kind](job)
        job.total_rows = export.total
        job.save(update_fields=["total_rows"])
        file_name = f"{job.kind}-{job.pk}-{timezone.localtime():%Y%m%d%H%M%S}.xlsx"

        def progress(n):
            ExportJob.objects.filter(pk=job.pk).update(done_rows=n)

        count = write_xlsx(
            export_dir() / file_name,
            export.title,
            export.header,
            export.rows,
            on_progress=progress,
        )
        job.status, job.done_rows, job.file_name = ExportJob.Status.DONE, count, file_name
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "done_rows", "file_name", "finished_at"])
        AccessLog.objects.create(
            user=job.user,
            action=AccessLog.Action.EXPORT,
            target=export.target,
            detail={"filters": job.params, "job": job.pk, "kind": job.kind},
            row_count=count,
        )
    except Exception as exc:
        job.status, job.error = ExportJob.Status.FAILED, f"导出失败：{exc}"[:300]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
