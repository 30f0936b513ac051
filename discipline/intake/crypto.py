"""The reporter's identity: sealed under the discipline key, never the general field key."""

import json
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

from renewal.kit import crypto as field_crypto


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def seal(identity: dict) -> str:
    data = json.dumps(identity, ensure_ascii=False).encode()
    return _fernet(tuple(settings.DISCIPLINE_ENCRYPTION_KEYS)).encrypt(data).decode()


def unseal(token: str) -> dict:
    return json.loads(_fernet(tuple(settings.DISCIPLINE_ENCRYPTION_KEYS)).decrypt(token.encode()))


def reporter_hash(identity: dict) -> str:
    """Links repeated reports by the same ID number or phone, without storing either."""
    key = identity.get("id_number") or identity.get("phone") or ""
    return field_crypto.blind_index(key, purpose="reporter") if key else ""
