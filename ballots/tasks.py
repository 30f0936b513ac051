"""Celery tasks for ballots: thin wrappers that load ids and call the voter-import services."""

from celery import shared_task


@shared_task(name="ballots.tasks.check_voter_import")
def check_voter_import(job_id: int) -> None:
    from ballots.villagers.voter_import import import_check

    import_check(job_id=job_id)


@shared_task(name="ballots.tasks.run_voter_import")
def run_voter_import(job_id: int) -> None:
    from ballots.villagers.voter_import import import_run

    import_run(job_id=job_id)


@shared_task(name="ballots.tasks.purge_stale_voter_imports")
def purge_stale_voter_imports() -> int:
    from ballots.villagers.voter_import import purge_stale_imports

    return purge_stale_imports()
