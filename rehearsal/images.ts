/**
 * The rehearsal's release images, built the way ProjectMeats' CI builds them and pushed as
 * `<registry>/<repository>:<appImageTagPrefix>-<sha>`: a Debian sid root filesystem (debootstrap) with
 * Debian's python3-django 5.2, gunicorn and psycopg2 as the base; the Django backend of ./app on top,
 * laid out and started as ProjectMeats' backend/Dockerfile does; a static frontend served by Python's
 * http.server from nginx's folder, where ProjectMeats' frontend reads its env-config.js.
 */
import * as fs from "fs";
import * as path from "path";
import { IMAGE_REPOSITORIES } from "../model/services";
import { httpRequest } from "../tools/http";
import { run } from "../tools/processes";
import type { LocalSite } from "./localSite";
import { APP_BASE, BASE_COMMANDS, isBaseRootfs } from "./rootfs";

const APP = path.join(__dirname, "app");
export const BASE_IMAGE = `projectmeats-rehearsal-base:${APP_BASE.suite}`;

/** What one release's backend holds: the app, plus release overlays from ./app/releases, plus faults. */
export interface ReleaseSpec {
    readonly sha: string;
    /** Overlays applied in order over ./app/backend, e.g. ["v2"]. */
    readonly overlays: readonly string[];
    /**
     * A fault baked into the image: `health`, the health endpoint never answers 200; `exit`, the app
     * cannot load, so the container exits at start (migrations still run: they never load wsgi.py).
     */
    readonly fault?: "health" | "exit";
}

/**
 * The image's own CMD, as ProjectMeats' backend/Dockerfile has it: on every start `check`,
 * `collectstatic --noinput --clear`, `setup_superuser` (admin/defaultpass123 with DJANGO_ENV unset),
 * `seed_tenants --count 3` (test tenants, in every environment), then gunicorn. The release's
 * command (projectmeats:appCommand's default) replaces it.
 */
export const IMAGE_CMD: readonly string[] = [
    "sh",
    "-c",
    "set -x && python manage.py check && python manage.py collectstatic --noinput --clear && python manage.py setup_superuser && " +
        "python manage.py seed_tenants --count 3 --env ${DJANGO_ENV:-development} && " +
        "exec gunicorn projectmeats.wsgi:application --bind 0.0.0.0:8000 --workers ${GUNICORN_WORKERS:-3} --timeout ${GUNICORN_TIMEOUT:-120} " +
        "--preload --log-level debug --capture-output --access-logfile - --error-logfile -",
];

/** The user the backend runs as: backend/Dockerfile's `useradd -m appuser` (uid 1000 on Debian), `USER appuser`. */
export const APP_USER = "1000:1000";

/** Imports the base root filesystem into the build machine's engine as the images' base. */
export async function importBaseImage(site: LocalSite, rootfs: string, signal: AbortSignal): Promise<number> {
    const started = Date.now();
    if (!isBaseRootfs(rootfs)) throw new Error(`${rootfs} is not a root filesystem with ${BASE_COMMANDS.join(", ")}`);
    const tar = path.join(site.dir, "rootfs.tar");
    await run("tar", ["-C", rootfs, "--exclude=./proc/*", "--exclude=./sys/*", "--exclude=./dev/*", "-cf", tar, "."], { deadlineMs: 300_000, signal });
    await site.builder.docker(["import", tar, BASE_IMAGE], { deadlineMs: 300_000, signal });
    fs.rmSync(tar);
    return (Date.now() - started) / 1000;
}

async function build(site: LocalSite, context: string, reference: string, signal: AbortSignal): Promise<void> {
    // The classic builder: these Dockerfiles only copy files and set metadata, nothing runs.
    await site.builder.docker(["build", "--quiet", "--tag", reference, context], { env: { ...site.builder.env, DOCKER_BUILDKIT: "0" }, deadlineMs: 120_000, signal });
    await site.builder.docker(["push", "--quiet", reference], { deadlineMs: 120_000, signal });
    // As a CI machine would be: nothing of the build stays where the droplet could find it.
    await site.builder.docker(["rmi", reference], { deadlineMs: 60_000, signal });
}

/** Builds and pushes one release's backend and frontend; returns their references by service. */
export async function buildRelease(site: LocalSite, endpoint: string, tag: string, spec: ReleaseSpec, signal: AbortSignal): Promise<{ backend: string; frontend: string }> {
    const context = fs.mkdtempSync(path.join(site.dir, `build-${spec.sha}-`));
    try {
        fs.cpSync(path.join(APP, "backend"), path.join(context, "backend/backend"), { recursive: true });
        for (const overlay of spec.overlays) fs.cpSync(path.join(APP, "releases", overlay, "backend"), path.join(context, "backend/backend"), { recursive: true });
        // backend/Dockerfile: `RUN mkdir -p /app/staticfiles /app/media` (COPY brings empty folders along).
        for (const dir of ["staticfiles", "media"]) fs.mkdirSync(path.join(context, "backend/backend", dir), { recursive: true });
        fs.writeFileSync(
            path.join(context, "backend/Dockerfile"),
            [
                `FROM ${BASE_IMAGE}`,
                // As ProjectMeats' backend/Dockerfile: `WORKDIR /app`, `COPY backend/ ./`, so manage.py is /app/manage.py,
                // owned by the user it runs as (`chown -R appuser:appuser /app`, `USER appuser`).
                "WORKDIR /app",
                `COPY --chown=${APP_USER} backend /app`,
                `ENV PM_RELEASE=${spec.sha} PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1${spec.fault ? ` PM_FAULT=${spec.fault}` : ""}`,
                `USER ${APP_USER}`,
                "EXPOSE 8000",
                `CMD ${JSON.stringify(IMAGE_CMD)}`,
                "",
            ].join("\n"),
        );
        const www = path.join(context, "frontend/html");
        fs.mkdirSync(www, { recursive: true });
        fs.writeFileSync(path.join(www, "index.html"), fs.readFileSync(path.join(APP, "frontend/index.html"), "utf8").replace("RELEASE", spec.sha));
        // frontend/public/env-config.js: the build's default, which the release mounts over (appFrontendConfigPath).
        fs.writeFileSync(path.join(www, "env-config.js"), 'window.ENV = { API_BASE_URL: "/api/v1", ENVIRONMENT: "development" };\n');
        fs.writeFileSync(
            path.join(context, "frontend/Dockerfile"),
            [`FROM ${BASE_IMAGE}`, "COPY html /usr/share/nginx/html", "EXPOSE 80", 'CMD ["python3", "-m", "http.server", "80", "--directory", "/usr/share/nginx/html"]', ""].join(
                "\n",
            ),
        );
        const references = { backend: `${endpoint}/${IMAGE_REPOSITORIES.backend}:${tag}`, frontend: `${endpoint}/${IMAGE_REPOSITORIES.frontend}:${tag}` };
        await build(site, path.join(context, "backend"), references.backend, signal);
        await build(site, path.join(context, "frontend"), references.frontend, signal);
        return references;
    } finally {
        fs.rmSync(context, { recursive: true, force: true });
    }
}

/** The digest the registry serves for `host:port/repository:tag`, from its API (as the Docker provider reads it). */
export async function registryDigest(site: LocalSite, reference: string, signal: AbortSignal): Promise<string> {
    const match = /^([^/]+)\/(.+):([^:/]+)$/.exec(reference);
    if (!match) throw new Error(`not a tagged reference: ${reference}`);
    const [, server, repository, tag] = match;
    const [host, port] = server.split(":");
    const res = await httpRequest({
        host,
        port: Number(port),
        method: "HEAD",
        path: `/v2/${repository}/manifests/${tag}`,
        auth: `${site.registry.user}:${site.registry.password}`,
        ...(site.registry.tls ? { tls: { ca: fs.readFileSync(site.caFile) } } : {}),
        headers: { accept: "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json" },
        deadlineMs: 10_000,
        signal,
    });
    const digest = res.headers["docker-content-digest"];
    if (res.status === 200 && typeof digest === "string") return digest;
    throw new Error(`registry answered ${res.status} for ${reference}`);
}
