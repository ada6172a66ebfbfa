"""Django settings for Fengqiao, read from the environment (see README "Configuration").

Development and the demo need no configuration at all; production (`FENGQIAO_ENV=production`)
refuses to start without a secret key and turns on every transport-security setting.
"""

from __future__ import annotations

import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from fengqiao.env import Env

env = Env()

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent

FENGQIAO_ENV = env.choice("FENGQIAO_ENV", "development", ("development", "production"))
PRODUCTION = FENGQIAO_ENV == "production"
TESTING = "pytest" in sys.modules or env.bool("FENGQIAO_TESTING", False)

DATA_DIR = Path(env.str("FENGQIAO_DATA_DIR", str(PROJECT_DIR / "var"))).resolve()
NODE_MODULES_DIR = Path(env.str("FENGQIAO_NODE_MODULES", str(PROJECT_DIR / "node_modules"))).resolve()


def _secret_key() -> str:
    key = env.str("SECRET_KEY")
    if key:
        if PRODUCTION and len(key) < 50:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when FENGQIAO_ENV=production")
    # Development: keep one generated key per data directory so sessions survive restarts.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must not be on when FENGQIAO_ENV=production")

# Demo accounts and data may only be created outside production.
DEMO_ALLOWED = not PRODUCTION

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "fengqiao.core",
    "fengqiao.accounts",
    "fengqiao.regions",
    "fengqiao.center",
    "fengqiao.cases",
    "fengqiao.field",
    "fengqiao.mediation",
    "fengqiao.registry",
    "fengqiao.surveillance",
    "fengqiao.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tasks",
    "django_tasks.backends.database",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fengqiao.core.middleware.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fengqiao.urls"
WSGI_APPLICATION = "fengqiao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fengqiao.core.context_processors.shell",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASE_URL = env.str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'fengqiao.sqlite3'}")
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env.int("DB_CONN_MAX_AGE", 60, minimum=0))
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the busy timeout
        # instead of one failing with "database is locked" halfway through a transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_BUSY_TIMEOUT", 20, minimum=1),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # Tests use a file, not Django's shared-cache in-memory database: the browser tests' live
    # server answers several requests at once, and shared-cache tables fail at once with "table
    # is locked" instead of waiting on the busy timeout as WAL does.
    _db["TEST"] = {"NAME": str(DATA_DIR / "test_fengqiao.sqlite3")}
elif _db["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation cost ~0.5 s on the dispatcher queue's counts at a million cases and never
    # paid for itself on these short OLTP queries (cases bench); PG_JIT=1 turns it back on.
    if not env.bool("PG_JIT", False):
        _db.setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    raise ImproperlyConfigured("DATABASE_URL must point at SQLite or PostgreSQL")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits (the full-ID search limit) must be counted across every web process: one gunicorn
# worker's memory is not another's. Without CACHE_URL each process counts on its own, which is
# right for the demo and tests; production gets a deploy-check warning (core/checks.py).
CACHE_URL = env.str("CACHE_URL")
if not CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "fengqiao",
        }
    }
else:
    raise ImproperlyConfigured("CACHE_URL must be a redis://, rediss:// or unix:// URL, or empty")

# --- Accounts and login security --------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "first_name", "last_name", "email", "phone")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "fengqiao.accounts.validators.ContextWordsValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# A lockout lasts AXES_COOLOFF_TIME from the failure that caused it, as the lockout page says;
# attempts while locked are refused without restarting the clock.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Trusted reverse proxies in front of the app (nginx: 1); the audit trail reads the client's
# address from X-Forwarded-For only when this is set (core.middleware.client_ip).
PROXY_COUNT = env.int("PROXY_COUNT", 0, minimum=0)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT

# Idle timeout: the session cookie lives SESSION_IDLE_MINUTES and every request renews it.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Transport security (on by default in production) -----------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", PRODUCTION)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", PRODUCTION)
if env.bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", str(DATA_DIR / "static")))
if not PRODUCTION:
    # whitenoise warns about a missing STATIC_ROOT even when it serves from the finders.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", str(DATA_DIR / "media")))
# Front-end packages come from npm (package-lock.json) and are served from node_modules, never a CDN.
STATICFILES_DIRS = [
    (f"vendor/{name}", NODE_MODULES_DIR / package)
    for name, package in (
        ("bootstrap", "bootstrap/dist"),
        ("leaflet", "leaflet/dist"),
        ("htmx", "htmx.org/dist"),
        ("echarts", "echarts/dist"),
    )
    if (NODE_MODULES_DIR / package).is_dir()
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production whitenoise serves straight from the finders, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# --- Map --------------------------------------------------------------------------------------
# Government intranets have no internet: grids are drawn on a plain background unless a tile
# server is configured, e.g. http://tiles.intranet/{z}/{x}/{y}.png
MAP_TILE_URL = env.str("MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION")

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "fengqiao.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fengqiao API",
    "DESCRIPTION": "REST API v1 of the Fengqiao township comprehensive governance platform.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets sharing a field name across apps ("status", "kind") get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "fengqiao.cases.models.Status",
        "CaseKindEnum": "fengqiao.cases.models.Kind",
        "AssignmentStatusEnum": "fengqiao.cases.models.Assignment.Status",
        "CameraStatusEnum": "fengqiao.surveillance.models.Camera.Status",
        "PlaceKindEnum": "fengqiao.registry.models.Place.Kind",
        "OrganizationKindEnum": "fengqiao.registry.models.Organization.Kind",
    },
}

# --- Background tasks -------------------------------------------------------------------------
# Without a worker (the demo, tests) tasks run inline; production sets TASK_BACKEND=database and
# runs `fengqiao worker`.
_task_backend = env.choice("TASK_BACKEND", "immediate", ("immediate", "database"))
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.database.DatabaseBackend"
            if _task_backend == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# --- Cases: clocks, numbers, attachments, notifications ----------------------------------------
# A case still overdue this many working days after its deadline gets a second-level notice.
CASE_SECOND_NOTICE_WORKING_DAYS = env.int("CASE_SECOND_NOTICE_WORKING_DAYS", 3, minimum=1)
# Case numbers read PREFIX-YEAR-NNNNNN; each town's counter row can carry its own prefix.
CASE_NUMBER_PREFIX = env.str("CASE_NUMBER_PREFIX", "FQ")
CASE_ATTACHMENT_MAX_BYTES = env.int("CASE_ATTACHMENT_MAX_MB", 10, minimum=1) * 1024 * 1024
# Outbound channels after the in-app inbox: logging, sms, webhook (WeCom/DingTalk robot), email.
NOTIFY_CHANNELS = env.list("NOTIFY_CHANNELS", ["logging"])
if _unknown := set(NOTIFY_CHANNELS) - {"logging", "sms", "webhook", "email"}:
    raise ImproperlyConfigured(f"NOTIFY_CHANNELS has unknown channels: {', '.join(sorted(_unknown))}")
NOTIFY_SMS_URL = env.str("NOTIFY_SMS_URL")
NOTIFY_SMS_TOKEN = env.str("NOTIFY_SMS_TOKEN")
NOTIFY_WEBHOOK_URL = env.str("NOTIFY_WEBHOOK_URL")
for _channel, _url_setting in (("sms", "NOTIFY_SMS_URL"), ("webhook", "NOTIFY_WEBHOOK_URL")):
    if _channel in NOTIFY_CHANNELS and not globals()[_url_setting].startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"NOTIFY_CHANNELS includes {_channel}: set {_url_setting} to an http(s) URL"
        )
NOTIFY_TIMEOUT_SECONDS = env.int("NOTIFY_TIMEOUT_SECONDS", 5, minimum=1)
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", 5, minimum=1)
# The `email` channel: Django's SMTP backend. Defaults are Django's (an MTA on localhost:25).
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25, minimum=1)
if EMAIL_PORT > 65535:
    raise ImproperlyConfigured(f"EMAIL_PORT={EMAIL_PORT} is not a TCP port (1-65535)")
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env.environ.get("EMAIL_HOST_PASSWORD", "")  # a password may end in a space
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive: set only one")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT_SECONDS", 10, minimum=1)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "webmaster@localhost")
if "@" not in DEFAULT_FROM_EMAIL:
    raise ImproperlyConfigured(f"DEFAULT_FROM_EMAIL={DEFAULT_FROM_EMAIL!r} is not an email address")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging ----------------------------------------------------------------------------------
LOG_LEVEL = env.choice("LOG_LEVEL", "info", ("debug", "info", "warning", "error")).upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"axes": {"level": "WARNING"}},
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
