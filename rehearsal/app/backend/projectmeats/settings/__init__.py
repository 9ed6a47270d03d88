"""Settings of the rehearsal backend. Like ProjectMeats, production settings are named by
DJANGO_SETTINGS_MODULE (projectmeats.settings.production), which the release's env file sets."""
