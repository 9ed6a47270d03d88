/**
 * 13. Persistent media (issue 17, fact 10): a file uploaded to /app/media before a release is served
 * after it, and after a rollback to the release it was uploaded to. The host folder is the same for
 * every release, owned by the container's user.
 */
import * as crypto from "crypto";
import { run } from "../../tools/processes";
import { api, liveBackend } from "../appChecks";
import { RELEASES } from "../releases";
import { firstLine, round } from "../report";
import type { Scenario } from "./scenario";

const { second } = RELEASES;
/** Where the release chain keeps the `media` folder on the droplet (projectmeats:appPersistentDirectories). */
const HOST_MEDIA = "/srv/projectmeats/data/media";

export const media: Scenario = {
    number: 13,
    title: "a file uploaded before a release is served after it and after a rollback",
    underTraffic: true,
    async run(r, check, figures) {
        const before = r.live;
        if (before === undefined) throw new Error("no release is live");
        const start = Date.now();
        const name = `invoice-${crypto.randomBytes(4).toString("hex")}.txt`;
        const content = `uploaded to ${before} at ${new Date().toISOString()}\n`;
        const uploaded = await api(r, (await liveBackend(r)).port, "POST", "/api/v1/uploads/", { body: content, headers: { "x-file-name": name } });
        check(
            uploaded.status === 201 && uploaded.json?.path === `/app/media/uploads/${name}`,
            `the upload must be stored under /app/media, got ${uploaded.status} ${uploaded.body.slice(0, 200)}`,
        );
        const owner = (await run("stat", ["-c", "%u:%g", `${HOST_MEDIA}/uploads/${name}`], { deadlineMs: 10_000, allowFailure: true })).stdout.trim();
        figures["host file's owner"] = owner;
        check(owner === "1000:1000", `the file must land in ${HOST_MEDIA} as the container's user 1000:1000, got ${owner || "no file"}`);

        const steps: string[] = [];
        for (const [what, sha] of [
            ["after a release", second.sha],
            ["after a rollback", before],
        ] as const) {
            const since = Date.now();
            const { deployment } = await r.up(sha);
            check(deployment.ok, `up ${sha} failed: ${firstLine(deployment.error)}`);
            await r.checkServing(sha, since, check, figures);
            figures[`up to ${sha} (s)`] = round((Date.now() - since) / 1000);
            const served = await api(r, (await liveBackend(r)).port, "GET", `/api/v1/uploads/${name}`);
            check(served.status === 200 && served.body === content, `${what} (${sha}) the file must be served as uploaded, got ${served.status} ${served.body.slice(0, 100)}`);
            check(served.headers["x-release"] === sha, `${what} the file must come from ${sha}, came from ${served.headers["x-release"]}`);
            figures[`served ${what}`] = `${served.status} from ${served.headers["x-release"]}`;
            steps.push(...deployment.steps.filter((s) => s.action !== "same").map((s) => `${s.status} ${s.name}`));
        }
        const { served, failed } = r.swapFigures(start, figures);
        check(failed.length === 0, `requests failed during the two swaps: ${failed.slice(0, 3).join("; ")}`);
        check(served > 100, `a steady stream must have run through the swaps (${served} served)`);
        return steps;
    },
};
