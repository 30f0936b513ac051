"""What every model module shares: the audit decorator, the domain error, encrypted text and
the keyed hashes it is looked up by."""

from contextlib import contextmanager

import pghistory
from django.core.validators import RegexValidator
from django.db import IntegrityError, models

from renewal.kit import crypto

division_code_validator = RegexValidator(
    r"^\d{12}$", "统计用区划代码应为 12 位数字（例如 150123101201）。"
)


def audited(**kwargs):
    """Track inserts, updates and deletes of a model in its pghistory event table.

    The triggers are statement-level: each INSERT, UPDATE or DELETE writes the events of all
    its rows in one INSERT … SELECT over the statement's transition table, and attaches the
    request's context (pghistory.context: user, url) once. Row-level triggers did that once
    a row, each time in two error-handling subtransactions (pgtrigger's ignore check and
    pghistory's context lookup), which made bulk writes grow faster than their rows. Every
    row still gets its event; an update only of rows whose tracked fields changed.
    """
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        level=pghistory.Statement,
        **kwargs,
    )


class DomainError(Exception):
    """A refused operation; the message is Chinese and fit to show to the user."""


@contextmanager
def constraint_refusals(model):
    """A unique constraint of ``model`` broken by a concurrent write (after the service's
    own check passed) refuses with the constraint's Chinese message instead of failing."""
    try:
        yield
    except IntegrityError as exc:
        name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
        for constraint in model._meta.constraints:
            if constraint.name == name and constraint.violation_error_message:
                raise DomainError(constraint.violation_error_message) from exc
        raise


class EncryptedTextField(models.TextField):
    """Stores ciphertext (renewal/kit/crypto.py); Python code sees the plaintext."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(value)


class DigestField(models.CharField):
    """A keyed hash (hex digits) of a secret, an ID number, a phone or a receipt code, looked
    up by equality only.

    On PostgreSQL Django gives every indexed varchar column a second index, with
    varchar_pattern_ops, for LIKE queries. Nobody searches a hash by its beginning; on the
    people table that index is as big as the hash's own and costs every insert. Declared by
    the standard name of the same type, ``character varying``, the column keeps only the
    index it asks for (unique or db_index)."""

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return f"character varying({self.max_length})"
        return super().db_type(connection)
