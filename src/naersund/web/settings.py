"""Django settings, read from the environment (see ``naersund.web.env``).

``NAERSUND_DATA_DIR`` (default ``./data``) holds the SQLite database unless ``DATABASE_URL``
points at PostgreSQL. ``NAERSUND_SECRET_KEY`` is required, except in demo mode
(``NAERSUND_DEMO=1``), where a fixed, public development key is used.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from naersund.web.env import database_from_url, env_bool, env_list, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = env_path("NAERSUND_DATA_DIR", "data")

DEBUG = env_bool("NAERSUND_DEBUG", False)
DEMO = env_bool("NAERSUND_DEMO", False)

_secret = env_str("NAERSUND_SECRET_KEY")
if not _secret:
    if not DEMO:
        raise ImproperlyConfigured(
            "NAERSUND_SECRET_KEY must be set to a long random string "
            "(or set NAERSUND_DEMO=1 to run the demo with a public development key)"
        )
    _secret = "naersund-demo-only-not-secret-" + "x" * 40
SECRET_KEY: str = _secret

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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "catalogue:overview"
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

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("NAERSUND_SECURE_COOKIES", not DEBUG and not DEMO)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

# The JSON API (naersund.web.api): tokens for scripts, the session (with CSRF) for the browser;
# every view checks access itself through naersund.web.accounts.access.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
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
