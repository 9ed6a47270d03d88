/** 1. The first release onto a new droplet: every resource created, both services serve it, the suppliers app's 0001 and 0002 (tenant_id), one notification. */
import { reveal } from "../../tools/programRunner";
import { RELEASES, SUPPLIER_MIGRATIONS } from "../releases";
import { firstLine } from "../report";
import type { Scenario } from "./scenario";

const { first } = RELEASES;

export const firstRelease: Scenario = {
    number: 1,
    title: `first release: ${first.sha} onto a new droplet`,
    underTraffic: true,
    async run(r, check, figures) {
        const since = Date.now();
        const { steps, deployment, resources } = await r.up(first.sha);
        check(deployment.ok, `up failed: ${firstLine(deployment.error)}`);
        check(
            steps.every((s) => s.action === "create"),
            `expected only creates, got ${steps
                .filter((s) => s.action !== "create")
                .map((s) => `${s.action} ${s.name}`)
                .join(", ")}`,
        );
        const remote = resources.filter((x) => x.type === "command:remote:Command" || x.type === "command:remote:CopyToRemote");
        const ports = [...new Set(remote.map((x) => String((reveal(x.inputs) as { connection: { port?: number } }).connection.port)))];
        check(ports.length === 1 && ports[0] === String(r.config.servers.sshPort), `every remote step must use SSH port ${r.config.servers.sshPort}, got ${ports.join(", ")}`);
        await r.checkServing(first.sha, since, check, figures);
        const migrations = await r.migrations();
        check(migrations === SUPPLIER_MIGRATIONS.first, `migrations applied: ${migrations}`);
        check((await r.serving("backend")).ok, "the backend's health (which queries the database) must answer 200");
        const hooks = r.webhooksSince(since);
        check(
            hooks.length === 1 && JSON.stringify(hooks[0].body).includes(`${first.sha} deployed`),
            `one success notification for ${first.sha}, got ${JSON.stringify(hooks.map((h) => h.body.text))}`,
        );
        r.recordDetectionLatency(first.sha, since, figures);
        return steps.map((s) => `${s.action} ${s.name}`);
    },
};
