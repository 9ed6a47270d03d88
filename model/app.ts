/**
 * The deploy contract of the app: what the release chain and the host scripts must know about the
 * images they run. These are ProjectMeats' values (github.com/Meats-Central/ProjectMeats), the
 * defaults of the `app*` configuration keys (config/keys.ts); another Django + static-frontend app
 * fits by configuration alone. Each fact names the ProjectMeats file it was read from; the README's
 * "The app contract" lists them all.
 *
 * Imports nothing of ours.
 */

/**
 * The image repositories ProjectMeats' build pushes, under `registry.digitalocean.com/meatscentral`
 * (`.github/workflows/reusable-deploy.yml`: `BACKEND_IMAGE: projectmeats-backend`,
 * `FRONTEND_IMAGE: projectmeats-frontend`).
 */
export const PROJECTMEATS_REPOSITORIES = { backend: "projectmeats-backend", frontend: "projectmeats-frontend" } as const;

/**
 * How a management command is started in the backend image. `backend/Dockerfile` has `WORKDIR /app`
 * and `COPY backend/ ./`, so the file is `/app/manage.py` (not `backend/manage.py`).
 */
export const PROJECTMEATS_MANAGE_COMMAND: readonly string[] = ["python", "/app/manage.py"];

/**
 * The settings the release runs with. `backend/projectmeats/settings/__init__.py` picks development
 * settings unless `DJANGO_SETTINGS_MODULE` names production, and `manage.py` does not set it to
 * production; only `backend/projectmeats/wsgi.py` defaults to `projectmeats.settings.production`.
 * So the env file sets it for every command, `migrate` included.
 */
export const PROJECTMEATS_SETTINGS_MODULE = "projectmeats.settings.production";

/**
 * `DJANGO_ENV` when a stack sets none: `apps/core/management/commands/setup_superuser.py` reads
 * `os.getenv('DJANGO_ENV', 'development')`, and the image's CMD passes `--env ${DJANGO_ENV:-development}`
 * to `seed_tenants` (`backend/Dockerfile`). Stacks set `uat` or `production` in their stack file.
 */
export const PROJECTMEATS_DJANGO_ENV = "development";

/** The `DJANGO_ENV` under which a missing superuser password may be generated; any other needs a stack secret. */
export const DEVELOPMENT_DJANGO_ENV = "development";

/**
 * The container's own command: gunicorn started exactly as the CMD of `backend/Dockerfile` starts it
 * (`check`, `collectstatic --noinput --clear`, then `exec gunicorn projectmeats.wsgi:application
 * --bind 0.0.0.0:8000 …`), without its two other steps: `setup_superuser` (with `DJANGO_ENV` unset it
 * creates `admin`, issue 17) and `seed_tenants --count 3` (test tenants in every environment, and
 * under a role without BYPASSRLS it exits before gunicorn starts). Creating the superuser is a
 * post-migrate step instead, run once per release.
 */
export const PROJECTMEATS_COMMAND: readonly string[] = [
    "sh",
    "-c",
    "python manage.py check && python manage.py collectstatic --noinput --clear && " +
        "exec gunicorn projectmeats.wsgi:application --bind 0.0.0.0:8000 --workers ${GUNICORN_WORKERS:-3} --timeout ${GUNICORN_TIMEOUT:-120} " +
        "--preload --log-level debug --capture-output --access-logfile - --error-logfile -",
];

/** The port gunicorn listens on in the backend container (`backend/Dockerfile`: `EXPOSE 8000`, `--bind 0.0.0.0:8000`). */
export const PROJECTMEATS_CONTAINER_PORT = 8000;

/**
 * Readiness: `backend/projectmeats/health.py` `ready_check` answers 200 `{"status": "ready"}`, or 503
 * `{"status": "not_ready"}` when `SELECT 1` fails (`backend/projectmeats/urls.py`: `api/v1/ready/`).
 */
export const PROJECTMEATS_READY_PATH = "/api/v1/ready/";

/**
 * Health: `health_check` answers 200 in every case, with `{"status": "healthy"}` or
 * `{"status": "degraded", "database": "unhealthy: …"}` (same files); so the JSON field must be checked,
 * not only the status code.
 */
export const PROJECTMEATS_HEALTH_PATH = "/api/v1/health/";
export const PROJECTMEATS_HEALTH_JSON = { field: "status", value: "healthy" } as const;

/**
 * The backend's environment, under the names the app reads, as `NAME=template` lines. `{…}` are filled
 * by the release chain (config/sections/app.ts lists the placeholders); the secret ones reach only the
 * 0600 env file.
 * - `backend/projectmeats/settings/production.py`: `SECRET_KEY` (default
 *   `temp-key-for-build-phase-only-not-secure`), `ALLOWED_HOSTS` (comma-separated), `DATABASE_URL`
 *   (through `dj_database_url`), `CORS_ALLOWED_ORIGINS`, `CSRF_TRUSTED_ORIGINS`, `FRONTEND_URL`; DEBUG is
 *   fixed to False there.
 * - `DJANGO_SETTINGS_MODULE`: see PROJECTMEATS_SETTINGS_MODULE. `DJANGO_ENV`: see PROJECTMEATS_DJANGO_ENV.
 * - The superuser: `setup_superuser.py` reads `DEVELOPMENT_SUPERUSER_*` when `DJANGO_ENV` is
 *   development, `STAGING_SUPERUSER_*` for staging and uat, `PRODUCTION_SUPERUSER_*` for production and
 *   `SUPERUSER_*` otherwise (`USERNAME`, `EMAIL`, `PASSWORD`; defaults `admin` and
 *   `admin@meatscentral.com` in development); ProjectMeats' own deploy passes `DJANGO_SUPERUSER_*` to it
 *   (`.github/workflows/reusable-deploy.yml`), the names Django's `createsuperuser --noinput` reads. Every
 *   name is written, so any version of the command finds its own.
 */
export const PROJECTMEATS_ENV: readonly string[] = [
    "SECRET_KEY={secretKey}",
    "ALLOWED_HOSTS={backendHostname}",
    "DATABASE_URL={databaseUrl}",
    "DJANGO_SETTINGS_MODULE={settingsModule}",
    "DJANGO_ENV={djangoEnv}",
    "CORS_ALLOWED_ORIGINS=https://{frontendHostname}",
    "CSRF_TRUSTED_ORIGINS=https://{frontendHostname},https://{backendHostname}",
    "FRONTEND_URL=https://{frontendHostname}",
    ...["DJANGO_SUPERUSER", "SUPERUSER", "DEVELOPMENT_SUPERUSER", "STAGING_SUPERUSER", "PRODUCTION_SUPERUSER"].flatMap((prefix) => [
        `${prefix}_USERNAME=admin`,
        `${prefix}_EMAIL=admin@meatscentral.com`,
        `${prefix}_PASSWORD={superuserPassword}`,
    ]),
];

/**
 * Migrations to apply before the full `migrate` on an empty database, as `app target`.
 * `apps/tenants/migrations/0002_enable_rls_policies.py` depends only on the other apps' `0001_initial`
 * while the `tenant_id` column it needs arrives in their `0002`, so a full `migrate` on an empty database
 * fails with `column "tenant_id" does not exist` (issue 17, fact 6). Each step runs only while its target
 * is not applied yet, so a later release never migrates backwards.
 */
export const PROJECTMEATS_PRE_MIGRATE: readonly string[] = [
    "suppliers 0002",
    "customers 0002",
    "products 0002",
    "purchase_orders 0002",
    "sales_orders 0002",
    "invoices 0002",
    "carriers 0002",
    "contacts 0002",
    "plants 0002",
];

/**
 * The full migration, as ProjectMeats' own deploy runs it (`.github/workflows/reusable-deploy.yml`:
 * `python manage.py migrate --fake-initial --noinput`).
 */
export const MIGRATE_ARGUMENTS: readonly string[] = ["migrate", "--fake-initial", "--noinput"];

/**
 * Management commands after `migrate`, each idempotent: ProjectMeats' deploy runs `setup_superuser`
 * after its migration (`.github/workflows/reusable-deploy.yml`); it creates the user or syncs its
 * password (`setup_superuser.py`).
 */
export const PROJECTMEATS_POST_MIGRATE: readonly string[] = ["setup_superuser"];

/**
 * Whether the app's database role needs BYPASSRLS. The tenant tables ENABLE and FORCE row-level
 * security (`apps/tenants/migrations/0002_enable_rls_policies.py`), and `apps/tenants/middleware.py`
 * sets `app.current_tenant_id` with `SET LOCAL` outside a transaction, where it has no effect; so under
 * a role without BYPASSRLS every insert into a tenant table fails and every read returns nothing.
 */
export const PROJECTMEATS_BYPASS_ROW_LEVEL_SECURITY = true;

/**
 * Directories that outlive a release, as `name:/container/path`. Uploads go to `/app/media`
 * (`settings/production.py` `MEDIA_ROOT = BASE_DIR / "media"`; `backend/Dockerfile` creates it), and
 * ProjectMeats' deploy mounts `/root/projectmeats/media:/app/media` (`reusable-deploy.yml`).
 */
export const PROJECTMEATS_PERSISTENT_DIRECTORIES: readonly string[] = ["media:/app/media"];

/**
 * The user the backend container runs as, `uid:gid`: `backend/Dockerfile` runs `useradd -m appuser`
 * (the image's first user: 1000 on Debian) then `USER appuser`, and ProjectMeats' deploy chowns its
 * mounted folders to `1000:1000` (`reusable-deploy.yml`).
 */
export const PROJECTMEATS_CONTAINER_USER = "1000:1000";

/**
 * The frontend's runtime configuration: `frontend/docker-entrypoint.sh` and `frontend/public/env-config.js`
 * read `window.ENV = { API_BASE_URL, ENVIRONMENT }` from `/usr/share/nginx/html/env-config.js`, which
 * ProjectMeats' deploy mounts read-only into the container (`reusable-deploy.yml`). The in-repo default
 * `API_BASE_URL` is `/api/v1`; here the API has its own hostname.
 */
export const PROJECTMEATS_FRONTEND_CONFIG_PATH = "/usr/share/nginx/html/env-config.js";
export const PROJECTMEATS_FRONTEND_CONFIG: readonly string[] = ["API_BASE_URL=https://{backendHostname}/api/v1", "ENVIRONMENT={djangoEnv}"];

/**
 * The placeholders a backend env template may use, and the frontend's. The secret ones (`secretKey`,
 * `superuserPassword`, `databaseUrl`) are known only to the release chain and reach only the env file.
 */
export const BACKEND_ENV_PLACEHOLDERS = ["secretKey", "superuserPassword", "databaseUrl", "backendHostname", "frontendHostname", "settingsModule", "djangoEnv"] as const;
export const FRONTEND_CONFIG_PLACEHOLDERS = ["backendHostname", "frontendHostname", "djangoEnv"] as const;
export type BackendEnvPlaceholder = (typeof BACKEND_ENV_PLACEHOLDERS)[number];
export type FrontendConfigPlaceholder = (typeof FRONTEND_CONFIG_PLACEHOLDERS)[number];
