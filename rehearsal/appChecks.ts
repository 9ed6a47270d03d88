/**
 * What the app-contract scenarios (./scenarios/10-… to 16-…) do on the droplet besides `up`: find the
 * live backend container, call the app's API on its own port, run the release image in a throwaway
 * container, run code inside the live container, and read the release chain's log. Every command and
 * request has a deadline.
 */
import * as fs from "fs";
import * as path from "path";
import { httpRequest, HttpResponse } from "../tools/http";
import { run, RunResult } from "../tools/processes";
import { DATABASE_PORT, DATABASE_PRIVATE_HOST } from "./localSite";
import type { OutputLine } from "./operator";
import type { Rehearsal } from "./rehearsal";

/** The droplet's Docker Engine, as root (the rehearsal's mount namespace holds the droplet's /run). */
const DROPLET_DOCKER_ENV = { ...process.env, DOCKER_HOST: "unix:///run/docker.sock" };
/** The env file the release chain writes on the backend droplets (0600). */
export const BACKEND_ENV_FILE = "/srv/projectmeats/backend.env";
/** The cluster's CA certificate on the droplet, mounted at the same path in every backend container. */
export const DB_CA_FILE = "/srv/projectmeats/db-ca.crt";
/** The port gunicorn listens on in the backend container (projectmeats:appContainerPort's default). */
const CONTAINER_PORT = 8000;

/** `docker ARGS` on the droplet; never rejects on a non-zero exit (the caller reads `status`). */
export function dropletDocker(args: readonly string[], options: { deadlineMs?: number; input?: string; signal?: AbortSignal } = {}): Promise<RunResult> {
    return run("docker", args, { env: DROPLET_DOCKER_ENV, deadlineMs: options.deadlineMs ?? 60_000, input: options.input, signal: options.signal, allowFailure: true });
}

/** The running backend container of the live release: its name and the host port nginx sends it traffic on. */
export async function liveBackend(r: Rehearsal): Promise<{ name: string; port: number; image: string }> {
    const sha = r.live;
    if (sha === undefined) throw new Error("no release is live: the scenarios before this one must have released one");
    const running = (await r.containers(sha)).filter((c) => c.startsWith(`projectmeats-backend-${sha}`) && c.endsWith(" running")).map((c) => c.split(" ")[0]);
    if (running.length !== 1) throw new Error(`expected one running backend container of ${sha}, found ${running.join(", ") || "none"}`);
    const published = (await dropletDocker(["port", running[0], String(CONTAINER_PORT)], { deadlineMs: 15_000 })).stdout.trim().split("\n")[0];
    const port = Number(/:(\d+)$/.exec(published)?.[1]);
    if (!Number.isInteger(port)) throw new Error(`no published port for ${running[0]}: ${published}`);
    const image = (await dropletDocker(["inspect", "--format", "{{.Config.Image}}", running[0]], { deadlineMs: 15_000 })).stdout.trim();
    return { name: running[0], port, image };
}

/**
 * A request to the live backend on its own port, as a TLS-terminating load balancer in front of it
 * would send it: the public hostname and `X-Forwarded-Proto: https` (without it, production settings
 * redirect every API path to https://, SECURE_SSL_REDIRECT).
 */
export async function api(
    r: Rehearsal,
    port: number,
    method: string,
    urlPath: string,
    options: { body?: string; headers?: Record<string, string>; viaTls?: boolean } = {},
): Promise<HttpResponse & { json?: Record<string, unknown> }> {
    const res = await httpRequest({
        host: "127.0.0.1",
        port,
        method,
        path: urlPath,
        body: options.body,
        headers: {
            host: r.config.hostnames.backend,
            ...(options.viaTls === false ? {} : { "x-forwarded-proto": "https" }),
            ...(options.body !== undefined ? { "content-type": "application/octet-stream" } : {}),
            ...options.headers,
        },
        deadlineMs: 15_000,
    });
    let json: Record<string, unknown> | undefined;
    try {
        json = JSON.parse(res.body) as Record<string, unknown>;
    } catch {
        json = undefined;
    }
    return { ...res, json };
}

/**
 * Python code run inside the live backend container (`docker exec`, as the image's user, with the
 * container's environment: the release's env file). `input` goes to its standard input, so a secret it
 * needs never appears in a command line. Resolves its JSON answer (the last line of its output).
 */
export async function execPython(container: string, code: string, input = "", signal?: AbortSignal): Promise<Record<string, unknown>> {
    const result = await dropletDocker(["exec", "-i", container, "python", "-c", code], { input, deadlineMs: 60_000, signal });
    const last = result.stdout.trim().split("\n").pop() ?? "";
    if (result.status !== 0) throw new Error(`python in ${container} exited ${result.status}: ${lastLines(result.stderr, 5)}`);
    return JSON.parse(last) as Record<string, unknown>;
}

/** Django set up as manage.py sets it up, in front of `execPython` code. */
export const DJANGO_SETUP = [
    "import hashlib, json, os, sys",
    "sys.path.insert(0, '/app')",
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'projectmeats.settings')",
    "import django",
    "django.setup()",
    "from django.conf import settings",
].join("\n");

/** The last `count` lines of `text`. */
export function lastLines(text: string, count: number): string {
    return text.trimEnd().split("\n").slice(-count).join("\n");
}

/**
 * The live release's env file with the database connection replaced: `user`, `password`, `database` on
 * the same server, TLS checked as the release checks it. Written 0600 into the run's folder; for the
 * throwaway containers that start from an empty database.
 */
export function envFileFor(r: Rehearsal, name: string, database: { user: string; password: string; name: string }, drop: readonly string[] = []): string {
    const url = `postgres://${database.user}:${encodeURIComponent(database.password)}@${DATABASE_PRIVATE_HOST}:${DATABASE_PORT}/${database.name}?sslmode=verify-full&sslrootcert=${DB_CA_FILE}`;
    const lines = fs
        .readFileSync(BACKEND_ENV_FILE, "utf8")
        .split("\n")
        .filter((line) => line !== "" && !drop.some((variable) => line.startsWith(`${variable}=`)))
        .map((line) => (line.startsWith("DATABASE_URL=") ? `DATABASE_URL=${url}` : line));
    const file = path.join(r.local.dir, `${name}.env`);
    fs.writeFileSync(file, lines.join("\n") + "\n", { mode: 0o600 });
    return file;
}

/**
 * Runs `image` in a throwaway container on the droplet's network, as the release steps run it (the env
 * file, the CA mounted read-only); `command` empty keeps the image's CMD. Removed whatever happens.
 */
export async function runInImage(
    image: string,
    envFile: string,
    command: readonly string[],
    options: { name: string; deadlineMs: number; signal?: AbortSignal },
): Promise<{ status: number; output: string; seconds: number }> {
    const started = Date.now();
    try {
        const result = await dropletDocker(
            ["run", "--name", options.name, "--network", "host", "--env-file", envFile, "--volume", `${DB_CA_FILE}:${DB_CA_FILE}:ro`, image, ...command],
            { deadlineMs: options.deadlineMs, signal: options.signal },
        );
        return { status: result.status ?? -1, output: `${result.stdout}\n${result.stderr}`, seconds: (Date.now() - started) / 1000 };
    } finally {
        await dropletDocker(["rm", "-f", options.name], { deadlineMs: 30_000 });
    }
}

/** The output lines of the resource whose name ends with `suffix`, since `since`. */
export function stepLines(r: Rehearsal, suffix: string, since = 0): OutputLine[] {
    return r.lines.filter((l) => l.at >= since && l.resource.endsWith(suffix));
}
