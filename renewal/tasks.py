"""Celery tasks of the renewal core: thin wrappers that load ids and call services.

The worker discovers tasks through each app's ``tasks`` module; the kit's machines
(exports, uploads) define their tasks beside their services and are imported here.
"""

from celery import shared_task

from renewal.kit.exports import purge_old_exports_task, run_export
from renewal.kit.uploads import check_import, purge_stale_imports_task, run_import
from renewal.models import Region
from renewal.services import units_refresh_stages

__all__ = [
    "check_import",
    "purge_old_exports_task",
    "purge_stale_imports_task",
    "refresh_unit_stages",
    "run_export",
    "run_import",
]


@shared_task(name="renewal.tasks.refresh_unit_stages")
def refresh_unit_stages() -> int:
    """Nightly safety net: re-derive every unit's stage (services keep it current too)."""
    return sum(
        units_refresh_stages(county=county)
        for county in Region.objects.filter(kind=Region.Kind.COUNTY)
    )
