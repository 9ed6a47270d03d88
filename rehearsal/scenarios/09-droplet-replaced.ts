/**
 * 9. The droplet is replaced (a new SSH port changes its user data, which DigitalOcean cannot change
 * in place): the new droplet, at a new address, gets the scripts and the live release, and serves.
 *
 * What makes it work is what @pulumi/command 1.2.1 does, followed by ./engine.ts: the droplet's id in
 * the copies' triggers replaces them (a changed connection alone is an update, and a copy's update
 * copies nothing when its source is the same); every command's connection changed, so each is updated,
 * which runs its `create` again on the new droplet.
 *
 * The rehearsal has one local machine: the replacement stops the old droplet before the new one boots,
 * so requests during the replacement are not counted; on DigitalOcean the old droplet serves until the
 * engine deletes it. Requests after it are, and none may fail.
 */
import * as fs from "fs";
import { HOST_SCRIPTS, remoteScript } from "../../components/release/hostFiles";
import { dropletIdentity } from "../rehearsal";
import { firstLine, round } from "../report";
import type { Scenario } from "./scenario";

const NEW_SSH_PORT = 2223;
const REQUESTS_AFTER = 200;

export const dropletReplaced: Scenario = {
    number: 9,
    title: `the droplet is replaced (SSH port ${NEW_SSH_PORT}): the new one gets the scripts and the live release`,
    underTraffic: false,
    async run(r, check, figures) {
        const sha = r.live;
        if (sha === undefined) throw new Error("no release is live: the scenarios before this one must have released one");
        const generation = r.local.droplet.generation;
        const since = Date.now();
        r.configure("sshPort", String(NEW_SSH_PORT));
        const { steps, deployment } = await r.up(sha);
        check(deployment.ok, `up failed: ${firstLine(deployment.error)}`);
        figures["up (s)"] = round((Date.now() - since) / 1000);

        const droplet = steps.filter((s) => s.type === "digitalocean:index/droplet:Droplet");
        check(
            droplet.length === 1 && droplet[0].action === "replace" && droplet[0].changed.join() === "userData",
            `the droplet must be replaced for its user data, got ${droplet.map((s) => `${s.action} (${s.changed.join(", ")})`).join("; ")}`,
        );
        const expected = dropletIdentity(generation + 1);
        check(r.local.droplet.address === expected.address, `the new droplet must be at ${expected.address}, is at ${r.local.droplet.address}`);
        const copies = steps.filter((s) => s.type === "command:remote:CopyToRemote");
        check(
            copies.length === HOST_SCRIPTS.length && copies.every((s) => s.action === "replace" && s.changed.includes("triggers")),
            `every script copy must be replaced by the droplet's id in its triggers, got ${copies.map((s) => `${s.action} ${s.name}`).join(", ")}`,
        );
        const missing = HOST_SCRIPTS.filter((script) => !fs.existsSync(remoteScript(script)));
        check(missing.length === 0, `the new droplet must hold every script, lacks ${missing.join(", ")}`);
        const commands = steps.filter((s) => s.type === "command:remote:Command");
        const notRun = commands.filter((s) => s.action !== "update" || !s.changed.includes("connection"));
        check(
            commands.length > 0 && notRun.length === 0,
            `every remote command must be updated for its new connection (and so run again), not ${notRun.map((s) => `${s.action} ${s.name}`).join(", ")}`,
        );
        const connection = commands[0]?.inputs.connection as { host?: string; port?: number } | undefined;
        check(
            connection?.host === expected.address && connection?.port === NEW_SSH_PORT,
            `the commands must reach ${expected.address}:${NEW_SSH_PORT}, used ${JSON.stringify(connection)}`,
        );

        const running = (await r.containers(sha)).filter((c) => c.endsWith(" running"));
        check(running.length === 2, `the new droplet must run both services of ${sha}, runs ${running.join(", ") || "nothing"}`);
        for (const service of ["backend", "frontend"] as const) {
            const answer = await r.serving(service);
            check(answer.ok && answer.release === sha, `${service} must serve ${sha} from the new droplet, got ${answer.release ?? answer.detail}`);
        }
        const { served, failed } = await r.burst(REQUESTS_AFTER);
        figures["requests served after the replacement"] = served;
        figures["requests failed after the replacement"] = failed.length;
        check(failed.length === 0, `requests failed on the new droplet: ${failed.slice(0, 3).join("; ")}`);
        return steps.filter((s) => s.action !== "same").map((s) => `${s.action} ${s.name}`);
    },
};
