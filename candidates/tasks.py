"""Celery tasks for candidates: thin wrappers that load ids and call the import services."""

from celery import shared_task


@shared_task(name="candidates.tasks.check_import")
def check_import(job_id: int) -> None:
    from candidates.imports import import_check

    import_check(job_id=job_id)


@shared_task(name="candidates.tasks.run_import")
def run_import(job_id: int) -> None:
    from candidates.imports import import_run

    import_run(job_id=job_id)


@shared_task(name="candidates.tasks.purge_stale_imports")
def purge_stale_imports() -> int:
    from candidates.imports import purge_stale_imports as purge

    return purge()
