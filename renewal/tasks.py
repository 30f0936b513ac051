"""Celery tasks: thin wrappers that load ids and call services."""

import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from renewal.models import ExportJob, Region


@shared_task(name="renewal.tasks.run_export")
def run_export(job_id: int) -> None:
    from renewal.exports import export_run

    export_run(job_id=job_id)


@shared_task(name="renewal.tasks.refresh_unit_stages")
def refresh_unit_stages() -> int:
    """Nightly safety net: re-derive every unit's stage (services keep it current too)."""
    from renewal.services import units_refresh_stages

    return sum(
        units_refresh_stages(county=county)
        for county in Region.objects.filter(kind=Region.Kind.COUNTY)
    )


@shared_task(name="renewal.tasks.purge_old_exports")
def purge_old_exports() -> int:
    from renewal.exports import export_dir

    cutoff = timezone.now() - datetime.timedelta(days=settings.EXPORT_RETENTION_DAYS)
    old = ExportJob.objects.filter(created_at__lt=cutoff)
    for job in old:
        if job.file_name:
            (export_dir() / job.file_name).unlink(missing_ok=True)
    return old.delete()[0]


@shared_task(
    name="renewal.tasks.nightly_rollup",
    acks_late=True,
    time_limit=settings.ROLLUP_TIME_LIMIT,
    soft_time_limit=settings.ROLLUP_TIME_LIMIT - 60,
)
def nightly_rollup(day: str | None = None, county_code: str | None = None) -> list[int]:
    """日报告日通报: roll up every county with an active round for the date (default today).

    Idempotent (upserts keyed by region and date); a county already being rolled up for
    that date by another worker is skipped, not run twice.
    """
    from renewal.models import Region as RegionModel
    from renewal.rollup import RollupBusy, rollup_run

    date = datetime.date.fromisoformat(day) if day else timezone.localdate()
    counties = RegionModel.objects.filter(kind=RegionModel.Kind.COUNTY, rounds__is_active=True)
    if county_code:
        counties = counties.filter(code=county_code)
    done = []
    for county in counties.order_by("code"):
        try:
            done.append(rollup_run(county=county, day=date).pk)
        except RollupBusy:
            continue
    return done
