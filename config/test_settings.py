"""Test override: DEBUG-independent keys and fast hashing; everything else from settings."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "dGVzdC1maWVsZC1rZXktMzItYnl0ZXMtbG9uZyEhISE=")
os.environ.setdefault("BLIND_INDEX_KEY", "test-blind-index-key")
os.environ.setdefault("DISCIPLINE_ENCRYPTION_KEYS", "dGVzdC1kaXNjaXBsaW5lLWtleS0zMi1ieXRlcyEhISE=")
os.environ.setdefault("DISCIPLINE_INDEX_KEY", "test-discipline-index-key")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Each pytest-xdist worker keeps its files apart: file names made from primary keys repeat
# across the workers' databases. The real-worker tests' Celery worker inherits the variable.
MEDIA_ROOT = str(VAR_DIR / "test-media" / os.environ.get("PYTEST_XDIST_WORKER", ""))  # noqa: F405

# Tests run tasks in-process; the real-worker test switches this off for itself.
CELERY_TASK_ALWAYS_EAGER = True

# WhiteNoise warns when STATIC_ROOT is missing; tests serve from the finders.
WHITENOISE_USE_FINDERS = True
os.makedirs(STATIC_ROOT, exist_ok=True)  # noqa: F405

# Live-server threads must not keep connections open, or the test database cannot be dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# Tests clear the cache freely (rate-limit counters); keep that off the shared Redis, where the
# Celery broker of the real-worker test lives.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Nobody must use the second factor in the rest of the suite (superusers included), so that its
# logins stay one step; its own tests switch it on (renewal/tests/kit/test_second_factor.py,
# tests/test_browser_second_factor.py).
TWO_FACTOR_REQUIRED_ROLES = []
TWO_FACTOR_FOR_SUPERUSERS = False

# The streaming replica of the test server (bin/pg-replica, on REPLICA_PORT): its alias reads
# the same test database ("MIRROR"), so the read-replica test sees on it what it committed on
# the primary. Routing stays off: every other test runs in a transaction that is rolled back,
# which a replica never sees. tests/test_replica_routing.py switches it on for itself.
if "replica" not in DATABASES:  # noqa: F405
    DATABASES["replica"] = replica_database(  # noqa: F405
        {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": DATABASES["default"]["NAME"],  # noqa: F405
            "USER": DATABASES["default"].get("USER") or "postgres",  # noqa: F405
            "HOST": "127.0.0.1",
            "PORT": int(os.environ.get("REPLICA_PORT", "5433")),
        },
        DATABASES["default"],  # noqa: F405
    )
    DATABASE_ROUTERS = ["renewal.kit.replica.ReplicaRouter"]
    MIDDLEWARE.insert(MIDDLEWARE.index("axes.middleware.AxesMiddleware"), REPLICA_MIDDLEWARE)  # noqa: F405
DATABASES["replica"]["CONN_MAX_AGE"] = 0  # noqa: F405
REPLICA_ROUTING = False
