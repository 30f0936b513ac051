"""A real Redis stopped and started again: the public report page, the receipt lookup and the
exports keep working, or fail in words the user can act on (tests/redis_server.py)."""

import re

import pytest
import redis

from config.celery import app as celery_app
from discipline.models import RateCounter, Report
from renewal.kit.exports import QUEUE_DOWN
from renewal.models import ExportJob
from tests.celery_worker import reset_producers

pytestmark = pytest.mark.django_db(transaction=True)


def _report(client, world, address="198.51.100.20"):
    data = {
        "county": world["county_a"].pk,
        "place": f"u{world['unit_a1'].pk}",
        "subject": "某村候选人",
        "content": "选举前挨家挨户送购物卡拉票。",
        "anonymous": "on",
    }
    return client.post("/report/", data, REMOTE_ADDR=address)


def _code(response) -> str:
    return re.search(r'id="receipt-code"[^>]*>([A-Z0-9-]+)<', response.content.decode()).group(1)


def test_reports_are_saved_and_limited_while_redis_is_down_and_after(
    client, world, redis_cache, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.DISCIPLINE_RATE_LIMITS = {"report": (2, 3600), "status": (2, 3600)}
    with redis_cache.down():
        first = _report(client, world)
        assert first.status_code == 200
        assert _report(client, world).status_code == 200
        assert _report(client, world).status_code == 429  # the limit holds, counted in PostgreSQL
        assert _report(client, world, "198.51.100.21").status_code == 200  # per client
        assert Report.objects.count() == 3
        assert RateCounter.objects.exists()
        # The receipt lookup answers while Redis is down, and is limited as well.
        found = client.post("/report/status/", {"code": _code(first)}, REMOTE_ADDR="192.0.2.9")
        assert found.status_code == 200 and "已受理" in found.content.decode()
        assert client.post("/report/status/", {"code": "X"}, REMOTE_ADDR="192.0.2.9").status_code
        limited = client.post("/report/status/", {"code": "X"}, REMOTE_ADDR="192.0.2.9")
        assert limited.status_code == 429
    # Redis is back (empty): the limits are counted there again.
    assert _report(client, world).status_code == 200
    assert _report(client, world).status_code == 200
    assert _report(client, world).status_code == 429
    assert Report.objects.count() == 5
    assert redis.Redis.from_url(redis_cache.url).keys("*rl:report*")


@pytest.fixture
def broker_on_test_redis(redis_server):
    """Celery's broker and result backend on the test's own Redis, tasks really queued."""
    old = {
        "task_always_eager": celery_app.conf.task_always_eager,
        "broker_url": celery_app.conf.broker_url,
        "result_backend": celery_app.conf.result_backend,
        "broker_connection_timeout": celery_app.conf.broker_connection_timeout,
        "task_publish_retry_policy": celery_app.conf.task_publish_retry_policy,
    }

    def reset():
        reset_producers(celery_app)
        celery_app._local.__dict__.pop("backend", None)

    celery_app.conf.update(
        task_always_eager=False,
        broker_url=redis_server.url,
        result_backend=redis_server.url,
        broker_connection_timeout=1,
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.1},
    )
    reset()
    yield redis_server
    celery_app.conf.update(**old)
    reset()


def test_an_export_not_queued_while_redis_is_down_fails_and_is_retried_after(
    client, world, personas, broker_on_test_redis
):
    staff = personas["staff_a"]
    client.force_login(staff)
    with broker_on_test_redis.down():
        response = client.post("/units/export/", {}, follow=True)
        assert response.status_code == 200
        job = ExportJob.objects.get(user=staff)
        assert job.status == ExportJob.Status.FAILED and job.error == QUEUE_DOWN
        assert "后台任务服务暂时不可用" in response.content.decode()
    response = client.post(f"/exports/{job.pk}/retry/", follow=True)
    assert "已重新提交导出" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.QUEUED and job.error == ""
    # The export waits in its own queue (config/settings.py CELERY_TASK_ROUTES).
    assert redis.Redis.from_url(broker_on_test_redis.url).llen("exports") == 1


def test_an_import_and_a_rollup_run_in_the_request_while_redis_is_down(
    client, world, personas, broker_on_test_redis, settings, tmp_path
):
    """Bounded work is done at once instead of waiting for a worker that cannot hear of it;
    the import's progress figure (kept in the cache) is a courtesy that a lost cache skips."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from candidates.models import Candidacy, ImportJob
    from candidates.tests.xlsx_helpers import build_xlsx, person_row
    from renewal.models import RollupRun

    settings.MEDIA_ROOT = str(tmp_path)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": broker_on_test_redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    rows = [person_row(world["unit_a1"].code, n) for n in (1, 2)]
    client.force_login(personas["staff_a"])
    with broker_on_test_redis.down():
        upload = SimpleUploadedFile("名单.xlsx", build_xlsx(rows))
        response = client.post("/candidates/import/", {"file": upload})
        job = ImportJob.objects.get()
        assert response.status_code == 302 and job.status == ImportJob.Status.PREVIEW
        assert client.get(f"/candidates/import/{job.pk}/").status_code == 200
        assert client.post(f"/candidates/import/{job.pk}/confirm/").status_code == 302
        job.refresh_from_db()
        assert job.status == ImportJob.Status.DONE, job.error
        assert Candidacy.objects.count() == 2

        client.force_login(personas["reviewer"])
        day = timezone.localdate()
        response = client.post(
            f"/rollup/{world['county_a'].pk}/run/",
            {"day": day.isoformat(), "confirmed": "1"},
            follow=True,
        )
        assert f"已生成 {day:%Y-%m-%d} 的日通报" in response.content.decode()
        assert RollupRun.objects.filter(county=world["county_a"], day=day).exists()


def test_a_long_list_counts_in_postgresql_while_redis_is_down(
    client, world, personas, redis_cache, settings
):
    from candidates.models import Candidacy
    from tests.factories import PersonFactory

    settings.PAGING_EXACT_COUNT_LIMIT = 2
    Candidacy.objects.bulk_create(
        Candidacy(
            round=world["round"],
            unit=world["unit_a1"],
            person=PersonFactory(),
            body="party",
            post="party_member",
            created_by=personas["staff_a"],
        )
        for _ in range(3)
    )
    client.force_login(personas["reviewer"])
    with redis_cache.down():
        body = client.get("/candidates/").content.decode()
    assert "共 约 3 人" in body
    body = client.get("/candidates/").content.decode()  # and from the cache once it is back
    assert "共 约 3 人" in body
