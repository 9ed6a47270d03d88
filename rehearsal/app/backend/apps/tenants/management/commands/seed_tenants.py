"""Seeds demo tenants, as ProjectMeats' apps/tenants/management/commands/seed_tenants.py (--count,
--env; slugs `<env>-acme-corp`, ...), which the image's CMD runs at every start. Each tenant gets a demo
supplier, a row in a FORCE row-level-security table: under a role without BYPASSRLS that insert fails
with "new row violates row-level security policy" and the command exits non-zero, so the image's CMD
stops before gunicorn starts (issue 17, fact 4). Tenants already there are skipped."""
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.suppliers.models import Supplier
from apps.tenants.models import Tenant

COMPANIES = [("ACME Corporation", "acme-corp"), ("Globex Inc", "globex-inc"), ("Initech LLC", "initech-llc"), ("Umbrella Corp", "umbrella-corp"), ("Soylent Industries", "soylent-ind")]


class Command(BaseCommand):
    help = "Seed the database with demo tenants"

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=3)
        parser.add_argument("--env", type=str, default="development")

    def handle(self, *args, **options):
        env = options["env"]
        for name, slug in COMPANIES[: options["count"]]:
            slug = f"{env}-{slug}"
            if Tenant.objects.filter(slug=slug).exists():
                self.stdout.write(f"tenant {slug} exists")
                continue
            try:
                with transaction.atomic():
                    tenant = Tenant.objects.create(name=f"{name} ({env.title()})", slug=slug, contact_email=f"admin@{slug}.local")
                    Supplier.objects.create(name=f"{name} demo supplier", tenant=tenant)
            except Exception as error:  # noqa: BLE001 - reported, then the command fails
                raise CommandError(f"Seeding failed for {slug}: {str(error).strip().splitlines()[0]}") from error
            self.stdout.write(f"created tenant {slug} (user admin@{slug}.local)")
