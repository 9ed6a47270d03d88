/**
 * 16. A database whose certificate another CA signed (a server standing in for the cluster, or a
 * man in the middle) is refused (issue 17, fact 11): the release's connections check the server
 * against the cluster's CA certificate (`sslmode=verify-full`), so the release stops at its first
 * database step; and the app's own connection from the live container is refused the same way, where
 * `sslmode=require` would have accepted it without a word.
 */
import * as path from "path";
import { makeCertificates } from "../../tools/standins/tls";
import { DJANGO_SETUP, execPython, liveBackend } from "../appChecks";
import { DATABASE_PRIVATE_HOST } from "../localSite";
import { RELEASES } from "../releases";
import { round } from "../report";
import type { Scenario } from "./scenario";

const { second } = RELEASES;

/** Connects with the app's own DATABASE_URL settings, once as configured and once with sslmode=require. */
const CONNECT = `${DJANGO_SETUP}
import psycopg2
from django.db import connection
params = connection.get_connection_params()
def attempt(**override):
    try:
        psycopg2.connect(**{**params, **override}).close()
        return "connected"
    except Exception as error:
        return str(error).strip().splitlines()[0]
print(json.dumps({"sslmode": params.get("sslmode"), "configured": attempt(), "require": attempt(sslmode="require", sslrootcert=None)}))`;

export const foreignCa: Scenario = {
    number: 16,
    title: "a database whose certificate another CA signed is refused",
    underTraffic: true,
    async run(r, check, figures) {
        const sha = r.live;
        if (sha === undefined) throw new Error("no release is live");
        const live = await liveBackend(r);
        const rogue = await makeCertificates(path.join(r.local.dir, "tls-rogue"), ["127.0.0.1", DATABASE_PRIVATE_HOST]);
        const since = Date.now();
        await r.local.presentCertificate(rogue.certFile, rogue.keyFile);
        let steps: string[] = [];
        try {
            const seen = await execPython(live.name, CONNECT);
            figures["app's sslmode"] = String(seen.sslmode);
            figures["app's connection"] = String(seen.configured).slice(0, 100);
            figures["the same with sslmode=require"] = String(seen.require);
            check(seen.sslmode === "verify-full", `the app must connect with sslmode=verify-full, uses ${seen.sslmode}`);
            check(String(seen.configured).includes("certificate verify failed"), `the app's connection must be refused: ${seen.configured}`);
            check(seen.require === "connected", `sslmode=require would have accepted the foreign certificate (the check matters): ${seen.require}`);

            const { deployment } = await r.up(second.sha);
            check(!deployment.ok, "up must fail");
            const failedStep = deployment.steps.find((s) => s.status === "failed");
            check(failedStep?.name.endsWith("-db-rights") === true, `the first database step must refuse the server, got ${failedStep?.name}`);
            check(
                (failedStep?.error ?? "").includes("certificate verify failed"),
                `the refusal must say the certificate did not verify: ${(failedStep?.error ?? "").split("\n").slice(-2).join(" | ")}`,
            );
            check(
                deployment.steps.filter((s) => /-(migrate|deploy-backend|deploy-frontend|notify)$/.test(s.name) && s.action !== "same").every((s) => s.status === "skipped"),
                "nothing may be migrated or deployed",
            );
            figures["up refused after (s)"] = round((Date.now() - since) / 1000);
            steps = deployment.steps.filter((s) => s.action !== "same").map((s) => `${s.status} ${s.name}`);
        } finally {
            await r.local.presentCertificate(path.join(r.local.dir, "tls/server.crt"), path.join(r.local.dir, "tls/server.key"));
        }
        const back = await execPython(live.name, CONNECT);
        check(back.configured === "connected", `with the cluster's own certificate back, the app must connect: ${back.configured}`);
        await r.checkStillServing(sha, check);
        const { failed } = r.swapFigures(since, figures);
        check(failed.length === 0, `requests failed: ${failed.slice(0, 3).join("; ")}`);
        return steps;
    },
};
