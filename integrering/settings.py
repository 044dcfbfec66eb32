"""Settings for Integrering, in one file, configured by environment variables.

Environment variables (all optional unless noted):

- ``DATABASE_URL``: a dj-database-url URL (``postgres://user@host:5432/name``). Default: the
  embedded SQLite database ``var/integrering.sqlite3``.
- ``INTEGRERING_SECRET_KEY``: required unless ``INTEGRERING_DEBUG`` or ``INTEGRERING_DEMO`` is set.
- ``INTEGRERING_DEBUG``: ``1`` for development (tracebacks in the browser).
- ``INTEGRERING_DEMO``: ``1`` for the demo settings (demo users with the password ``demo``).
- ``INTEGRERING_ALLOWED_HOSTS``: comma-separated host names.
- ``INTEGRERING_SYNTHETIC_IDS``: ``1`` to accept synthetic identity numbers (month + 80).
- ``INTEGRERING_BASE_URL``: the address in links sent by e-mail (survey links, reminders).
  Default ``http://127.0.0.1:8000``.
- E-mail: ``INTEGRERING_EMAIL_HOST`` (SMTP host; when empty the e-mails are
  written as files to ``INTEGRERING_EMAIL_DIR``, default ``var/mail/``), ``INTEGRERING_EMAIL_PORT`` (25), ``INTEGRERING_EMAIL_FROM``.
- ``INTEGRERING_PROXY_COUNT``: the number of reverse proxies of ours in front of the product
  (0): the login lockout reads the client's address from X-Forwarded-For behind them.
- ``INTEGRERING_JOB_STALE_MINUTES``: a background job with no heartbeat for this long is failed
  (15).
- ``OIDC_RP_CLIENT_ID`` and friends: switch on OpenID Connect login (see README).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0, not {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def database_from_url(url: str) -> dict[str, Any]:
    """Parse ``DATABASE_URL`` and explain, in one sentence, what is wrong with a bad one."""
    example = "postgres://postgres@127.0.0.1:5432/test or sqlite:///path/to/file.sqlite3"
    if "://" not in url:
        raise ImproperlyConfigured(
            f"DATABASE_URL {url!r} is not a database URL; use e.g. {example}."
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except Exception as exc:  # dj-database-url raises several kinds for bad URLs
        raise ImproperlyConfigured(
            f"DATABASE_URL {url!r} cannot be read ({exc}); use e.g. {example}."
        ) from None
    engine = config.get("ENGINE", "")
    if engine not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL {url!r} names an unsupported database; use PostgreSQL or SQLite, e.g. {example}."
        )
    if engine.endswith("postgresql") and not config.get("NAME"):
        raise ImproperlyConfigured(f"DATABASE_URL {url!r} names no database; use e.g. {example}.")
    return config


DEBUG = env_bool("INTEGRERING_DEBUG")
DEMO = env_bool("INTEGRERING_DEMO")
# The test settings, by an explicit variable: the test run sets it (``integrering.testing_env``,
# loaded by pytest before the settings), and so do the benchmarks and the test servers.
TESTING = env_bool("INTEGRERING_TESTING")

KEY_MISSING_MESSAGE = (
    "INTEGRERING_SECRET_KEY is not set; set it to a long random string in production "
    "(or set INTEGRERING_DEMO=1 to run the demo)."
)
SECRET_KEY = env_str("INTEGRERING_SECRET_KEY")
if not SECRET_KEY and (DEBUG or DEMO or TESTING):
    SECRET_KEY = "insecure-demo-key-do-not-use-in-production"  # noqa: S105 - refused unless DEBUG, DEMO or tests # nosec B105
SECRET_KEY_SET = bool(SECRET_KEY)  # Django refuses to read an empty SECRET_KEY: ask this instead
# Without a key, only a pure calculation runs (``integrering rules ...``): the console script and
# the WSGI application refuse everything else with KEY_MISSING_MESSAGE, and Django itself refuses
# any use of the empty key.

ALLOWED_HOSTS = env_list("INTEGRERING_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

# Synthetic identity numbers (month + 80, as in the Norwegian test ecosystem) are for demo and
# tests only: production refuses them unless told otherwise.
SYNTHETIC_IDENTITY_NUMBERS = env_bool("INTEGRERING_SYNTHETIC_IDS", DEMO or DEBUG or TESTING)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "mozilla_django_oidc",
    "integrering.organisations",
    "integrering.accounts",
    "integrering.people",
    "integrering.audit",
    "integrering.ui",
    "integrering.web",
    "integrering.demo",
    "integrering.rules",
    "integrering.casework",
    "integrering.programme",
    "integrering.settlement",
    "integrering.surveys",
    "integrering.finance",
    "integrering.news",
    "django_tasks",
    "django_tasks_db",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads a body (the CSRF check, a form, the API), and around every answer.
    "integrering.ui.http.RequestSizeMiddleware",
    "integrering.ui.http.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
    "integrering.ui.http.IdRangeMiddleware",
    "integrering.ui.http.DomainErrorMiddleware",
]

ROOT_URLCONF = "integrering.urls"
WSGI_APPLICATION = "integrering.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "integrering.web.context_processors.navigation",
            ],
            # «−1 608»: floatformat with a true minus sign (issue 23).
            "builtins": ["integrering.ui.templatetags.numbers"],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'integrering.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL;",
        "transaction_mode": "IMMEDIATE",
    }
    if TESTING:
        # The test database is a file, as in production, not SQLite's shared in-memory database:
        # that one locks whole tables and fails concurrent writers at once instead of letting
        # them wait, so the concurrency tests would test SQLite's test mode, not the product.
        # One file per test process, so that two runs side by side do not share it.
        DATABASES["default"]["TEST"] = {
            "NAME": str(Path(DATABASES["default"]["NAME"]).with_name(f"test-{os.getpid()}.sqlite3"))
        }

FORM_RENDERER = "integrering.ui.forms.FormRenderer"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Background work -----------------------------------------------------------------------------
# Imports (and later benefit runs, the matcher and survey reminders) run as tasks in the
# database, picked up by `integrering db_worker` (a separate process; `make demo` starts one).

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A job (an import, a benefit run, a matcher run) with no heartbeat for this long lost its worker:
# the worker fails it when it starts and every minute (integrering/jobs.py).
JOB_STALE_MINUTES = env_int("INTEGRERING_JOB_STALE_MINUTES", 15)

# E-mail: survey links and reminders. Without an SMTP host the messages are written as files to
# var/mail/ (the demo), so nothing leaves the machine; tests use Django's in-memory outbox.
BASE_URL = env_str("INTEGRERING_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
EMAIL_HOST = env_str("INTEGRERING_EMAIL_HOST")
EMAIL_PORT = env_int("INTEGRERING_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("INTEGRERING_EMAIL_FROM", "Integrering <ikke-svar@integrering.no>")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env_str("INTEGRERING_EMAIL_DIR") or str(BASE_DIR / "var" / "mail")

# --- Uploads ---------------------------------------------------------------------------------------

IMPORT_MAX_BYTES = env_int("INTEGRERING_IMPORT_MAX_BYTES", 5 * 1024 * 1024)

# --- Login -------------------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # must be first: it refuses locked-out attempts
    "integrering.accounts.lockout.LoginDelayBackend",  # then the user name's delay
    "integrering.accounts.backends.UserBackend",
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lockout after repeated failures (django-axes, ``integrering/accounts/lockout.py``): a user name
# is locked from the address the failures came from, so that whoever knows a user name cannot
# lock its owner out; the user name alone gets a progressive delay (at most a minute between
# attempts), so that many addresses do not give many guesses. Administrators lift locks at
# /innlogging/sperringer/.
AXES_FAILURE_LIMIT = env_int("INTEGRERING_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# An attempt refused while locked or delayed is not counted again (it was not tried).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "integrering.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "integrering.accounts.lockout.client_address"
AXES_VERBOSE = False
# The client's address: REMOTE_ADDR, or behind this many reverse proxies of our own the address
# they saw (from the right of X-Forwarded-For); a client cannot choose it by sending the header.
PROXY_COUNT = env_int("INTEGRERING_PROXY_COUNT", 0)

SESSION_COOKIE_AGE = env_int("INTEGRERING_SESSION_SECONDS", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# OpenID Connect (ID-porten / Ansattporten), switched on by OIDC_RP_CLIENT_ID.
OIDC_ENABLED = bool(env_str("OIDC_RP_CLIENT_ID"))
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("integrering.accounts.oidc.ProvisionedUsersOIDCBackend")
    OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid profile")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
    OIDC_USERNAME_CLAIM = env_str("OIDC_USERNAME_CLAIM", "pid")
    OIDC_CREATE_USER = False  # users are provisioned with an organisation and roles first
    missing = [
        name
        for name in (
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
        )
        if not globals()[name]
    ]
    if missing:
        raise ImproperlyConfigured(
            f"OIDC_RP_CLIENT_ID is set, but {', '.join(missing)} is missing."
        )

# --- Security ----------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("INTEGRERING_HTTPS"):
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# Content-Security-Policy (django-csp): scripts only from our own static files, no inline script,
# no plugins, no framing, forms post only to us. Styles allow inline because matplotlib's SVG
# charts, embedded in the pages, carry their styling as inline style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
CSRF_TRUSTED_ORIGINS = env_list("INTEGRERING_CSRF_TRUSTED_ORIGINS")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Language, time, static ----------------------------------------------------------------------

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål")]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
if DEBUG or TESTING:
    # Static files come from the apps through the finders; there is no collectstatic folder.
    WHITENOISE_AUTOREFRESH = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("INTEGRERING_LOG_LEVEL", "WARNING")},
}
