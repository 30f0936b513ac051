"""The administrators' view of the logs: sign-in and account events (SecurityEvent) and the
sensitive reads (AccessLog: full personal data shown, exports, downloads), one list newest
first, filtered by kind, login name and dates; and its export to Excel.
"""

import datetime

from django import forms
from django.db.models import CharField, Count, F, GenericIPAddressField, PositiveIntegerField, Value
from django.http import Http404
from django.utils import timezone

from renewal.kit import people
from renewal.kit.dates import end_of_day, start_of_day
from renewal.kit.exports import Export, params_querydict
from renewal.kit.forms import Form
from renewal.models import AccessLog, SecurityEvent

KIND_LABELS = dict(SecurityEvent.Kind.choices) | dict(AccessLog.Action.choices)
ACCESS_KINDS = set(AccessLog.Action.values)


def require_security_admin(user) -> None:
    """System administrators (the role, or a superuser) only; anyone else finds no page."""
    profile = getattr(user, "profile", None)
    if not (user.is_authenticated and (user.is_superuser or (profile and profile.role == "admin"))):
        raise Http404


class SecurityLogFilterForm(Form):
    kind = forms.ChoiceField(
        label="事件", required=False, choices=[("", "全部")] + list(KIND_LABELS.items())
    )
    username = forms.CharField(label="登录名", required=False, max_length=150)
    date_from = forms.DateField(label="起始日期", required=False)
    date_to = forms.DateField(label="截止日期", required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("起始日期不能晚于截止日期。")
        if end and end >= datetime.date.max:
            self.add_error("date_to", "截止日期无效。")
        return data


def _filtered(data: dict):
    """The two logs under the filters, each as the same columns (for one list and its union)."""
    events = SecurityEvent.objects.all()
    reads = AccessLog.objects.all()
    kind = data.get("kind")
    if kind:
        events = events.filter(kind=kind) if kind not in ACCESS_KINDS else events.none()
        reads = reads.filter(action=kind) if kind in ACCESS_KINDS else reads.none()
    if data.get("username"):
        events = events.filter(username__icontains=data["username"])
        reads = reads.filter(user__username__icontains=data["username"])
    if data.get("date_from"):
        start = start_of_day(data["date_from"])
        events, reads = events.filter(at__gte=start), reads.filter(at__gte=start)
    if data.get("date_to"):
        end = end_of_day(data["date_to"])
        events, reads = events.filter(at__lt=end), reads.filter(at__lt=end)
    return events, reads


def _rows(events, reads):
    events = events.values(
        "at",
        "kind",
        "username",
        "ip",
        "detail",
        actor_name=F("actor__username"),
        target=Value("", output_field=CharField()),
        rows=Value(None, output_field=PositiveIntegerField()),
    )
    reads = reads.values(
        "at",
        "detail",
        "target",
        kind=F("action"),
        username=F("user__username"),
        ip=Value(None, output_field=GenericIPAddressField()),
        actor_name=Value(None, output_field=CharField()),
        rows=F("row_count"),
    )
    # values() orders the columns by field first, then the annotations: name them all once
    # more in the same order on both sides, so that the union lines them up.
    columns = ["at", "kind", "username", "ip", "detail", "actor_name", "target", "rows"]
    return events.values_list(*columns, named=True).union(
        reads.values_list(*columns, named=True), all=True
    )


def security_log_rows(data: dict):
    """Both logs under the filters, newest first (a union query, paged in the database)."""
    events, reads = _filtered(data)
    return _rows(events, reads).order_by("-at")


def security_log_counts(data: dict) -> list[tuple[str, int]]:
    """How many events of each kind under the filters, most frequent first."""
    events, reads = _filtered(data)
    counts = {
        row["kind"]: row["n"] for row in events.values("kind").annotate(n=Count("id")).order_by()
    }
    for row in reads.values("action").annotate(n=Count("id")).order_by():
        counts[row["action"]] = row["n"]
    return sorted(
        ((KIND_LABELS.get(k, k), n) for k, n in counts.items()), key=lambda item: -item[1]
    )


def people_in(rows) -> dict[str, str]:
    """Name and role of each account the rows name by login, in one query."""
    return people.labels_by_login({r.username for r in rows} | {r.actor_name for r in rows})


def who(row, known: dict[str, str]) -> str:
    """The account by name and role; a login that is no account's (a mistyped or guessed
    one at the sign-in page) as it was typed."""
    return known.get(row.username, row.username or "")


def describe(row, known: dict[str, str]) -> str:
    """What happened, in words, from the row's detail."""
    detail = row.detail or {}
    parts = []
    if row.target:
        parts.append(row.target)
    if row.rows is not None:
        parts.append(f"{row.rows} 行")
    if row.actor_name:
        parts.append(f"操作人：{known.get(row.actor_name, row.actor_name)}")
    if detail.get("locked"):
        parts.append("账号或地址已锁定")
    if "failures" in detail:
        parts.append(f"连续失败 {detail['failures']} 次")
    if "idle_seconds" in detail:
        parts.append(f"未操作 {detail['idle_seconds'] // 60} 分钟")
    if detail.get("file"):
        parts.append(f"文件：{detail['file']}")
    return "；".join(parts)


HEADER = ["时间", "事件", "账号", "IP 地址", "说明"]


def export_row(row, known: dict[str, str]) -> list:
    return [
        timezone.localtime(row.at),  # a date cell, Beijing time
        KIND_LABELS.get(row.kind, row.kind),
        who(row, known),
        row.ip or "",
        describe(row, known),
    ]


def _export_rows(rows, chunk=2000):
    """The rows with their people, looked up once per chunk rather than per row."""
    batch = []
    for row in rows.iterator(chunk_size=chunk):
        batch.append(row)
        if len(batch) == chunk:
            yield from _said(batch)
            batch = []
    yield from _said(batch)


def _said(batch):
    known = people_in(batch)
    return (export_row(r, known) for r in batch)


def security_log_export(job) -> Export:
    """The export of the logs under the page's filters (administrators only)."""
    require_security_admin(job.user)
    form = SecurityLogFilterForm(params_querydict(job.params))
    data = form.cleaned_data if form.is_valid() else {}
    rows = security_log_rows(data)
    total = rows.count()
    return Export("安全日志", HEADER, _export_rows(rows), total, "安全日志")
