/**
 * The rehearsal's root filesystems, each Debian (debootstrap, minbase) from the configured mirror:
 * - the images' base (APP_BASE): sid, for Debian's python3-django 5.2 (ProjectMeats runs Django 5.2,
 *   issue 17), gunicorn and psycopg2;
 * - the database's (DATABASE_BASE): trixie's postgresql-17, DigitalOcean's default version (the
 *   machine's own PostgreSQL is bookworm's 15, where only a superuser may give BYPASSRLS).
 * Building one takes about a minute and needs Debian's mirror, which the rehearsal's namespaces
 * cannot reach, so each is built before entering them, and kept between runs outside the repository
 * under a key made of what goes into it (suite, variant, packages, architecture): a second run finds
 * it and skips debootstrap.
 *
 * The cache is written atomically: debootstrap fills a temporary folder beside the entry, which is
 * renamed into place only once complete; a run stopped half-way leaves no entry. debootstrap runs in
 * mount and PID namespaces of its own, so stopping it (its PID) ends every process it started and
 * every mount it made in the target.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { alive, run, StoppedError } from "../tools/processes";

/** A root filesystem debootstrap makes: its suite and packages, and the files that prove it complete. */
export interface BaseSpec {
    readonly suite: string;
    readonly variant: string;
    readonly packages: readonly string[];
    /** Paths (relative to the root) that must exist once it is built. */
    readonly commands: readonly string[];
}

/** The images' base: what the release scripts call in the image (`python /app/manage.py`) and what runs the app. */
export const APP_BASE: BaseSpec = {
    suite: "sid",
    variant: "minbase",
    // libjs-jquery: python3-django links the admin's jquery.js to it (a dangling link breaks collectstatic).
    packages: ["python3-django", "libjs-jquery", "gunicorn", "python3-psycopg2", "python-is-python3"],
    commands: ["usr/bin/python", "usr/bin/gunicorn"],
};
/** The database's root: PostgreSQL 17's server and client, run from it with chroot (tools/standins/postgres.ts). */
export const DATABASE_BASE: BaseSpec = {
    suite: "trixie",
    variant: "minbase",
    packages: ["postgresql-17"],
    commands: ["usr/lib/postgresql/17/bin/postgres", "usr/lib/postgresql/17/bin/initdb", "usr/lib/postgresql/17/bin/psql"],
};
/** The images' base's commands (what ./images.ts checks before importing it). */
export const BASE_COMMANDS = APP_BASE.commands;
const MANIFEST = "key.json";

/** What a base is made of: the cache key, and what the run prints. */
export function describeBase(
    architecture: string,
    spec: BaseSpec = APP_BASE,
): { readonly suite: string; readonly variant: string; readonly packages: readonly string[]; readonly architecture: string } {
    return { suite: spec.suite, variant: spec.variant, packages: [...spec.packages].sort(), architecture };
}

/** The cache entry's name: sha256 of the key's JSON. */
export function cacheKey(key: ReturnType<typeof describeBase>): string {
    return crypto.createHash("sha256").update(JSON.stringify(key)).digest("hex");
}

/** Where entries live: $PM_REHEARSAL_CACHE, else $XDG_CACHE_HOME/projectmeats-rehearsal, else /var/cache/projectmeats-rehearsal. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
    if (env.PM_REHEARSAL_CACHE) return path.resolve(env.PM_REHEARSAL_CACHE);
    if (env.XDG_CACHE_HOME) return path.join(path.resolve(env.XDG_CACHE_HOME), "projectmeats-rehearsal");
    return "/var/cache/projectmeats-rehearsal";
}

/** Whether `dir` holds a root filesystem with what `spec` needs (default: the images' base). */
export function isBaseRootfs(dir: string, spec: BaseSpec = APP_BASE): boolean {
    return dir !== "" && spec.commands.every((c) => fs.existsSync(path.join(dir, c)));
}

/** The Debian mirror apt uses here, for debootstrap. */
export function debianMirror(): string {
    const sources = "/etc/apt/sources.list.d/debian.sources";
    const text = fs.existsSync(sources) ? fs.readFileSync(sources, "utf8") : "";
    const uri = /^URIs:\s*(\S+\/debian)\s*$/m.exec(text)?.[1];
    return uri ?? "http://deb.debian.org/debian";
}

export interface BaseRootfs {
    readonly rootfs: string;
    /** Seconds debootstrap took, or undefined when the cache had it. */
    readonly debootstrapSeconds?: number;
    readonly key: string;
}

/**
 * The cached root filesystem `spec` (default: the images' base) for this machine's architecture, built
 * first if the cache has none. `signal` stops a build (its namespaces end, its temporary folder is
 * removed); `deadlineMs` bounds it.
 */
export async function ensureBaseRootfs(options: { signal: AbortSignal; deadlineMs: number; onBuild?: (description: string) => void; spec?: BaseSpec }): Promise<BaseRootfs> {
    const spec = options.spec ?? APP_BASE;
    const root = cacheRoot();
    const architecture = (await run("dpkg", ["--print-architecture"], { deadlineMs: 10_000, signal: options.signal })).stdout.trim();
    const description = describeBase(architecture, spec);
    const key = cacheKey(description);
    const entry = path.join(root, key);
    if (fs.existsSync(path.join(entry, MANIFEST)) && isBaseRootfs(path.join(entry, "rootfs"), spec)) return { rootfs: path.join(entry, "rootfs"), key };

    fs.mkdirSync(root, { recursive: true, mode: 0o755 });
    removeAbandonedBuilds(root);
    const build = fs.mkdtempSync(path.join(root, `.build-${process.pid}-`));
    const log = path.join(build, "debootstrap.log");
    options.onBuild?.(`debootstrap ${description.suite} (${description.variant}) with ${description.packages.join(", ")} into the cache ${entry}`);
    const started = Date.now();
    try {
        const logFd = fs.openSync(log, "w");
        try {
            await run(
                "unshare",
                [
                    "--mount",
                    "--pid",
                    "--fork",
                    "--kill-child",
                    "--propagation",
                    "private",
                    "tini",
                    "-s",
                    "--",
                    "debootstrap",
                    `--variant=${description.variant}`,
                    `--include=${description.packages.join(",")}`,
                    description.suite,
                    path.join(build, "rootfs"),
                    debianMirror(),
                ],
                { deadlineMs: options.deadlineMs, signal: options.signal, output: logFd, graceMs: 5000 },
            );
        } finally {
            fs.closeSync(logFd);
        }
        if (!isBaseRootfs(path.join(build, "rootfs"), spec)) throw new Error(`debootstrap finished without ${spec.commands.join(", ")}`);
        fs.writeFileSync(path.join(build, MANIFEST), JSON.stringify({ ...description, built: new Date().toISOString() }, null, 2));
        fs.rmSync(log);
        try {
            fs.renameSync(build, entry);
        } catch (error) {
            // Another run put the same entry in place first: keep that one.
            if (!["ENOTEMPTY", "EEXIST"].includes((error as NodeJS.ErrnoException).code ?? "")) throw error;
        }
        return { rootfs: path.join(entry, "rootfs"), debootstrapSeconds: (Date.now() - started) / 1000, key };
    } catch (error) {
        if (error instanceof StoppedError) throw error;
        const tail = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trimEnd().split("\n").slice(-20).join("\n") : "";
        throw new Error(`${(error as Error).message}${tail ? `\n--- debootstrap.log (last lines)\n${tail}` : ""}`);
    } finally {
        fs.rmSync(build, { recursive: true, force: true });
    }
}

/** Temporary folders of builds whose process is gone (killed outright): nothing will finish them. */
function removeAbandonedBuilds(root: string): void {
    for (const name of fs.readdirSync(root)) {
        const pid = /^\.build-(\d+)-/.exec(name)?.[1];
        if (pid && Number(pid) !== process.pid && !alive(Number(pid))) fs.rmSync(path.join(root, name), { recursive: true, force: true });
    }
}
