"""Celery tasks for discipline: thin wrappers."""

from celery import shared_task


@shared_task(name="discipline.tasks.purge_stale_ledger_uploads")
def purge_stale_ledger_uploads() -> int:
    from discipline.ledger.services import purge_stale_uploads

    return purge_stale_uploads()
