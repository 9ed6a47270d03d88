/**
 * `npm run rehearse [-- --deadline-minutes N]`: the release chain of the `rehearsal` stack, end to
 * end, against a local droplet, inside network, mount and PID namespaces of its own (README,
 * "Rehearse a release end to end").
 *
 * Run as root, it enters the namespaces (./outside.ts) and runs again in there (./inside.ts): the
 * stand-ins, the images, the scenarios (./scenarios/), the figures. It stops everything it started
 * on SIGINT, SIGTERM or SIGHUP and at its deadline (default 15 minutes; also PM_REHEARSAL_DEADLINE_MINUTES),
 * says where it was, and exits non-zero; and non-zero when any check failed.
 *
 * Environment: PM_REHEARSAL_SUMMARY, a path to receive the results as JSON; PM_REHEARSAL_ROOTFS, a
 * debootstrapped root filesystem to use as the images' base instead of the cached one;
 * PM_REHEARSAL_DATABASE_ROOTFS, one with PostgreSQL 17 for the database; PM_REHEARSAL_CACHE, where the
 * cache lives (default $XDG_CACHE_HOME/projectmeats-rehearsal, else /var/cache/projectmeats-rehearsal).
 */
import { ENV, inside } from "./inside";
import { outside } from "./outside";

const DEFAULT_DEADLINE_MINUTES = 15;

function deadlineMinutes(argv: readonly string[], env: NodeJS.ProcessEnv): number {
    const flag = argv.indexOf("--deadline-minutes");
    const text = flag >= 0 ? argv[flag + 1] : env.PM_REHEARSAL_DEADLINE_MINUTES;
    if (text === undefined || text === "") return DEFAULT_DEADLINE_MINUTES;
    const minutes = Number(text);
    if (!Number.isFinite(minutes) || minutes <= 0) throw new Error(`--deadline-minutes must be a positive number of minutes, got ${JSON.stringify(text)}`);
    return minutes;
}

// Whoever reads the output may go first (an interrupted `npm run`); the rehearsal must still clean up.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);

(process.env[ENV.inside] === "1" ? inside() : outside({ deadlineMinutes: deadlineMinutes(process.argv.slice(2), process.env), mainFile: __filename })).then(
    (code) => process.exit(code),
    (error: Error) => {
        console.error(error.stack ?? error.message);
        process.exit(1);
    },
);
