"""The field cipher: real SM4, self-describing tokens, old tokens after a switch, bad keys."""

import base64

import pytest
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from discipline.intake import crypto as discipline_crypto
from renewal.kit import crypto
from renewal.kit.ciphers import KeyConfigError, Keyring, key_id, parse_sm4_key

FERNET_OLD = Fernet.generate_key().decode()
FERNET_NEW = Fernet.generate_key().decode()
SM4_A = "0123456789abcdeffedcba9876543210"
SM4_B = base64.b64encode(bytes(range(16))).decode()
ID = "152622198005060012"


def test_sm4_is_the_standard_block_cipher():
    # GB/T 32907-2016, appendix A, example 1: one block, key = plaintext.
    block = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(block), modes.ECB()).encryptor()
    assert (encryptor.update(block) + encryptor.finalize()).hex() == (
        "681edf34d206965e86b3e94f536e4246"
    )
    # The keyring's SM4 key is that same primitive: its GCM keystream is SM4(key, counter).
    ring = Keyring("sm4", [], [SM4_A])
    token = ring.encrypt(b"\x00" * 16)
    raw = base64.urlsafe_b64decode(token.split(":")[2])
    nonce, body = raw[:12], raw[12:-16]
    counter = Cipher(algorithms.SM4(block), modes.ECB()).encryptor()
    keystream = counter.update(nonce + b"\x00\x00\x00\x02") + counter.finalize()
    assert body == keystream


def test_sm4_tokens_name_cipher_and_key_and_are_authenticated():
    ring = Keyring("sm4", [FERNET_OLD], [SM4_A, SM4_B])
    token = ring.encrypt(ID.encode())
    cipher, kid, payload = token.split(":")
    assert (cipher, kid) == ("sm4", key_id("sm4", bytes.fromhex(SM4_A)))
    assert ID not in token and ring.decrypt(token) == ID.encode()
    assert ring.encrypt(ID.encode()) != token  # a fresh nonce every time
    raw = bytearray(base64.urlsafe_b64decode(payload))
    raw[14] ^= 1
    with pytest.raises(InvalidToken):
        ring.decrypt(f"sm4:{kid}:{base64.urlsafe_b64encode(bytes(raw)).decode()}")
    # Relabelled as written by the other listed key: refused, the prefix is authenticated.
    other = key_id("sm4", parse_sm4_key(SM4_B))
    with pytest.raises(InvalidToken):
        ring.decrypt(f"sm4:{other}:{payload}")
    # A key that is not listed any more.
    with pytest.raises(InvalidToken):
        Keyring("sm4", [], [SM4_B]).decrypt(token)


def test_sm4_keys_in_hex_or_base64_are_the_same_key():
    raw = bytes.fromhex(SM4_A)
    assert parse_sm4_key(SM4_A) == parse_sm4_key(base64.b64encode(raw).decode()) == raw
    assert parse_sm4_key(base64.urlsafe_b64encode(raw).decode()) == raw
    for bad in ["", "0123", SM4_A + "00", "zz" * 16, base64.b64encode(b"x" * 32).decode()]:
        with pytest.raises(ValueError):
            parse_sm4_key(bad)


def test_stored_tokens_keep_decrypting_across_cipher_switches(settings):
    settings.FIELD_CIPHER = "fernet"
    settings.FIELD_ENCRYPTION_KEYS = [FERNET_OLD]
    settings.FIELD_SM4_KEYS = []
    legacy = Fernet(FERNET_OLD.encode()).encrypt(ID.encode()).decode()  # before key ids
    assert ":" not in legacy and crypto.decrypt(legacy) == ID
    fernet_token = crypto.encrypt(ID)
    assert fernet_token.startswith("fernet:") and crypto.decrypt(fernet_token) == ID

    settings.FIELD_CIPHER = "sm4"
    settings.FIELD_SM4_KEYS = [SM4_A]
    sm4_token = crypto.encrypt(ID)
    assert sm4_token.startswith("sm4:")
    assert crypto.decrypt(sm4_token) == crypto.decrypt(fernet_token) == crypto.decrypt(legacy) == ID
    assert crypto.decrypt_bytes(crypto.encrypt_bytes(b"\xff\x00")) == b"\xff\x00"

    settings.FIELD_CIPHER = "fernet"
    settings.FIELD_ENCRYPTION_KEYS = [FERNET_NEW, FERNET_OLD]
    assert crypto.encrypt(ID).startswith(
        "fernet:" + key_id("fernet", base64.urlsafe_b64decode(FERNET_NEW))
    )
    assert crypto.decrypt(sm4_token) == crypto.decrypt(legacy) == ID

    settings.FIELD_SM4_KEYS = []  # the SM4 key dropped: its values no longer decrypt
    with pytest.raises(InvalidToken):
        crypto.decrypt(sm4_token)


def test_discipline_values_use_their_own_keys_under_either_cipher(settings):
    settings.FIELD_CIPHER = "sm4"
    settings.FIELD_SM4_KEYS = [SM4_A]
    settings.DISCIPLINE_SM4_KEYS = [SM4_B]
    sealed = discipline_crypto.seal({"name": "王某", "phone": "13800000000"})
    assert sealed.startswith("sm4:") and discipline_crypto.unseal(sealed)["name"] == "王某"
    with pytest.raises(InvalidToken):
        crypto.decrypt(sealed)
    with pytest.raises(InvalidToken):
        discipline_crypto.unseal(crypto.encrypt("x"))


@pytest.mark.parametrize(
    "cipher, fernet_keys, sm4_keys, english, chinese",
    [
        ("aes", [FERNET_OLD], [], "FIELD_CIPHER must be one of", "FIELD_CIPHER 只能是"),
        ("sm4", [FERNET_OLD], [], "FIELD_SM4_KEYS holds no key", "FIELD_SM4_KEYS 中没有密钥"),
        ("fernet", [], [SM4_A], "FIELD_ENCRYPTION_KEYS holds no key", "没有密钥"),
        ("sm4", [], ["0123"], "FIELD_SM4_KEYS holds a key that is not", "不是 SM4 密钥"),
        ("fernet", ["short"], [], "not a Fernet key", "不是 Fernet 密钥"),
        ("sm4", [], [SM4_A, SM4_A.upper()], "the same key twice", "出现了两次"),
    ],
)
def test_bad_key_settings_are_named(cipher, fernet_keys, sm4_keys, english, chinese):
    with pytest.raises(KeyConfigError) as error:
        Keyring(cipher, fernet_keys, sm4_keys)
    assert english in str(error.value) and chinese in error.value.chinese
