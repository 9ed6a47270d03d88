"""Production settings, reading the names ProjectMeats' backend/projectmeats/settings/production.py reads:
SECRET_KEY (default `temp-key-for-build-phase-only-not-secure`), ALLOWED_HOSTS and INTERNAL_ALLOWED_HOSTS
(comma-separated, localhost and 127.0.0.1 always added), DATABASE_URL (or DB_NAME, DB_USER, DB_PASSWORD,
DB_HOST, DB_PORT), CORS_ALLOWED_ORIGINS, CSRF_TRUSTED_ORIGINS, FRONTEND_URL, SENDGRID_API_KEY and
DEFAULT_FROM_EMAIL. DEBUG is fixed to False; SECURE_SSL_REDIRECT is on with the health and ready paths
exempt, and X-Forwarded-Proto: https counts as HTTPS (SECURE_PROXY_SSL_HEADER); persistent connections
(CONN_MAX_AGE 600 with health checks), as dj_database_url.config(conn_max_age=600, conn_health_checks=True)."""
import os
from urllib.parse import parse_qs, unquote, urlsplit

from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "temp-key-for-build-phase-only-not-secure")


def _split_list(value):
    return [item.strip() for item in (value or "").split(",") if item.strip()]


ALLOWED_HOSTS = list(dict.fromkeys(_split_list(os.environ.get("ALLOWED_HOSTS")) + _split_list(os.environ.get("INTERNAL_ALLOWED_HOSTS")) + ["localhost", "127.0.0.1"]))


def database_from_url(url):
    """DATABASE_URL as dj_database_url reads it (the image has Debian's Django, not dj_database_url):
    query parameters such as sslmode and sslrootcert become the driver's connection options."""
    parts = urlsplit(url)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or 5432),
        "OPTIONS": {key: values[-1] for key, values in parse_qs(parts.query).items()},
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
    }


if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ["DB_NAME"],
            "USER": os.environ["DB_USER"],
            "PASSWORD": os.environ["DB_PASSWORD"],
            "HOST": os.environ["DB_HOST"],
            "PORT": os.environ.get("DB_PORT", "5432"),
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
        }
    }

CORS_ALLOWED_ORIGINS = _split_list(os.environ.get("CORS_ALLOWED_ORIGINS"))
CSRF_TRUSTED_ORIGINS = _split_list(os.environ.get("CSRF_TRUSTED_ORIGINS"))
FRONTEND_URL = os.environ.get("FRONTEND_URL", "")
SENDGRID_API_KEY = os.environ.get("SENDGRID_API_KEY", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@meatscentral.com")

SECURE_SSL_REDIRECT = True
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health/$", r"^api/v1/ready/$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
