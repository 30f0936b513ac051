"""Encryption at rest and blind indexes for personal data (ID numbers, phones).

Values are encrypted by the cipher FIELD_CIPHER names (Fernet by default, or SM4-GCM) with
the first key of its list; every listed key of either cipher decrypts, since each token
names its cipher and key (renewal/kit/ciphers.py). `manage.py rotate_keys` re-encrypts
stored values under the current key. Exact lookup and uniqueness use a keyed HMAC (blind
index) so the plaintext never needs to be searchable in the database.
"""

import hashlib
import hmac
from functools import lru_cache

from django.conf import settings

from renewal.kit.ciphers import InvalidToken, Keyring

__all__ = [
    "InvalidToken",
    "blind_index",
    "decrypt",
    "decrypt_bytes",
    "discipline_keyring",
    "encrypt",
    "encrypt_bytes",
    "field_keyring",
]


@lru_cache(maxsize=8)
def _keyring(cipher: str, fernet_keys: tuple, sm4_keys: tuple, name: str) -> Keyring:
    return Keyring(cipher, fernet_keys, sm4_keys, name=name)


def field_keyring() -> Keyring:
    return _keyring(
        settings.FIELD_CIPHER,
        tuple(settings.FIELD_ENCRYPTION_KEYS),
        tuple(settings.FIELD_SM4_KEYS),
        "FIELD",
    )


def discipline_keyring() -> Keyring:
    """The reporters' identities: a key of their own, the same cipher as the field data."""
    return _keyring(
        settings.FIELD_CIPHER,
        tuple(settings.DISCIPLINE_ENCRYPTION_KEYS),
        tuple(settings.DISCIPLINE_SM4_KEYS),
        "DISCIPLINE",
    )


def encrypt_bytes(data: bytes) -> str:
    return field_keyring().encrypt(data)


def decrypt_bytes(token: str) -> bytes:
    return field_keyring().decrypt(token)


def encrypt(value: str) -> str:
    return encrypt_bytes(value.encode())


def decrypt(token: str) -> str:
    return decrypt_bytes(token).decode()


def blind_index(value: str, *, purpose: str, key: str | None = None) -> str:
    """Keyed hash for exact lookup; `purpose` separates the index spaces (id vs phone).
    ``key`` defaults to BLIND_INDEX_KEY; the discipline channel keys its own with its own."""
    key = f"{key or settings.BLIND_INDEX_KEY}:{purpose}".encode()
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()
