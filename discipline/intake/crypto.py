"""The reporter's identity: sealed under the discipline key, never the general field key."""

import json

from renewal.kit import crypto as field_crypto


def seal(identity: dict) -> str:
    data = json.dumps(identity, ensure_ascii=False).encode()
    return field_crypto.discipline_keyring().encrypt(data)


def unseal(token: str) -> dict:
    return json.loads(field_crypto.discipline_keyring().decrypt(token))


def reporter_hash(identity: dict) -> str:
    """Links repeated reports by the same ID number or phone, without storing either."""
    key = identity.get("id_number") or identity.get("phone") or ""
    return field_crypto.blind_index(key, purpose="reporter") if key else ""
