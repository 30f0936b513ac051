"""Excel exports in the background: a registry of exporters, the job that runs one, the file.

An app registers a builder for its kind (``register_exporter``); the builder turns a job
(its user and the list's filters) into an ``Export``. The job streams the rows into an
xlsx (``renewal.kit.xlsx_stream``, the shared sheet format, formulas neutralised) and logs
the export.
"""

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from renewal.kit.dates import chinese_date
from renewal.kit.queueing import BROKER_DOWN
from renewal.kit.sheets import safe_cell as safe_cell  # formulas are neutralised there
from renewal.kit.xlsx_stream import StreamingWorkbook
from renewal.models import AccessLog, DomainError, ExportJob

log = logging.getLogger(__name__)


def export_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_xlsx(
    path: Path, export: "Export", *, title: str | None = None, on_progress=None, every=500
) -> int:
    """Stream ``export`` into a one-sheet workbook at ``path`` laid out by the shared sheet
    format (title row, frozen bold header, filter, fitted widths, A4 landscape print)."""
    with StreamingWorkbook(path) as wb:
        return wb.table_sheet(
            export.title,
            title=title or export.target,
            header=export.header,
            rows=export.rows,
            on_progress=on_progress,
            every=every,
        )


@dataclass(frozen=True)
class Export:
    title: str
    header: list[str]
    rows: Iterable
    total: int
    target: str


# kind -> function(job) -> Export; each app registers its rosters here.
EXPORTERS: dict[str, Callable] = {}


def register_exporter(kind: str, builder: Callable) -> None:
    EXPORTERS[kind] = builder


def params_querydict(params: dict) -> QueryDict:
    """A job's stored list filters, as the QueryDict the list's filter form reads."""
    data = QueryDict(mutable=True)
    for key, value in params.items():
        data[key] = value
    return data


def export_start(*, user, params: dict, kind: str = "units"):
    """Queue an export of what the user sees under `params` (the list's filters)."""
    if kind not in EXPORTERS:
        raise ValueError(f"unknown export kind {kind}")
    job = ExportJob.objects.create(user=user, kind=kind, params=params)
    transaction.on_commit(lambda: _queue(job))
    return job


QUEUE_DOWN = "后台任务服务暂时不可用，导出没有开始。请稍后点“重新导出”。"


def _queue(job: ExportJob) -> None:
    """Hand the job to a worker; with the broker unreachable it fails at once, in words the
    user can act on, instead of waiting in the queue for ever."""
    try:
        run_export.delay(job.pk, job.created_at.isoformat())
    except BROKER_DOWN as exc:
        log.warning("broker unreachable (%s), export %s not queued", type(exc).__name__, job.pk)
        ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.QUEUED).update(
            status=ExportJob.Status.FAILED, error=QUEUE_DOWN, finished_at=timezone.now()
        )
        job.refresh_from_db()


@transaction.atomic
def export_retry(job: ExportJob) -> ExportJob:
    """Start a failed export (or one no worker has taken) again, with the same filters.

    The retry is a new attempt (a new ``created_at``): a task of the earlier attempt still
    waiting in the broker finds the job no longer its own and does nothing."""
    job = ExportJob.objects.select_for_update().get(pk=job.pk)
    if not job.can_retry:
        raise DomainError("该导出正在进行或已完成，不需要重新导出。")
    job.status, job.error, job.done_rows, job.total_rows = ExportJob.Status.QUEUED, "", 0, 0
    job.created_at, job.finished_at = timezone.now(), None
    job.save(
        update_fields=["status", "error", "done_rows", "total_rows", "created_at", "finished_at"]
    )
    transaction.on_commit(lambda: _queue(job))
    return job


def export_run(*, job_id: int, attempt: str | None = None) -> None:
    """Build the file; progress is saved as it goes so the page can show it.

    The task claims its attempt (``attempt``: the job's ``created_at`` when it was queued):
    a done job, or one retried since, is left alone; a task redelivered after its worker
    died runs its own attempt again."""
    claim = ExportJob.objects.filter(
        pk=job_id, status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING]
    )
    if attempt is not None:
        claim = claim.filter(created_at=datetime.datetime.fromisoformat(attempt))
    if not claim.update(status=ExportJob.Status.RUNNING):
        return
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    try:
        export = EXPORTERS[job.kind](job)
        job.total_rows = export.total
        job.save(update_fields=["total_rows"])
        file_name = f"{job.kind}-{job.pk}-{timezone.localtime():%Y%m%d%H%M%S}.xlsx"

        def progress(n):
            ExportJob.objects.filter(pk=job.pk).update(done_rows=n)

        count = write_xlsx(
            export_dir() / file_name,
            export,
            title=f"{export.target}（{chinese_date(timezone.localdate())}导出）",
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


def purge_old_exports() -> int:
    """Delete export files and jobs older than EXPORT_RETENTION_DAYS."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.EXPORT_RETENTION_DAYS)
    old = ExportJob.objects.filter(created_at__lt=cutoff)
    for job in old:
        if job.file_name:
            (export_dir() / job.file_name).unlink(missing_ok=True)
    return old.delete()[0]


# The job row holds the outcome: no result is stored, so queueing never touches the result
# backend (with Redis gone, its reconnect loop would raise after the job was committed).
@shared_task(name="renewal.kit.exports.run_export", ignore_result=True)
def run_export(job_id: int, attempt: str | None = None) -> None:
    export_run(job_id=job_id, attempt=attempt)


@shared_task(name="renewal.kit.exports.purge_old_exports")
def purge_old_exports_task() -> int:
    return purge_old_exports()
