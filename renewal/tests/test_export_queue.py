"""An export whose task cannot reach a worker fails in words the user can act on, and can
be started again; it never waits as 排队中 for ever."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from config.celery import app as celery_app
from renewal.kit.exports import QUEUE_DOWN, export_run, export_start
from renewal.models import AccessLog, ExportJob
from tests.celery_worker import reset_producers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_down():
    """Celery pointed at a port where nothing listens, as when Redis has stopped."""
    old = {
        "task_always_eager": celery_app.conf.task_always_eager,
        "broker_url": celery_app.conf.broker_url,
        "broker_connection_timeout": celery_app.conf.broker_connection_timeout,
        "task_publish_retry_policy": celery_app.conf.task_publish_retry_policy,
    }
    celery_app.conf.update(
        task_always_eager=False,
        broker_url="redis://127.0.0.1:1/0",
        broker_connection_timeout=1,
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.1},
    )
    reset_producers(celery_app)
    yield
    celery_app.conf.update(**old)
    reset_producers(celery_app)


def test_an_export_that_cannot_be_queued_fails_and_is_retried(client, world, personas, broker_down):
    staff = personas["staff_a"]
    with transaction.atomic():
        job = export_start(user=staff, params={})
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and job.error == QUEUE_DOWN

    client.force_login(staff)
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert QUEUE_DOWN.split("，")[0] in page and "重新导出" in page
    assert "hx-trigger" not in page  # nothing left to poll

    celery_app.conf.update(task_always_eager=True)  # the service is back
    response = client.post(f"/exports/{job.pk}/retry/", follow=True)
    assert "已重新提交导出" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.error == "" and job.done_rows > 0
    assert AccessLog.objects.filter(user=staff, action=AccessLog.Action.EXPORT).count() == 1


def test_a_job_no_worker_takes_is_shown_failed_with_a_retry(client, world, personas, settings):
    settings.EXPORT_QUEUE_TIMEOUT_MINUTES = 10
    staff = personas["staff_a"]
    job = ExportJob.objects.create(user=staff, params={})
    client.force_login(staff)
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert "排队中" in page and "hx-trigger" in page and "重新导出" not in page

    ExportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert "排队超过 10 分钟仍未开始" in page and "重新导出" in page
    assert "hx-trigger" not in page

    client.post(f"/exports/{job.pk}/retry/")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE


def test_a_running_or_finished_export_is_not_started_twice(client, world, personas):
    staff = personas["staff_a"]
    job = ExportJob.objects.create(user=staff, params={}, status=ExportJob.Status.RUNNING)
    client.force_login(staff)
    response = client.post(f"/exports/{job.pk}/retry/", follow=True)
    assert "该导出正在进行或已完成" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.RUNNING


def test_a_task_of_an_earlier_attempt_leaves_the_retried_job_alone(client, world, personas):
    """The first attempt's task still waits in the broker when the user retries; when a
    worker comes back to it, the retried job is not built a second time."""
    staff = personas["staff_a"]
    job = ExportJob.objects.create(
        user=staff, params={}, created_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    first_attempt = job.created_at.isoformat()
    client.force_login(staff)
    client.post(f"/exports/{job.pk}/retry/")  # runs the new attempt (tasks run in-process)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    export_run(job_id=job.pk, attempt=first_attempt)
    export_run(job_id=job.pk, attempt=job.created_at.isoformat())  # a redelivery, once done
    assert AccessLog.objects.filter(user=staff, action=AccessLog.Action.EXPORT).count() == 1


def test_a_redelivered_task_reruns_its_own_attempt(world, personas):
    """A worker died while building: its task comes back and finishes the same attempt."""
    job = ExportJob.objects.create(
        user=personas["staff_a"], params={}, status=ExportJob.Status.RUNNING
    )
    export_run(job_id=job.pk, attempt=job.created_at.isoformat())
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
