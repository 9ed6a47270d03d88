/**
 * `npm run rehearse`: the release chain of the `rehearsal` stack, end to end, against a local droplet.
 *
 * Starts the stand-ins (./site-services.ts) inside network, mount and PID namespaces of its own,
 * builds and pushes real images (./images.ts), then, per scenario, evaluates the real program under
 * mocks whose answers point at the stand-ins (./evaluate.ts) and carries out its steps with the
 * engine's and the command provider's semantics (./engine.ts, ./operator.ts). Checks every scenario,
 * prints the figures, stops everything it started, and exits non-zero if any check failed.
 *
 * Needs root (namespaces, mounts) and the Debian packages `.ci/run` installs. Set
 * PM_REHEARSAL_ROOTFS to a debootstrapped root filesystem to skip building one; PM_REHEARSAL_SUMMARY
 * to a path to receive the results as JSON.
 */
import { execFileSync, spawn, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { parseStackConfig } from "../config/stackConfig";
import { PROJECT_DIR, REHEARSAL_STACK, readStackFile } from "../tools/stackFiles";
import { RecordedResource, reveal } from "../tools/programRunner";
import { releaseTag } from "../components/release/images";
import { SERVICE_PORTS } from "../model/layout";
import { Deployment, State, Step, deploy, plan } from "./engine";
import { buildRelease, debootstrapBase, importBaseImage, isBaseRootfs, registryDigest, ReleaseSpec } from "./images";
import { HostOperator, OutputLine } from "./operator";
import type { Site } from "./site";
import { postgresBinDir } from "../tools/processes";
import { DATABASE_PORT, DATABASE_PRIVATE_HOST, DROPLET_HTTP_PORT, LocalSite, REGISTRY_SERVER, REQUIRED_COMMANDS } from "./site-services";

const INSIDE = "PM_REHEARSAL_INSIDE";
const ROOTFS_SECONDS = "PM_REHEARSAL_ROOTFS_SECONDS";

/** The releases the scenarios deploy, by role. */
const RELEASES = {
    first: { sha: "1a2b3c4", overlays: [] },
    second: { sha: "2b3c4d5", overlays: ["v2"] },
    bad: { sha: "3c4d5e6", overlays: ["v2"], fault: "health" },
    failing: { sha: "4d5e6f7", overlays: ["v2", "failing-migration"] },
} satisfies Record<string, ReleaseSpec>;

/** The resources a new SHA must re-run, and nothing else (by name suffix). */
const CHAIN_STEPS = ["-migrate", "-deploy-backend", "-health-backend", "-deploy-frontend", "-health-frontend", "-notify"];

interface Response {
    readonly at: number;
    readonly service: "backend" | "frontend";
    readonly ok: boolean;
    readonly release?: string;
    readonly detail?: string;
}

/** A steady stream of requests through nginx to both services, as users would send them. */
class Traffic {
    public readonly responses: Response[] = [];
    private running = false;
    private loop?: Promise<void>;

    constructor(private readonly hostnames: { backend: string; frontend: string }) {}

    start(): void {
        this.running = true;
        this.loop = (async () => {
            let i = 0;
            while (this.running) {
                const service = i++ % 2 === 0 ? "backend" : "frontend";
                this.responses.push(await request(service, this.hostnames[service], service === "backend" ? "/api/v1/health/" : "/"));
                await new Promise((r) => setTimeout(r, 5));
            }
        })();
    }

    async stop(): Promise<void> {
        this.running = false;
        await this.loop;
    }

    since(at: number): Response[] {
        return this.responses.filter((r) => r.at >= at);
    }
}

function request(service: "backend" | "frontend", host: string, pathname: string, port = DROPLET_HTTP_PORT): Promise<Response> {
    return new Promise((resolve) => {
        const req = http.get({ host: "127.0.0.1", port, path: pathname, headers: { Host: host }, agent: false, timeout: 5000 }, (res) => {
            let body = "";
            res.on("data", (d: Buffer) => (body += d.toString()));
            res.on("end", () => {
                const release = service === "backend" ? safeJson(body)?.release : /release ([0-9a-f]+)/.exec(body)?.[1];
                resolve({
                    at: Date.now(),
                    service,
                    ok: res.statusCode === 200,
                    release: typeof release === "string" ? release : undefined,
                    detail: res.statusCode === 200 ? undefined : `status ${res.statusCode}`,
                });
            });
        });
        req.on("error", (error) => resolve({ at: Date.now(), service, ok: false, detail: error.message }));
        req.on("timeout", () => req.destroy(new Error("timeout")));
    });
}

function safeJson(text: string): Record<string, unknown> | undefined {
    try {
        return JSON.parse(text) as Record<string, unknown>;
    } catch {
        return undefined;
    }
}

/** Polls the containers' own ports fast, to know when a release became ready (for detection latency). */
class ReadinessWatch {
    /** First moment each `service release` answered 200 on its container port. */
    public readonly firstReady = new Map<string, number>();
    private running = false;
    private loop?: Promise<void>;

    constructor(private readonly hostnames: { backend: string; frontend: string }) {}

    start(): void {
        this.running = true;
        const targets = (["backend", "frontend"] as const).flatMap((service) =>
            [SERVICE_PORTS[service].first, SERVICE_PORTS[service].first + 1].map((port) => ({ service, port })),
        );
        this.loop = (async () => {
            while (this.running) {
                await Promise.all(
                    targets.map(async ({ service, port }) => {
                        const r = await request(service, this.hostnames[service], service === "backend" ? "/api/v1/health/" : "/", port);
                        const key = `${service} ${r.release}`;
                        if (r.ok && r.release && !this.firstReady.has(key)) this.firstReady.set(key, r.at);
                    }),
                );
                await new Promise((r) => setTimeout(r, 20));
            }
        })();
    }

    /** Forgets what was seen, so a release deployed again is timed again. */
    reset(): void {
        this.firstReady.clear();
    }

    async stop(): Promise<void> {
        this.running = false;
        await this.loop;
    }
}

type Check = (ok: boolean, problem: string) => void;
type Figures = Record<string, number | string>;

interface ScenarioResult {
    readonly number: number;
    readonly title: string;
    readonly passed: boolean;
    readonly problems: string[];
    readonly seconds: number;
    readonly figures: Record<string, number | string>;
    readonly steps: string[];
}

class Rehearsal {
    private state: State = { resources: {} };
    private readonly lines: OutputLine[] = [];
    private readonly operator: HostOperator;
    private readonly references: Record<string, { backend: string; frontend: string }> = {};
    private readonly digests: Record<string, string> = {};
    private readonly traffic: Traffic;
    private readonly readiness: ReadinessWatch;
    public readonly results: ScenarioResult[] = [];
    private readonly secrets: string[];
    private readonly djangoSecretKey: string;
    private site!: Site;
    /** `<registry server>/<registry name>`, as DOCR's endpoint reads. */
    private readonly endpoint: string;

    constructor(
        private readonly local: LocalSite,
        private readonly config: ReturnType<typeof parseStackConfig>,
        private readonly webhookUrl: string,
        private readonly deployKey: { publicKeyOpenssh: string; privateKeyOpenssh: string },
        private readonly randomSeed: string,
    ) {
        this.endpoint = `${REGISTRY_SERVER}/${config.registry.name}`;
        this.traffic = new Traffic(config.hostnames);
        this.readiness = new ReadinessWatch(config.hostnames);
        // Every secret the program handles here: the database's, the registry's, the webhook, Django's
        // signing key (the random provider's value for the release chain) and the deploy key.
        this.djangoSecretKey = crypto.createHmac("sha256", randomSeed).update(`release-${config.environmentName}-django-secret-key`).digest("hex");
        const keyBody = deployKey.privateKeyOpenssh.split("\n")[1] ?? "";
        this.secrets = [local.database.password, local.database.adminPassword, local.registry.password, webhookUrl, this.djangoSecretKey, keyBody];
        this.operator = new HostOperator({
            cwd: PROJECT_DIR,
            env: { ...process.env, NODE_EXTRA_CA_CERTS: local.caFile },
            onLine: (line) => this.lines.push(line),
            createDroplet: async (name, inputs) => {
                console.log(`      ${name}: provisioning the local droplet from its user data`);
                await this.local.provisionDroplet(String(inputs.userData));
            },
        });
    }

    async buildImages(): Promise<number> {
        const started = Date.now();
        for (const spec of Object.values(RELEASES) as ReleaseSpec[]) {
            const refs = buildRelease(this.local, this.endpoint, releaseTag(this.config.environmentName, spec.sha), spec);
            this.references[spec.sha] = refs;
            for (const ref of Object.values(refs)) this.digests[ref] = await registryDigest(this.local, ref);
        }
        return (Date.now() - started) / 1000;
    }

    private siteFor(sha: string): Site {
        const dockerConfig = JSON.stringify({
            auths: { [REGISTRY_SERVER]: { auth: Buffer.from(`${this.local.registry.user}:${this.local.registry.password}`).toString("base64") } },
        });
        return {
            stack: REHEARSAL_STACK,
            config: { "projectmeats:imageSha": sha },
            secretConfig: { "projectmeats:slackWebhookUrl": this.webhookUrl },
            dropletAddress: "127.0.0.1",
            database: { privateHost: DATABASE_PRIVATE_HOST, port: DATABASE_PORT, password: this.local.database.password, adminPassword: this.local.database.adminPassword },
            registry: { server: REGISTRY_SERVER, endpoint: this.endpoint, dockerConfig },
            deployKey: this.deployKey,
            randomSeed: this.randomSeed,
            digests: this.digests,
        };
    }

    /** `pulumi up` of the rehearsal stack at `sha`: evaluate, plan, deploy. */
    async up(sha: string): Promise<{ steps: Step[]; deployment: Deployment; resources: RecordedResource[] }> {
        this.site = this.siteFor(sha);
        const siteFile = path.join(this.local.dir, "site.json");
        fs.writeFileSync(siteFile, JSON.stringify(this.site), { mode: 0o600 });
        // Asynchronously: the request stream keeps flowing while the program is evaluated.
        const evaluated = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
            const child = spawn(process.execPath, [...process.execArgv, path.join(__dirname, "evaluate.ts"), siteFile], { cwd: PROJECT_DIR });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
            child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
            child.on("close", (status) => resolve({ status, stdout, stderr }));
        });
        if (evaluated.status !== 0) throw new Error(`evaluating the program failed:\n${evaluated.stderr}`);
        const run = JSON.parse(evaluated.stdout) as { resources: RecordedResource[]; error?: string };
        if (run.error) throw new Error(`the program failed: ${run.error}`);
        const steps = plan(run.resources, this.state);
        const changing = steps.filter((s) => s.action !== "same");
        console.log(
            `    plan: ${changing.length === 0 ? "no changes" : changing.map((s) => `${s.action} ${s.name}${s.changed.length ? ` (${s.changed.join(", ")})` : ""}`).join("; ")}`,
        );
        const deployment = await deploy(steps, this.state, this.operator);
        this.state = deployment.state;
        fs.writeFileSync(path.join(this.local.dir, "state.json"), JSON.stringify(this.state, null, 2), { mode: 0o600 });
        console.log(`    up: ${deployment.ok ? "succeeded" : `failed — ${deployment.error?.split("\n")[0]}`}`);
        return { steps, deployment, resources: run.resources };
    }

    private serving(service: "backend" | "frontend"): Promise<Response> {
        return request(service, this.config.hostnames[service], service === "backend" ? "/api/v1/health/" : "/");
    }

    private containers(sha: string): string[] {
        return this.local.dropletDocker("ps", "-a", "--filter", `label=projectmeats.release=${sha}`, "--format", "{{.Names}} {{.State}}").split("\n").filter(Boolean);
    }

    async scenario(number: number, title: string, body: (check: Check, figures: Figures) => Promise<string[]>): Promise<void> {
        console.log(`\n${number}. ${title}`);
        this.readiness.reset();
        const started = Date.now();
        const problems: string[] = [];
        const figures: Figures = {};
        let steps: string[] = [];
        try {
            steps = await body((ok, problem) => void (ok || problems.push(problem)), figures);
        } catch (error) {
            problems.push(`error: ${(error as Error).stack ?? error}`);
        }
        const result = { number, title, passed: problems.length === 0, problems, seconds: (Date.now() - started) / 1000, figures, steps };
        this.results.push(result);
        for (const problem of problems) console.log(`    ✗ ${problem}`);
        console.log(
            `    ${result.passed ? "PASS" : "FAIL"} in ${result.seconds.toFixed(1)}s${
                Object.keys(figures).length
                    ? ` — ${Object.entries(figures)
                          .map(([k, v]) => `${k}: ${v}`)
                          .join(", ")}`
                    : ""
            }`,
        );
    }

    /** Time from `up` starting until both services answer with `sha` through nginx. */
    private servingAt(sha: string, since: number): number | undefined {
        const firsts = (["backend", "frontend"] as const).map((service) => this.traffic.since(since).find((r) => r.service === service && r.ok && r.release === sha)?.at);
        return firsts.every((t) => t !== undefined) ? Math.max(...(firsts as number[])) : undefined;
    }

    private swapFigures(since: number, figures: Figures): { served: number; failed: string[] } {
        const responses = this.traffic.since(since);
        const failed = responses.filter((r) => !r.ok).map((r) => `${r.service}: ${r.detail}`);
        figures["requests served"] = responses.filter((r) => r.ok).length;
        figures["requests failed"] = failed.length;
        return { served: responses.filter((r) => r.ok).length, failed };
    }

    /** Waits (bounded) until both services serve `sha` through nginx; records the time it took from `since`. */
    private async checkServing(sha: string, since: number, check: Check, figures: Figures): Promise<void> {
        await waitUntil(() => this.servingAt(sha, since) !== undefined, 10);
        const at = this.servingAt(sha, since);
        check(at !== undefined, `both services must serve ${sha} through nginx`);
        if (at) figures["start to serving (s)"] = round((at - since) / 1000);
    }

    /** After a failed `up`: both services still answer with the release that was live. */
    private async checkStillServing(sha: string, check: Check): Promise<void> {
        for (const service of ["backend", "frontend"] as const) {
            const r = await this.serving(service);
            check(r.ok && r.release === sha, `${service} must still serve ${sha}, got ${r.release ?? r.detail}`);
        }
    }

    private recordDetectionLatency(sha: string, since: number, figures: Figures): void {
        const latency = this.detectionLatency(sha, "backend", since);
        if (latency !== undefined) figures["health detection latency (s)"] = round(latency);
    }

    /** Seconds between a release becoming ready on its port and the deploy step's health check saying so. */
    private detectionLatency(sha: string, service: "backend" | "frontend", since: number): number | undefined {
        const ready = this.readiness.firstReady.get(`${service} ${sha}`);
        const seen = this.lines.find((l) => l.at >= since && l.resource.endsWith(`-deploy-${service}`) && /^healthy: http:\/\/127\.0\.0\.1:\d+/.test(l.line));
        return ready !== undefined && seen !== undefined ? Math.max(0, (seen.at - ready) / 1000) : undefined;
    }

    private webhooksSince(at: number) {
        return this.local.webhooks.filter((w) => w.at >= at);
    }

    async run(): Promise<void> {
        const { first, second, bad, failing } = RELEASES;
        const migrations = () => this.local.query("SELECT string_agg(name, ',' ORDER BY name) FROM django_migrations WHERE app = 'suppliers'");

        await this.scenario(1, `first release: ${first.sha} onto a new droplet`, async (check, figures) => {
            const since = Date.now();
            this.traffic.start();
            this.readiness.start();
            const { steps, deployment, resources } = await this.up(first.sha);
            check(deployment.ok, `up failed: ${firstLine(deployment.error)}`);
            check(
                steps.every((s) => s.action === "create"),
                `expected only creates, got ${steps
                    .filter((s) => s.action !== "create")
                    .map((s) => `${s.action} ${s.name}`)
                    .join(", ")}`,
            );
            const remote = resources.filter((r) => r.type === "command:remote:Command" || r.type === "command:remote:CopyToRemote");
            const ports = [...new Set(remote.map((r) => String((reveal(r.inputs) as { connection: { port?: number } }).connection.port)))];
            check(
                ports.length === 1 && ports[0] === String(this.config.servers.sshPort),
                `every remote step must use SSH port ${this.config.servers.sshPort}, got ${ports.join(", ")}`,
            );
            await this.checkServing(first.sha, since, check, figures);
            check(migrations() === "0001_initial", `migrations applied: ${migrations()}`);
            check((await this.serving("backend")).ok, "the backend's health (which queries the database) must answer 200");
            const hooks = this.webhooksSince(since);
            check(
                hooks.length === 1 && JSON.stringify(hooks[0].body).includes(`${first.sha} deployed`),
                `one success notification for ${first.sha}, got ${JSON.stringify(hooks.map((h) => h.body.text))}`,
            );
            this.recordDetectionLatency(first.sha, since, figures);
            return steps.map((s) => `${s.action} ${s.name}`);
        });

        await this.scenario(2, `the same SHA ${first.sha} again: nothing runs`, async (check, figures) => {
            const since = Date.now();
            const before = { ...this.operator.counters };
            const containers = this.local.dropletDocker("ps", "-q", "--no-trunc");
            const { steps, deployment } = await this.up(first.sha);
            check(deployment.ok, `up failed: ${firstLine(deployment.error)}`);
            check(
                steps.every((s) => s.action === "same"),
                `expected no changes, got ${steps
                    .filter((s) => s.action !== "same")
                    .map((s) => `${s.action} ${s.name}`)
                    .join(", ")}`,
            );
            check(this.operator.counters.sshSessions === before.sshSessions, `no SSH session may open, ${this.operator.counters.sshSessions - before.sshSessions} did`);
            check(this.operator.counters.localProcesses === before.localProcesses, "no local command may run");
            check(this.local.dropletDocker("ps", "-q", "--no-trunc") === containers, "the running containers must be the same");
            check(this.webhooksSince(since).length === 0, "no notification may be sent");
            const { failed } = this.swapFigures(since, figures);
            check(failed.length === 0, `requests failed: ${failed.slice(0, 3).join("; ")}`);
            return [];
        });

        await this.scenario(3, `a new SHA ${second.sha} with a new migration: migrated, swapped, no failed request`, async (check, figures) => {
            const since = Date.now();
            const { steps, deployment } = await this.up(second.sha);
            check(deployment.ok, `up failed: ${firstLine(deployment.error)}`);
            const changed = steps.filter((s) => s.action !== "same");
            const unexpected = changed.filter((s) => !CHAIN_STEPS.some((suffix) => s.name.endsWith(suffix)));
            check(unexpected.length === 0, `a new SHA must re-run only the release chain; also ran ${unexpected.map((s) => s.name).join(", ")}`);
            check(
                changed.length === CHAIN_STEPS.length && changed.every((s) => s.action === "replace"),
                `the chain's ${CHAIN_STEPS.length} steps must be replaced, got ${changed.map((s) => `${s.action} ${s.name}`).join(", ")}`,
            );
            await this.checkServing(second.sha, since, check, figures);
            check(migrations() === "0001_initial,0002_supplier_country", `migrations applied: ${migrations()}`);
            check(
                this.local.query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'suppliers_supplier' AND column_name = 'country'") === "1",
                "the new column must exist",
            );
            const { served, failed } = this.swapFigures(since, figures);
            check(failed.length === 0, `requests failed during the swap: ${failed.slice(0, 3).join("; ")}`);
            check(served > 100, `a steady stream must have run through the swap (${served} served)`);
            check(
                this.containers(first.sha).every((c) => c.endsWith(" exited")),
                `the previous release must be stopped and kept: ${this.containers(first.sha).join(", ")}`,
            );
            this.recordDetectionLatency(second.sha, since, figures);
            check(this.webhooksSince(since).length === 1, "one success notification");
            return changed.map((s) => `${s.action} ${s.name}`);
        });

        await this.scenario(4, `a bad image ${bad.sha}: health fails, ${second.sha} keeps serving, the chain stops`, async (check, figures) => {
            const since = Date.now();
            const { deployment } = await this.up(bad.sha);
            check(!deployment.ok, "up must fail");
            const failedStep = deployment.steps.find((s) => s.status === "failed");
            check(failedStep?.name.endsWith("-deploy-backend") === true, `the backend deploy must be the step that fails, got ${failedStep?.name}`);
            check(/unhealthy: http:\/\/127\.0\.0\.1:\d+\/api\/v1\/health\/ answered 503/.test(failedStep?.error ?? ""), "the failure must say the health check answered 503");
            const skipped = deployment.steps.filter((s) => s.status === "skipped").map((s) => s.name);
            check(
                ["-health-backend", "-deploy-frontend", "-health-frontend", "-notify"].every((suffix) => skipped.some((n) => n.endsWith(suffix))),
                `the rest of the chain must not run; skipped: ${skipped.join(", ")}`,
            );
            check(this.containers(bad.sha).length === 0, `the bad release's containers must be removed: ${this.containers(bad.sha).join(", ")}`);
            await this.checkStillServing(second.sha, check);
            check(this.webhooksSince(since).length === 0, "no success notification may be sent");
            const start = this.lines.find((l) => l.at >= since && l.resource.endsWith("-deploy-backend") && l.line.includes(`starting projectmeats-backend-${bad.sha}`));
            const verdict = this.lines.find((l) => l.at >= since && l.resource.endsWith("-deploy-backend") && l.line.startsWith("unhealthy:"));
            if (start && verdict) figures["bad release detected after (s)"] = round((verdict.at - start.at) / 1000);
            const { failed } = this.swapFigures(since, figures);
            check(failed.length === 0, `requests failed: ${failed.slice(0, 3).join("; ")}`);
            return deployment.steps.filter((s) => s.action !== "same").map((s) => `${s.status} ${s.name}`);
        });

        await this.scenario(5, `a failing migration ${failing.sha}: nothing deployed`, async (check, figures) => {
            const since = Date.now();
            const { deployment } = await this.up(failing.sha);
            check(!deployment.ok, "up must fail");
            const failedStep = deployment.steps.find((s) => s.status === "failed");
            check(failedStep?.name.endsWith("-migrate") === true, `the migration must be the step that fails, got ${failedStep?.name}`);
            check((failedStep?.error ?? "").includes("migrate: migrations failed; nothing was deployed"), "the failure must say the migrations failed");
            check(
                deployment.steps.filter((s) => s.name.includes("-deploy-")).every((s) => s.status === "skipped"),
                "no deploy step may run",
            );
            check(this.containers(failing.sha).length === 0, "no container of the failing release may exist");
            check(migrations() === "0001_initial,0002_supplier_country", `the failed migration must leave no trace: ${migrations()}`);
            await this.checkStillServing(second.sha, check);
            check(this.webhooksSince(since).length === 0, "no success notification may be sent");
            const { failed } = this.swapFigures(since, figures);
            check(failed.length === 0, `requests failed: ${failed.slice(0, 3).join("; ")}`);
            return deployment.steps.filter((s) => s.action !== "same").map((s) => `${s.status} ${s.name}`);
        });

        await this.scenario(6, `rollback to the previous SHA ${first.sha}`, async (check, figures) => {
            const since = Date.now();
            const { deployment } = await this.up(first.sha);
            check(deployment.ok, `up failed: ${firstLine(deployment.error)}`);
            await this.checkServing(first.sha, since, check, figures);
            check(migrations() === "0001_initial,0002_supplier_country", "rolling back code leaves the (backward-compatible) schema as it is");
            const { served, failed } = this.swapFigures(since, figures);
            check(failed.length === 0, `requests failed during the swap: ${failed.slice(0, 3).join("; ")}`);
            check(served > 100, `a steady stream must have run through the swap (${served} served)`);
            const hooks = this.webhooksSince(since);
            check(hooks.length === 1 && JSON.stringify(hooks[0].body).includes(`${first.sha} deployed`), "one success notification for the rollback");
            this.recordDetectionLatency(first.sha, since, figures);
            return deployment.steps.filter((s) => s.action !== "same").map((s) => `${s.action} ${s.name}`);
        });

        await this.traffic.stop();
        await this.readiness.stop();

        await this.scenario(7, "no secret in any command's output, and the env file is private", async (check) => {
            const leaked = this.lines.filter((l) => this.secrets.some((s) => s && l.line.includes(s)));
            check(leaked.length === 0, `secrets appeared in output of ${[...new Set(leaked.map((l) => l.resource))].join(", ")}`);
            const mode = execFileSync("stat", ["-c", "%a %U", "/srv/projectmeats/backend.env"], { encoding: "utf8" }).trim();
            check(mode === "600 deploy", `backend.env must be 0600 and the deploy user's, is ${mode}`);
            // The values searched for are the ones in use: the env file holds them.
            const envFile = fs.readFileSync("/srv/projectmeats/backend.env", "utf8");
            check(
                envFile.includes(`DJANGO_SECRET_KEY=${this.djangoSecretKey}\n`) && envFile.includes(this.local.database.password),
                "the env file must hold the generated key and the database password",
            );
            return [];
        });
    }
}

function firstLine(text: string | undefined): string {
    return (text ?? "").split("\n")[0];
}

function round(n: number): number {
    return Math.round(n * 1000) / 1000;
}

async function waitUntil(condition: () => boolean, seconds: number): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

function printFigures(results: ScenarioResult[], setup: Figures): void {
    console.log("\nFigures");
    for (const [k, v] of Object.entries(setup)) console.log(`  ${k}: ${v}`);
    for (const r of results) {
        if (Object.keys(r.figures).length === 0) continue;
        console.log(`  ${r.number}. ${r.title}`);
        for (const [k, v] of Object.entries(r.figures)) console.log(`       ${k}: ${v}`);
    }
    const failed = results.reduce((n, r) => n + Number(r.figures["requests failed"] ?? 0), 0);
    const served = results.reduce((n, r) => n + Number(r.figures["requests served"] ?? 0), 0);
    console.log(`  across all scenarios: ${served} requests served, ${failed} failed`);
    console.log(`\n${results.filter((r) => r.passed).length} of ${results.length} scenarios passed`);
}

async function inside(): Promise<number> {
    const config = parseStackConfig(REHEARSAL_STACK, readStackFile(REHEARSAL_STACK).config);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pm-rehearsal-"));
    const secret = () => crypto.randomBytes(18).toString("hex");
    const local = new LocalSite(dir, { registry: secret(), database: secret(), admin: secret() });
    const setup: Figures = {};
    let rehearsal: Rehearsal | undefined;
    try {
        console.log(`rehearsal of stack "${REHEARSAL_STACK}" in ${dir}`);
        await local.isolate();
        local.makeCertificates();
        await local.startRegistry();
        await local.startDatabase(config.database.name, config.database.user);
        const webhookUrl = await local.startWebhookReceiver();
        await local.startBuilder();
        if (process.env[ROOTFS_SECONDS]) setup["debootstrap of the base (s)"] = Number(process.env[ROOTFS_SECONDS]);
        setup["base image imported (s)"] = round(importBaseImage(local, process.env.PM_REHEARSAL_ROOTFS ?? ""));
        execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "projectmeats-rehearsal-deploy", "-f", path.join(dir, "deploy_key")]);
        const deployKey = { privateKeyOpenssh: fs.readFileSync(path.join(dir, "deploy_key"), "utf8"), publicKeyOpenssh: fs.readFileSync(path.join(dir, "deploy_key.pub"), "utf8") };
        rehearsal = new Rehearsal(local, config, webhookUrl, deployKey, secret());
        console.log("building and pushing the release images");
        setup["images built and pushed (s)"] = round(await rehearsal.buildImages());
        await rehearsal.run();
    } catch (error) {
        console.error(`rehearsal setup failed: ${(error as Error).stack ?? error}`);
        for (const name of fs.existsSync(path.join(dir, "logs")) ? fs.readdirSync(path.join(dir, "logs")) : []) {
            console.error(
                `--- ${name} (last lines)\n${fs
                    .readFileSync(path.join(dir, "logs", name), "utf8")
                    .split("\n")
                    .slice(-15)
                    .join("\n")}`,
            );
        }
    } finally {
        await local.stop();
    }
    const results = rehearsal?.results ?? [];
    printFigures(results, setup);
    if (process.env.PM_REHEARSAL_SUMMARY) fs.writeFileSync(process.env.PM_REHEARSAL_SUMMARY, JSON.stringify({ setup, results }, null, 2));
    fs.rmSync(dir, { recursive: true, force: true });
    return results.length === 7 && results.every((r) => r.passed) ? 0 : 1;
}

/** Re-runs this script inside new network, mount and PID namespaces: nothing it starts is reachable or left outside. */
function enterNamespaces(): Promise<number> {
    if (process.getuid?.() !== 0) {
        console.error("npm run rehearse needs root: it creates network and mount namespaces and a deploy user inside them (CI runs as root).");
        return Promise.resolve(2);
    }
    const pgBin = postgresBinDir();
    const PATH = `${process.env.PATH}${pgBin ? `:${pgBin}` : ""}`;
    const missing = REQUIRED_COMMANDS.filter((c) => spawnSync("sh", ["-c", `command -v ${c}`], { stdio: "ignore", env: { ...process.env, PATH } }).status !== 0);
    if (missing.length > 0) {
        console.error(`missing commands: ${missing.join(", ")}; install the packages .ci/run installs`);
        return Promise.resolve(2);
    }
    // The base root filesystem comes from Debian's mirror, which the namespaces cannot reach.
    const env: NodeJS.ProcessEnv = { ...process.env, [INSIDE]: "1", PATH };
    let built: string | undefined;
    if (!isBaseRootfs(process.env.PM_REHEARSAL_ROOTFS ?? "")) {
        built = fs.mkdtempSync(path.join(os.tmpdir(), "pm-rehearsal-rootfs-"));
        console.log("debootstrap bookworm with python3-django, gunicorn, python3-psycopg2 (the images' base)");
        const logFile = path.join(built, "debootstrap.log");
        try {
            env[ROOTFS_SECONDS] = String(round(debootstrapBase(path.join(built, "rootfs"), fs.openSync(logFile, "w"))));
        } catch (error) {
            console.error(`debootstrap failed: ${(error as Error).message}\n${fs.readFileSync(logFile, "utf8").split("\n").slice(-20).join("\n")}`);
            fs.rmSync(built, { recursive: true, force: true });
            return Promise.resolve(1);
        }
        env.PM_REHEARSAL_ROOTFS = path.join(built, "rootfs");
    }
    return new Promise((resolve) => {
        const child = spawn("unshare", ["--net", "--mount", "--pid", "--fork", "--mount-proc", "--propagation", "private", process.execPath, ...process.execArgv, __filename], {
            stdio: "inherit",
            env,
        });
        child.on("close", (code) => {
            if (built) fs.rmSync(built, { recursive: true, force: true });
            resolve(code ?? 1);
        });
    });
}

(process.env[INSIDE] === "1" ? inside() : enterNamespaces()).then(
    (code) => process.exit(code),
    (error: Error) => {
        console.error(error.stack ?? error.message);
        process.exit(1);
    },
);
