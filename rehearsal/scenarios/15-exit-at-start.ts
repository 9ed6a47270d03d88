/**
 * 15. A release whose container exits at start (its app cannot load): the deploy step declares it
 * failed within 5 s of the container's exit, with its last log lines, removes it, and the old release
 * keeps serving (issue 17: "deploy.sh waits its whole 60 s deadline even when the new container has
 * already exited").
 */
import { dropletDocker } from "../appChecks";
import { RELEASES } from "../releases";
import { round } from "../report";
import type { Scenario } from "./scenario";

const { crashing } = RELEASES;
/** The longest the deploy step may take to see that the container exited. */
const DETECT_WITHIN_S = 5;

export const exitAtStart: Scenario = {
    number: 15,
    title: `a container that exits at start (${crashing.sha}) is declared failed within ${DETECT_WITHIN_S} s, with its last log lines`,
    underTraffic: true,
    async run(r, check, figures) {
        const sha = r.live;
        if (sha === undefined) throw new Error("no release is live");
        const since = Date.now();
        const { deployment } = await r.up(crashing.sha);
        check(!deployment.ok, "up must fail");
        const failedStep = deployment.steps.find((s) => s.status === "failed");
        check(failedStep?.name.endsWith("-deploy-backend") === true, `the backend deploy must be the step that fails, got ${failedStep?.name}`);
        const error = failedStep?.error ?? "";
        const name = `projectmeats-backend-${crashing.sha}`;
        // Docker's restart policy (unless-stopped) may already have started it again: then it is a restart loop.
        const failing = new RegExp(`${name} (exited with code \\d+|is restarting in a loop \\(last exit code \\d+\\))`);
        const said = failing.exec(error)?.[0];
        check(said !== undefined, `the failure must say the container exited: ${error.split("\n").slice(-3).join(" | ")}`);
        figures.verdict = said ?? "none";
        check(
            error.includes(`last 30 log lines of ${name}`) && error.includes("fault injected at build time: this release cannot start"),
            "the failure must show the container's last log lines, with the app's error",
        );

        const start = r.lines.find((l) => l.at >= since && l.resource.endsWith("-deploy-backend") && l.line.includes(`starting ${name}`));
        const verdict = r.lines.find((l) => l.at >= since && l.resource.endsWith("-deploy-backend") && failing.test(l.line));
        // When the container died, from the engine's events (the container itself is gone).
        const died = await dropletDocker(
            [
                "events",
                "--since",
                String(Math.floor(since / 1000)),
                "--until",
                String(Math.ceil(Date.now() / 1000)),
                "--filter",
                "event=die",
                "--filter",
                `container=${name}`,
                "--format",
                "{{.TimeNano}}",
            ],
            { deadlineMs: 15_000 },
        );
        // Its first exit: the restart policy may have started it again, and it may have exited again since.
        const diedAt = Number(died.stdout.trim().split("\n")[0]) / 1e6;
        if (start && verdict) figures["start to failed (s)"] = round((verdict.at - start.at) / 1000);
        if (verdict && diedAt > 0) figures["exit to failed (s)"] = round(Math.max(0, verdict.at - diedAt) / 1000);
        check(
            verdict !== undefined && diedAt > 0 && verdict.at - diedAt <= DETECT_WITHIN_S * 1000,
            `the exit must be seen within ${DETECT_WITHIN_S} s (exit to verdict: ${figures["exit to failed (s)"]} s)`,
        );
        check((await r.containers(crashing.sha)).length === 0, "the failed container must be removed");
        await r.checkStillServing(sha, check);
        check(r.webhooksSince(since).length === 0, "no success notification may be sent");
        const { failed } = r.swapFigures(since, figures);
        check(failed.length === 0, `requests failed: ${failed.slice(0, 3).join("; ")}`);
        return deployment.steps.filter((s) => s.action !== "same").map((s) => `${s.status} ${s.name}`);
    },
};
