"""Reading the audit trail that django-pghistory writes, for people.

Each event row holds the stored values of one row of one model: codes, ids, ISO dates,
ciphertext. The history page says them as the rest of the system does: the field by its
verbose_name, a choice by its label, a related row by its name, 是/否, a date in Chinese,
a time in Beijing time, an encrypted value not at all; who acted by name and role. The
events of one save (one request or one command: pghistory's context) make one entry.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from pghistory.models import Events

from renewal.kit import people
from renewal.kit.dates import chinese_date
from renewal.models.base import EncryptedTextField
from renewal.models.rounds import STAGE_NAMES

LABELS = {"insert": "新增", "update": "修改", "delete": "删除"}
MASKED = "（加密信息，不显示）"
EMPTY = "（空）"
LIMIT = 500
# Code columns whose names live in data rather than in the field's choices.
CODE_NAMES = {("renewal.Unit", "stage"): STAGE_NAMES}


@dataclass
class Change:
    field: str
    before: str | None  # None on an insert or a delete: there is only one value
    after: str


@dataclass
class Item:
    model: str
    action: str
    target: str
    changes: list[Change]


@dataclass
class Entry:
    at: datetime.datetime
    user: str
    items: list[Item] = field(default_factory=list)


def _field(model, key):
    """The model field an event column stands for; None for what is not one any more."""
    for name in (key, key.removesuffix("_id")):
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None


def _shown(f) -> bool:
    return not (
        f.primary_key
        or getattr(f, "auto_now", False)
        or getattr(f, "auto_now_add", False)
        or f.name.endswith("_hash")  # the lookup key of an encrypted value
    )


# Bookkeeping columns some models declare without a verbose_name.
COMMON_LABELS = {"created_at": "创建时间", "updated_at": "更新时间", "created_by": "创建人"}


def _label(f) -> str | None:
    """The field as the forms call it; None for a column that has no name for people."""
    label = str(f.verbose_name)
    if label != f.name.replace("_", " "):
        return label
    if f.name in COMMON_LABELS:
        return COMMON_LABELS[f.name]
    if f.is_relation:
        # A relation declared without a verbose_name: call it by what it points to.
        return str(f.related_model._meta.verbose_name)
    return None


def _pairs(event) -> dict:
    """Field key → (before, after); before is absent on an insert and a delete."""
    if event.pgh_label == "update" and event.pgh_diff:
        return {k: tuple(v) for k, v in event.pgh_diff.items()}
    return {k: (None, v) for k, v in (event.pgh_data or {}).items()}


def _date(value) -> str:
    d = parse_date(str(value))
    return chinese_date(d) if d else str(value)


def _datetime(value) -> str:
    moment = parse_datetime(str(value))
    if moment is None:
        return str(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return beijing(timezone.localtime(moment))


def beijing(moment) -> str:
    return f"{chinese_date(moment)} {moment:%H:%M:%S}"


def _say(f, value, names) -> str:
    """One stored value as the user knows it."""
    if isinstance(f, EncryptedTextField):
        return MASKED
    if value is None or value == "":
        return EMPTY
    if isinstance(f, models.BooleanField):
        return "是" if value else "否"
    if f.flatchoices:
        return str(dict(f.flatchoices).get(value, value))
    codes = CODE_NAMES.get((f.model._meta.label, f.name))
    if codes is not None:
        return codes.get(value, value)
    if f.is_relation:
        found = names[f.related_model].get(value)
        return found if found is not None else f"（已删除的{f.related_model._meta.verbose_name}）"
    if isinstance(f, models.DateTimeField):
        return _datetime(value)
    if isinstance(f, models.DateField):
        return _date(value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or EMPTY
    if isinstance(value, dict):
        return "（详细数据）"
    return str(value)


def _name(obj) -> str:
    if type(obj).__str__ is models.Model.__str__:
        # No name of its own ("Term object (14)"): the kind of row says enough.
        return str(obj._meta.verbose_name)
    return str(obj)


def _names(wanted) -> dict:
    """What each wanted row is called, one query per model; a user by name and role."""
    names = defaultdict(dict)
    user_model = get_user_model()
    for model, ids in wanted.items():
        if model is user_model:
            names[model] = people.labels_by_id(ids)
            continue
        # A row's name often reads its parents (a candidacy: the person, the unit): joined.
        parents = [f.name for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one]
        rows = model._default_manager.select_related(*parents).in_bulk(list(ids))
        for pk, obj in rows.items():
            names[model][pk] = _name(obj)
    return names


def _target(names, model, pk) -> str:
    """The changed row's name, unless it has none but its kind (shown already)."""
    name = names.get(int(pk), "") if pk else ""
    return "" if name == str(model._meta.verbose_name) else name


def events_for(obj) -> list[Entry]:
    """Every event of `obj` and of rows referencing it, newest first, one Entry per save."""
    events = list(Events.objects.references(obj).order_by("-pgh_created_at")[:LIMIT])
    users = people.labels_by_id({(e.pgh_context or {}).get("user") for e in events})
    wanted = defaultdict(set)
    rows = []
    for e in events:
        model = apps.get_model(e.pgh_obj_model)
        wanted[model].add(e.pgh_obj_id)
        pairs = []
        for key, (before, after) in _pairs(e).items():
            f = _field(model, key)
            if f is None or not _shown(f) or _label(f) is None or key.startswith("pgh_"):
                continue
            if f.is_relation and (f.many_to_one or f.one_to_one):
                wanted[f.related_model].update(v for v in (before, after) if v is not None)
            pairs.append((f, before, after))
        rows.append((e, model, pairs))
    names = _names({m: {int(pk) for pk in ids if pk is not None} for m, ids in wanted.items()})

    entries: list[Entry] = []
    saves: dict = {}  # context id → its entry; events with no context stand alone
    for e, model, pairs in rows:
        entry = saves.get(e.pgh_context_id) if e.pgh_context_id else None
        if entry is None:
            who = users.get((e.pgh_context or {}).get("user")) or "系统"
            entry = Entry(at=timezone.localtime(e.pgh_created_at), user=who)
            entries.append(entry)
            if e.pgh_context_id:
                saves[e.pgh_context_id] = entry
        update = e.pgh_label == "update"
        changes = [
            Change(
                field=_label(f),
                before=_say(f, before, names) if update else None,
                after=_say(f, after, names),
            )
            for f, before, after in pairs
            if update or after not in (None, "")
        ]
        entry.items.append(
            Item(
                model=str(model._meta.verbose_name),
                action=LABELS.get(e.pgh_label, "修改"),
                target=_target(names[model], model, e.pgh_obj_id),
                changes=changes,
            )
        )
    return entries
