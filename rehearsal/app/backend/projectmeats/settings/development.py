"""Development settings (ProjectMeats: settings/development.py): DEBUG on, a development key, CORS open
to every origin, a local SQLite file. What every management command gets without
DJANGO_SETTINGS_MODULE=projectmeats.settings.production (issue 17, fact 2)."""
from .base import *  # noqa: F401,F403
from .base import BASE_DIR

DEBUG = True
SECRET_KEY = "django-insecure-development-key-for-local-use-only"
ALLOWED_HOSTS = ["*"]
CORS_ALLOW_ALL_ORIGINS = True
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
