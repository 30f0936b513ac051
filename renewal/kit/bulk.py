"""Loading many rows at once with PostgreSQL COPY, for seeding demos at scale.

``bulk_copy(Model, columns, rows)`` reserves the primary keys from the table's sequence,
streams the rows through ``COPY … FROM STDIN`` and returns the keys in row order. Fields
left out of ``columns`` get their model default (``auto_now`` fields: the current time).

History: the audit triggers run once per statement (renewal.models.base.audited), so the
COPY's insert events are written by one ``INSERT … SELECT`` over the copied rows, under the
caller's pghistory context, the same as for any other insert.
"""

import datetime
import decimal
import io
import json
from collections.abc import Iterable, Sequence

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
    quoted = ", ".join(connection.ops.quote_name(n) for n in names)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({quoted}) FROM STDIN", buffer)
    return ids
