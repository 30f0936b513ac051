"""Keyed-hash columns are indexed for equality only, without a pattern-matching index."""

import pytest
from django.apps import apps
from django.db import connection

from renewal.models import DigestField

pytestmark = pytest.mark.django_db


def _digest_columns():
    return [
        (model._meta.db_table, field.column, field.unique or field.db_index)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, DigestField)
    ]


def test_every_digest_column_has_its_own_index_and_no_pattern_index():
    columns = _digest_columns()
    assert {(table, column) for table, column, _i in columns} >= {
        ("renewal_person", "id_number_hash"),
        ("renewal_person", "phone_hash"),
        ("discipline_report", "receipt_hash"),
    }
    with connection.cursor() as cursor:
        for table, column, indexed in columns:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
                [table, f"%({column}%"],
            )
            definitions = [row[0] for row in cursor.fetchall()]
            assert not [d for d in definitions if "pattern_ops" in d], (table, definitions)
            assert bool(definitions) == indexed, (table, column, definitions)
            cursor.execute(
                "SELECT data_type FROM information_schema.columns"
                " WHERE table_name = %s AND column_name = %s",
                [table, column],
            )
            assert cursor.fetchone()[0] == "character varying"
