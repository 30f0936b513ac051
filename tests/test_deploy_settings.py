"""With DEBUG off and production variables set, `check --deploy` reports nothing."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(env_overrides):
    # The test settings set relaxed SECURE_* variables in this process; drop them.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECURE_", "SESSION_", "CSRF_", "DJANGO_"))
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean():
    result = _run(
        {
            "DEBUG": "0",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "x" * 20 + "A-very-long-and-random-production-secret-key-0123456789",
            "FIELD_ENCRYPTION_KEYS": "dGVzdC1maWVsZC1rZXktMzItYnl0ZXMtbG9uZyEhISE=",
            "BLIND_INDEX_KEY": "production-blind-index-key",
            "DISCIPLINE_ENCRYPTION_KEYS": "cHJvZC1kaXNjaXBsaW5lLWtleS0zMi1ieXRlcyEhISE=",
            "DISCIPLINE_INDEX_KEY": "production-discipline-index-key",
            "ALLOWED_HOSTS": "hjt.example.gov.cn",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_keys():
    result = _run({"DEBUG": "0", "DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


SM4_PRODUCTION = {
    "DEBUG": "0",
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "SECRET_KEY": "x" * 20 + "A-very-long-and-random-production-secret-key-0123456789",
    "BLIND_INDEX_KEY": "production-blind-index-key",
    "ALLOWED_HOSTS": "hjt.example.gov.cn",
    "FIELD_CIPHER": "sm4",
    "FIELD_SM4_KEYS": "00112233445566778899aabbccddeeff",
    "DISCIPLINE_SM4_KEYS": "ZmVkY2JhOTg3NjU0MzIxMA==",
}


def test_sm4_alone_is_a_complete_configuration_and_a_missing_key_is_named():
    result = _run(SM4_PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    result = _run({**SM4_PRODUCTION, "DISCIPLINE_SM4_KEYS": ""})
    assert result.returncode != 0
    assert "FIELD_CIPHER is 'sm4' but DISCIPLINE_SM4_KEYS holds no key." in result.stderr
    # One key for both the field data and the reporters' identities is refused.
    same = SM4_PRODUCTION["FIELD_SM4_KEYS"]
    result = _run({**SM4_PRODUCTION, "DISCIPLINE_SM4_KEYS": same})
    assert result.returncode != 0
    assert "The field keys and the discipline keys must differ" in result.stderr


def test_one_key_for_the_blind_index_and_the_reporters_hash_is_refused():
    result = _run({**SM4_PRODUCTION, "DISCIPLINE_INDEX_KEY": SM4_PRODUCTION["BLIND_INDEX_KEY"]})
    assert result.returncode != 0
    assert "DISCIPLINE_INDEX_KEY must differ from BLIND_INDEX_KEY" in result.stderr
