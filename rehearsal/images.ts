/**
 * The rehearsal's release images, built the way ProjectMeats' CI builds them and pushed as
 * `<registry>/<service>:rehearsal-<sha>`: a Debian root filesystem (debootstrap) with Debian's
 * python3-django, gunicorn and psycopg2 as the base; the Django backend of ./app on top; a static
 * frontend served by Python's http.server.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { IMAGE_REPOSITORIES } from "../model/services";
import type { LocalSite } from "./site-services";

const APP = path.join(__dirname, "app");
export const BASE_IMAGE = "projectmeats-rehearsal-base:bookworm";
const BASE_PACKAGES = ["python3-django", "gunicorn", "python3-psycopg2", "python-is-python3"];
/** What the release scripts call in the image (`python backend/manage.py`) and what runs the app. */
const BASE_COMMANDS = ["usr/bin/python", "usr/bin/gunicorn"];

/** What one release's backend holds: the app, plus release overlays from ./app/releases, plus faults. */
export interface ReleaseSpec {
    readonly sha: string;
    /** Overlays applied in order over ./app/backend, e.g. ["v2"]. */
    readonly overlays: readonly string[];
    /** A fault baked into the image (`health`: the health endpoint never answers 200). */
    readonly fault?: "health";
}

/** The Debian mirror apt uses here, for debootstrap. */
export function debianMirror(): string {
    const sources = "/etc/apt/sources.list.d/debian.sources";
    const text = fs.existsSync(sources) ? fs.readFileSync(sources, "utf8") : "";
    const uri = /^URIs:\s*(\S+\/debian)\s*$/m.exec(text)?.[1];
    return uri ?? "http://deb.debian.org/debian";
}

/** Whether `dir` holds a root filesystem with what the images need. */
export function isBaseRootfs(dir: string): boolean {
    return dir !== "" && BASE_COMMANDS.every((c) => fs.existsSync(path.join(dir, c)));
}

/**
 * Builds the base root filesystem with debootstrap (about a minute). Runs before the rehearsal enters
 * its namespaces: it needs Debian's mirror, which the namespaces cannot reach.
 */
export function debootstrapBase(rootfs: string, log: number): number {
    const started = Date.now();
    execFileSync("debootstrap", ["--variant=minbase", `--include=${BASE_PACKAGES.join(",")}`, "bookworm", rootfs, debianMirror()], { stdio: ["ignore", log, log] });
    return (Date.now() - started) / 1000;
}

/** Imports the base root filesystem into the build machine's engine as the images' base. */
export function importBaseImage(site: LocalSite, rootfs: string): number {
    const started = Date.now();
    if (!isBaseRootfs(rootfs)) throw new Error(`${rootfs} is not a root filesystem with ${BASE_COMMANDS.join(", ")}`);
    const tar = path.join(site.dir, "rootfs.tar");
    execFileSync("tar", ["-C", rootfs, "--exclude=./proc/*", "--exclude=./sys/*", "--exclude=./dev/*", "-cf", tar, "."]);
    execFileSync("docker", ["import", tar, BASE_IMAGE], { env: site.builderEnv, stdio: "ignore" });
    fs.rmSync(tar);
    return (Date.now() - started) / 1000;
}

function build(site: LocalSite, context: string, reference: string): void {
    // The classic builder: these Dockerfiles only copy files and set metadata, nothing runs.
    execFileSync("docker", ["build", "--quiet", "--tag", reference, context], { env: { ...site.builderEnv, DOCKER_BUILDKIT: "0" }, stdio: "ignore" });
    execFileSync("docker", ["push", "--quiet", reference], { env: site.builderEnv, stdio: "ignore" });
    // As a CI machine would be: nothing of the build stays where the droplet could find it.
    execFileSync("docker", ["rmi", reference], { env: site.builderEnv, stdio: "ignore" });
}

/** Builds and pushes one release's backend and frontend; returns their references by service. */
export function buildRelease(site: LocalSite, endpoint: string, tag: string, spec: ReleaseSpec): { backend: string; frontend: string } {
    const context = fs.mkdtempSync(path.join(site.dir, `build-${spec.sha}-`));
    try {
        fs.cpSync(path.join(APP, "backend"), path.join(context, "backend/backend"), { recursive: true });
        for (const overlay of spec.overlays) fs.cpSync(path.join(APP, "releases", overlay, "backend"), path.join(context, "backend/backend"), { recursive: true });
        fs.writeFileSync(
            path.join(context, "backend/Dockerfile"),
            [
                `FROM ${BASE_IMAGE}`,
                "COPY backend /app/backend",
                "WORKDIR /app",
                `ENV PM_RELEASE=${spec.sha} PYTHONUNBUFFERED=1${spec.fault ? ` PM_FAULT=${spec.fault}` : ""}`,
                "EXPOSE 8000",
                'CMD ["gunicorn", "--chdir", "/app/backend", "--bind", "0.0.0.0:8000", "--workers", "2", "--graceful-timeout", "20", "--access-logfile", "-", "projectmeats.wsgi"]',
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
        build(site, path.join(context, "backend"), references.backend);
        build(site, path.join(context, "frontend"), references.frontend);
        return references;
    } finally {
        fs.rmSync(context, { recursive: true, force: true });
    }
}

/** The digest the registry serves for `host:port/repository:tag`, from its API (as the Docker provider reads it). */
export function registryDigest(site: LocalSite, reference: string): Promise<string> {
    const match = /^([^/]+)\/(.+):([^:/]+)$/.exec(reference);
    if (!match) throw new Error(`not a tagged reference: ${reference}`);
    const [, server, repository, tag] = match;
    const [host, port] = server.split(":");
    return new Promise((resolve, reject) => {
        const req = http.request(
            {
                host,
                port: Number(port),
                method: "HEAD",
                path: `/v2/${repository}/manifests/${tag}`,
                auth: `${site.registry.user}:${site.registry.password}`,
                headers: { accept: "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json" },
            },
            (res) => {
                res.resume();
                const digest = res.headers["docker-content-digest"];
                if (res.statusCode === 200 && typeof digest === "string") resolve(digest);
                else reject(new Error(`registry answered ${res.statusCode} for ${reference}`));
            },
        );
        req.on("error", reject);
        req.end();
    });
}
