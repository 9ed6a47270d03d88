/** 3. A new SHA with a migration: exactly the chain's seven steps replaced (db-rights to notify), 0003 applied, zero failed requests, the old release stopped and kept. */
import { CHAIN_STEPS, RELEASES, SUPPLIER_MIGRATIONS } from "../releases";
import { firstLine } from "../report";
import type { Scenario } from "./scenario";

const { first, second } = RELEASES;

export const newSha: Scenario = {
    number: 3,
    title: `a new SHA ${second.sha} with a new migration: migrated, swapped, no failed request`,
    underTraffic: true,
    async run(r, check, figures) {
        const since = Date.now();
        const { steps, deployment } = await r.up(second.sha);
        check(deployment.ok, `up failed: ${firstLine(deployment.error)}`);
        const changed = steps.filter((s) => s.action !== "same");
        const unexpected = changed.filter((s) => !CHAIN_STEPS.some((suffix) => s.name.endsWith(suffix)));
        check(unexpected.length === 0, `a new SHA must re-run only the release chain; also ran ${unexpected.map((s) => s.name).join(", ")}`);
        check(
            changed.length === CHAIN_STEPS.length && changed.every((s) => s.action === "replace"),
            `the chain's ${CHAIN_STEPS.length} steps must be replaced, got ${changed.map((s) => `${s.action} ${s.name}`).join(", ")}`,
        );
        await r.checkServing(second.sha, since, check, figures);
        const migrations = await r.migrations();
        check(migrations === SUPPLIER_MIGRATIONS.second, `migrations applied: ${migrations}`);
        const column = await r.local.query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'suppliers_supplier' AND column_name = 'country'");
        check(column === "1", "the new column must exist");
        const { served, failed } = r.swapFigures(since, figures);
        check(failed.length === 0, `requests failed during the swap: ${failed.slice(0, 3).join("; ")}`);
        check(served > 100, `a steady stream must have run through the swap (${served} served)`);
        const previous = await r.containers(first.sha);
        check(
            previous.every((c) => c.endsWith(" exited")),
            `the previous release must be stopped and kept: ${previous.join(", ")}`,
        );
        r.recordDetectionLatency(second.sha, since, figures);
        check(r.webhooksSince(since).length === 1, "one success notification");
        return changed.map((s) => `${s.action} ${s.name}`);
    },
};
