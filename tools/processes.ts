/**
 * Starting, waiting for and stopping local processes, for the system tests, the benchmarks and the
 * rehearsal. Every wait has a deadline and can be cut short by an AbortSignal; every process is
 * stopped by the PID this code recorded (a command's process group is the one it was started in),
 * never by name.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

/** Thrown when a deadline passes. */
export class DeadlineError extends Error {}

/** Thrown when an AbortSignal cut a wait short. */
export class StoppedError extends Error {}

/** How long a stopped process gets between SIGTERM and SIGKILL, unless told otherwise. */
const DEFAULT_GRACE_MS = 10_000;
/** What a command's collected output keeps of each stream, at most. */
const MAX_OUTPUT = 8 * 1024 * 1024;

export interface RunOptions {
    /** Milliseconds the command may take; then its process group is killed and `run` rejects. */
    readonly deadlineMs: number;
    /** Written to the command's standard input, which is then closed. Default: nothing. */
    readonly input?: string | Buffer;
    readonly env?: NodeJS.ProcessEnv;
    readonly cwd?: string;
    readonly uid?: number;
    readonly gid?: number;
    /** Stops the command early (SIGTERM to its process group, SIGKILL after `graceMs`). */
    readonly signal?: AbortSignal;
    /** Milliseconds between SIGTERM and SIGKILL when the command is stopped. Default 10 000. */
    readonly graceMs?: number;
    /** Each chunk of output as it arrives. */
    readonly onOutput?: (stream: "stdout" | "stderr", chunk: Buffer) => void;
    /** Resolve whatever the exit status; by default a non-zero status rejects. */
    readonly allowFailure?: boolean;
    /** Collect nothing: both streams go to this file descriptor, or nowhere. Default: collect. */
    readonly output?: "collect" | "ignore" | number;
}

export interface RunResult {
    /** Exit status, or null when a signal ended the command. */
    readonly status: number | null;
    readonly signal: NodeJS.Signals | null;
    readonly stdout: string;
    readonly stderr: string;
    /** Both streams, interleaved as they arrived. */
    readonly output: string;
}

/**
 * Runs a command to its end and collects what it printed. It runs in a process group of its own, so
 * on its deadline or on `signal` the whole group is stopped (SIGTERM, then SIGKILL), by its recorded PID.
 */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
    const what = [command, ...args].join(" ");
    if (options.signal?.aborted) return Promise.reject(new StoppedError(`not started (stopping): ${what}`));
    return new Promise((resolve, reject) => {
        const collect = (options.output ?? "collect") === "collect";
        const sink = collect ? "pipe" : options.output === "ignore" ? "ignore" : (options.output as number);
        const child = spawn(command, args, {
            cwd: options.cwd,
            env: options.env ?? process.env,
            uid: options.uid,
            gid: options.gid,
            detached: true,
            stdio: ["pipe", sink, sink],
        });
        const text = { stdout: "", stderr: "", output: "" };
        const take = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
            options.onOutput?.(stream, chunk);
            if (text.output.length > MAX_OUTPUT) return;
            const s = chunk.toString();
            text[stream] += s;
            text.output += s;
        };
        child.stdout?.on("data", take("stdout"));
        child.stderr?.on("data", take("stderr"));
        let ended: Error | undefined;
        const end = (error: Error) => {
            if (ended) return;
            ended = error;
            void stopGroup(child, options.graceMs ?? DEFAULT_GRACE_MS).then(() => finish(null, null));
        };
        const timer = setTimeout(() => end(new DeadlineError(`${what}: no result within ${options.deadlineMs / 1000}s (stopped)`)), options.deadlineMs);
        const onAbort = () => end(new StoppedError(`${what}: stopped`));
        options.signal?.addEventListener("abort", onAbort, { once: true });
        let settled = false;
        let afterExit: NodeJS.Timeout | undefined;
        const finish = (status: number | null, signal: NodeJS.Signals | null, error?: Error) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            clearTimeout(afterExit);
            options.signal?.removeEventListener("abort", onAbort);
            child.stdout?.destroy();
            child.stderr?.destroy();
            if (ended) return reject(ended);
            if (error) return reject(new Error(`${what}: ${error.message}`));
            const result = { status, signal, ...text };
            if (status === 0 || options.allowFailure) return resolve(result);
            reject(new Error(`${what}: ${status === null ? `ended by ${signal}` : `exit status ${status}`}${collect ? `\n${tail(text.output, 20)}` : ""}`));
        };
        child.on("error", (error) => finish(null, null, error));
        child.on("close", (status, signal) => finish(status, signal));
        // A process it started in the background may keep its output open: the command's own exit is what counts.
        child.on("exit", (status, signal) => (afterExit = setTimeout(() => finish(status, signal), 2000)));
        // A command that does not read its input must not fail the run.
        child.stdin?.on("error", () => undefined);
        child.stdin?.end(options.input);
    });
}

/** The last `lines` lines of `text`. */
export function tail(text: string, lines: number): string {
    return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** Whether the command exits 0 within the deadline. */
export async function succeeds(command: string, args: readonly string[], options: RunOptions): Promise<boolean> {
    try {
        return (await run(command, args, { ...options, allowFailure: true, output: "ignore" })).status === 0;
    } catch (error) {
        if (error instanceof StoppedError) throw error;
        return false;
    }
}

/** SIGTERM to the process group a command was started in, SIGKILL after `graceMs`; resolves when it ended. */
async function stopGroup(child: ChildProcess, graceMs: number): Promise<void> {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
    signalGroup(child.pid, "SIGTERM");
    if (await settlesWithin(exited, graceMs)) return;
    signalGroup(child.pid, "SIGKILL");
    await settlesWithin(exited, 5000);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
    try {
        process.kill(-pid, signal);
    } catch {
        // the group is gone already
    }
}

/** Whether `promise` settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
        promise.then(
            () => true,
            () => true,
        ),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms))),
    ]);
    clearTimeout(timer);
    return settled;
}

/** Resolves `promise`, or rejects with a DeadlineError naming `what` once `ms` have passed. */
export async function withDeadline<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
        return await Promise.race([
            promise,
            new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new DeadlineError(`${what}: not done within ${ms / 1000}s`)), ms))),
        ]);
    } finally {
        clearTimeout(timer);
    }
}

/** Waits `ms`, or less when `signal` aborts (then rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new StoppedError("stopped"));
    return new Promise((resolve, reject) => {
        const onAbort = () => (clearTimeout(timer), reject(new StoppedError("stopped")));
        const timer = setTimeout(() => (signal?.removeEventListener("abort", onAbort), resolve()), ms);
        signal?.addEventListener("abort", onAbort, { once: true });
    });
}

export interface WaitOptions {
    readonly deadlineMs: number;
    /** Milliseconds between checks. Default 100. */
    readonly intervalMs?: number;
    readonly signal?: AbortSignal;
}

/** Checks until `check` says yes (an exception counts as no); rejects once the deadline passed. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, options: WaitOptions): Promise<void> {
    const deadline = Date.now() + options.deadlineMs;
    let last: unknown;
    while (Date.now() < deadline) {
        try {
            if (await withDeadline(`checking whether ${what}`, Promise.resolve(check()), Math.max(1, deadline - Date.now()))) return;
        } catch (error) {
            if (error instanceof StoppedError) throw error;
            last = error;
        }
        await sleep(options.intervalMs ?? 100, options.signal);
    }
    throw new DeadlineError(`${what}: not ready within ${options.deadlineMs / 1000}s${last ? ` (last: ${(last as Error).message?.split("\n")[0]})` : ""}`);
}

/** Whether something accepts TCP connections on `host:port`, answered within `deadlineMs`. */
export function portOpen(port: number, host = "127.0.0.1", deadlineMs = 1000): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect({ port, host, timeout: deadlineMs });
        const done = (open: boolean) => (socket.destroy(), resolve(open));
        socket.once("connect", () => done(true));
        socket.once("timeout", () => done(false));
        socket.once("error", () => done(false));
    });
}

export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
        server.on("error", reject);
    });
}

/** Debian installs PostgreSQL's server binaries outside PATH: the newest version's bin folder, if any. */
export function postgresBinDir(): string | undefined {
    const base = "/usr/lib/postgresql";
    if (!fs.existsSync(base)) return undefined;
    const versions = fs
        .readdirSync(base)
        .filter((v) => fs.existsSync(path.join(base, v, "bin/initdb")))
        .sort((a, b) => Number(b) - Number(a));
    return versions.length > 0 ? path.join(base, versions[0], "bin") : undefined;
}

/** PATH with PostgreSQL's server binaries at the end, where Debian keeps them outside PATH. */
export function pathWithPostgres(current = process.env.PATH ?? ""): string {
    const bin = postgresBinDir();
    return bin && !current.split(":").includes(bin) ? `${current}:${bin}` : current;
}

/** The commands of `commands` that are not on `PATH`. */
export function missingCommands(commands: readonly string[], PATH = process.env.PATH ?? ""): string[] {
    const dirs = PATH.split(":").filter(Boolean);
    return commands.filter((c) => !dirs.some((d) => isExecutable(path.join(d, c))));
}

function isExecutable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

/** Whether a process with this PID runs (one that exited but was not reaped yet does not count). */
export function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
    }
    return !isZombie(pid);
}

/** A long-running process a Supervisor started. */
export interface Managed {
    readonly name: string;
    readonly pid: number;
    readonly child: ChildProcess;
}

export interface StartOptions {
    readonly env?: NodeJS.ProcessEnv;
    readonly uid?: number;
    readonly gid?: number;
    readonly cwd?: string;
    /** Milliseconds between SIGTERM and SIGKILL when stopped. Default 10 000. */
    readonly graceMs?: number;
}

/**
 * The long-running processes of a test, a benchmark or the rehearsal: each is started here, in the
 * foreground, with its PID recorded and its output in `<logDir>/<name>.log`, and stopped by that PID,
 * newest first.
 */
export class Supervisor {
    private readonly processes: (Managed & { graceMs: number })[] = [];
    /** How many processes `stopOne` and `stopAll` have stopped. */
    public stoppedCount = 0;

    constructor(public readonly logDir: string) {
        fs.mkdirSync(logDir, { recursive: true });
    }

    logFile(name: string): string {
        return path.join(this.logDir, `${name}.log`);
    }

    start(name: string, command: string, args: readonly string[], options: StartOptions = {}): Managed {
        const log = fs.openSync(this.logFile(name), "a");
        try {
            const child = spawn(command, args, {
                stdio: ["ignore", log, log],
                env: options.env ?? process.env,
                uid: options.uid,
                gid: options.gid,
                cwd: options.cwd,
                detached: true,
            });
            child.on("error", (error) => fs.appendFileSync(this.logFile(name), `\n[supervisor] ${error.message}\n`));
            if (child.pid === undefined) throw new Error(`${name}: ${command} did not start`);
            const managed = { name, pid: child.pid, child, graceMs: options.graceMs ?? DEFAULT_GRACE_MS };
            this.processes.push(managed);
            return managed;
        } finally {
            fs.closeSync(log);
        }
    }

    /** The PIDs recorded, oldest first. */
    pids(): { name: string; pid: number }[] {
        return this.processes.map(({ name, pid }) => ({ name, pid }));
    }

    /** Stops one recorded process: SIGTERM, then SIGKILL after its grace period; resolves when it is gone. */
    async stopOne(managed: Managed): Promise<void> {
        const index = this.processes.findIndex((p) => p === managed || (p.pid === managed.pid && p.name === managed.name));
        const entry = index >= 0 ? this.processes.splice(index, 1)[0] : { ...managed, graceMs: DEFAULT_GRACE_MS };
        await stopProcess(entry, entry.graceMs);
        this.stoppedCount++;
    }

    /** Stops every recorded process, newest first. */
    async stopAll(): Promise<void> {
        while (this.processes.length > 0) await this.stopOne(this.processes[this.processes.length - 1]);
    }
}

async function stopProcess(managed: Managed, graceMs: number): Promise<void> {
    const { child, pid } = managed;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const signal = (s: NodeJS.Signals) => {
        try {
            process.kill(pid, s);
        } catch {
            // gone already
        }
    };
    signal("SIGTERM");
    if (await settlesWithin(gone, graceMs)) return;
    signal("SIGKILL");
    await settlesWithin(gone, 5000);
}

/** Whether `pid` has exited but not been reaped yet. */
function isZombie(pid: number): boolean {
    try {
        return /^\d+ \(.*\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
        return false;
    }
}
