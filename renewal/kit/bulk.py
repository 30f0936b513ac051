"""Loading many rows at once with PostgreSQL COPY, for seeding demos at scale.

``bulk_copy(Model, columns, rows)`` reserves the primary keys from the table's sequence,
streams the rows through ``COPY … FROM STDIN`` and returns the keys in row order. Fields
left out of ``columns`` get their model default (``auto_now`` fields: the current time).

History: every audited table has a pghistory insert trigger that writes one event row per
inserted row, each in a PL/pgSQL call (with its own subtransaction, even when told to
stand aside through ``pgtrigger.ignore``), which costs more than the COPY itself. So the
trigger is disabled for the COPY (``ALTER TABLE … DISABLE TRIGGER`` inside the caller's
transaction: undone with everything else on a rollback; it needs the table owner, as
migrations do) and the same insert events are then written by one ``INSERT … SELECT``,
under the caller's pghistory context. The history ends up the same as with per-row
inserts, only written set-wise.
"""

import datetime
import decimal
import io
import json
from collections.abc import Iterable, Sequence
from functools import cache

from django.apps import apps
from django.db import connection
from django.db.models import Model
from django.utils import timezone


def _text(value) -> str:
    """A value in COPY's text format (tabs, newlines and backslashes escaped)."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (int, float, decimal.Decimal)):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "{" + ",".join(json.dumps(str(v), ensure_ascii=False) for v in value) + "}"
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


NULL = r"\N"
INTEGER_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
}
TEXT_TYPES = {"CharField", "SlugField", "TextField"}


def _escaped(value) -> str:
    if value is None:
        return NULL
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


def _number(value) -> str:
    return NULL if value is None else str(value)


def _converter(field):
    """The fastest way to write the field's values: chosen once per column, not per value."""
    if hasattr(field, "from_db_value"):  # encrypted text, JSON: the field converts first
        return lambda value: _text(field.get_prep_value(value))
    internal = field.get_internal_type()
    if internal in INTEGER_TYPES:
        return _number
    if internal in TEXT_TYPES:
        return _escaped
    return _text


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """``count`` fresh primary keys from the table's identity sequence."""
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


@cache
def _event_model(model: type[Model]):
    for candidate in apps.get_models():
        if getattr(candidate, "pgh_tracked_model", None) is model:
            return candidate
    return None


def _insert_triggers(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal"
            " AND tgname LIKE 'pgtrigger_insert_%%'",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]


def bulk_copy(
    model: type[Model], columns: Sequence[str], rows: Iterable[Sequence], *, count: int
) -> list[int]:
    """COPY ``count`` rows (values in the order of ``columns``, field attnames) into the
    model's table; the new primary keys in row order. Must run inside a transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("bulk_copy must run inside transaction.atomic()")
    ids = reserve_ids(model, count)
    if not ids:
        return ids
    meta = model._meta
    fields = {f.attname: f for f in meta.concrete_fields}
    given = [fields[name] for name in columns]
    now = timezone.now()
    defaults = []
    for field in meta.concrete_fields:
        if field.primary_key or field.attname in columns:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = field.get_db_prep_save(field.get_default(), connection)
        defaults.append((field, _text(value)))
    converters = [_converter(f) for f in given]
    tail = "\t".join(text for _f, text in defaults)
    buffer = io.StringIO()
    written = 0
    for pk, row in zip(ids, rows, strict=False):
        line = f"{pk}\t" + "\t".join(
            [convert(v) for convert, v in zip(converters, row, strict=True)]
        )
        buffer.write(f"{line}\t{tail}\n" if tail else f"{line}\n")
        written += 1
    if written != count:
        raise ValueError(f"bulk_copy: {written} rows given, {count} announced")
    names = [meta.pk.column, *(f.column for f in given), *(f.column for f, _t in defaults)]
    buffer.seek(0)
    table = connection.ops.quote_name(meta.db_table)
    triggers = [connection.ops.quote_name(t) for t in _insert_triggers(meta.db_table)]
    with connection.cursor() as cursor:
        # Transactional: rolled back with the rows if anything fails. It locks the table
        # against writers until the transaction ends, which a seed can afford.
        # A table with deferred foreign-key checks still queued cannot be altered: the
        # checks run now (they would at commit anyway), then deferred again as Django sets.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for trigger in triggers:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        quoted = ", ".join(connection.ops.quote_name(n) for n in names)
        cursor.copy_expert(f"COPY {table} ({quoted}) FROM STDIN", buffer)
        for trigger in triggers:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    _record_inserts(model, ids)
    return ids


def _record_inserts(model: type[Model], ids: list[int]) -> None:
    """The insert events the skipped triggers would have written, in one statement."""
    event = _event_model(model)
    if event is None:
        return
    source = {f.column for f in model._meta.concrete_fields}
    special = {
        "pgh_created_at": "NOW()",
        "pgh_label": "'insert'",
        "pgh_obj_id": "new_row.pk",
        "pgh_context_id": "_pgh_attach_context()",
    }
    pk = connection.ops.quote_name(model._meta.pk.column)
    targets, values = [], []
    for field in event._meta.concrete_fields:
        if field.column == "pgh_id":
            continue
        if field.column in special:
            expression = special[field.column]
        elif field.column in source:
            expression = f"{connection.ops.quote_name(model._meta.db_table)}.{connection.ops.quote_name(field.column)}"
        else:
            continue
        targets.append(connection.ops.quote_name(field.column))
        values.append(expression)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(event._meta.db_table)} ({', '.join(targets)})"
            f" SELECT {', '.join(values)} FROM {connection.ops.quote_name(model._meta.db_table)}"
            # A join, not ``= ANY(array)``: that compares every row with the whole array.
            f" JOIN unnest(%s::bigint[]) AS new_row(pk) ON new_row.pk = {pk}",
            [ids],
        )
