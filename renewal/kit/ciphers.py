"""Field ciphers with named keys: Fernet (the default) and SM4-GCM (国密, GB/T 32907).

A token names the cipher and the key that wrote it: ``fernet:<key id>:<Fernet token>`` or
``sm4:<key id>:<base64url(nonce | ciphertext | tag)>``. Decryption picks the cipher and key
from that prefix, so after switching ciphers (or adding a key) the values already stored
keep decrypting as long as their keys stay listed. Tokens without a prefix are Fernet
tokens written before ciphers could be chosen; every listed Fernet key is tried on them.

SM4 runs in GCM mode (authenticated encryption, 12-byte random nonce, 16-byte tag); the
prefix is authenticated as associated data, so a token cannot be relabelled. A key id is a
short hash of the key: it tells which key to use without revealing it.

This module reads no settings: config/settings.py validates the keys with it at start-up.
"""

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

FERNET = "fernet"
SM4 = "sm4"
CIPHERS = (FERNET, SM4)

__all__ = ["CIPHERS", "FERNET", "SM4", "InvalidToken", "KeyConfigError", "Keyring", "key_id"]


class KeyConfigError(ValueError):
    """A key setting that cannot work; `message` is English (start-up), `chinese` for people."""

    def __init__(self, message: str, chinese: str):
        super().__init__(message)
        self.chinese = chinese


def key_id(cipher: str, key: bytes) -> str:
    return hashlib.sha256(
        b"renewal field key id\x00" + cipher.encode() + b"\x00" + key
    ).hexdigest()[:8]


def parse_sm4_key(text: str) -> bytes:
    """A 16-byte SM4 key written as 32 hex digits or as base64; ValueError otherwise."""
    text = text.strip()
    if len(text) == 32:
        try:
            return bytes.fromhex(text)
        except ValueError:
            pass
    try:
        raw = base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 16:
        raise ValueError("an SM4 key is 16 bytes: 32 hex digits or 24 base64 characters")
    return raw


@dataclass(frozen=True)
class _Key:
    cipher: str
    kid: str
    raw: bytes

    @property
    def prefix(self) -> str:
        return f"{self.cipher}:{self.kid}:"


def _sm4_encrypt(key: _Key, data: bytes) -> str:
    nonce = os.urandom(12)
    encryptor = Cipher(algorithms.SM4(key.raw), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(key.prefix.encode())
    body = encryptor.update(data) + encryptor.finalize()
    return key.prefix + base64.urlsafe_b64encode(nonce + body + encryptor.tag).decode()


def _sm4_decrypt(key: _Key, payload: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(payload.encode())
    except (binascii.Error, ValueError):
        raise InvalidToken from None
    if len(raw) < 12 + 16:
        raise InvalidToken
    nonce, body, tag = raw[:12], raw[12:-16], raw[-16:]
    decryptor = Cipher(algorithms.SM4(key.raw), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(key.prefix.encode())
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag:
        raise InvalidToken from None


class Keyring:
    """The keys of one purpose (field data, or the discipline officers' data).

    `cipher` writes new values with the first key of its list; every key of both lists reads.
    `name` is the settings prefix (FIELD, DISCIPLINE) used in error messages.
    """

    def __init__(self, cipher: str, fernet_keys, sm4_keys, *, name: str = "FIELD"):
        fernet_setting, sm4_setting = f"{name}_ENCRYPTION_KEYS", f"{name}_SM4_KEYS"
        if cipher not in CIPHERS:
            raise KeyConfigError(
                f"FIELD_CIPHER must be one of {', '.join(CIPHERS)}, not {cipher!r}.",
                f"FIELD_CIPHER 只能是 {' 或 '.join(CIPHERS)}，现在是“{cipher}”。",
            )
        self.cipher = cipher
        self.keys: dict[tuple[str, str], _Key] = {}
        self._fernets: dict[str, Fernet] = {}
        for text in fernet_keys:
            try:
                fernet = Fernet(text.strip().encode())
            except (ValueError, binascii.Error):
                raise KeyConfigError(
                    f"{fernet_setting} holds a key that is not a Fernet key "
                    "(32 bytes, urlsafe base64).",
                    f"{fernet_setting} 中有一个密钥不是 Fernet 密钥（32 字节，URL 安全的 base64）。",
                ) from None
            raw = base64.urlsafe_b64decode(text.strip().encode())
            self._add(_Key(FERNET, key_id(FERNET, raw), raw), fernet_setting)
            self._fernets[key_id(FERNET, raw)] = fernet
        for text in sm4_keys:
            try:
                raw = parse_sm4_key(text)
            except ValueError:
                raise KeyConfigError(
                    f"{sm4_setting} holds a key that is not an SM4 key "
                    "(16 bytes: 32 hex digits or base64).",
                    f"{sm4_setting} 中有一个密钥不是 SM4 密钥（16 字节：32 位十六进制或 base64）。",
                ) from None
            self._add(_Key(SM4, key_id(SM4, raw), raw), sm4_setting)
        chosen = [k for k in self.keys.values() if k.cipher == cipher]
        if not chosen:
            setting = fernet_setting if cipher == FERNET else sm4_setting
            raise KeyConfigError(
                f"FIELD_CIPHER is {cipher!r} but {setting} holds no key.",
                f"FIELD_CIPHER 为 {cipher}，但 {setting} 中没有密钥。",
            )
        self.current = chosen[0]
        # Unprefixed tokens predate key ids: any Fernet key may have written them.
        self._legacy = MultiFernet(list(self._fernets.values())) if self._fernets else None

    def _add(self, key: _Key, setting: str):
        if (key.cipher, key.kid) in self.keys:
            raise KeyConfigError(
                f"{setting} lists the same key twice.", f"{setting} 中同一个密钥出现了两次。"
            )
        self.keys[(key.cipher, key.kid)] = key

    def encrypt(self, data: bytes) -> str:
        key = self.current
        if key.cipher == SM4:
            return _sm4_encrypt(key, data)
        return key.prefix + self._fernets[key.kid].encrypt(data).decode()

    def decrypt(self, token: str) -> bytes:
        """The plaintext; InvalidToken if no listed key wrote this token or it was altered."""
        cipher, sep, rest = token.partition(":")
        if not sep:
            if self._legacy is None:
                raise InvalidToken
            return self._legacy.decrypt(token.encode())
        kid, sep, payload = rest.partition(":")
        key = self.keys.get((cipher, kid))
        if key is None or not sep:
            raise InvalidToken
        if cipher == SM4:
            return _sm4_decrypt(key, payload)
        return self._fernets[kid].decrypt(payload.encode())

    def is_current(self, token: str) -> bool:
        """Written by the cipher and key that write new values (nothing to rotate)."""
        return token.startswith(self.current.prefix)
