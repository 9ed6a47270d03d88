"""Creates the superuser or syncs its password, as ProjectMeats'
apps/core/management/commands/setup_superuser.py does: DJANGO_ENV (default development) picks the
variables: DEVELOPMENT_SUPERUSER_* in development, STAGING_SUPERUSER_* in staging and uat,
PRODUCTION_SUPERUSER_* in production, SUPERUSER_* otherwise (USERNAME, EMAIL, PASSWORD). In development
the username defaults to admin and, with no password set, the password to defaultpass123 (issue 17,
fact 4: with DJANGO_ENV unset the image's CMD created admin/defaultpass123). Elsewhere every variable
is required. Idempotent."""
import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

PREFIXES = {"development": "DEVELOPMENT", "staging": "STAGING", "uat": "STAGING", "production": "PRODUCTION"}


class Command(BaseCommand):
    help = "Create or sync the superuser from the environment"

    def handle(self, *args, **options):
        env = os.getenv("DJANGO_ENV", "development")
        prefix = PREFIXES.get(env, "") + "_" if env in PREFIXES else ""
        username = os.getenv(f"{prefix}SUPERUSER_USERNAME")
        email = os.getenv(f"{prefix}SUPERUSER_EMAIL")
        password = os.getenv(f"{prefix}SUPERUSER_PASSWORD")
        if env == "development":
            username = username or "admin"
            email = email or "admin@meatscentral.com"
            password = password or "defaultpass123"
        if not (username and email and password):
            raise CommandError(f"{prefix}SUPERUSER_USERNAME, _EMAIL and _PASSWORD must be set in the {env} environment")
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username, defaults={"email": email, "is_staff": True, "is_superuser": True})
        user.email = email
        user.set_password(password)
        user.save()
        self.stdout.write(f"{'Superuser created' if created else 'Superuser password synced'}: {username} ({env})")
