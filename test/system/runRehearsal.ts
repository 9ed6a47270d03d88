/**
 * Runs a rehearsal entry (rehearsal/main.ts, rehearsal/edge/main.ts) as `npm run` would, its output in
 * a file, and hands back its exit status, output and summary, and the run folders it left behind.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Summary } from "../../rehearsal/report";

const ROOT = path.resolve(__dirname, "../..");
const rehearsalDirs = () => fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith("pm-rehearsal-"));

export interface RehearsalRun {
    readonly status: number | null;
    readonly output: string;
    /** The results it wrote (PM_REHEARSAL_SUMMARY); undefined when it wrote none. */
    readonly summary?: Summary;
    /** Run folders (/tmp/pm-rehearsal-*) that appeared during the run and are still there. */
    readonly leftBehind: string[];
}

/** Runs `entry` (relative to the repository) to its end; every wait is the rehearsal's own (its deadline). */
export async function runRehearsal(entry: string): Promise<RehearsalRun> {
    const before = new Set(rehearsalDirs());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pm-rehearse-test-"));
    try {
        const summaryFile = path.join(dir, "summary.json");
        const log = path.join(dir, "rehearse.log");
        const status = await new Promise<number | null>((resolve) => {
            const out = fs.openSync(log, "w");
            const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, entry)], {
                cwd: ROOT,
                env: { ...process.env, PM_REHEARSAL_SUMMARY: summaryFile },
                stdio: ["ignore", out, out],
            });
            child.on("close", resolve);
        });
        const summary = fs.existsSync(summaryFile) ? (JSON.parse(fs.readFileSync(summaryFile, "utf8")) as Summary) : undefined;
        return { status, output: fs.readFileSync(log, "utf8"), summary, leftBehind: rehearsalDirs().filter((d) => !before.has(d)) };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** The last `lines` lines of a run's output, for a failure's message. */
export function lastLines(run: RehearsalRun, lines: number): string {
    return run.output.split("\n").slice(-lines).join("\n");
}
