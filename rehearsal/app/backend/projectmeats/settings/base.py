"""What every settings module shares (ProjectMeats: backend/projectmeats/settings/base.py): the apps,
among them the nine business apps with a tenant_id and the tenants app whose row-level-security
migration they feed, the middleware with the tenant middleware last, and the media folder /app/media."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent

BUSINESS_APPS = ["suppliers", "customers", "products", "purchase_orders", "sales_orders", "invoices", "carriers", "contacts", "plants"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "apps.core",
    "apps.tenants",
    *[f"apps.{app}" for app in BUSINESS_APPS],
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.tenants.middleware.TenantMiddleware",
]

ROOT_URLCONF = "projectmeats.urls"
WSGI_APPLICATION = "projectmeats.wsgi.application"
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
            ]
        },
    }
]
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploads (e.g. Tenant.logo in ProjectMeats) go to /app/media: settings/production.py MEDIA_ROOT = BASE_DIR / "media".
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True

# The release the image was built from, for the rehearsal's traffic (rehearsal/traffic.ts reads it from the health answer).
RELEASE = os.environ.get("PM_RELEASE", "unknown")
