/**
 * Stopping `npm run rehearse` half-way leaves nothing behind. The rehearsal is started as npm starts
 * it (`node -r ts-node/register/transpile-only rehearsal/main.ts`), and stopped in the middle of a
 * scenario by SIGTERM, or by its own deadline. Within a deadline it must have exited non-zero, saying
 * where it stopped, with no process of it left (every process under it, and every member of its PID
 * namespace, recorded while it ran), no mount under its folder and no folder of it in /tmp.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

jest.setTimeout(20 * 60_000);

const ROOT = path.resolve(__dirname, "../..");
/** Seconds the rehearsal may take to stop everything once told to. */
const STOP_DEADLINE_S = 180;

interface ProcessInfo {
    readonly pid: number;
    readonly ppid: number;
    /** Start time in clock ticks since boot: with the PID, names one process even if the PID is reused. */
    readonly start: string;
    readonly command: string;
}

function processes(): ProcessInfo[] {
    const found: ProcessInfo[] = [];
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            const close = stat.lastIndexOf(")");
            const fields = stat.slice(close + 2).split(" ");
            found.push({ pid: Number(entry), ppid: Number(fields[1]), start: fields[19], command: stat.slice(stat.indexOf("(") + 1, close) });
        } catch {
            // ended while listed
        }
    }
    return found;
}

/** `pid` and every process under it. */
function tree(pid: number, all = processes()): ProcessInfo[] {
    const result = all.filter((p) => p.pid === pid);
    for (let i = 0; i < result.length; i++) result.push(...all.filter((p) => p.ppid === result[i].pid));
    return result;
}

function link(pid: number, what: string): string | undefined {
    try {
        return fs.readlinkSync(`/proc/${pid}/${what}`);
    } catch {
        return undefined;
    }
}

function mountsUnder(dir: string, mountinfo = "/proc/self/mountinfo"): string[] {
    return fs
        .readFileSync(mountinfo, "utf8")
        .split("\n")
        .map((line) => line.split(" ")[4])
        .filter((m) => m !== undefined && (m === dir || m.startsWith(`${dir}/`)));
}

const rehearsalDirs = () => fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith("pm-rehearsal-"));

/** The rehearsal, its output collected line by line. */
class Run {
    public readonly child: ChildProcess;
    public output = "";
    public readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;

    constructor(env: NodeJS.ProcessEnv) {
        this.child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "rehearsal/main.ts")], {
            cwd: ROOT,
            env: { ...process.env, ...env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        this.child.stdout!.on("data", (d: Buffer) => (this.output += d.toString()));
        this.child.stderr!.on("data", (d: Buffer) => (this.output += d.toString()));
        this.exited = new Promise((resolve) => this.child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() })));
    }

    /** Resolves the first match of `pattern` in the output; rejects if the run ends first or `seconds` pass. */
    async waitFor(pattern: RegExp, seconds: number): Promise<RegExpMatchArray> {
        const deadline = Date.now() + seconds * 1000;
        let ended = false;
        void this.exited.then(() => (ended = true));
        for (;;) {
            const match = pattern.exec(this.output);
            if (match) return match;
            if (ended) throw new Error(`the rehearsal ended before printing ${pattern}:\n${this.output.slice(-3000)}`);
            if (Date.now() > deadline) throw new Error(`no ${pattern} within ${seconds}s:\n${this.output.slice(-3000)}`);
            await new Promise((r) => setTimeout(r, 200));
        }
    }
}

/** What a running rehearsal consists of, recorded so that its end can be checked against it. */
interface Footprint {
    readonly dir: string;
    readonly processes: ProcessInfo[];
    /** Its PID namespace (`pid:[inode]`), and its mount namespace. */
    readonly pidNamespace: string;
    readonly mountNamespace: string;
    /** Mounts under its folder, seen inside its mount namespace (the machine's own table never has any). */
    readonly mountsInside: string[];
}

function footprint(run: Run, dir: string): Footprint {
    const all = tree(run.child.pid!);
    const ours = link(process.pid, "ns/pid");
    const init = all.find((p) => p.command === "tini" && link(p.pid, "ns/pid") !== ours);
    if (!init) throw new Error(`no tini in its own PID namespace under the rehearsal: ${all.map((p) => `${p.pid} ${p.command}`).join(", ")}`);
    return {
        dir,
        processes: all,
        pidNamespace: link(init.pid, "ns/pid")!,
        mountNamespace: link(init.pid, "ns/mnt")!,
        mountsInside: mountsUnder(dir, `/proc/${init.pid}/mountinfo`),
    };
}

/** Everything of `recorded` that is still there. */
function leftovers(recorded: Footprint): string[] {
    const now = processes();
    const problems: string[] = [];
    for (const p of recorded.processes) {
        if (now.some((q) => q.pid === p.pid && q.start === p.start)) problems.push(`process ${p.pid} (${p.command}) is still running`);
    }
    for (const p of now) {
        if (link(p.pid, "ns/pid") === recorded.pidNamespace) problems.push(`process ${p.pid} (${p.command}) is still in the rehearsal's PID namespace`);
        if (link(p.pid, "ns/mnt") === recorded.mountNamespace) problems.push(`process ${p.pid} (${p.command}) still holds the rehearsal's mount namespace`);
        const cwd = link(p.pid, "cwd");
        if (cwd?.startsWith(recorded.dir)) problems.push(`process ${p.pid} (${p.command}) works in ${cwd}`);
    }
    const mounts = mountsUnder(recorded.dir);
    if (mounts.length > 0) problems.push(`mounts left under ${recorded.dir}: ${mounts.join(", ")}`);
    if (fs.existsSync(recorded.dir)) problems.push(`${recorded.dir} is still there`);
    return problems;
}

async function stopsCleanly(run: Run, recorded: Footprint, stoppedAt: number, status: number, message: RegExp): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([run.exited, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), STOP_DEADLINE_S * 1000)))]);
    clearTimeout(timer);
    if (!exit) {
        run.child.kill("SIGKILL");
        throw new Error(`the rehearsal was still running ${STOP_DEADLINE_S}s after being stopped:\n${run.output.slice(-3000)}`);
    }
    console.log(
        `stopped in ${((exit.at - stoppedAt) / 1000).toFixed(1)}s; ${recorded.processes.length} processes recorded, ${recorded.mountsInside.length} mounts inside\n${run.output.slice(run.output.indexOf("\nrehearsal: "), run.output.indexOf("\nrehearsal: ") + 400)}`,
    );
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: status, signal: null });
    expect(run.output).toMatch(message);
    expect(leftovers(recorded)).toEqual([]);
}

let before: Set<string>;
beforeEach(() => {
    before = new Set(rehearsalDirs());
});
afterEach(() => {
    expect(rehearsalDirs().filter((d) => !before.has(d))).toEqual([]);
});

test("SIGTERM in the middle of a scenario stops everything the rehearsal started, within a deadline", async () => {
    const run = new Run({});
    try {
        const dir = (await run.waitFor(/rehearsal of stack "rehearsal" in (\S+)/, 600))[1];
        // In the middle of the first scenario: the droplet provisioned, a release being deployed over SSH.
        await run.waitFor(/^1\. first release/m, 300);
        await run.waitFor(/deploy-backend: deploy\[backend\]: starting projectmeats-backend-/, 120);
        const recorded = footprint(run, dir);
        expect(recorded.processes.length).toBeGreaterThan(10);
        expect(recorded.mountsInside.length).toBeGreaterThan(0);
        const stoppedAt = Date.now();
        run.child.kill("SIGTERM");
        await stopsCleanly(run, recorded, stoppedAt, 143, /rehearsal: SIGTERM received in scenario 1\. first release[^\n]*, step: [^\n]+; stopping everything it started/);
    } finally {
        if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill("SIGKILL");
    }
});

test("the run's deadline stops it the same way, saying where it was", async () => {
    const run = new Run({ PM_REHEARSAL_DEADLINE_MINUTES: "1" });
    try {
        const dir = (await run.waitFor(/rehearsal of stack "rehearsal" in (\S+)/, 60))[1];
        // Recorded while the stand-ins run (or, on a slow machine, as the deadline strikes).
        await run.waitFor(/^building and pushing the release images|the run's deadline passed/m, 90);
        const recorded = footprint(run, dir);
        const deadline = await run.waitFor(/rehearsal: the run's deadline passed in ([^\n]+); stopping everything it started/, 120);
        expect(deadline[1]).toMatch(/^(setup|scenario \d\. .+), step: .+/);
        await stopsCleanly(run, recorded, Date.now(), 124, /stopped \(deadline\) in /);
    } finally {
        if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill("SIGKILL");
    }
});
