/**
 * The rehearsal inside its namespaces (started by ./outside.ts, under tini as PID 1): starts the
 * stand-ins, builds and pushes the images, runs the scenarios, reports, and stops everything it
 * started. SIGINT, SIGTERM, SIGHUP or the run's deadline stop it at any moment: it says where it was,
 * lets what is running unwind (bounded), stops the stand-ins by their PIDs, unmounts, and exits
 * non-zero. Its folder is ./outside.ts's, which removes it once this process and its namespaces are gone.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parseStackConfig } from "../config/stackConfig";
import { run, tail, withDeadline } from "../tools/processes";
import { readStackFile, REHEARSAL_STACK } from "../tools/stackFiles";
import { importBaseImage } from "./images";
import { LocalSite } from "./localSite";
import { EXIT_STATUS, Progress, Stop, stopOnSignalsAndDeadline } from "./progress";
import { Rehearsal } from "./rehearsal";
import { Figures, printSummary, round, ScenarioResult, Summary, writeSummary } from "./report";
import { runScenarios, SCENARIOS } from "./scenarios";

/** What ./outside.ts hands over, in the environment. */
export const ENV = {
    inside: "PM_REHEARSAL_INSIDE",
    dir: "PM_REHEARSAL_DIR",
    rootfs: "PM_REHEARSAL_ROOTFS",
    databaseRootfs: "PM_REHEARSAL_DATABASE_ROOTFS",
    deadlineAt: "PM_REHEARSAL_DEADLINE_AT",
    debootstrapSeconds: "PM_REHEARSAL_DEBOOTSTRAP_SECONDS",
    databaseDebootstrapSeconds: "PM_REHEARSAL_DATABASE_DEBOOTSTRAP_SECONDS",
    summary: "PM_REHEARSAL_SUMMARY",
} as const;

/** Milliseconds what was running gets to unwind after a stop, before the stand-ins are stopped under it. */
const UNWIND_MS = 10_000;
/** Milliseconds stopping the stand-ins may take in all. */
const STOP_MS = 120_000;

export async function inside(): Promise<number> {
    const dir = process.env[ENV.dir];
    if (!dir || !fs.existsSync(dir)) throw new Error(`${ENV.dir} must name the run's folder`);
    const stop = new Stop();
    const progress = new Progress();
    stopOnSignalsAndDeadline(stop, Number(process.env[ENV.deadlineAt] ?? Date.now() + 15 * 60_000));
    let stoppedWhere = "";
    stop.onRequest((reason) => {
        stoppedWhere = progress.describe();
        console.log(`\nrehearsal: ${reason === "deadline" ? "the run's deadline passed" : `${reason} received`} in ${stoppedWhere}; stopping everything it started`);
    });

    const config = parseStackConfig(REHEARSAL_STACK, readStackFile(REHEARSAL_STACK).config);
    const secret = () => crypto.randomBytes(18).toString("hex");
    const local = new LocalSite(dir, { registry: secret(), database: secret(), admin: secret() }, stop.signal);
    const setup: Figures = {};
    const results: ScenarioResult[] = [];
    console.log(`rehearsal of stack "${REHEARSAL_STACK}" in ${dir}`);

    const work = (async () => {
        const phase = async (what: string, step: () => Promise<unknown>) => {
            progress.enter("setup", what);
            await step();
        };
        await phase("isolating the network and the filesystem", () => local.isolate());
        await phase("making certificates", () => local.makeCertificates());
        if (config.edge.mode === "droplet") await phase("starting the ACME server (pebble)", () => local.startAcmeServer([config.hostnames.backend, config.hostnames.frontend]));
        await phase("starting the registry", () => local.startRegistry());
        await phase("starting PostgreSQL", () => local.startDatabase(config.database.name, config.database.user, process.env[ENV.databaseRootfs] ?? ""));
        console.log(`database: PostgreSQL ${local.database.version}`);
        let webhookUrl = "";
        await phase("starting the webhook receiver", async () => (webhookUrl = await local.startWebhookReceiver()));
        await phase("starting the build machine's Docker Engine", () => local.startBuilder());
        if (process.env[ENV.debootstrapSeconds]) setup["debootstrap of the base (s)"] = Number(process.env[ENV.debootstrapSeconds]);
        if (process.env[ENV.databaseDebootstrapSeconds]) setup["debootstrap of the database's root (s)"] = Number(process.env[ENV.databaseDebootstrapSeconds]);
        await phase("importing the base image", async () => (setup["base image imported (s)"] = round(await importBaseImage(local, process.env[ENV.rootfs] ?? "", stop.signal))));
        const keyFile = path.join(dir, "deploy_key");
        await phase("making the deploy key", () =>
            run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "projectmeats-rehearsal-deploy", "-f", keyFile], { deadlineMs: 30_000 }),
        );
        const deployKey = { privateKeyOpenssh: fs.readFileSync(keyFile, "utf8"), publicKeyOpenssh: fs.readFileSync(`${keyFile}.pub`, "utf8") };
        const rehearsal = new Rehearsal(local, config, webhookUrl, deployKey, secret(), progress, stop.signal);
        console.log("building and pushing the release images");
        await phase("building and pushing the release images", async () => (setup["images built and pushed (s)"] = round(await rehearsal.buildImages())));
        await runScenarios(rehearsal, progress, results, stop.signal);
    })();

    const outcome = await Promise.race([work.then(() => "done" as const), stop.requested.then(() => "stopped" as const)]).catch((error: Error) => {
        console.error(`rehearsal: failed in ${progress.describe()}: ${error.stack ?? error}`);
        printLogTails(dir);
        return "failed" as const;
    });
    if (outcome === "stopped") {
        // Everything honours the stop signal: what was running ends within moments; never wait long for it.
        await withDeadline("unwinding", work, UNWIND_MS).catch(() => undefined);
    }
    progress.enter("stopping", "the stand-ins");
    const stopping = Date.now();
    await withDeadline("stopping the stand-ins", local.stop(), STOP_MS).catch((error: Error) => console.error(`rehearsal: ${error.message}`));
    console.log(
        `\nrehearsal: stopped every stand-in it started (${local.supervisor.stoppedCount} processes by PID) and unmounted in ${((Date.now() - stopping) / 1000).toFixed(1)}s`,
    );

    const stopped = stop.reason ? { reason: stop.reason, where: stoppedWhere } : undefined;
    const summary: Summary = { setup, results, stopped };
    printSummary(summary, SCENARIOS.length);
    writeSummary(process.env[ENV.summary], summary);
    if (stop.reason) return EXIT_STATUS[stop.reason];
    return outcome === "done" && results.length === SCENARIOS.length && results.every((r) => r.passed) ? 0 : 1;
}

function printLogTails(dir: string): void {
    const logs = path.join(dir, "logs");
    for (const name of fs.existsSync(logs) ? fs.readdirSync(logs) : []) console.error(`--- ${name} (last lines)\n${tail(fs.readFileSync(path.join(logs, name), "utf8"), 15)}`);
}
