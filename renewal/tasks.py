"""Celery tasks: thin wrappers that load ids and call services."""

import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .models import ExportJob, Region


@shared_task(name="renewal.tasks.run_export")
def run_export(job_id: int) -> None:
    from .exports import export_run

    export_run(job_id=job_id)


@shared_task(name="renewal.tasks.refresh_unit_stages")
def refresh_unit_stages() -> int:
    """Nightly safety net: re-derive every unit's stage (services keep it current too)."""
    from .services import units_refresh_stages

    return sum(
        units_refresh_stages(county=county)
        for county in Region.objects.filter(kind=Region.Kind.COUNTY)
    )


@shared_task(name="renewal.tasks.purge_old_exports")
def purge_old_exports() -> int:
    from .exports import export_dir

    cutoff = timezone.now() - datetime.timedelta(days=settings.EXPORT_RETENTION_DAYS)
    old = ExportJob.objects.filter(created_at__lt=cutoff)
    for job in old:
        if job.file_name:
            (export_dir() / job.file_name).unlink(missing_ok=True)
    return old.delete()[0]
