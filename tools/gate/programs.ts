/**
 * Runs the program for several stacks in one process, as `--all` does: the SDKs load once, and each
 * run gets what a fresh `pulumi` process would give it — the program's own modules loaded anew, and
 * the Pulumi runtime's state (settings, mocks, configuration) in a store of its own, the SDK's
 * `withLocalStorage` (how the Automation API runs inline programs side by side).
 */
import * as path from "path";
import { ProgramRun, RunOptions, runProgram } from "../programRunner";

const ROOT = path.resolve(__dirname, "../..");
/** What the program is made of: every folder of ours but tools/ (the runner itself). */
const PROGRAM_FOLDERS = ["infra", "components", "config", "model", "host"];

let runs = 0;

/** Drops the program's modules from Node's module cache, so that the next run loads them anew. */
function forgetProgramModules(): void {
    for (const file of Object.keys(require.cache)) {
        const relative = path.relative(ROOT, file);
        if (PROGRAM_FOLDERS.includes(relative.split(path.sep)[0])) delete require.cache[file];
    }
}

/** `runProgram`, made safe to call again in the same process. */
export async function runStack(stack: string, options: RunOptions = {}): Promise<ProgramRun> {
    // Under Jest, runProgram isolates each run's modules itself.
    if (typeof jest !== "undefined") return runProgram(stack, options);
    if (runs++ > 0) forgetProgramModules();
    const state = (await import("@pulumi/pulumi/runtime/state")) as unknown as { withLocalStorage<T>(callback: () => T): T };
    return state.withLocalStorage(() => runProgram(stack, options));
}
