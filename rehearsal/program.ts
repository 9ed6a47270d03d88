/**
 * The real program (infra/index.ts) evaluated for a `Site` in a process of its own (./evaluate.ts),
 * one program per process as under the Pulumi CLI, asynchronously, so whatever else the rehearsal
 * runs (a request stream) keeps flowing meanwhile.
 */
import * as fs from "fs";
import * as path from "path";
import { run } from "../tools/processes";
import type { RecordedResource } from "../tools/programRunner";
import { PROJECT_DIR } from "../tools/stackFiles";
import type { Site } from "./site";

/** Milliseconds evaluating the program may take. */
const EVALUATE_DEADLINE_MS = 3 * 60_000;

/** What the program registered for `site`; `siteFile` receives the site (it holds secrets: 0600). */
export async function evaluateProgram(site: Site, siteFile: string, signal: AbortSignal): Promise<RecordedResource[]> {
    fs.writeFileSync(siteFile, JSON.stringify(site), { mode: 0o600 });
    const evaluated = await run(process.execPath, [...process.execArgv, path.join(__dirname, "evaluate.ts"), siteFile], {
        cwd: PROJECT_DIR,
        deadlineMs: EVALUATE_DEADLINE_MS,
        signal,
        allowFailure: true,
    });
    if (evaluated.status !== 0) throw new Error(`evaluating the program failed:\n${evaluated.stderr}`);
    const result = JSON.parse(evaluated.stdout) as { resources: RecordedResource[]; error?: string };
    if (result.error) throw new Error(`the program failed: ${result.error}`);
    return result.resources;
}
