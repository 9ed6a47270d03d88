/**
 * 14. The database is unreachable (its server stopped: every connection refused) when a release
 * starts: the release fails at its first database step and the old release keeps serving, its health
 * answering `degraded` and its readiness 503 until the database is back (issue 17, fact 8).
 */
import { api, liveBackend } from "../appChecks";
import { RELEASES } from "../releases";
import { round } from "../report";
import type { Scenario } from "./scenario";

const { second } = RELEASES;

export const databaseUnreachable: Scenario = {
    number: 14,
    title: "the database is unreachable: the release fails, the old one keeps serving",
    underTraffic: true,
    async run(r, check, figures) {
        const sha = r.live;
        if (sha === undefined) throw new Error("no release is live");
        const live = await liveBackend(r);
        const since = Date.now();
        await r.local.setDatabaseReachable(false);
        let steps: string[] = [];
        try {
            const health = await api(r, live.port, "GET", "/api/v1/health/", { viaTls: false });
            const ready = await api(r, live.port, "GET", "/api/v1/ready/", { viaTls: false });
            figures["old release's health while down"] = `${health.status} ${String(health.json?.status)}`;
            figures["old release's readiness while down"] = `${ready.status} ${String(ready.json?.status)}`;
            check(
                health.status === 200 && health.json?.status === "degraded",
                `health must answer 200 degraded with the database down, got ${health.status} ${health.body.slice(0, 120)}`,
            );
            check(ready.status === 503 && ready.json?.status === "not_ready", `readiness must answer 503 not_ready with the database down, got ${ready.status}`);

            const { deployment } = await r.up(second.sha);
            check(!deployment.ok, "up must fail");
            const failedStep = deployment.steps.find((s) => s.status === "failed");
            check(failedStep?.name.endsWith("-db-rights") === true, `the first database step must fail, got ${failedStep?.name}`);
            check((failedStep?.error ?? "").includes("could not connect as the cluster's admin"), "the failure must say it could not connect");
            check(
                deployment.steps.filter((s) => /-(migrate|deploy-backend|deploy-frontend|notify)$/.test(s.name) && s.action !== "same").every((s) => s.status === "skipped"),
                "nothing may be migrated or deployed",
            );
            figures["up failed after (s)"] = round((Date.now() - since) / 1000);
            const answer = await r.serving("backend");
            check(answer.release === sha && answer.ok, `${sha} must keep answering through nginx, got ${answer.release ?? answer.detail}`);
            steps = deployment.steps.filter((s) => s.action !== "same").map((s) => `${s.status} ${s.name}`);
        } finally {
            await r.local.setDatabaseReachable(true);
        }
        // Back: the old release is healthy again (Django reconnects; CONN_HEALTH_CHECKS drops the dead connection).
        const deadline = Date.now() + 15_000;
        let healthy = false;
        while (!healthy && Date.now() < deadline) {
            const health = await api(r, live.port, "GET", "/api/v1/health/", { viaTls: false });
            healthy = health.json?.status === "healthy";
            if (!healthy) await new Promise((resolve) => setTimeout(resolve, 200));
        }
        check(healthy, "the old release must be healthy again once the database is back");
        figures["database down for (s)"] = round((Date.now() - since) / 1000);
        await r.checkStillServing(sha, check);
        const { failed } = r.swapFigures(since, figures);
        check(failed.length === 0, `requests failed: ${failed.slice(0, 3).join("; ")}`);
        return steps;
    },
};
