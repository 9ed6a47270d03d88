/** 4. A bad image (health answers 503): the backend deploy fails, the rest of the chain is skipped, its container removed, the previous release serves. */
import { RELEASES } from "../releases";
import { round } from "../report";
import type { Scenario } from "./scenario";

const { second, bad } = RELEASES;

export const badImage: Scenario = {
    number: 4,
    title: `a bad image ${bad.sha}: health fails, ${second.sha} keeps serving, the chain stops`,
    underTraffic: true,
    async run(r, check, figures) {
        const since = Date.now();
        const { deployment } = await r.up(bad.sha);
        check(!deployment.ok, "up must fail");
        const failedStep = deployment.steps.find((s) => s.status === "failed");
        check(failedStep?.name.endsWith("-deploy-backend") === true, `the backend deploy must be the step that fails, got ${failedStep?.name}`);
        check(/unhealthy: http:\/\/127\.0\.0\.1:\d+\/api\/v1\/health\/ answered 503/.test(failedStep?.error ?? ""), "the failure must say the health check answered 503");
        const skipped = deployment.steps.filter((s) => s.status === "skipped").map((s) => s.name);
        check(
            ["-health-backend", "-deploy-frontend", "-health-frontend", "-notify"].every((suffix) => skipped.some((n) => n.endsWith(suffix))),
            `the rest of the chain must not run; skipped: ${skipped.join(", ")}`,
        );
        const left = await r.containers(bad.sha);
        check(left.length === 0, `the bad release's containers must be removed: ${left.join(", ")}`);
        await r.checkStillServing(second.sha, check);
        check(r.webhooksSince(since).length === 0, "no success notification may be sent");
        const start = r.lines.find((l) => l.at >= since && l.resource.endsWith("-deploy-backend") && l.line.includes(`starting projectmeats-backend-${bad.sha}`));
        const verdict = r.lines.find((l) => l.at >= since && l.resource.endsWith("-deploy-backend") && l.line.startsWith("unhealthy:"));
        if (start && verdict) figures["bad release detected after (s)"] = round((verdict.at - start.at) / 1000);
        const { failed } = r.swapFigures(since, figures);
        check(failed.length === 0, `requests failed: ${failed.slice(0, 3).join("; ")}`);
        return deployment.steps.filter((s) => s.action !== "same").map((s) => `${s.status} ${s.name}`);
    },
};
