"""Production settings of the rehearsal backend, read as ProjectMeats' settings/production.py reads
them from the env file the release chain writes: SECRET_KEY, ALLOWED_HOSTS (comma-separated) and
DATABASE_URL (parsed here, as the base image has no dj-database-url; query parameters such as sslmode and
sslrootcert go to the driver as connection options, as dj_database_url passes them). DEBUG is off."""
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]

INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.staticfiles", "suppliers"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "projectmeats.urls"
WSGI_APPLICATION = "projectmeats.wsgi.application"
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"


def database_from_url(url):
    parts = urlparse(url)
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or 5432),
        "OPTIONS": options,
        "CONN_MAX_AGE": 0,
    }


DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
