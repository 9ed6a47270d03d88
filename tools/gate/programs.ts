/**
 * Runs the program for several stacks in one process, as `--all` does: the SDKs load once, and each
 * run gets what a fresh `pulumi` process would give it — the program's own modules loaded anew, and
 * the Pulumi runtime's state (settings, mocks, configuration, the stack resource) in a store of its own.
 */
import * as path from "path";
import { ProgramRun, RunOptions, runProgram } from "../programRunner";

const ROOT = path.resolve(__dirname, "../..");
/** What the program is made of: every folder of ours but tools/ (the runner itself). */
const PROGRAM_FOLDERS = ["infra", "components", "config", "model", "host"].map((folder) => path.join(ROOT, folder) + path.sep);

/** The SDK's runtime state (`@pulumi/pulumi/runtime/state`): one store per process, or one per async context. */
interface RuntimeState {
    getStore(): object;
    withLocalStorage<T>(callback: () => T): T;
}
/** Where the SDK keeps the store of code that runs outside any async context; made anew when missing. */
const SDK_GLOBALS = globalThis as { globalStore?: object };

let runs = 0;
/** Set once a run has failed: it may have left work going on in the store it ran in. */
let failed = false;

/** Drops the program's modules from Node's module cache, so that the next run loads them anew. */
function forgetProgramModules(): void {
    for (const file of Object.keys(require.cache)) if (PROGRAM_FOLDERS.some((folder) => file.startsWith(folder))) delete require.cache[file];
}

/**
 * A fresh store for the next run, in place of the SDK's process-wide one: what a new process would
 * have. Only after runs that finished, so nothing is left that could still use the old one. False if
 * the SDK keeps its store elsewhere, or a run failed: then each run gets a store of its own in its
 * async context (`withLocalStorage`, how the Automation API runs inline programs side by side), which
 * switches on Node's promise hooks and so costs every promise of every later run some time.
 */
function freshGlobalStore(state: RuntimeState): boolean {
    if (failed) return false;
    const previous = state.getStore();
    if (SDK_GLOBALS.globalStore !== previous) return false;
    delete SDK_GLOBALS.globalStore;
    return state.getStore() !== previous;
}

/**
 * Runs `fn` without the call stacks that `new Error()` records. The SDK records one for every promise
 * it makes (`debuggablePromise`, a dozen per resource), only to print it should the program leak a
 * promise; formatting those stacks was a third of each program's time in the gate, which reports
 * messages, never stacks. What the program registers does not change: the SDK reads the one stack it
 * needs (a resource's source position, `Resource.callsites`) with a limit of its own.
 */
async function withoutCallStacks<T>(fn: () => Promise<T>): Promise<T> {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        return await fn();
    } finally {
        Error.stackTraceLimit = limit;
    }
}

/** `runProgram`, made safe to call again in the same process. */
export async function runStack(stack: string, options: RunOptions = {}): Promise<ProgramRun> {
    // Under Jest, runProgram isolates each run's modules itself.
    if (typeof jest !== "undefined") return runProgram(stack, options);
    let run: () => Promise<ProgramRun> = () => runProgram(stack, options);
    // The first run has the SDK's process-wide store to itself, as in a `pulumi` process of its own.
    if (runs++ > 0) {
        forgetProgramModules();
        const state = (await import("@pulumi/pulumi/runtime/state")) as unknown as RuntimeState;
        if (!freshGlobalStore(state)) {
            const inProcess = run;
            run = () => state.withLocalStorage(inProcess);
        }
    }
    const result = await withoutCallStacks(run);
    if (result.error) failed = true;
    return result;
}
