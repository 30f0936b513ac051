"""The administrators' security log page: both logs newest first, filters kept in the URL,
counts, paging, and the export to Excel; nobody else finds it."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils import timezone
from openpyxl import load_workbook

from renewal.kit import security_log
from renewal.kit.exports import export_dir, export_run
from renewal.models import AccessLog, ExportJob, SecurityEvent

pytestmark = pytest.mark.django_db


def at(days_ago, hour=10):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def logs(personas):
    staff = personas["staff_a"]
    events = [
        (SecurityEvent.Kind.LOGIN_FAILED, "staff_a", at(3)),
        (SecurityEvent.Kind.LOCKED_OUT, "staff_a", at(3, 11)),
        (SecurityEvent.Kind.LOGIN, "reviewer", at(1)),
    ]
    for kind, name, when in events:
        SecurityEvent.objects.create(kind=kind, username=name, at=when, ip="10.1.2.3")
    SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.UNLOCKED,
        username="staff_a",
        user=staff,
        actor=personas["admin"],
        at=at(2),
    )
    AccessLog.objects.create(
        user=staff, action=AccessLog.Action.UNMASK, target="候选人 张三", at=at(2, 9)
    )
    AccessLog.objects.create(
        user=staff, action=AccessLog.Action.EXPORT, target="村(社区)名册", row_count=12, at=at(0)
    )
    return personas


def admin_client(client, personas):
    client.force_login(get_user_model().objects.get(pk=personas["admin"].pk))
    # The administrator's own sign-in is logged too; left out of what the tests compare.
    SecurityEvent.objects.filter(username="admin", kind=SecurityEvent.Kind.LOGIN).delete()
    return client


def test_both_logs_newest_first_with_counts(client, logs):
    page = admin_client(client, logs).get("/security/events/")
    rows = [(r.kind, r.username) for r, _who, _text in page.context["rows"]]
    assert rows == [
        ("export", "staff_a"),
        ("login", "reviewer"),
        ("unlocked", "staff_a"),
        ("unmask", "staff_a"),
        ("locked_out", "staff_a"),
        ("login_failed", "staff_a"),
    ]
    html = page.content.decode()
    assert (
        "查看完整个人信息" in html and "账号锁定" in html and "操作人：周伟（系统管理员）" in html
    )
    assert "村(社区)名册；12 行" in html
    assert "登录失败：1 条" in html and "共 6 条" in html


def test_filters_are_kept_in_the_url(client, logs):
    c = admin_client(client, logs)
    since = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    until = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    page = c.get(f"/security/events/?username=staff&date_from={since}&date_to={until}")
    assert [r.kind for r, _who, _ in page.context["rows"]] == ["unlocked", "unmask"]
    page = c.get("/security/events/?kind=unmask")
    assert [r.kind for r, _who, _ in page.context["rows"]] == ["unmask"]
    page = c.get("/security/events/?kind=login_failed&username=reviewer")
    assert page.context["rows"] == []
    bad = c.get(f"/security/events/?date_from={until}&date_to={since}").content.decode()
    assert "起始日期不能晚于截止日期" in bad
    # The last day the calendar has: refused in words, never a 500 on the day after it.
    last = c.get("/security/events/?date_to=9999-12-31")
    assert last.status_code == 200 and "截止日期无效" in last.content.decode()
    assert "导出 Excel" not in last.content.decode()  # not an export of everything instead


def test_paging_keeps_the_filters(client, logs):
    SecurityEvent.objects.bulk_create(
        SecurityEvent(kind=SecurityEvent.Kind.LOGIN, username="staff_a", at=at(5, 8))
        for _ in range(120)
    )
    c = admin_client(client, logs)
    first = c.get("/security/events/?kind=login")
    assert first.context["page"].paginator.count == 121
    assert 'href="?kind=login&amp;page=2"' in first.content.decode()
    last = c.get("/security/events/?kind=login&page=3")
    assert len(last.context["rows"]) == 21


def test_the_export_writes_the_filtered_logs(client, logs, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    c = admin_client(client, logs)
    since = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    until = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    response = c.post("/security/events/export/", {"date_from": since, "date_to": until})
    job = ExportJob.objects.get(kind="security_log")
    assert response["Location"] == f"/exports/{job.pk}/"
    assert job.params == {"date_from": since, "date_to": until}
    export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.done_rows == 4
    sheet = load_workbook(export_dir() / job.file_name).active
    values = list(sheet.values)[1:]  # under the title row
    assert values[0] == ("时间", "事件", "账号", "IP 地址", "说明")
    assert [row[1] for row in values[1:]] == [
        "解除锁定",
        "查看完整个人信息",
        "账号锁定",
        "登录失败",
    ]
    logged = AccessLog.objects.get(action=AccessLog.Action.EXPORT, detail__kind="security_log")
    assert logged.user_id == logs["admin"].pk and logged.row_count == 4


def test_only_administrators_find_the_page(client, logs):
    for name in ("staff_a", "reviewer", "discipline", "dept"):
        client.force_login(get_user_model().objects.get(pk=logs[name].pk))
        assert client.get("/security/events/").status_code == 404
        assert client.post("/security/events/export/", {}).status_code == 404
    assert not ExportJob.objects.exists()
    superuser = get_user_model().objects.create_superuser("root", password="x-Root-2026")
    client.force_login(superuser)
    assert client.get("/security/events/").status_code == 200


def test_an_export_job_for_someone_else_refuses_to_run(logs, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    job = ExportJob.objects.create(user=logs["staff_a"], kind="security_log")
    with pytest.raises(Http404):
        export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED


def test_security_log_record_is_listed(client, logs):
    security_log.record(SecurityEvent.Kind.PASSWORD_CHANGED, user=logs["staff_b"])
    page = admin_client(client, logs).get("/security/events/?kind=password_changed")
    assert [r.username for r, _who, _ in page.context["rows"]] == ["staff_b"]
    # The account is shown by name and role, not by its login.
    assert [who for _r, who, _ in page.context["rows"]] == ["赵丽（乡镇(街道)工作人员）"]
