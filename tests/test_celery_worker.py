"""A real Celery worker, against Redis, runs a background export end to end."""

import time

import openpyxl
import pytest
from django.db import connection, transaction

from renewal.kit.exports import export_dir, export_start
from renewal.models import AccessLog, ExportJob

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_worker_runs_export(worker, world, personas):
    connection.close()  # the worker needs the data committed, not in our transaction
    with transaction.atomic():
        job = export_start(user=personas["reviewer"], params={"kind": "village"})
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
            break
        if worker.poll() is not None:
            pytest.fail("worker exited:\n" + worker.stdout.read())
        time.sleep(0.5)
    assert job.status == ExportJob.Status.DONE, job.error or "worker did not finish in 90 s"
    sheet = openpyxl.load_workbook(export_dir() / job.file_name).active
    codes = {row[0] for row in sheet.iter_rows(min_row=3, values_only=True)}  # below title, header
    assert codes == {world["unit_a1"].code, world["unit_b1"].code}  # villages of county A
    log = AccessLog.objects.get(user=personas["reviewer"])
    assert log.row_count == 2 and log.detail["filters"] == {"kind": "village"}
