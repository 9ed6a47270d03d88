/** 5. A failing migration: the migrate step fails, nothing is deployed, PostgreSQL rolled the migration back. */
import { RELEASES, SUPPLIER_MIGRATIONS } from "../releases";
import type { Scenario } from "./scenario";

const { second, failing } = RELEASES;

export const failingMigration: Scenario = {
    number: 5,
    title: `a failing migration ${failing.sha}: nothing deployed`,
    underTraffic: true,
    async run(r, check, figures) {
        const since = Date.now();
        const { deployment } = await r.up(failing.sha);
        check(!deployment.ok, "up must fail");
        const failedStep = deployment.steps.find((s) => s.status === "failed");
        check(failedStep?.name.endsWith("-migrate") === true, `the migration must be the step that fails, got ${failedStep?.name}`);
        check((failedStep?.error ?? "").includes("migrate: migrations failed; nothing was deployed"), "the failure must say the migrations failed");
        check(
            deployment.steps.filter((s) => s.name.includes("-deploy-")).every((s) => s.status === "skipped"),
            "no deploy step may run",
        );
        check((await r.containers(failing.sha)).length === 0, "no container of the failing release may exist");
        const migrations = await r.migrations();
        check(migrations === SUPPLIER_MIGRATIONS.second, `the failed migration must leave no trace: ${migrations}`);
        await r.checkStillServing(second.sha, check);
        check(r.webhooksSince(since).length === 0, "no success notification may be sent");
        const { failed } = r.swapFigures(since, figures);
        check(failed.length === 0, `requests failed: ${failed.slice(0, 3).join("; ")}`);
        return deployment.steps.filter((s) => s.action !== "same").map((s) => `${s.status} ${s.name}`);
    },
};
