"""The reporter's identity: sealed under the discipline key, never the general field key."""

import json

from django.conf import settings

from renewal.kit import crypto as field_crypto


def seal(identity: dict) -> str:
    data = json.dumps(identity, ensure_ascii=False).encode()
    return field_crypto.discipline_keyring().encrypt(data)


def unseal(token: str) -> dict:
    return json.loads(field_crypto.discipline_keyring().decrypt(token))


def index_digest(value: str, *, purpose: str) -> str:
    """Keyed hash under the discipline index key; ``purpose`` separates the index spaces."""
    return field_crypto.blind_index(value, purpose=purpose, key=settings.DISCIPLINE_INDEX_KEY)


def reporter_hash(identity: dict) -> str:
    """Links repeated reports by the same ID number or phone, without storing either.

    Keyed with the discipline index key, not the general blind-index key, so that whoever
    holds only the latter (every officer of the county's data) cannot test who reported."""
    key = identity.get("id_number") or identity.get("phone") or ""
    return index_digest(key, purpose="reporter") if key else ""


def receipt_digest(code: str) -> str:
    """What is stored of a receipt code: the code itself is shown once and never kept."""
    return index_digest(code, purpose="receipt")


def seal_bytes(data: bytes) -> bytes:
    """A file's content encrypted under the discipline key (reporters' attachments)."""
    return field_crypto.discipline_keyring().encrypt(data).encode()


def unseal_bytes(token: bytes) -> bytes:
    return field_crypto.discipline_keyring().decrypt(token.decode())
