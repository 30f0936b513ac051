"""What every model module shares: the audit decorator, the domain error, encrypted text."""

import pghistory
from django.core.validators import RegexValidator
from django.db import models

from renewal.kit import crypto

division_code_validator = RegexValidator(
    r"^\d{12}$", "统计用区划代码应为 12 位数字（例如 150123101201）。"
)


def audited(**kwargs):
    """Track inserts, updates and deletes of a model in its pghistory event table."""
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), **kwargs
    )


class DomainError(Exception):
    """A refused operation; the message is Chinese and fit to show to the user."""


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
