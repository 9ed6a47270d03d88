/** 2. The same SHA again: no step, no SSH session, no local command, the same containers, no notification. */
import { RELEASES } from "../releases";
import { firstLine } from "../report";
import type { Scenario } from "./scenario";

const { first } = RELEASES;

export const sameSha: Scenario = {
    number: 2,
    title: `the same SHA ${first.sha} again: nothing runs`,
    underTraffic: true,
    async run(r, check, figures) {
        const since = Date.now();
        const before = { ...r.operator.counters };
        const containers = await r.local.droplet.dockerCommand("ps", "-q", "--no-trunc");
        const { steps, deployment } = await r.up(first.sha);
        check(deployment.ok, `up failed: ${firstLine(deployment.error)}`);
        check(
            steps.every((s) => s.action === "same"),
            `expected no changes, got ${steps
                .filter((s) => s.action !== "same")
                .map((s) => `${s.action} ${s.name}`)
                .join(", ")}`,
        );
        check(r.operator.counters.sshSessions === before.sshSessions, `no SSH session may open, ${r.operator.counters.sshSessions - before.sshSessions} did`);
        check(r.operator.counters.localProcesses === before.localProcesses, "no local command may run");
        check((await r.local.droplet.dockerCommand("ps", "-q", "--no-trunc")) === containers, "the running containers must be the same");
        check(r.webhooksSince(since).length === 0, "no notification may be sent");
        const { failed } = r.swapFigures(since, figures);
        check(failed.length === 0, `requests failed: ${failed.slice(0, 3).join("; ")}`);
        return [];
    },
};
