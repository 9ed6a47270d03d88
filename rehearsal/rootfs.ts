/**
 * The images' base root filesystem: Debian (debootstrap, minbase) with Debian's python3-django,
 * gunicorn and psycopg2. Building it takes about a minute and needs Debian's mirror, which the
 * rehearsal's namespaces cannot reach, so it is built before entering them, and kept between runs
 * outside the repository under a key made of what goes into it (suite, variant, packages,
 * architecture): a second run finds it and skips debootstrap.
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

const SUITE = "bookworm";
const VARIANT = "minbase";
const BASE_PACKAGES = ["python3-django", "gunicorn", "python3-psycopg2", "python-is-python3"];
/** What the release scripts call in the image (`python backend/manage.py`) and what runs the app. */
export const BASE_COMMANDS = ["usr/bin/python", "usr/bin/gunicorn"];
const MANIFEST = "key.json";

/** What the base is made of: the cache key, and what the run prints. */
export function describeBase(architecture: string): { readonly suite: string; readonly variant: string; readonly packages: readonly string[]; readonly architecture: string } {
    return { suite: SUITE, variant: VARIANT, packages: [...BASE_PACKAGES].sort(), architecture };
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

/** Whether `dir` holds a root filesystem with what the images need. */
export function isBaseRootfs(dir: string): boolean {
    return dir !== "" && BASE_COMMANDS.every((c) => fs.existsSync(path.join(dir, c)));
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
 * The cached base for this machine's architecture, built first if the cache has none. `signal` stops
 * a build (its namespaces end, its temporary folder is removed); `deadlineMs` bounds it.
 */
export async function ensureBaseRootfs(options: { signal: AbortSignal; deadlineMs: number; onBuild?: (description: string) => void }): Promise<BaseRootfs> {
    const root = cacheRoot();
    const architecture = (await run("dpkg", ["--print-architecture"], { deadlineMs: 10_000, signal: options.signal })).stdout.trim();
    const description = describeBase(architecture);
    const key = cacheKey(description);
    const entry = path.join(root, key);
    if (fs.existsSync(path.join(entry, MANIFEST)) && isBaseRootfs(path.join(entry, "rootfs"))) return { rootfs: path.join(entry, "rootfs"), key };

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
        if (!isBaseRootfs(path.join(build, "rootfs"))) throw new Error(`debootstrap finished without ${BASE_COMMANDS.join(", ")}`);
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
