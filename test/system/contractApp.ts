/**
 * A small Django app built to ProjectMeats' deploy contract, for test/system/appContract.test.ts: real
 * Django (Debian's python3-django), gunicorn and psycopg2 in a Debian image made with debootstrap (no
 * image can be pulled here). It has what the release scripts must cope with in the real app, each
 * after a ProjectMeats file (github.com/Meats-Central/ProjectMeats, issue 17):
 * - `/app/manage.py` defaulting to development settings (SQLite), `wsgi.py` to production
 *   (`backend/projectmeats/wsgi.py`, `settings/__init__.py`);
 * - production settings reading `SECRET_KEY`, `ALLOWED_HOSTS`, `DATABASE_URL` (`settings/production.py`);
 * - an image CMD that seeds at every start (`backend/Dockerfile`), which the contract's command replaces;
 * - health answering 200 `{"status": "degraded"}` and readiness 503 with the database down
 *   (`backend/projectmeats/health.py`);
 * - a migration graph with ProjectMeats' ordering defect: the row-level-security migration depends only
 *   on the other app's `0001` while the `tenant_id` it needs arrives in its `0002`
 *   (`apps/tenants/migrations/0002_enable_rls_policies.py`), and an app whose first migration depends on
 *   it, so a full `migrate` on an empty database applies it too early;
 * - a FORCE row-level-security table written without any tenant set (`apps/tenants/middleware.py`);
 * - a `setup_superuser` command reading `DJANGO_SUPERUSER_*`.
 * The rehearsal's app (rehearsal/) is the full stand-in; this one is only what the scripts' contract needs.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { run } from "../../tools/processes";
import type { Services } from "../../tools/standins/services";

const SUITE = "bookworm";
const PACKAGES = ["python3-django", "gunicorn", "python3-psycopg2", "python-is-python3", "passwd"];

/** The image's own CMD: seeds at every start, as ProjectMeats' does; the contract's command replaces it. */
export const IMAGE_CMD = ["sh", "-c", "touch /tmp/seeded-by-the-image-cmd && exec gunicorn contract.wsgi:application --bind 0.0.0.0:8000"];

/** The contract's command: gunicorn as the image would start it, without seeding. */
export const CONTRACT_COMMAND = [
    "sh",
    "-c",
    "python manage.py check && exec gunicorn contract.wsgi:application --bind 0.0.0.0:8000 --workers 2 --access-logfile - --error-logfile -",
];

const migration = (dependencies: string, sql: string, initial = false) => `from django.db import migrations


class Migration(migrations.Migration):
    initial = ${initial ? "True" : "False"}
    dependencies = [${dependencies}]
    operations = [${sql}]
`;

export const APP_FILES: Readonly<Record<string, string>> = {
    "manage.py": `#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    # As ProjectMeats' manage.py: development settings unless told otherwise.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contract.development")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
`,
    "contract/__init__.py": "",
    "contract/wsgi.py": `import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contract.production")
application = get_wsgi_application()
`,
    "contract/production.py": `import os
from urllib.parse import parse_qs, unquote, urlsplit

SECRET_KEY = os.environ.get("SECRET_KEY", "temp-key-for-build-phase-only-not-secure")
DEBUG = False
ALLOWED_HOSTS = [host for host in os.environ.get("ALLOWED_HOSTS", "").split(",") if host]


def database(url):
    """DATABASE_URL as dj_database_url reads it: query parameters become the driver's options."""
    parts = urlsplit(url)
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": options.pop("host", parts.hostname or ""),
        "PORT": str(options.pop("port", parts.port or "")),
        "OPTIONS": options,
    }


DATABASES = {"default": database(os.environ["DATABASE_URL"])}
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "tenants", "suppliers", "core"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "contract.urls"
MEDIA_ROOT = "/app/media"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
`,
    "contract/development.py": `from .production import *  # noqa: F401,F403

DEBUG = True
SECRET_KEY = "development-key"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "/tmp/development.sqlite3"}}
`,
    "contract/urls.py": `from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt


def select_one():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def health(request):
    # As ProjectMeats' health_check: 200 either way, the state in the body.
    try:
        select_one()
        return JsonResponse({"status": "healthy", "database": "healthy"})
    except Exception as error:
        return JsonResponse({"status": "degraded", "database": "unhealthy: %s" % error})


def ready(request):
    try:
        select_one()
        return JsonResponse({"status": "ready"})
    except Exception as error:
        return JsonResponse({"status": "not_ready", "error": str(error)}, status=503)


@csrf_exempt
def suppliers(request):
    # No tenant is set, as in ProjectMeats' middleware (SET LOCAL outside a transaction).
    try:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO suppliers_supplier (name) VALUES (%s) RETURNING id", [request.body.decode() or "supplier"])
            return JsonResponse({"id": cursor.fetchone()[0]}, status=201)
    except Exception as error:
        return JsonResponse({"error": str(error).strip()}, status=500)


urlpatterns = [path("api/v1/health/", health), path("api/v1/ready/", ready), path("api/v1/suppliers/", suppliers)]
`,
    "suppliers/__init__.py": "",
    "suppliers/migrations/__init__.py": "",
    "suppliers/migrations/0001_initial.py": migration("", `migrations.RunSQL("CREATE TABLE suppliers_supplier (id serial PRIMARY KEY, name text NOT NULL)")`, true),
    "suppliers/migrations/0002_supplier_tenant.py": migration(`("suppliers", "0001_initial")`, `migrations.RunSQL("ALTER TABLE suppliers_supplier ADD COLUMN tenant_id uuid")`),
    "tenants/__init__.py": "",
    "tenants/migrations/__init__.py": "",
    "tenants/migrations/0001_initial.py": migration("", `migrations.RunSQL("CREATE TABLE tenants_tenant (id uuid PRIMARY KEY, name text NOT NULL)")`, true),
    // The defect: it needs suppliers' tenant_id (0002) but depends only on suppliers' 0001.
    "tenants/migrations/0002_enable_rls_policies.py": migration(
        `("tenants", "0001_initial"), ("suppliers", "0001_initial")`,
        `migrations.RunSQL(
            "ALTER TABLE suppliers_supplier ENABLE ROW LEVEL SECURITY; "
            "ALTER TABLE suppliers_supplier FORCE ROW LEVEL SECURITY; "
            "CREATE POLICY suppliers_supplier_tenant_isolation ON suppliers_supplier FOR ALL "
            "USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)"
        )`,
    ),
    "core/__init__.py": "",
    "core/migrations/__init__.py": "",
    // Sorts before suppliers, so a full migrate reaches tenants' 0002 through it, before suppliers' 0002.
    "core/migrations/0001_initial.py": migration(`("tenants", "0002_enable_rls_policies"), ("auth", "0001_initial")`, "", true),
    "core/management/__init__.py": "",
    "core/management/commands/__init__.py": "",
    "core/management/commands/setup_superuser.py": `import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create or sync the superuser from DJANGO_SUPERUSER_*; idempotent."

    def handle(self, *args, **options):
        username = os.environ["DJANGO_SUPERUSER_USERNAME"]
        user, created = get_user_model().objects.get_or_create(username=username, defaults={"email": os.environ["DJANGO_SUPERUSER_EMAIL"]})
        user.set_password(os.environ["DJANGO_SUPERUSER_PASSWORD"])
        user.is_staff = user.is_superuser = True
        user.save()
        self.stdout.write("superuser %s %s" % (username, "created" if created else "updated"))
`,
};

/** Where the base root filesystem is kept between runs: $PM_APPCONTRACT_CACHE, else /var/cache/projectmeats-appcontract. */
function cacheRoot(): string {
    return process.env.PM_APPCONTRACT_CACHE ?? "/var/cache/projectmeats-appcontract";
}

/** The Debian mirror apt uses on this machine. */
function debianMirror(): string {
    const sources = "/etc/apt/sources.list.d/debian.sources";
    const text = fs.existsSync(sources) ? fs.readFileSync(sources, "utf8") : "";
    return /^URIs:\s*(\S+\/debian)\s*$/m.exec(text)?.[1] ?? "http://deb.debian.org/debian";
}

/**
 * The base root filesystem (debootstrap minbase with Django, gunicorn and psycopg2), built once into the
 * cache (about a minute), atomically: a run stopped half-way leaves no entry. debootstrap runs in mount
 * and PID namespaces of its own, so stopping it (its deadline) ends every process and mount it made.
 */
async function baseRootfs(): Promise<string> {
    const key = crypto
        .createHash("sha256")
        .update(JSON.stringify({ SUITE, PACKAGES, variant: "minbase" }))
        .digest("hex")
        .slice(0, 16);
    const entry = path.join(cacheRoot(), key);
    const rootfs = path.join(entry, "rootfs");
    if (fs.existsSync(path.join(rootfs, "usr/bin/gunicorn")) && fs.existsSync(path.join(entry, "complete"))) return rootfs;
    fs.mkdirSync(cacheRoot(), { recursive: true });
    const build = fs.mkdtempSync(path.join(cacheRoot(), `.build-${process.pid}-`));
    try {
        await run(
            "unshare",
            [
                "--mount",
                "--propagation",
                "private",
                "--pid",
                "--fork",
                "--kill-child",
                "debootstrap",
                "--variant=minbase",
                `--include=${PACKAGES.join(",")}`,
                SUITE,
                path.join(build, "rootfs"),
                debianMirror(),
            ],
            { deadlineMs: 600_000, output: "ignore" },
        );
        fs.writeFileSync(path.join(build, "complete"), `${new Date().toISOString()}\n`);
        fs.rmSync(entry, { recursive: true, force: true });
        fs.renameSync(build, entry);
        return rootfs;
    } finally {
        fs.rmSync(build, { recursive: true, force: true });
    }
}

const bases = new WeakMap<Services, Promise<string>>();

/** The base imported into the services' Docker Engine once, with the app's user 1000 (`backend/Dockerfile`: `useradd -m appuser`). */
function baseImage(services: Services): Promise<string> {
    let base = bases.get(services);
    if (base === undefined) {
        base = (async () => {
            const tar = path.join(services.dir, "contract-base.tar");
            await run("tar", ["-C", await baseRootfs(), "-cf", tar, "."], { deadlineMs: 300_000 });
            await run("docker", ["import", tar, "contract-base:1"], { deadlineMs: 300_000, env: services.env });
            fs.rmSync(tar);
            return "contract-base:1";
        })();
        bases.set(services, base);
    }
    return base;
}

/**
 * Builds the app's image on the base (the app under /app, user appuser 1000, the seeding CMD), pushes it
 * and returns its pinned reference `registry/repository@sha256:…`.
 */
export async function buildContractImage(services: Services, options: { repository: string; tag: string }): Promise<string> {
    const base = await baseImage(services);
    const docker = (args: string[], deadlineMs = 120_000) => run("docker", args, { deadlineMs, env: services.env });
    const app = fs.mkdtempSync(path.join(services.dir, "contract-app-"));
    const builder = `contract-build-${options.tag}`;
    try {
        for (const [file, content] of Object.entries({ ...APP_FILES, "release.txt": `${options.tag}\n` })) {
            fs.mkdirSync(path.dirname(path.join(app, file)), { recursive: true });
            fs.writeFileSync(path.join(app, file), content, { mode: 0o644 });
        }
        await docker([
            "run",
            "--name",
            builder,
            "--network",
            "none",
            "--user",
            "0:0",
            base,
            "sh",
            "-c",
            "id appuser >/dev/null 2>&1 || useradd -u 1000 -m appuser; mkdir -p /app/media",
        ]);
        await docker(["cp", `${app}/.`, `${builder}:/app`]);
        const ref = `${services.registry.address}/${options.repository}:${options.tag}`;
        await docker([
            "commit",
            "--change",
            "USER appuser",
            "--change",
            "WORKDIR /app",
            "--change",
            "ENV PYTHONUNBUFFERED=1",
            "--change",
            `CMD ${JSON.stringify(IMAGE_CMD)}`,
            builder,
            ref,
        ]);
        await docker(["push", "--quiet", ref], 300_000);
        return (await docker(["inspect", "--format", "{{index .RepoDigests 0}}", ref])).stdout.trim();
    } finally {
        await run("docker", ["rm", "-f", builder], { deadlineMs: 60_000, env: services.env, allowFailure: true });
        fs.rmSync(app, { recursive: true, force: true });
    }
}
