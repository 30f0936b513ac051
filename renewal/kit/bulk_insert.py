"""Large inserts in one statement each, for the saves users wait for (Excel imports): the rows go to PostgreSQL as one JSON document,
unpacked by ``jsonb_to_recordset`` into the table's column types.

``QuerySet.bulk_create`` spends most of an import's save in Python, building a placeholder
and adapting a parameter for every cell (10,000 candidacies with their people,
recommendations and log rows: some 500,000 of each). Here each value is only made
JSON-able, and the statement stays the same size whatever the number of rows. Values go
through the field's own ``get_db_prep_save`` when it changes them (encrypted fields,
JSON), so what is stored is what ``bulk_create`` stores; database triggers (the audit
events) fire as for any insert, and the request's audit context is attached by the same
cursor wrapper. (Seeding demos at scale uses ``renewal.kit.bulk.bulk_copy``, COPY with
primary keys reserved beforehand.)
"""

from __future__ import annotations

import datetime
import decimal
import json
import operator
import uuid
from collections.abc import Sequence

from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.utils import timezone

# Fields (of exactly these classes) whose Python value is what the column stores, once
# made JSON-able; any other field (an encrypted one, JSON) goes through get_db_prep_save.
PLAIN = frozenset(
    {
        models.AutoField,
        models.BigAutoField,
        models.BigIntegerField,
        models.BooleanField,
        models.CharField,
        models.DateField,
        models.DateTimeField,
        models.DecimalField,
        models.IntegerField,
        models.PositiveBigIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.SmallIntegerField,
        models.TextField,
    }
)


def _plain(field) -> bool:
    if isinstance(field, ArrayField):
        return _plain(field.base_field)
    if isinstance(field, models.ForeignKey):
        return _plain(field.target_field)
    return type(field) in PLAIN


def _json(value):
    if isinstance(value, datetime.date):  # datetimes too, with their zone
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value


def insert(
    model,
    objs: Sequence[models.Model],
    *,
    unique_fields: Sequence[str] = (),
    update_fields: Sequence[str] = (),
) -> None:
    """Insert ``objs`` in one statement (two when some carry their primary key) and set
    each object's primary key, as ``bulk_create`` does; with ``unique_fields``, a row that
    conflicts on them updates ``update_fields`` instead (``update_conflicts``)."""
    pk_attname = model._meta.pk.attname
    with_pk = [o for o in objs if getattr(o, pk_attname) is not None]
    without_pk = [o for o in objs if getattr(o, pk_attname) is None]
    for group, keep_pk in ((with_pk, True), (without_pk, False)):
        if group:
            _insert(model, group, keep_pk, unique_fields, update_fields)


def insert_values(
    model,
    rows: Sequence[dict],
    *,
    unique_fields: Sequence[str] = (),
    update_fields: Sequence[str] = (),
) -> None:
    """``insert`` for new rows given as {field attname: value} instead of model instances
    (tens of thousands of instances cost a second to build): a field left out gets its
    default, an ``auto_now`` one the current time, as ``Model()`` and ``save`` would."""
    if rows:
        _insert(model, rows, False, unique_fields, update_fields, values=True)


def _reader(field):
    """How to get the field's JSON-able value from an object: chosen once per column."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: _json(field.pre_save(obj, True))
    get = operator.attrgetter(field.attname)
    if not _plain(field):

        def prepared(obj):
            value = field.get_db_prep_save(get(obj), connection)
            return _json(getattr(value, "adapted", value))  # a JSON adapter: its document

        return prepared
    if isinstance(field, models.ForeignKey):

        def key(obj):
            value = get(obj)
            if value is None and field.is_cached(obj):
                # Assigned before the related object was saved (as bulk_create allows).
                related = field.get_cached_value(obj)
                if related is not None:
                    if related.pk is None:
                        raise ValueError(f"{field.name}: the related object is not saved")
                    value = getattr(related, field.target_field.attname)
            return value

        return key
    if isinstance(field, models.DateField | models.DecimalField | ArrayField):
        return lambda obj: _json(get(obj))
    return get


def _value_reader(field, given: bool):
    """How to get the field's JSON-able value from a dict of values (``insert_values``)."""
    if not given:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = timezone.now()
        else:
            default = field.get_default()
        if not _plain(field):
            default = field.get_db_prep_save(default, connection)
            default = getattr(default, "adapted", default)
        default = _json(default)
        return lambda row: default
    get = operator.itemgetter(field.attname)
    if not _plain(field):

        def prepared(row):
            value = field.get_db_prep_save(get(row), connection)
            return _json(getattr(value, "adapted", value))

        return prepared
    if isinstance(field, models.DateField | models.DecimalField | ArrayField):
        return lambda row: _json(get(row))
    return get


def _insert(model, objs, keep_pk: bool, unique_fields, update_fields, values=False) -> None:
    meta = model._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if keep_pk or f is not pk]
    if values:
        given = set(objs[0])
        unknown = given - {f.attname for f in fields}
        if unknown or any(set(row) != given for row in objs):
            raise ValueError(f"{meta.label}: every row must give the same fields of the model")
        readers = [(f.column, _value_reader(f, f.attname in given)) for f in fields]
    else:
        readers = [(f.column, _reader(f)) for f in fields]
    records = [{column: read(obj) for column, read in readers} for obj in objs]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    typed = ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in fields)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT {columns} "
        f"FROM ROWS FROM (jsonb_to_recordset(%s::jsonb) AS ({typed})) "
        f"WITH ORDINALITY AS r({columns}, r_order) ORDER BY r_order"
    )
    if unique_fields:
        targets = ", ".join(quote(meta.get_field(n).column) for n in unique_fields)
        updates = ", ".join(
            f"{quote(c)} = EXCLUDED.{quote(c)}"
            for c in (meta.get_field(n).column for n in update_fields)
        )
        sql += f" ON CONFLICT ({targets}) DO UPDATE SET {updates}"
    sql += f" RETURNING {quote(pk.column)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(records, ensure_ascii=False)])
        keys = [row[0] for row in cursor.fetchall()]
    if len(keys) != len(objs):
        raise RuntimeError(f"{meta.label}: {len(objs)} rows sent, {len(keys)} returned")
    if values:
        return
    for obj, key in zip(objs, keys, strict=True):
        setattr(obj, pk.attname, key)
        obj._state.adding, obj._state.db = False, connection.alias
