/**
 * 8. The backend's environment changes and the SHA does not (`pulumi config set`): the env file is
 * written again and a new container with the new value is swapped in under traffic, with no failed
 * request. A running container never rereads its env file (ReleaseChain's env digest in the deploy
 * step's triggers is what makes this happen).
 */
import { firstLine, round } from "../report";
import type { Scenario } from "./scenario";

/** A plain variable the backend's environment gains (appExtraEnv), and its value. */
const MARK = { name: "PM_REHEARSAL_MARK", value: "env-changed" };
/** What must change, by name suffix, and how: the file rewritten (an update), the backend swapped. */
const EXPECTED: readonly (readonly [action: string, suffix: string])[] = [
    ["update", "-env-backend"],
    ["replace", "-deploy-backend"],
    ["replace", "-health-backend"],
];

export const envChanged: Scenario = {
    number: 8,
    title: `the backend's environment changes at the same SHA: the app restarts with ${MARK.name}=${MARK.value}, no failed request`,
    underTraffic: true,
    async run(r, check, figures) {
        const sha = r.live;
        if (sha === undefined) throw new Error("no release is live: the scenarios before this one must have released one");
        const since = Date.now();
        r.configure("appExtraEnv", JSON.stringify([`${MARK.name}=${MARK.value}`]));
        const { steps, deployment } = await r.up(sha);
        check(deployment.ok, `up failed: ${firstLine(deployment.error)}`);
        figures["up (s)"] = round((Date.now() - since) / 1000);
        const changed = steps.filter((s) => s.action !== "same");
        const got = changed.map((s) => `${s.action} ${s.name}`);
        check(
            changed.length === EXPECTED.length && EXPECTED.every(([action, suffix]) => changed.some((s) => s.action === action && s.name.endsWith(suffix))),
            `an env change must rewrite the env file and swap the backend only, ran ${got.join(", ")}`,
        );
        const running = (await r.containers(sha)).filter((c) => c.startsWith(`projectmeats-backend-${sha} `) && c.endsWith(" running"));
        check(running.length === 1, `one backend container of ${sha} must run under its release name, got ${running.join(", ") || "none"}`);
        if (running.length === 1) {
            const value = await r.local.droplet.dockerCommand("exec", running[0].split(" ")[0], "printenv", MARK.name).catch((e: Error) => `(${firstLine(e.message)})`);
            check(value === MARK.value, `the running backend must see ${MARK.name}=${MARK.value}, sees ${value}`);
        }
        const previous = (await r.containers(sha)).filter((c) => c.startsWith(`projectmeats-backend-${sha}-previous-`));
        check(previous.length >= 1 && previous.every((c) => c.endsWith(" exited")), `the container it replaced must be stopped and kept: ${previous.join(", ") || "none"}`);
        const { served, failed } = r.swapFigures(since, figures);
        check(failed.length === 0, `requests failed during the restart: ${failed.slice(0, 3).join("; ")}`);
        check(served > 100, `a steady stream must have run through the restart (${served} served)`);
        return got;
    },
};
