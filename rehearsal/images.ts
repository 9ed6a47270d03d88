/**
 * The rehearsal's release images, built the way ProjectMeats' CI builds them and pushed as
 * `<registry>/<repository>:<appImageTagPrefix>-<sha>`: a Debian root filesystem (debootstrap) with Debian's
 * python3-django, gunicorn and psycopg2 as the base; the Django backend of ./app on top; a static
 * frontend served by Python's http.server.
 */
import * as fs from "fs";
import * as path from "path";
import { IMAGE_REPOSITORIES } from "../model/services";
import { httpRequest } from "../tools/http";
import { run } from "../tools/processes";
import type { LocalSite } from "./localSite";
import { BASE_COMMANDS, isBaseRootfs } from "./rootfs";

const APP = path.join(__dirname, "app");
export const BASE_IMAGE = "projectmeats-rehearsal-base:bookworm";

/** What one release's backend holds: the app, plus release overlays from ./app/releases, plus faults. */
export interface ReleaseSpec {
    readonly sha: string;
    /** Overlays applied in order over ./app/backend, e.g. ["v2"]. */
    readonly overlays: readonly string[];
    /** A fault baked into the image (`health`: the health endpoint never answers 200). */
    readonly fault?: "health";
}

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
        fs.writeFileSync(
            path.join(context, "backend/Dockerfile"),
            [
                `FROM ${BASE_IMAGE}`,
                // As ProjectMeats' backend/Dockerfile: `WORKDIR /app`, `COPY backend/ ./`, so manage.py is /app/manage.py.
                "WORKDIR /app",
                "COPY backend /app",
                `ENV PM_RELEASE=${spec.sha} PYTHONUNBUFFERED=1${spec.fault ? ` PM_FAULT=${spec.fault}` : ""}`,
                "EXPOSE 8000",
                'CMD ["gunicorn", "--chdir", "/app", "--bind", "0.0.0.0:8000", "--workers", "2", "--graceful-timeout", "20", "--access-logfile", "-", "projectmeats.wsgi"]',
                "",
            ].join("\n"),
        );
        fs.mkdirSync(path.join(context, "frontend/www"), { recursive: true });
        fs.writeFileSync(path.join(context, "frontend/www/index.html"), fs.readFileSync(path.join(APP, "frontend/index.html"), "utf8").replace("RELEASE", spec.sha));
        fs.writeFileSync(
            path.join(context, "frontend/Dockerfile"),
            [`FROM ${BASE_IMAGE}`, "COPY www /srv/www", "EXPOSE 80", 'CMD ["python3", "-m", "http.server", "80", "--directory", "/srv/www"]', ""].join("\n"),
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
        headers: { accept: "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json" },
        deadlineMs: 10_000,
        signal,
    });
    const digest = res.headers["docker-content-digest"];
    if (res.status === 200 && typeof digest === "string") return digest;
    throw new Error(`registry answered ${res.status} for ${reference}`);
}
