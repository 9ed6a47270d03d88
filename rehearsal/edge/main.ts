/**
 * `npm run rehearse:edge`: the edge rehearsal (./inside.ts), as root, in network, mount and PID
 * namespaces of its own with Debian's `tini` as PID 1 (../outside.ts, the same as `npm run rehearse`:
 * signals, the overall deadline and the run's folder are handled alike). Option: `--deadline-minutes N`
 * (default 10). Environment: PM_REHEARSAL_SUMMARY, a file to receive the results as JSON.
 */
import { ENV } from "../inside";
import { outside } from "../outside";
import { insideEdge } from "./inside";

const DEFAULT_DEADLINE_MINUTES = 10;

function deadlineMinutes(argv: readonly string[]): number {
    const flag = argv.indexOf("--deadline-minutes");
    if (flag < 0) return DEFAULT_DEADLINE_MINUTES;
    const minutes = Number(argv[flag + 1]);
    if (!Number.isFinite(minutes) || minutes <= 0) throw new Error(`--deadline-minutes must be a positive number of minutes, got ${JSON.stringify(argv[flag + 1] ?? "")}`);
    return minutes;
}

for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);

(process.env[ENV.inside] === "1" ? insideEdge() : outside({ deadlineMinutes: deadlineMinutes(process.argv.slice(2)), mainFile: __filename })).then(
    (code) => process.exit(code),
    (error: Error) => {
        console.error(error.stack ?? error.message);
        process.exit(1);
    },
);
