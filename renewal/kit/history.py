"""Reading the audit trail that django-pghistory writes, for people."""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from pghistory.models import Events

SENSITIVE = {"id_number", "phone", "id_number_hash", "phone_hash"}
LABELS = {"insert": "新增", "update": "修改", "delete": "删除"}


@dataclass
class Change:
    field: str
    before: object
    after: object


@dataclass
class Entry:
    at: object
    action: str
    model: str
    user: str
    url: str
    changes: list


def _verbose(model, field):
    try:
        return str(model._meta.get_field(field).verbose_name)
    except Exception:
        return field


def events_for(obj):
    """Every event of `obj` and of rows referencing it, newest first, as Entries."""
    events = list(Events.objects.references(obj).order_by("-pgh_created_at")[:500])
    user_ids = {e.pgh_context.get("user") for e in events if e.pgh_context}
    users = dict(
        get_user_model()
        .objects.filter(pk__in=[u for u in user_ids if u])
        .values_list("pk", "username")
    )
    entries = []
    for e in events:
        model = apps.get_model(e.pgh_obj_model)
        context = e.pgh_context or {}
        diff = e.pgh_diff or {}
        if e.pgh_label == "insert" or not diff:
            shown = {k: [None, v] for k, v in (e.pgh_data or {}).items() if k != "id"}
        else:
            shown = diff
        changes = [
            Change(
                field=_verbose(model, k),
                before="（已加密，不显示）" if k in SENSITIVE else before,
                after="（已加密，不显示）" if k in SENSITIVE else after,
            )
            for k, (before, after) in shown.items()
            if not k.startswith("pgh_")
        ]
        entries.append(
            Entry(
                at=e.pgh_created_at,
                action=LABELS.get(e.pgh_label, e.pgh_label),
                model=str(model._meta.verbose_name),
                user=users.get(context.get("user"), context.get("command", "系统")),
                url=context.get("url", ""),
                changes=changes,
            )
        )
    return entries
