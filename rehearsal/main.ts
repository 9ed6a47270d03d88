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
import { runEntry } from "./entry";
import { inside } from "./inside";

runEntry({ inside, mainFile: __filename, defaultDeadlineMinutes: 15 });
