/**
 * What the rehearsal entries (./main.ts, ./edge/main.ts, ./loadBalancer/main.ts) share: outside their
 * namespaces they enter them (./outside.ts) with the run's deadline, inside they run their own work; the
 * process exits with its status.
 */
import { ENV } from "./inside";
import { outside } from "./outside";

/**
 * Minutes the whole run may take: `--deadline-minutes N`, else PM_REHEARSAL_DEADLINE_MINUTES, else
 * `defaultMinutes`. Anything but a positive number is refused with the value it got.
 */
export function deadlineMinutes(argv: readonly string[], env: NodeJS.ProcessEnv, defaultMinutes: number): number {
    const flag = argv.indexOf("--deadline-minutes");
    if (flag >= 0 && argv[flag + 1] === undefined) throw new Error("--deadline-minutes needs a positive number of minutes after it");
    const text = flag >= 0 ? argv[flag + 1] : env.PM_REHEARSAL_DEADLINE_MINUTES;
    if (text === undefined || text === "") return defaultMinutes;
    const minutes = Number(text);
    if (!Number.isFinite(minutes) || minutes <= 0) throw new Error(`--deadline-minutes must be a positive number of minutes, got ${JSON.stringify(text)}`);
    return minutes;
}

/** Runs `inside` in the namespaces, entering them first when this process is not in them yet (`mainFile` runs again there). */
export function runEntry(options: { readonly inside: () => Promise<number>; readonly mainFile: string; readonly defaultDeadlineMinutes: number }): void {
    // Whoever reads the output may go first (an interrupted `npm run`); the rehearsal must still clean up.
    for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
    let running: Promise<number>;
    if (process.env[ENV.inside] === "1") running = options.inside();
    else {
        let minutes: number;
        try {
            minutes = deadlineMinutes(process.argv.slice(2), process.env, options.defaultDeadlineMinutes);
        } catch (error) {
            // Bad input: its message names the value and the form expected; no stack trace.
            console.error((error as Error).message);
            process.exit(2);
        }
        running = outside({ deadlineMinutes: minutes, mainFile: options.mainFile });
    }
    running.then(
        (code) => process.exit(code),
        (error: Error) => {
            console.error(error.stack ?? error.message);
            process.exit(1);
        },
    );
}
