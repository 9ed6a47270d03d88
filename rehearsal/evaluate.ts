/**
 * Evaluates the real program (infra/index.ts) for the rehearsal stack under Pulumi's mocks, with the
 * cloud's answers pointing at the local stand-ins, and prints what it registered as JSON. Runs in its
 * own process: one program per process, as under the Pulumi CLI.
 *
 * Usage: evaluate.ts SITE.json  (see `Site` in ./site.ts)
 */
import * as fs from "fs";
import { runProgram } from "../tools/programRunner";
import { siteCalls, siteId, siteState, type Site } from "./site";

async function main(): Promise<void> {
    const site = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as Site;
    const run = await runProgram(site.stack, {
        config: site.config,
        secretConfig: site.secretConfig,
        id: (type, name) => siteId(site, type, name),
        state: (type, name) => siteState(site, type, name),
        call: (args) => siteCalls(site, args.token, args.inputs),
    });
    process.stdout.write(JSON.stringify({ resources: run.resources, error: run.error ? run.error.message : undefined }));
}

main().catch((error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
});
