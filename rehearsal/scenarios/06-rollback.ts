/** 6. Rollback to the previous SHA: served again with zero failed requests, one notification. */
import { RELEASES, SUPPLIER_MIGRATIONS } from "../releases";
import { firstLine } from "../report";
import type { Scenario } from "./scenario";

const { first } = RELEASES;

export const rollback: Scenario = {
    number: 6,
    title: `rollback to the previous SHA ${first.sha}`,
    underTraffic: true,
    async run(r, check, figures) {
        const since = Date.now();
        const { deployment } = await r.up(first.sha);
        check(deployment.ok, `up failed: ${firstLine(deployment.error)}`);
        await r.checkServing(first.sha, since, check, figures);
        check((await r.migrations()) === SUPPLIER_MIGRATIONS.second, "rolling back code leaves the (backward-compatible) schema as it is");
        const { served, failed } = r.swapFigures(since, figures);
        check(failed.length === 0, `requests failed during the swap: ${failed.slice(0, 3).join("; ")}`);
        check(served > 100, `a steady stream must have run through the swap (${served} served)`);
        const hooks = r.webhooksSince(since);
        check(hooks.length === 1 && JSON.stringify(hooks[0].body).includes(`${first.sha} deployed`), "one success notification for the rollback");
        r.recordDetectionLatency(first.sha, since, figures);
        return deployment.steps.filter((s) => s.action !== "same").map((s) => `${s.action} ${s.name}`);
    },
};
