/**
 * The load-balancer rehearsal inside its namespaces (started by ../outside.ts, under tini as PID 1): the
 * `rehearsal` stack as production runs it — `edge: loadBalancer`, two droplets running both services,
 * released one at a time — with each droplet a machine of its own in its own network and mount
 * namespaces (./namespacedDroplet.ts, ./dropletAgent.ts) on a VPC bridge, and the load balancer a
 * stand-in configured from the program's own `digitalocean.LoadBalancer` inputs when the engine creates
 * it (./balancer.ts, HAProxy). The cloud around them is the main rehearsal's (../localSite.ts): the
 * registry (over HTTPS, as DOCR, at the VPC's gateway), PostgreSQL 17 as DigitalOcean runs it, and the
 * images of the rehearsal app built from Debian sid (../images.ts). Every step the program declares runs
 * with the engine's and the command provider's rules (../engine.ts, ../operator.ts), over SSH.
 *
 * Scenarios: the first up, through the balancer over HTTPS and plain HTTP redirected; a rolling release
 * across the two droplets under steady HTTPS traffic through the balancer with zero failed requests;
 * a bad image failing on the first droplet, with the second still on the old release and the balancer
 * still serving; both droplets replaced (new user data) under steady traffic, the new ones joining the
 * balancer before the old ones are deleted.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { releaseTag } from "../../components/release/images";
import { parseStackConfig } from "../../config/stackConfig";
import { PROGRAM_DIR } from "../../model/paths";
import { httpRequest } from "../../tools/http";
import { run, sleep, withDeadline } from "../../tools/processes";
import { Haproxy, startHaproxy } from "../../tools/standins/haproxy";
import { issueCertificate } from "../../tools/standins/tls";
import type { RecordedResource } from "../../tools/programRunner";
import { readStackFile, REHEARSAL_STACK } from "../../tools/stackFiles";
import { Deployment, State, Step, deploy, plan } from "../engine";
import { buildRelease, importBaseImage, registryDigest } from "../images";
import { ENV } from "../inside";
import { DATABASE_PORT, DATABASE_PRIVATE_HOST, LocalSite } from "../localSite";
import { HostOperator, OutputLine } from "../operator";
import { evaluateProgram } from "../program";
import { RELEASES } from "../releases";
import { Figures, firstLine, round } from "../report";
import { Check, ScenarioSession, SelfCheckingScenario } from "../session";
import { dockerConfigJson, type Site } from "../site";
import { Edge, request, Service, Traffic } from "../traffic";
import { balancerConfig, backendName, ServerStat, serverName, serverStats } from "./balancer";
import { NamespacedDroplet, Vpc } from "./namespacedDroplet";

/** The VPC: the stack's range (Pulumi.rehearsal.yaml vpcIpRange 10.120.16.0/20), its gateway this namespace. */
export const VPC = { bridge: "vpc", gateway: "10.120.16.1", prefix: 20 } as const;
/** The balancer's public address (TEST-NET-1, RFC 5737), on this namespace's loopback. */
export const BALANCER_ADDRESS = "192.0.2.10";
/** The droplets the stack declares, by server key (the end of their resource names). */
export const DROPLET_KEYS = ["app-1", "app-2"] as const;

/**
 * The droplet the `generation`-th creation of `key` gives (a replacement is a new droplet): an id as
 * DigitalOcean's are (numbers), an address in the VPC. `app-1` is 500000011 at 10.120.16.11, then
 * 500000021 at 10.120.16.21.
 */
export function dropletIdentity(key: string, generation: number): { readonly id: string; readonly address: string } {
    const ordinal = DROPLET_KEYS.indexOf(key as (typeof DROPLET_KEYS)[number]) + 1;
    if (ordinal === 0) throw new Error(`the load-balancer rehearsal has droplets ${DROPLET_KEYS.join(", ")} only, not ${key}`);
    if (!Number.isInteger(generation) || generation < 1 || generation > 9) throw new Error(`a droplet's generation is 1 to 9, got ${generation}`);
    return { id: String(500_000_000 + generation * 10 + ordinal), address: `10.120.16.${generation * 10 + ordinal}` };
}

/** Each key's droplet at these generations. */
export function dropletsAt(generations: Readonly<Record<string, number>>): Record<string, { readonly id: string; readonly address: string }> {
    return Object.fromEntries(DROPLET_KEYS.map((key) => [key, dropletIdentity(key, generations[key] ?? 1)]));
}
/** On top of Pulumi.rehearsal.yaml: production's edge, and two droplets running both services. */
export const LOAD_BALANCER_CONFIG: Readonly<Record<string, string>> = {
    "projectmeats:edge": "loadBalancer",
    "projectmeats:edgeAcmeServer": "",
    "projectmeats:dnsDomain": "projectmeats.test",
    "projectmeats:backendDropletCount": "2",
    "projectmeats:releaseBatchSize": "1",
};

const STEP_DEADLINE_MS = 5 * 60_000;
const REQUEST_DEADLINE_MS = 5000;
/** Milliseconds the balancer may take to put both droplets in rotation once they serve. */
const ROTATION_WAIT_MS = 90_000;
const STOP_MS = 120_000;

export async function insideLoadBalancer(): Promise<number> {
    const session = new ScenarioSession("load-balancer rehearsal", 20);
    const { dir, progress, setup } = session;
    const phase = session.phase.bind(session);
    const signal = session.signal;
    const secret = () => crypto.randomBytes(18).toString("hex");
    const local = new LocalSite(dir, { registry: secret(), database: secret(), admin: secret() }, signal, { registryHost: VPC.gateway });
    const config = parseStackConfig(REHEARSAL_STACK, { ...readStackFile(REHEARSAL_STACK).config, ...LOAD_BALANCER_CONFIG });
    const hostnames = config.hostnames;
    const vpc = new Vpc(VPC.bridge, VPC.gateway, VPC.prefix, signal);
    /** Every droplet booted, replaced ones included until the engine deletes them. */
    const booted: {
        readonly key: string;
        readonly generation: number;
        readonly droplet: NamespacedDroplet;
        readonly tags: readonly string[];
        deleted: boolean;
        deletedAt?: number;
    }[] = [];
    /** The generation of each droplet the engine's state holds, and of the ones the current `up` creates. */
    const generations: Record<string, number> = Object.fromEntries(DROPLET_KEYS.map((key) => [key, 1]));
    let creating: Record<string, number> = { ...generations };
    /** Configuration set on top of LOAD_BALANCER_CONFIG for every later `up`, as `pulumi config set` would. */
    const configured: Record<string, string> = {};
    const keyOf = (name: string) => DROPLET_KEYS.find((k) => name.endsWith(`-${k}`));
    let haproxy: Haproxy | undefined;
    console.log(`load-balancer rehearsal of stack "${REHEARSAL_STACK}" with edge loadBalancer and ${DROPLET_KEYS.length} droplets, in ${dir}`);

    const work = (async () => {
        await phase("isolating the network and the filesystem", async () => {
            await local.isolate();
            await vpc.create();
            await run("ip", ["addr", "add", `${BALANCER_ADDRESS}/32`, "dev", "lo"], { deadlineMs: 10_000, signal });
        });
        await phase("making certificates", () => local.makeCertificates());
        await phase("starting the registry", () => local.startRegistry());
        await phase("starting PostgreSQL", () => local.startDatabase(config.database.name, config.database.user, process.env[ENV.databaseRootfs] ?? ""));
        await phase("starting the build machine's Docker Engine", () => local.startBuilder());
        await phase("importing the base image", async () => (setup["base image imported (s)"] = round(await importBaseImage(local, process.env[ENV.rootfs] ?? "", signal))));
        const endpoint = `${local.registry.server}/${config.registry.name}`;
        const digests: Record<string, string> = {};
        const { first, second, bad } = RELEASES;
        await phase("building and pushing the release images", async () => {
            const started = Date.now();
            for (const spec of [first, second, bad]) {
                progress.at(`building and pushing ${spec.sha}`);
                const refs = await buildRelease(local, endpoint, releaseTag(config.app.imageTagPrefix, spec.sha), spec, signal);
                for (const ref of Object.values(refs)) digests[ref] = await registryDigest(local, ref, signal);
            }
            setup["images built and pushed (s)"] = round((Date.now() - started) / 1000);
        });
        const keyFile = path.join(dir, "deploy_key");
        await phase("making the deploy key", () =>
            run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "projectmeats-lb-rehearsal", "-f", keyFile], { deadlineMs: 30_000, signal }),
        );
        const deployKey = { privateKeyOpenssh: fs.readFileSync(keyFile, "utf8"), publicKeyOpenssh: fs.readFileSync(`${keyFile}.pub`, "utf8") };
        const ca = fs.readFileSync(local.caFile, "utf8");
        const tlsDir = path.join(dir, "tls");
        // What the world gives every droplet: the hostnames' A records point at the balancer (the
        // program's records in dnsDomain), and the stand-ins' CA is trusted as public CAs are.
        const world = { hosts: `${BALANCER_ADDRESS} ${hostnames.backend} ${hostnames.frontend}`, trusted: ca };

        let resources: RecordedResource[] = [];
        const lines: OutputLine[] = [];
        const balancer = { configuredAt: 0, config: "", adminSocket: path.join(dir, "haproxy", "admin.sock"), stateFile: path.join(dir, "haproxy", "servers.state") };
        fs.mkdirSync(path.join(dir, "haproxy"), { recursive: true });
        /** The balancer's inputs as the engine last applied them; the stand-in runs them (./balancer.ts). */
        let lastBalancer: { readonly name: string; readonly inputs: Record<string, unknown> } | undefined;
        const certificateFiles: Record<string, string> = {};
        const applyBalancer = async () => {
            const { name, inputs } = lastBalancer!;
            for (const certificate of resources.filter((r) => r.type === "digitalocean:index/certificate:Certificate")) {
                const c = certificate.inputs as Record<string, unknown>;
                certificateFiles[String(c.name)] ??= await certificatePem(tlsDir, c, signal);
            }
            const live = booted.filter((b) => !b.deleted);
            const dropletsByTag: Record<string, string[]> = {};
            for (const b of live) for (const tag of b.tags) (dropletsByTag[tag] ??= []).push(b.droplet.id);
            // Which droplets the balancer holds now (`show servers state` names them); the others join.
            const known = haproxy ? await haproxy.command("show servers state") : "";
            const joining = live.map((b) => b.droplet.id).filter((id) => !known.includes(` ${serverName(id)} `));
            const text = balancerConfig(name, inputs, {
                address: BALANCER_ADDRESS,
                dropletAddresses: Object.fromEntries(live.map((b) => [b.droplet.id, b.droplet.address])),
                dropletsByTag,
                joining,
                certificateFiles,
                adminSocket: balancer.adminSocket,
                stateFile: balancer.stateFile,
            });
            const configFile = path.join(dir, "haproxy", "haproxy.cfg");
            fs.writeFileSync(configFile, text);
            if (!haproxy) {
                haproxy = await startHaproxy(local.supervisor, {
                    configFile,
                    adminSocket: balancer.adminSocket,
                    stateFile: balancer.stateFile,
                    listens: (inputs.forwardingRules as { entryPort: number }[]).map((r) => ({ host: BALANCER_ADDRESS, port: r.entryPort })),
                    signal,
                });
            } else await haproxy.reload();
            // Droplets join a balancer down and are admitted once they pass its health checks (./balancer.ts).
            // Each joining server, in maintenance until now, leaves it marked down, in one runtime API
            // request: left on its own, `state ready` would make it up (HAProxy's management guide, §9.3).
            const servers = [...text.matchAll(/^ {4}server (\S+) /gm)].map((m) => m[1]);
            for (const server of servers.filter((s) => joining.some((id) => serverName(id) === s))) {
                for (const port of new Set((inputs.forwardingRules as { targetPort: number }[]).map((r) => r.targetPort))) {
                    const at = `${backendName(port)}/${server}`;
                    await haproxy.command(`set server ${at} state ready; set server ${at} health down`);
                }
            }
            balancer.config = text;
            console.log(
                `      ${name}: the balancer stand-in runs its inputs (${(inputs.forwardingRules as unknown[]).length} forwarding rules, droplets ${servers.join(", ") || "none"})`,
            );
        };
        /** A droplet was created or deleted: a balancer by tag sees it come or go, and none keeps a deleted one. */
        const membershipChanged = async () => {
            if (lastBalancer) await applyBalancer();
        };
        const operator = new HostOperator({
            cwd: PROGRAM_DIR,
            env: { ...process.env, NODE_EXTRA_CA_CERTS: local.caFile },
            onLine: (line) => lines.push(line),
            onStep: (description) => progress.at(description),
            signal,
            deadlineMs: STEP_DEADLINE_MS,
            async createDroplet(name, inputs) {
                const key = keyOf(name);
                if (key === undefined) throw new Error(`${name}: the load-balancer rehearsal has droplets ${DROPLET_KEYS.join(", ")} only`);
                const generation = creating[key];
                if (booted.some((b) => b.key === key && b.generation === generation)) throw new Error(`${name}: droplet ${key} of generation ${generation} exists already`);
                const { id, address } = dropletIdentity(key, generation);
                const droplet = new NamespacedDroplet(key, id, address, path.join(dir, "droplets", `${key}-${generation}`), local.supervisor, world, signal);
                booted.push({ key, generation, droplet, tags: Array.isArray(inputs.tags) ? inputs.tags.map(String) : [], deleted: false });
                console.log(`      ${name}: booting a droplet in namespaces of its own at ${address}, provisioning it from its user data`);
                await droplet.boot(vpc);
                // DigitalOcean tags a droplet as it creates it: a balancer by tag has it (down) from then on.
                await membershipChanged();
                await droplet.provision(String(inputs.userData));
                generations[key] = generation;
            },
            async deleteDroplet(name) {
                // The engine deletes a replaced droplet once everything else is done: the older generations go.
                const key = keyOf(name);
                for (const old of booted.filter((b) => b.key === key && b.generation < generations[b.key] && !b.deleted)) {
                    old.deleted = true;
                    old.deletedAt = Date.now();
                    await membershipChanged();
                    console.log(`      ${name}: deleting the replaced droplet at ${old.droplet.address}`);
                    await old.droplet.shutdown();
                }
            },
            async configureLoadBalancer(name, inputs) {
                const created = lastBalancer === undefined;
                lastBalancer = { name, inputs };
                await applyBalancer();
                if (created) balancer.configuredAt = Date.now();
            },
        });

        let state: State = { resources: {} };
        const site = (sha: string): Site => ({
            stack: REHEARSAL_STACK,
            config: { ...LOAD_BALANCER_CONFIG, ...configured, "projectmeats:imageSha": sha },
            secretConfig: {},
            droplet: dropletIdentity("app-1", 1),
            droplets: dropletsAt(creating),
            loadBalancerAddress: BALANCER_ADDRESS,
            database: {
                privateHost: DATABASE_PRIVATE_HOST,
                port: DATABASE_PORT,
                password: local.database.password,
                adminPassword: local.database.adminPassword,
                caCertificate: ca,
            },
            registry: {
                server: local.registry.server,
                endpoint,
                dockerConfig: dockerConfigJson(local.registry.server, local.registry.user, local.registry.password),
            },
            deployKey,
            randomSeed: "load-balancer-rehearsal",
            digests,
        });
        const up = async (sha: string): Promise<{ steps: Step[]; deployment: Deployment }> => {
            progress.at(`evaluating the program at ${sha}`);
            creating = { ...generations };
            resources = await evaluateProgram(site(sha), path.join(dir, "site.json"), signal);
            let steps = plan(resources, state);
            const replaced = steps.filter((s) => s.type === "digitalocean:index/droplet:Droplet" && s.action === "replace").map((s) => keyOf(s.name)!);
            if (replaced.length > 0) {
                // The engine creates each new droplet before anything that depends on it, which sees its
                // new id and address: the program evaluated again with the new droplets'.
                for (const key of replaced) creating[key] = generations[key] + 1;
                resources = await evaluateProgram(site(sha), path.join(dir, "site.json"), signal);
                steps = plan(resources, state);
            }
            const changing = steps.filter((s) => s.action !== "same");
            console.log(`    plan: ${changing.map((s) => `${s.action} ${s.name}`).join("; ")}`);
            const deployment = await deploy(steps, state, operator);
            state = deployment.state;
            console.log(`    up: ${deployment.ok ? "succeeded" : `failed — ${firstLine(deployment.error)}`}`);
            return { steps, deployment };
        };
        const edge: Edge = { tls: { ca }, address: BALANCER_ADDRESS };
        const traffic = new Traffic(hostnames, edge, signal);
        const through = (service: Service) => request(service, hostnames, { edge, signal });
        /** The release each droplet's running containers carry, by service: `app-1 backend 1a2b3c4`. */
        const running = async () => {
            const seen: string[] = [];
            const current = booted.filter((b) => !b.deleted && b.generation === generations[b.key]).map((b) => [b.key, b.droplet] as const);
            for (const [key, droplet] of current.sort()) {
                const out = await droplet.docker("ps", "--filter", "status=running", "--format", '{{.Label "projectmeats.service"}} {{.Label "projectmeats.release"}}');
                for (const line of out.split("\n").filter(Boolean).sort()) seen.push(`${key} ${line}`);
            }
            return seen;
        };
        const stats = async () => serverStats(await haproxy!.command("show stat"));
        const bothUp = async () => {
            const now = Object.values(await stats());
            return now.length === DROPLET_KEYS.length && now.every((server) => server.status === "UP");
        };
        /**
         * Watches the balancer while a release runs: every status each droplet had (a failed health check
         * shows as `UP 1/3`, leaving the rotation as `DOWN`), and the requests each one was sent.
         */
        const watchRotation = (sameDroplets: boolean) => {
            const seen = new Map<string, Set<string>>();
            let running = true;
            const loop = (async () => {
                const before = await stats();
                while (running && !signal.aborted) {
                    // While the stand-in reloads, its socket may not answer for a moment.
                    const now = await stats().catch(() => ({}) as Record<string, ServerStat>);
                    for (const [server, stat] of Object.entries(now)) seen.set(server, (seen.get(server) ?? new Set()).add(stat.status));
                    await sleep(250, signal).catch(() => undefined);
                }
                const after = await stats();
                return Object.fromEntries(Object.keys(after).map((server) => [server, after[server].sessions - (before[server]?.sessions ?? 0)]));
            })();
            return {
                async stop(check: Check, figures: Figures) {
                    running = false;
                    const sent = await withDeadline("stopping the rotation watch", loop, 10_000);
                    for (const [server, statuses] of [...seen].sort()) {
                        if (sameDroplets)
                            check(statuses.size === 1 && statuses.has("UP"), `${server} must stay in rotation, healthy, throughout: it was ${[...statuses].join(", ")}`);
                        else figures[`${server} was`] = [...statuses].join(", ");
                    }
                    for (const [server, count] of Object.entries(sent).sort()) {
                        figures[`requests the balancer sent ${server}`] = count;
                        check(count > 0, `the balancer must have sent ${server} requests during the release`);
                    }
                },
            };
        };
        /**
         * `up(sha)` under a steady HTTPS stream through the balancer, watching its rotation: the stream's
         * answers since the up started, and the checks every release under traffic must pass (no failed
         * request, a stream of more than 200).
         */
        const upUnderTraffic = async (sha: string, check: Check, figures: Figures, sameDroplets = true) => {
            traffic.start();
            await sleep(1000, signal);
            const since = Date.now();
            const rotation = watchRotation(sameDroplets);
            const { steps, deployment } = await up(sha);
            await sleep(1000, signal);
            await traffic.stop();
            await rotation.stop(check, figures);
            const responses = traffic.since(since);
            const failed = responses.filter((r) => !r.ok);
            figures["requests served"] = responses.length - failed.length;
            figures["requests failed"] = failed.length;
            check(
                failed.length === 0,
                `requests failed: ${failed
                    .slice(0, 3)
                    .map((r) => `${r.service}: ${r.detail}`)
                    .join("; ")}`,
            );
            check(responses.length - failed.length > 200, `a steady stream must have run through the release (${responses.length - failed.length} served)`);
            return { steps, deployment, since, responses };
        };
        const stepLine = (suffix: string, pattern: RegExp) => lines.find((l) => l.resource.endsWith(suffix) && pattern.test(l.line));

        const scenarios: SelfCheckingScenario[] = [
            {
                number: 1,
                title: `the first up of edge loadBalancer: two droplets released one after the other with ${first.sha}, the balancer configured from the program's inputs serves both over HTTPS, plain HTTP redirected`,
                async run(check, figures) {
                    const started = Date.now();
                    const { steps, deployment } = await up(first.sha);
                    figures["up (s)"] = round((Date.now() - started) / 1000);
                    check(deployment.ok, `up failed: ${firstLine(deployment.error)}`);
                    check(
                        steps.some((s) => s.type === "digitalocean:index/loadBalancer:LoadBalancer" && s.action === "create"),
                        "the program must declare a load balancer",
                    );
                    for (const expected of ["frontend entry-443", "http-request redirect scheme https code 301", `option httpchk GET ${config.app.healthPath}`]) {
                        check(balancer.config.includes(expected), `the balancer's configuration must hold "${expected}"`);
                    }
                    const batches = ["app-1", "app-2"].map((key, i) =>
                        stepLine(`-${key}-health-backend`, new RegExp(`serves backend release ${first.sha} \\(batch ${i + 1} of 2\\)`)),
                    );
                    check(batches.every(Boolean), "each droplet's health step must say it serves the release, in batch 1 and 2 of 2");
                    check(
                        stepLine("-edge-health-backend", new RegExp(`\\(${BALANCER_ADDRESS.replace(/\./g, "\\.")}\\) serves backend release ${first.sha}`)) !== undefined,
                        "the release must check the backend through the balancer",
                    );
                    for (const key of DROPLET_KEYS) {
                        check(stepLine(`-${key}-in-rotation`, /runs every service/) !== undefined, `droplet ${key} must let the balancer's check pass once both services run`);
                        check(stepLine(`-${key}-admitted`, /: in rotation$/) !== undefined, `droplet ${key} must wait for the balancer to admit it`);
                    }
                    // The droplets joined the balancer down: the check through it waited for the balancer to admit one.
                    const waited = /^healthy: .* after ([\d.]+)s \((\d+) attempts\)$/.exec(stepLine("-edge-health-backend", /^healthy: /)?.line ?? "");
                    if (waited) figures["check through the balancer waited (s)"] = Number(waited[1]);
                    const seen = await running();
                    const expected = DROPLET_KEYS.flatMap((key) => [`${key} backend ${first.sha}`, `${key} frontend ${first.sha}`]);
                    check(JSON.stringify(seen) === JSON.stringify(expected), `each droplet must run both services of ${first.sha}: ${seen.join("; ")}`);
                    const rotation = Date.now();
                    while (!(await bothUp()) && Date.now() - rotation < ROTATION_WAIT_MS && !signal.aborted) await sleep(500, signal);
                    check(await bothUp(), "both droplets must be in the balancer's rotation");
                    figures["balancer created to both droplets in rotation (s)"] = round((Date.now() - balancer.configuredAt) / 1000);
                    for (const service of ["backend", "frontend"] as const) {
                        const answer = await through(service);
                        check(
                            answer.ok && answer.release === first.sha,
                            `https://${hostnames[service]}/ through the balancer must serve ${first.sha}, got ${answer.release ?? answer.detail}`,
                        );
                    }
                    for (const service of ["backend", "frontend"] as const) {
                        const answer = await httpRequest({
                            host: BALANCER_ADDRESS,
                            port: 80,
                            path: "/api/v1/suppliers/?page=2",
                            headers: { Host: hostnames[service] },
                            deadlineMs: REQUEST_DEADLINE_MS,
                            signal,
                        });
                        check(
                            answer.status >= 301 && answer.status <= 308 && answer.headers.location === `https://${hostnames[service]}/api/v1/suppliers/?page=2`,
                            `http://${hostnames[service]}/… must redirect to the same URL over https, answered ${answer.status} ${answer.headers.location ?? ""}`,
                        );
                    }
                },
            },
            {
                number: 2,
                title: `a rolling release of ${second.sha} across the two droplets under steady HTTPS traffic through the balancer: one droplet at a time, no failed request`,
                async run(check, figures) {
                    const { deployment, since, responses } = await upUnderTraffic(second.sha, check, figures);
                    check(deployment.ok, `up failed: ${firstLine(deployment.error)}`);
                    const firstHealthy = stepLine("-app-1-health-backend", new RegExp(`serves backend release ${second.sha}`));
                    const secondStarts = lines.find((l) => l.at >= since && l.resource.endsWith("-app-2-deploy-backend"));
                    check(
                        firstHealthy !== undefined && secondStarts !== undefined && firstHealthy.at <= secondStarts.at,
                        "the second droplet's deploy must start after the first droplet is healthy",
                    );
                    const mixed = responses.some((r) => r.release === first.sha) && responses.some((r) => r.release === second.sha);
                    check(mixed, "the stream must see the old release, then the new one");
                    const last = responses.filter((r) => r.ok).slice(-4);
                    check(last.length > 0 && last.every((r) => r.release === second.sha), `the stream must end on ${second.sha}`);
                    figures["up (s)"] = round(deployment.steps.reduce((n, s) => n + s.seconds, 0));
                    const seen = await running();
                    check(
                        seen.every((l) => l.endsWith(second.sha)),
                        `every droplet must run ${second.sha}: ${seen.join("; ")}`,
                    );
                },
            },
            {
                number: 3,
                title: `a bad image ${bad.sha} fails on the first droplet: the chain stops, the second droplet keeps ${second.sha}, the balancer keeps serving`,
                async run(check, figures) {
                    const { deployment, responses } = await upUnderTraffic(bad.sha, check, figures);
                    check(!deployment.ok, "up must fail");
                    const failedStep = deployment.steps.find((s) => s.status === "failed");
                    check(failedStep?.name.endsWith("-app-1-deploy-backend") === true, `the first droplet's backend deploy must be the step that fails, got ${failedStep?.name}`);
                    const skipped = deployment.steps.filter((s) => s.status === "skipped").map((s) => s.name);
                    check(
                        ["-app-2-deploy-backend", "-app-2-health-backend", "-edge-health-backend", "-notify"].every((suffix) => skipped.some((n) => n.endsWith(suffix))),
                        `the second droplet's steps and the rest of the chain must not run; skipped: ${skipped.join(", ")}`,
                    );
                    const seen = await running();
                    const expected = DROPLET_KEYS.flatMap((key) => [`${key} backend ${second.sha}`, `${key} frontend ${second.sha}`]);
                    check(JSON.stringify(seen) === JSON.stringify(expected), `both droplets must still run ${second.sha} only: ${seen.join("; ")}`);
                    check(
                        responses.every((r) => !r.ok || r.release === second.sha),
                        `the balancer must serve ${second.sha} only`,
                    );
                    figures["failed after (s)"] = round(failedStep?.seconds ?? 0);
                },
            },
            {
                number: 4,
                title: `the droplets replaced behind the balancer (new user data: SSH on another port) under steady HTTPS traffic: the new droplets serve ${second.sha}, the old ones are deleted, no failed request`,
                async run(check, figures) {
                    configured["projectmeats:sshPort"] = "2223";
                    const before = booted.filter((b) => !b.deleted).map((b) => b.droplet.id);
                    const since = Date.now();
                    const { steps, deployment } = await upUnderTraffic(second.sha, check, figures, false);
                    check(deployment.ok, `up failed: ${firstLine(deployment.error)}`);
                    const replaced = steps.filter((s) => s.type === "digitalocean:index/droplet:Droplet" && s.action === "replace").map((s) => s.name);
                    check(replaced.length === DROPLET_KEYS.length, `every droplet must be replaced for its user data, replaced: ${replaced.join(", ")}`);
                    const live = booted.filter((b) => !b.deleted).map((b) => b.droplet.id);
                    check(
                        live.length === DROPLET_KEYS.length && live.every((id) => !before.includes(id)),
                        `only the new droplets may be left: ${live.join(", ")} (before: ${before.join(", ")})`,
                    );
                    const seen = await running();
                    const expected = DROPLET_KEYS.flatMap((key) => [`${key} backend ${second.sha}`, `${key} frontend ${second.sha}`]);
                    check(JSON.stringify(seen) === JSON.stringify(expected), `the new droplets must run both services of ${second.sha}: ${seen.join("; ")}`);
                    const servers = Object.keys(await stats()).sort();
                    check(
                        JSON.stringify(servers) === JSON.stringify(live.map((id) => `droplet-${id}`).sort()),
                        `the balancer must hold the new droplets only: ${servers.join(", ")}`,
                    );
                    figures["up (s)"] = round(deployment.steps.reduce((n, s) => n + s.seconds, 0));
                    // The replaced droplets served until the new ones were in rotation: deleted after every admission.
                    const admittedAt = DROPLET_KEYS.map((key) => lines.find((l) => l.at >= since && l.resource.endsWith(`-${key}-admitted`) && /: in rotation$/.test(l.line))?.at);
                    const deletedAt = booted.filter((b) => b.deletedAt !== undefined && b.deletedAt >= since).map((b) => b.deletedAt!);
                    check(
                        admittedAt.every((t) => t !== undefined),
                        "each new droplet must wait for the balancer to admit it",
                    );
                    check(
                        deletedAt.length === DROPLET_KEYS.length && admittedAt.every((t) => t !== undefined && deletedAt.every((d) => d > t)),
                        "the replaced droplets must be deleted only after the new ones are in rotation",
                    );
                },
            },
        ];
        await session.runScenarios(scenarios);
    })();

    return session.finish(
        work,
        async () => {
            for (const { droplet } of booted) await droplet.shutdown();
            await local.stop();
        },
        STOP_MS,
    );
}

/**
 * The PEM file (chain, then key) the balancer presents for a `digitalocean.Certificate` with these
 * inputs: a custom one as given; a Let's Encrypt one issued for its `domains`, as DigitalOcean obtains
 * it, here by the stand-ins' CA that every droplet and client of the rehearsal trusts.
 */
async function certificatePem(dir: string, inputs: Record<string, unknown>, signal: AbortSignal): Promise<string> {
    const file = path.join(dir, `balancer-${String(inputs.name)}.pem`);
    if (inputs.type === "custom") {
        fs.writeFileSync(
            file,
            `${String(inputs.leafCertificate).trim()}\n${inputs.certificateChain ? `${String(inputs.certificateChain).trim()}\n` : ""}${String(inputs.privateKey).trim()}\n`,
            { mode: 0o600 },
        );
        return file;
    }
    if (inputs.type !== "lets_encrypt" || !Array.isArray(inputs.domains)) throw new Error(`certificate ${String(inputs.name)}: type ${String(inputs.type)} is not rehearsed`);
    const issued = await issueCertificate(dir, `balancer-${String(inputs.name)}`, { dnsNames: inputs.domains.map(String) }, signal);
    fs.writeFileSync(file, `${fs.readFileSync(issued.certFile, "utf8").trim()}\n${fs.readFileSync(issued.keyFile, "utf8").trim()}\n`, { mode: 0o600 });
    return file;
}
