"""Picks the settings as ProjectMeats' backend/projectmeats/settings/__init__.py does: from
DJANGO_SETTINGS_MODULE, development unless the name says production (or staging)."""
import os

environment = os.environ.get("DJANGO_SETTINGS_MODULE", "projectmeats.settings.development")

if "production" in environment:
    from .production import *  # noqa: F401,F403
elif "staging" in environment:
    from .production import *  # noqa: F401,F403 - the rehearsal has no staging settings of its own
else:
    from .development import *  # noqa: F401,F403
