"""Django settings, read from the environment (see ``naersund.web.env``).

``NAERSUND_DATA_DIR`` (default ``./data``) holds the SQLite database unless ``DATABASE_URL``
points at PostgreSQL. ``NAERSUND_SECRET_KEY`` (at least 50 characters) is required, except in
demo mode (``NAERSUND_DEMO=1``), where a fixed, public development key is used. SECURITY.md at
the repository root says what each security setting protects.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from naersund.suppression import SuppressionRule
from naersund.web.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_path,
    env_str,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent
DEBUG = env_bool("NAERSUND_DEBUG", False)
DEMO = env_bool("NAERSUND_DEMO", False)
# `make demo` keeps its data and database in data/demo: in demo mode that is the default, so
# the commands of README work as written after it (the web and the CLI read this one setting).
DEMO_DATA_DIR = "data/demo"
DATA_DIR = env_path("NAERSUND_DATA_DIR", DEMO_DATA_DIR if DEMO else "data")
# Report packs ordered on the web (/rapporter/), kept for their orderer for 30 days.
NAERSUND_REPORTS_DIR = DATA_DIR / "rapporter"

DEMO_SECRET_KEY = "naersund-demo-only-not-secret-" + "x" * 40
SECRET_KEY: str = secret_key(env_str("NAERSUND_SECRET_KEY"), demo=DEMO, demo_key=DEMO_SECRET_KEY)

# The deployment's small-number threshold: counts from 1 to NAERSUND_MIN_COUNT - 1 are hidden.
# `naersund publish` refuses results suppressed with a lower one, whatever their file says.
# Raising it is allowed; the product's rule (DOMAIN.md "Small numbers": mask 1-4) is the floor.
MIN_COUNT_FLOOR = SuppressionRule().min_count
NAERSUND_MIN_COUNT = env_int(
    "NAERSUND_MIN_COUNT",
    MIN_COUNT_FLOOR,
    minimum=MIN_COUNT_FLOOR,
    why=f": antal fra 1 til {MIN_COUNT_FLOOR - 1} må aldrig offentliggøres",
)

# "Synlighed om resultater": NAERSUND_PUBLIC_RESULTS=1 opens the published indicator pages, the
# definitions, the releases and the aggregated round results to everyone, read-only, without
# logging in (``accounts.access.can_view_public_results``). Off by default.
PUBLIC_RESULTS = env_bool("NAERSUND_PUBLIC_RESULTS", False)

ALLOWED_HOSTS = env_list("NAERSUND_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("NAERSUND_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
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
    "naersund.web.accounts",
    "naersund.web.catalogue",
    "naersund.web.survey",
    "naersund.web.dashboard",
    "naersund.web.api",
    "naersund.web.reportjobs",
    "naersund.web.economy",
    "naersund.web.practice",
    "naersund.web.areas",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # CSP on every page, no-store on every logged-in answer (see the module)
    "naersund.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "naersund.web.urls"
WSGI_APPLICATION = "naersund.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "naersund.web.accounts.context_processors.access",
            ],
        },
    },
]

# SQLite has no row locks: a transaction that has read and then wants to write while another
# holds the write lock fails at once with "database is locked" (the busy timeout cannot help,
# it would deadlock). BEGIN IMMEDIATE takes the write lock when the transaction starts, so
# concurrent saves queue (for up to `timeout` seconds) and each reads what the one before it
# committed: the survey's version check then refuses the late ones with a 409, as on PostgreSQL.
SQLITE_OPTIONS = {"timeout": 20, "transaction_mode": "IMMEDIATE"}

_database_url = env_str("DATABASE_URL")
DATABASES = {
    "default": database_from_url(_database_url)
    if _database_url
    else {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "naersund.sqlite3",
        "OPTIONS": SQLITE_OPTIONS,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Demo users (public password) may log in only in demo mode: see naersund.web.accounts.demo.
AUTHENTICATION_BACKENDS = ["naersund.web.accounts.backends.NaersundBackend"]
# The login throttle (naersund.web.accounts.throttle): this many wrong passwords for one user
# name, or from one address, within the cool-off lock it until the oldest is a cool-off old.
LOGIN_FAILURES_PER_ACCOUNT = 5
LOGIN_FAILURES_PER_ADDRESS = 30
LOGIN_COOL_OFF = dt.timedelta(minutes=15)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk")]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Served from the apps' static folders as they are, so `naersund serve` needs no collectstatic.
WHITENOISE_USE_FINDERS = True

# Uploads. The one upload is the survey import, its file at most 5 MB
# (naersund.survey.importing.LIMITS, which also bounds what is read of it). A request body up to
# NAERSUND_MAX_UPLOAD_BYTES is held in memory; the import view refuses a larger one by its
# Content-Length, and as the only upload handler keeps files in memory, never in temporary
# files, the file of a larger body is read past without being kept. `naersund serve` (waitress)
# refuses bodies of more than four times the limit before Django sees them.
NAERSUND_MAX_UPLOAD_BYTES = 5 * 1024 * 1024 + 64 * 1024  # the file and the form around it
# Documents attached to good-practice entries (PDF): at most NAERSUND_PRACTICE_ATTACHMENT_MB,
# refused by Content-Length like the import; kept under MEDIA_ROOT, downloaded only through the
# entry's access check (never served from MEDIA_URL).
NAERSUND_PRACTICE_ATTACHMENT_BYTES = (
    env_int(
        "NAERSUND_PRACTICE_ATTACHMENT_MB",
        10,
        minimum=1,
        why=": så mange MB må et dokument til god praksis fylde",
    )
    * 1024
    * 1024
)
MEDIA_ROOT = DATA_DIR / "dokumenter"
FILE_UPLOAD_MAX_MEMORY_SIZE = max(
    NAERSUND_MAX_UPLOAD_BYTES, NAERSUND_PRACTICE_ATTACHMENT_BYTES + 64 * 1024
)
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form fields, files not counted (Django's default)
DATA_UPLOAD_MAX_NUMBER_FILES = 1

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("NAERSUND_SECURE_COOKIES", not DEBUG and not DEMO)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
# HTML forms that fail the CSRF check get templates/403_csrf.html (Danish); the API says it in
# its JSON (naersund.web.api.errors).

# The JSON API (naersund.web.api): tokens for scripts, the session (with CSRF) for the browser;
# every view checks access itself through naersund.web.accounts.access.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "naersund.web.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "naersund.web.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "naersund API",
    "DESCRIPTION": "Katalog, statusrunder, svar og indikatorresultater for Det Nære Sundhedsvæsen.",
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "ENUM_NAME_OVERRIDES": {"RegionCodeEnum": "naersund.web.accounts.models.REGION_CHOICES"},
    # <number:...> in the URLs (naersund.web.params): 1-9 ASCII digits; <slug:...> as Django's
    "PATH_CONVERTER_OVERRIDES": {
        "number": {"type": "integer", "minimum": 0, "maximum": 999999999},
        "slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "naersund.web.api.links.add_links",
    ],
}

# Behind a reverse proxy that terminates HTTPS (nginx, a load balancer): trust its
# X-Forwarded-Proto header, send browsers to https and ask them to stay there (HSTS).
if env_bool("NAERSUND_BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("NAERSUND_HSTS_INCLUDE_SUBDOMAINS", True)
    # Preloading is the domain owner's decision (it binds the whole registered domain and is
    # slow to undo), so it is off unless asked for, and `check --deploy` does not warn about it.
    SECURE_HSTS_PRELOAD = env_bool("NAERSUND_HSTS_PRELOAD", False)
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
    USE_X_FORWARDED_HOST = env_bool("NAERSUND_USE_X_FORWARDED_HOST", False)

# Errors (a 500) are written to the server's standard error with their traceback, whatever
# NAERSUND_DEBUG says; the user sees only the Danish error page.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "naersund": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}
