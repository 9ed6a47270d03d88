/**
 * `npm run rehearse` before its namespaces: checks the machine, finds (or builds, ./rootfs.ts) the
 * images' base root filesystem and the database's (PostgreSQL 17), makes the run's folder, and re-runs itself (./inside.ts) inside new
 * network, mount and PID namespaces with Debian's `tini` as PID 1, which reaps orphans (sshd's
 * sessions, containerd's shims) and passes signals on.
 *
 * Stopping: SIGINT, SIGTERM or SIGHUP here — or this process's parent going away, as when `npm run`
 * is interrupted and its shell exits — is passed to the rehearsal inside, which stops everything it
 * started and says where it was; this process waits for that, bounded, then ends the namespaces
 * outright if it must (their PID 1 killed, every process in them goes). At the run's deadline the
 * inside stops itself. Either way this process then removes the run's folder and exits non-zero.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { missingCommands, pathWithPostgres, run, sleep, StoppedError, withDeadline } from "../tools/processes";
import { ENV } from "./inside";
import { REQUIRED_COMMANDS } from "./localSite";
import { EXIT_STATUS, Progress, Stop, StopReason, stopOnSignalsAndDeadline } from "./progress";
import { round } from "./report";
import { DATABASE_BASE, ensureBaseRootfs, isBaseRootfs } from "./rootfs";

/** Milliseconds the rehearsal inside gets to stop everything once asked (it unwinds 10 s, then stops its stand-ins within 120 s). */
const INSIDE_STOP_MS = 150_000;

export interface OutsideOptions {
    /** The run's overall deadline, in minutes from now. */
    readonly deadlineMinutes: number;
    /** The script to run inside the namespaces (rehearsal/main.ts). */
    readonly mainFile: string;
}

export async function outside(options: OutsideOptions): Promise<number> {
    if (process.getuid?.() !== 0) {
        console.error("npm run rehearse needs root: it creates network, mount and PID namespaces and a deploy user inside them (CI runs as root).");
        return 2;
    }
    const PATH = pathWithPostgres();
    const missing = missingCommands(REQUIRED_COMMANDS, PATH);
    if (missing.length > 0) {
        console.error(`missing commands: ${missing.join(", ")}; run npm run setup:system`);
        return 2;
    }
    const deadlineAt = Date.now() + options.deadlineMinutes * 60_000;
    const stop = new Stop();
    const progress = new Progress();
    stopOnSignalsAndDeadline(stop, deadlineAt);
    stopWhenParentGoes(stop);
    console.log(`rehearsal: deadline ${options.deadlineMinutes} min (at ${new Date(deadlineAt).toISOString()})`);

    // The base root filesystem comes from Debian's mirror, which the namespaces cannot reach.
    const env: NodeJS.ProcessEnv = { ...process.env, PATH, [ENV.inside]: "1", [ENV.deadlineAt]: String(deadlineAt) };
    if (!isBaseRootfs(process.env[ENV.rootfs] ?? "")) {
        progress.enter("setup", "the images' base root filesystem (debootstrap)");
        try {
            const base = await ensureBaseRootfs({ signal: stop.signal, deadlineMs: Math.max(1, deadlineAt - Date.now()), onBuild: (what) => console.log(what) });
            console.log(`base root filesystem: ${base.debootstrapSeconds === undefined ? "from the cache" : "built"}, ${base.rootfs}`);
            env[ENV.rootfs] = base.rootfs;
            if (base.debootstrapSeconds !== undefined) env[ENV.debootstrapSeconds] = String(round(base.debootstrapSeconds));
        } catch (error) {
            if (error instanceof StoppedError || stop.reason) {
                console.error(`rehearsal: ${stop.reason ?? "stopped"} in ${progress.describe()}; debootstrap stopped, its temporary folder removed`);
                return EXIT_STATUS[stop.reason ?? "SIGTERM"];
            }
            console.error(`rehearsal: the base root filesystem could not be built: ${(error as Error).message}`);
            return 1;
        }
    }
    if (!stop.reason && !isBaseRootfs(process.env[ENV.databaseRootfs] ?? "", DATABASE_BASE)) {
        progress.enter("setup", "the database's root filesystem (debootstrap)");
        try {
            const base = await ensureBaseRootfs({
                spec: DATABASE_BASE,
                signal: stop.signal,
                deadlineMs: Math.max(1, deadlineAt - Date.now()),
                onBuild: (what) => console.log(what),
            });
            console.log(`database root filesystem: ${base.debootstrapSeconds === undefined ? "from the cache" : "built"}, ${base.rootfs}`);
            env[ENV.databaseRootfs] = base.rootfs;
            if (base.debootstrapSeconds !== undefined) env[ENV.databaseDebootstrapSeconds] = String(round(base.debootstrapSeconds));
        } catch (error) {
            if (error instanceof StoppedError || stop.reason) {
                console.error(`rehearsal: ${stop.reason ?? "stopped"} in ${progress.describe()}; debootstrap stopped, its temporary folder removed`);
                return EXIT_STATUS[stop.reason ?? "SIGTERM"];
            }
            console.error(`rehearsal: the database's root filesystem could not be built: ${(error as Error).message}`);
            return 1;
        }
    }
    if (stop.reason) return EXIT_STATUS[stop.reason];

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pm-rehearsal-"));
    try {
        env[ENV.dir] = dir;
        return await runInNamespaces(options.mainFile, env, stop);
    } finally {
        await removeRunFolder(dir);
    }
}

/** Runs `mainFile` under tini in new network, mount and PID namespaces; its exit status. */
async function runInNamespaces(mainFile: string, env: NodeJS.ProcessEnv, stop: Stop): Promise<number> {
    const args = [
        "--net",
        "--mount",
        "--pid",
        "--fork",
        "--mount-proc",
        "--propagation",
        "private",
        "--kill-child",
        "tini",
        "-s",
        "--",
        process.execPath,
        ...process.execArgv,
        mainFile,
    ];
    // No terminal on its input: tini would hand the terminal to the rehearsal, and Ctrl-C would no longer reach this process.
    const child = spawn("unshare", args, { stdio: ["ignore", "inherit", "inherit"], env });
    const exited = new Promise<number>((resolve) => child.once("close", (code, signal) => resolve(code ?? 128 + (os.constants.signals[signal as NodeJS.Signals] ?? 9))));
    child.once("error", (error) => console.error(`rehearsal: unshare: ${error.message}`));

    const outcome = await Promise.race([exited.then((code) => ({ code })), stop.requested.then((reason) => ({ reason }))]);
    if ("code" in outcome) return outcome.code;
    const reason: StopReason = outcome.reason;
    // At the deadline the rehearsal inside stops itself and says where it was; on a signal, pass it on.
    if (reason !== "deadline") {
        console.log(`\nrehearsal: ${reason}: passing it to the rehearsal inside its namespaces, waiting up to ${INSIDE_STOP_MS / 1000}s for it to stop`);
        await signalNamespaceInit(child, reason === "parent gone" ? "SIGHUP" : reason);
    }
    const code = await withDeadline("the rehearsal stopping", exited, INSIDE_STOP_MS).catch(async () => {
        console.error(`rehearsal: the rehearsal did not stop within ${INSIDE_STOP_MS / 1000}s; ending its namespaces (every process in them is killed)`);
        child.kill("SIGKILL"); // unshare's --kill-child then kills tini, PID 1 of the namespace, and with it the rest.
        return withDeadline("the namespaces ending", exited, 30_000).catch(() => EXIT_STATUS[reason]);
    });
    return code === 0 ? EXIT_STATUS[reason] : code;
}

/** Sends `signal` to the namespaces' PID 1 (tini, unshare's child), which passes it to the rehearsal. */
async function signalNamespaceInit(unshare: ChildProcess, signal: NodeJS.Signals): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
        const init = childrenOf(unshare.pid)[0];
        if (init !== undefined) {
            try {
                process.kill(init, signal);
            } catch {
                // ended meanwhile
            }
            return;
        }
        if (unshare.exitCode !== null || unshare.signalCode !== null) return;
        await sleep(100);
    }
    // unshare never forked: nothing runs inside yet.
    unshare.kill("SIGKILL");
}

function childrenOf(pid: number | undefined): number[] {
    if (pid === undefined) return [];
    try {
        return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
        return [];
    }
}

/** `npm run` exits as soon as its shell does, leaving this process behind: losing the parent means stop. */
function stopWhenParentGoes(stop: Stop): void {
    const parent = process.ppid;
    const timer = setInterval(() => {
        if (process.ppid !== parent) stop.request("parent gone");
    }, 500);
    timer.unref();
}

/** Removes the run's folder once nothing is mounted under it (the namespaces' mounts ended with them). */
async function removeRunFolder(dir: string): Promise<void> {
    const mounted = () =>
        fs
            .readFileSync("/proc/self/mountinfo", "utf8")
            .split("\n")
            .map((line) => line.split(" ")[4])
            .filter((m) => m === dir || m?.startsWith(`${dir}/`));
    for (const m of mounted().reverse()) await run("umount", ["-l", m], { deadlineMs: 10_000, allowFailure: true });
    if (mounted().length > 0) {
        console.error(`rehearsal: ${dir} still has mounts (${mounted().join(", ")}); leaving it`);
        return;
    }
    fs.rmSync(dir, { recursive: true, force: true });
}
