"""WSGI entry point. As ProjectMeats' backend/projectmeats/wsgi.py, it defaults to production settings."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "projectmeats.settings.production")

if os.environ.get("PM_FAULT") == "exit":
    # A broken build (the rehearsal's fault): the app cannot load, so gunicorn --preload exits at start.
    raise RuntimeError("fault injected at build time: this release cannot start")

application = get_wsgi_application()
