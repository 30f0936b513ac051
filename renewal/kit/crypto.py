"""Encryption at rest and blind indexes for personal data (ID numbers, phones).

Values are encrypted with Fernet (MultiFernet: the first key encrypts, every key
decrypts, so keys can be rotated). Exact lookup and uniqueness use a keyed HMAC
(blind index) so the plaintext never needs to be searchable in the database.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def encrypt(value: str) -> str:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed hash for exact lookup; `purpose` separates the index spaces (id vs phone)."""
    key = f"{settings.BLIND_INDEX_KEY}:{purpose}".encode()
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()
