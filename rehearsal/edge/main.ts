/**
 * `npm run rehearse:edge`: the edge rehearsal (./inside.ts), as root, in network, mount and PID
 * namespaces of its own with Debian's `tini` as PID 1 (../outside.ts, the same as `npm run rehearse`:
 * signals, the overall deadline and the run's folder are handled alike). Option: `--deadline-minutes N`
 * (default 10; or PM_REHEARSAL_DEADLINE_MINUTES). Environment: PM_REHEARSAL_SUMMARY, a file to receive the results as JSON.
 */
import { runEntry } from "../entry";
import { insideEdge } from "./inside";

runEntry({ inside: insideEdge, mainFile: __filename, defaultDeadlineMinutes: 10 });
