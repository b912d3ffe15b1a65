"""Settings from environment variables: small typed readers that fail loudly, saying what
value was expected (and never echoing a password)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0 (got '{value}')")


def env_int(name: str, default: int, minimum: int | None = None, why: str = "") -> int:
    """A whole number (default ``default``), refused below ``minimum`` with ``why`` said."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} skal være et helt tal (er '{value}')") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} skal være mindst {minimum} (er {number}){why}")
    return number


def env_path(name: str, default: str) -> Path:
    return Path(os.environ.get(name) or default).expanduser().resolve()


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


def database_from_url(url: str, name: str = "DATABASE_URL") -> dict[str, Any]:
    """Django's database settings from ``postgresql://user:password@host:5432/dbname``."""
    expected = f"{name} must look like postgresql://user:password@host:5432/dbname"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{expected} (the port is not a number)") from None
    if parts.scheme not in ("postgres", "postgresql"):
        scheme = parts.scheme or "no scheme"
        raise ImproperlyConfigured(f"{expected} (got {scheme}://...)")
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname or "/" in dbname:
        raise ImproperlyConfigured(f"{expected} (the database name is missing)")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": dbname,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        "CONN_MAX_AGE": 60,
    }


MIN_SECRET_KEY_LENGTH = 50


def secret_key(value: str | None, demo: bool, demo_key: str) -> str:
    """``NAERSUND_SECRET_KEY``: required outside demo mode, and long and varied enough that it
    cannot be guessed (Django signs sessions, CSRF tokens and password-reset links with it).
    Demo mode without one gets the public ``demo_key``."""
    if not value:
        if demo:
            return demo_key
        raise ImproperlyConfigured(
            "NAERSUND_SECRET_KEY mangler: sæt den til en lang, tilfældig tekst på mindst "
            f'{MIN_SECRET_KEY_LENGTH} tegn, fx med `python -c "import secrets; '
            'print(secrets.token_urlsafe(50))"` (eller sæt NAERSUND_DEMO=1 for at køre demoen '
            "med en offentlig udviklingsnøgle)."
        )
    if value == demo_key and not demo:
        raise ImproperlyConfigured(
            "NAERSUND_SECRET_KEY er demoens offentlige nøgle; uden for demotilstand skal den "
            "være en hemmelig, tilfældig tekst på mindst "
            f"{MIN_SECRET_KEY_LENGTH} tegn."
        )
    if len(value) < MIN_SECRET_KEY_LENGTH or len(set(value)) < 5:
        raise ImproperlyConfigured(
            f"NAERSUND_SECRET_KEY er for kort eller for ensformig ({len(value)} tegn): den skal "
            f"være en tilfældig tekst på mindst {MIN_SECRET_KEY_LENGTH} tegn, fx fra "
            '`python -c "import secrets; print(secrets.token_urlsafe(50))"`.'
        )
    return value
