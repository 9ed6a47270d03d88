/**
 * One rehearsal of the release chain: the engine's state between `up`s, the operator that carries
 * steps out on the local droplet, the request stream, and the checks the scenarios share
 * (./scenarios/). `up(sha)` is `pulumi up` of the rehearsal stack at that SHA: evaluate the real
 * program under mocks pointing at the stand-ins (./evaluate.ts), plan, deploy (./engine.ts).
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { releaseTag } from "../components/release/images";
import type { parseStackConfig } from "../config/stackConfig";
import { PROGRAM_DIR } from "../model/paths";
import { RecordedResource } from "../tools/programRunner";
import { REHEARSAL_STACK } from "../tools/stackFiles";
import { Deployment, State, Step, deploy, plan } from "./engine";
import { buildRelease, registryDigest, ReleaseSpec } from "./images";
import { DATABASE_PORT, DATABASE_PRIVATE_HOST, LocalSite } from "./localSite";
import { HostOperator, OutputLine } from "./operator";
import { evaluateProgram } from "./program";
import type { Progress } from "./progress";
import { RELEASES } from "./releases";
import { Figures, firstLine, round } from "./report";
import { dockerConfigJson, type Site } from "./site";
import { Edge, ReadinessWatch, request, Response, Service, Traffic } from "./traffic";

export type Check = (ok: boolean, problem: string) => void;

/** The droplet the n-th creation gives: an id as DigitalOcean's are (numbers), and its own loopback address. */
export function dropletIdentity(generation: number): { id: string; address: string } {
    return { id: String(400_000_000 + generation), address: `127.0.0.${generation}` };
}

/** Milliseconds one resource operation (a command or a copy) may take. */
const STEP_DEADLINE_MS = 5 * 60_000;

export class Rehearsal {
    private state: State = { resources: {} };
    /** Configuration set on top of the stack file for every later `up`, as `pulumi config set` would. */
    private readonly configured: Record<string, string> = {};
    /** The droplet the engine's state holds, and the one the current `up` creates in its place, if any. */
    private droplet = { generation: 1, created: false };
    private replacement?: number;
    /** The SHA the last successful `up` released. */
    public live?: string;
    /** Every output line of every command, time-stamped. */
    public readonly lines: OutputLine[] = [];
    public readonly operator: HostOperator;
    public readonly traffic: Traffic;
    public readonly readiness: ReadinessWatch;
    /** How users reach nginx: HTTPS trusting the ACME server's root with edge droplet. */
    public readonly edge: Edge;
    /** Every secret the program handles here, to look for in the output. */
    public readonly secrets: string[];
    /** Django's signing key: the random provider's value for the release chain. */
    public readonly djangoSecretKey: string;
    private readonly digests: Record<string, string> = {};
    /** `<registry server>/<registry name>`, as DOCR's endpoint reads. */
    private readonly endpoint: string;

    constructor(
        public readonly local: LocalSite,
        public readonly config: ReturnType<typeof parseStackConfig>,
        private readonly webhookUrl: string,
        private readonly deployKey: { publicKeyOpenssh: string; privateKeyOpenssh: string },
        private readonly randomSeed: string,
        private readonly progress: Progress,
        private readonly signal: AbortSignal,
    ) {
        this.endpoint = `${local.registry.server}/${config.registry.name}`;
        this.edge = config.edge.mode === "droplet" ? { tls: { ca: local.acmeRoot } } : {};
        this.traffic = new Traffic(config.hostnames, this.edge, signal);
        this.readiness = new ReadinessWatch(config.hostnames, signal);
        // The values the random provider gives the release chain's generated secrets (site.ts).
        const generated = (what: string) => crypto.createHmac("sha256", randomSeed).update(`release-${config.environmentName}-${what}`).digest("hex");
        this.djangoSecretKey = generated("django-secret-key");
        const keyBody = deployKey.privateKeyOpenssh.split("\n")[1] ?? "";
        this.secrets = [local.database.password, local.database.adminPassword, local.registry.password, webhookUrl, this.djangoSecretKey, generated("superuser-password"), keyBody];
        this.operator = new HostOperator({
            cwd: PROGRAM_DIR,
            env: { ...process.env, NODE_EXTRA_CA_CERTS: local.caFile },
            onLine: (line) => this.lines.push(line),
            onStep: (description) => progress.at(description),
            signal,
            deadlineMs: STEP_DEADLINE_MS,
            createDroplet: async (name, inputs) => {
                if (this.droplet.created) {
                    const generation = this.replacement ?? this.droplet.generation + 1;
                    console.log(`      ${name}: replacing the local droplet with a new one at ${dropletIdentity(generation).address}`);
                    await this.local.droplet.replace(dropletIdentity(generation).address);
                }
                console.log(`      ${name}: provisioning the local droplet from its user data`);
                await this.local.droplet.provision(String(inputs.userData));
                this.droplet = { generation: this.local.droplet.generation, created: true };
            },
        });
    }

    /** Builds and pushes every release's images; seconds it took. */
    async buildImages(): Promise<number> {
        const started = Date.now();
        for (const spec of Object.values(RELEASES) as ReleaseSpec[]) {
            this.progress.at(`building and pushing ${spec.sha}`);
            const refs = await buildRelease(this.local, this.endpoint, releaseTag(this.config.app.imageTagPrefix, spec.sha), spec, this.signal);
            for (const ref of Object.values(refs)) this.digests[ref] = await registryDigest(this.local, ref, this.signal);
        }
        return (Date.now() - started) / 1000;
    }

    /** Sets `projectmeats:<key>` for every later `up` (a JSON text for lists), as `pulumi config set` would. */
    configure(key: string, value: string): void {
        this.configured[`projectmeats:${key}`] = value;
    }

    private siteFor(sha: string, dropletGeneration: number): Site {
        const { server, user, password } = this.local.registry;
        const dockerConfig = dockerConfigJson(server, user, password);
        return {
            stack: REHEARSAL_STACK,
            config: { ...this.configured, "projectmeats:imageSha": sha },
            secretConfig: { "projectmeats:slackWebhookUrl": this.webhookUrl },
            droplet: dropletIdentity(dropletGeneration),
            database: {
                privateHost: DATABASE_PRIVATE_HOST,
                port: DATABASE_PORT,
                password: this.local.database.password,
                adminPassword: this.local.database.adminPassword,
                caCertificate: fs.readFileSync(this.local.caFile, "utf8"),
            },
            registry: { server, endpoint: this.endpoint, dockerConfig },
            deployKey: this.deployKey,
            randomSeed: this.randomSeed,
            digests: this.digests,
        };
    }

    /** Runs the real program under mocks answered by the stand-ins; what it registered. */
    private evaluate(sha: string, dropletGeneration: number): Promise<RecordedResource[]> {
        this.progress.at(`evaluating the program at ${sha}`);
        return evaluateProgram(this.siteFor(sha, dropletGeneration), path.join(this.local.dir, "site.json"), this.signal);
    }

    /** `pulumi up` of the rehearsal stack at `sha`: evaluate, plan, deploy. */
    async up(sha: string): Promise<{ steps: Step[]; deployment: Deployment; resources: RecordedResource[] }> {
        let resources = await this.evaluate(sha, this.droplet.generation);
        let steps = plan(resources, this.state);
        this.replacement = undefined;
        if (steps.some((s) => s.type === "digitalocean:index/droplet:Droplet" && s.action === "replace")) {
            // The engine creates the new droplet before any step that depends on it, and those steps see
            // its new id and address: the program's outputs, evaluated again with the new droplet's.
            this.replacement = this.droplet.generation + 1;
            resources = await this.evaluate(sha, this.replacement);
            steps = plan(resources, this.state);
        }
        const changing = steps.filter((s) => s.action !== "same");
        console.log(
            `    plan: ${changing.length === 0 ? "no changes" : changing.map((s) => `${s.action} ${s.name}${s.changed.length ? ` (${s.changed.join(", ")})` : ""}`).join("; ")}`,
        );
        const deployment = await deploy(steps, this.state, this.operator);
        this.state = deployment.state;
        fs.writeFileSync(path.join(this.local.dir, "state.json"), JSON.stringify(this.state, null, 2), { mode: 0o600 });
        console.log(`    up: ${deployment.ok ? "succeeded" : `failed — ${firstLine(deployment.error)}`}`);
        this.progress.at("checking");
        if (deployment.ok) this.live = sha;
        return { steps, deployment, resources };
    }

    /** One request to `service` through nginx, now. */
    serving(service: Service): Promise<Response> {
        return request(service, this.config.hostnames, { edge: this.edge, signal: this.signal });
    }

    /** `count` requests through nginx, one after another, alternating the services; the failures. */
    async burst(count: number): Promise<{ served: number; failed: string[] }> {
        const failed: string[] = [];
        for (let i = 0; i < count && !this.signal.aborted; i++) {
            const service = i % 2 === 0 ? "backend" : "frontend";
            const r = await this.serving(service);
            if (!r.ok) failed.push(`${service}: ${r.detail}`);
        }
        return { served: count - failed.length, failed };
    }

    /** `name state` of each container of release `sha` on the droplet. */
    async containers(sha: string): Promise<string[]> {
        return (await this.local.droplet.dockerCommand("ps", "-a", "--filter", `label=projectmeats.release=${sha}`, "--format", "{{.Names}} {{.State}}"))
            .split("\n")
            .filter(Boolean);
    }

    /** The suppliers app's migrations applied in the database, comma-separated. */
    migrations(): Promise<string> {
        return this.local.query("SELECT string_agg(name, ',' ORDER BY name) FROM django_migrations WHERE app = 'suppliers'");
    }

    /** Time from `since` until both services answered with `sha` through nginx. */
    private servingAt(sha: string, since: number): number | undefined {
        const firsts = (["backend", "frontend"] as const).map((service) => this.traffic.since(since).find((r) => r.service === service && r.ok && r.release === sha)?.at);
        return firsts.every((t) => t !== undefined) ? Math.max(...(firsts as number[])) : undefined;
    }

    /** Requests served and failed since `since`, into `figures`; the failures. */
    swapFigures(since: number, figures: Figures): { served: number; failed: string[] } {
        const responses = this.traffic.since(since);
        const failed = responses.filter((r) => !r.ok).map((r) => `${r.service}: ${r.detail}`);
        const served = responses.filter((r) => r.ok).length;
        figures["requests served"] = served;
        figures["requests failed"] = failed.length;
        return { served, failed };
    }

    /** Waits (up to 10 s) until both services serve `sha` through nginx; records the time it took from `since`. */
    async checkServing(sha: string, since: number, check: Check, figures: Figures): Promise<void> {
        this.progress.at(`waiting for both services to serve ${sha}`);
        const deadline = Date.now() + 10_000;
        while (this.servingAt(sha, since) === undefined && Date.now() < deadline && !this.signal.aborted) await new Promise((r) => setTimeout(r, 50));
        const at = this.servingAt(sha, since);
        check(at !== undefined, `both services must serve ${sha} through nginx`);
        if (at) figures["start to serving (s)"] = round((at - since) / 1000);
    }

    /** After a failed `up`: both services still answer with the release that was live. */
    async checkStillServing(sha: string, check: Check): Promise<void> {
        for (const service of ["backend", "frontend"] as const) {
            const r = await this.serving(service);
            check(r.ok && r.release === sha, `${service} must still serve ${sha}, got ${r.release ?? r.detail}`);
        }
    }

    recordDetectionLatency(sha: string, since: number, figures: Figures): void {
        const latency = this.detectionLatency(sha, "backend", since);
        if (latency !== undefined) figures["health detection latency (s)"] = round(latency);
    }

    /** Seconds between a release becoming ready on its port and the deploy step's health check saying so. */
    private detectionLatency(sha: string, service: Service, since: number): number | undefined {
        const ready = this.readiness.firstReady.get(`${service} ${sha}`);
        const seen = this.lines.find((l) => l.at >= since && l.resource.endsWith(`-deploy-${service}`) && /^healthy: http:\/\/127\.0\.0\.1:\d+/.test(l.line));
        return ready !== undefined && seen !== undefined ? Math.max(0, (seen.at - ready) / 1000) : undefined;
    }

    webhooksSince(at: number) {
        return this.local.webhooks.filter((w) => w.at >= at);
    }
}
