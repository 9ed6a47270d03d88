/** The rehearsal's scenarios, in the order they run: each starts from where the one before left the droplet. */
import type { Progress } from "../progress";
import type { Rehearsal } from "../rehearsal";
import type { ScenarioResult } from "../report";
import { firstRelease } from "./01-first-release";
import { sameSha } from "./02-same-sha";
import { newSha } from "./03-new-sha";
import { badImage } from "./04-bad-image";
import { failingMigration } from "./05-failing-migration";
import { rollback } from "./06-rollback";
import { secrets } from "./07-secrets";
import { envChanged } from "./08-env-changed";
import { dropletReplaced } from "./09-droplet-replaced";
import { freshDatabase } from "./10-fresh-database";
import { insideTheContainer } from "./11-inside-the-container";
import { rowLevelSecurity } from "./12-row-level-security";
import { media } from "./13-media";
import { databaseUnreachable } from "./14-database-unreachable";
import { exitAtStart } from "./15-exit-at-start";
import { foreignCa } from "./16-foreign-ca";
import { runScenario, Scenario } from "./scenario";

export const SCENARIOS: readonly Scenario[] = [
    firstRelease,
    sameSha,
    newSha,
    badImage,
    failingMigration,
    rollback,
    secrets,
    envChanged,
    dropletReplaced,
    freshDatabase,
    insideTheContainer,
    rowLevelSecurity,
    media,
    databaseUnreachable,
    exitAtStart,
    foreignCa,
];

/**
 * Runs every scenario in order, the request stream flowing through those `underTraffic`; each result
 * goes to `results` as soon as it is known, so a run stopped half-way still reports what it did.
 */
export async function runScenarios(rehearsal: Rehearsal, progress: Progress, results: ScenarioResult[], signal: AbortSignal): Promise<void> {
    for (const [i, scenario] of SCENARIOS.entries()) {
        if (signal.aborted) return;
        if (scenario.underTraffic && (i === 0 || !SCENARIOS[i - 1].underTraffic)) {
            rehearsal.traffic.start();
            rehearsal.readiness.start();
        }
        results.push(await runScenario(scenario, rehearsal, progress, signal));
        if (scenario.underTraffic && !SCENARIOS[i + 1]?.underTraffic) {
            progress.at("stopping the request stream");
            await rehearsal.traffic.stop();
            await rehearsal.readiness.stop();
        }
    }
}
