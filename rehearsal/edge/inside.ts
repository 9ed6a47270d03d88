/**
 * The edge rehearsal inside its namespaces (started by ../outside.ts, under tini as PID 1): the
 * `rehearsal` stack with `edge: droplet` and no release (the first deployment), its droplet provisioned
 * locally from the program's own user data, and every step the program declares carried out with the
 * engine's and the command provider's rules (../engine.ts, ../operator.ts) — over SSH, as the deploy
 * user, through sudo to the root-owned certificate script, exactly as on DigitalOcean. Let's Encrypt is
 * Debian's `pebble` (tools/standins/pebble.ts), reached at the stack's `edgeAcmeServer`; the hostnames
 * resolve to the droplet through its /etc/hosts. The app's two services are small HTTP servers on the
 * ports the upstream files name, so what is measured is nginx and certbot, not the app.
 *
 * Scenarios: the certificate issued through nginx (HTTP-01) and served with HSTS for both hostnames;
 * plain HTTP redirected; `certbot renew --force-renewal` under steady HTTPS traffic with zero failed
 * requests and the new certificate served.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { CERTBOT_DEPLOY_HOOK } from "../../components/server/cloudInit";
import { parseStackConfig } from "../../config/stackConfig";
import { SERVICE_PORTS } from "../../model/layout";
import { PROGRAM_DIR } from "../../model/paths";
import type { Service } from "../../model/services";
import { httpRequest, HttpResponse } from "../../tools/http";
import { run, sleep, Supervisor, tail, withDeadline } from "../../tools/processes";
import { startPebble } from "../../tools/standins/pebble";
import { startRegistry } from "../../tools/standins/registry";
import { makeCertificates } from "../../tools/standins/tls";
import { readStackFile, REHEARSAL_STACK } from "../../tools/stackFiles";
import { LocalDroplet } from "../droplet";
import { deploy, plan } from "../engine";
import { REGISTRY_HOST, REGISTRY_PORT, REGISTRY_SERVER } from "../localSite";
import { HostOperator } from "../operator";
import { evaluateProgram } from "../program";
import { dropletIdentity } from "../rehearsal";
import { dockerConfigJson } from "../site";
import { firstLine, round } from "../report";
import { ScenarioSession, SelfCheckingScenario } from "../session";

const PEBBLE = { host: "127.0.0.1", port: 14000, managementPort: 15000 };
const HTTPS_PORT = 443;
const HTTP_PORT = 80;
/** Milliseconds one command or copy may take; one request. */
const STEP_DEADLINE_MS = 3 * 60_000;
const REQUEST_DEADLINE_MS = 5000;
/** Milliseconds nginx may take to answer over HTTPS once the certificate step reloaded it. */
const HTTPS_WAIT_MS = 10_000;
const STOP_MS = 60_000;

export async function insideEdge(): Promise<number> {
    const session = new ScenarioSession("edge rehearsal", 10);
    const { dir, signal, progress } = session;
    const phase = session.phase.bind(session);
    const supervisor = new Supervisor(path.join(dir, "logs"));
    const droplet = new LocalDroplet(dir, supervisor, signal);
    const config = parseStackConfig(REHEARSAL_STACK, readStackFile(REHEARSAL_STACK).config);
    const hostnames = config.hostnames;
    const servers: http.Server[] = [];
    console.log(`edge rehearsal of stack "${REHEARSAL_STACK}" with edge droplet, in ${dir}`);

    const work = (async () => {
        await phase("isolating the network and the filesystem", async () => {
            await run("ip", ["link", "set", "lo", "up"], { deadlineMs: 10_000, signal });
            await droplet.mountFilesystem();
            await droplet.prepare();
            // DNS for the hostnames points at the droplet (the records of a managed domain, or the operator's).
            fs.appendFileSync("/etc/hosts", `\n127.0.0.1 ${hostnames.backend} ${hostnames.frontend}\n`);
        });
        const tls = path.join(dir, "tls");
        let ca = "";
        await phase("making certificates", async () => {
            const certificates = await makeCertificates(tls, [PEBBLE.host], signal);
            ca = fs.readFileSync(certificates.caFile, "utf8");
            // The droplet trusts its ACME server as an Ubuntu droplet trusts Let's Encrypt: through the system's
            // CA bundle, which Debian's and Ubuntu's python3-certifi (certbot's `requests`) use.
            fs.appendFileSync("/etc/ssl/certs/ca-certificates.crt", ca);
        });
        const registry = { user: "ci", password: crypto.randomBytes(18).toString("hex") };
        await phase("starting the registry", () => startRegistry(supervisor, { dir: path.join(dir, "registry"), host: REGISTRY_HOST, port: REGISTRY_PORT, ...registry, signal }));
        let directoryUrl = "";
        let root = "";
        await phase("starting pebble", async () => {
            const pebble = await startPebble(supervisor, {
                dir: path.join(dir, "pebble"),
                ...PEBBLE,
                httpPort: HTTP_PORT,
                tls: { certFile: path.join(tls, "server.crt"), keyFile: path.join(tls, "server.key"), caFile: path.join(tls, "ca.crt") },
                signal,
            });
            directoryUrl = pebble.directoryUrl;
            root = await pebble.rootCertificate();
        });
        await phase("starting the app's stand-ins", async () => {
            for (const service of ["backend", "frontend"] as const) servers.push(await serveApp(service, SERVICE_PORTS[service].first));
        });
        const keyFile = path.join(dir, "deploy_key");
        await phase("making the deploy key", () =>
            run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "projectmeats-edge-rehearsal", "-f", keyFile], { deadlineMs: 30_000, signal }),
        );

        const operator = new HostOperator({
            cwd: PROGRAM_DIR,
            env: process.env,
            onLine: () => undefined,
            onStep: (description) => progress.at(description),
            signal,
            deadlineMs: STEP_DEADLINE_MS,
            createDroplet: (_name, inputs) => droplet.provision(String(inputs.userData)),
        });
        const https = (service: Service, pathname = "/") =>
            httpRequest({
                host: "127.0.0.1",
                port: HTTPS_PORT,
                path: pathname,
                headers: { Host: hostnames[service] },
                tls: { ca: root, servername: hostnames[service] },
                deadlineMs: REQUEST_DEADLINE_MS,
                signal,
            });

        const scenarios: SelfCheckingScenario[] = [
            {
                number: 1,
                title: "the first up of edge droplet: certbot gets the certificate from the ACME server through nginx (HTTP-01), nginx serves it with HSTS",
                async run(check, figures) {
                    const started = Date.now();
                    const resources = await evaluateProgram(
                        {
                            stack: REHEARSAL_STACK,
                            config: { "projectmeats:imageSha": "", "projectmeats:edge": "droplet", "projectmeats:edgeAcmeServer": directoryUrl },
                            secretConfig: {},
                            droplet: dropletIdentity(1),
                            database: {
                                privateHost: "10.123.0.10",
                                port: 25060,
                                password: "unused-without-a-release",
                                adminPassword: "unused-without-a-release",
                                caCertificate: ca,
                            },
                            registry: {
                                server: REGISTRY_SERVER,
                                endpoint: `${REGISTRY_SERVER}/${config.registry.name}`,
                                dockerConfig: dockerConfigJson(REGISTRY_SERVER, registry.user, registry.password),
                            },
                            deployKey: { privateKeyOpenssh: fs.readFileSync(keyFile, "utf8"), publicKeyOpenssh: fs.readFileSync(`${keyFile}.pub`, "utf8") },
                            randomSeed: crypto.randomBytes(8).toString("hex"),
                            digests: {},
                        },
                        path.join(dir, "site.json"),
                        signal,
                    );
                    const steps = plan(resources, { resources: {} });
                    console.log(`    plan: ${steps.map((s) => `${s.action} ${s.name}`).join("; ")}`);
                    const deployment = await deploy(steps, { resources: {} }, operator);
                    check(deployment.ok, `up failed: ${firstLine(deployment.error)}`);
                    figures["up (s)"] = round((Date.now() - started) / 1000);
                    check(
                        steps.some((s) => s.name.endsWith("-tls") && s.action === "create"),
                        "the program must declare the droplet's certificate step",
                    );
                    // `nginx -s reload` only signals the master, which opens port 443 moments later: the
                    // first HTTPS answer is awaited (bounded), and how long it took is a figure.
                    const upEnded = Date.now();
                    let first: HttpResponse | Error = new Error("not asked");
                    while (Date.now() - upEnded < HTTPS_WAIT_MS && !signal.aborted) {
                        first = await https("backend").catch((error: Error) => error);
                        if (!(first instanceof Error)) break;
                        await sleep(50, signal);
                    }
                    if (!(first instanceof Error)) figures["first HTTPS answer after up (s)"] = round((Date.now() - upEnded) / 1000);
                    for (const service of ["backend", "frontend"] as const) {
                        const answer = await https(service).catch((error: Error) => error);
                        if (answer instanceof Error) {
                            check(false, `https://${hostnames[service]}/ failed: ${answer.message}`);
                            continue;
                        }
                        check(
                            answer.status === 200 && answer.body === `${service}\n`,
                            `https://${hostnames[service]}/ must reach the ${service}, answered ${answer.status} ${answer.body.trim()}`,
                        );
                        check(answer.headers["strict-transport-security"] === "max-age=31536000", `HSTS must be sent, got ${answer.headers["strict-transport-security"]}`);
                        check(/pebble/i.test(answer.certificate?.issuer ?? ""), `the certificate must be the ACME server's, issued by ${answer.certificate?.issuer}`);
                        figures[`${service} certificate serial`] = answer.certificate?.serialNumber ?? "";
                    }
                },
            },
            {
                number: 2,
                title: "plain HTTP answers with a redirect to the same URL over HTTPS",
                async run(check) {
                    for (const service of ["backend", "frontend"] as const) {
                        const answer = await httpRequest({
                            host: "127.0.0.1",
                            port: HTTP_PORT,
                            path: "/api/v1/suppliers/?page=2",
                            headers: { Host: hostnames[service] },
                            deadlineMs: REQUEST_DEADLINE_MS,
                            signal,
                        });
                        check(
                            answer.status === 301 && answer.headers.location === `https://${hostnames[service]}/api/v1/suppliers/?page=2`,
                            `http://${hostnames[service]}/… must redirect to https, answered ${answer.status} ${answer.headers.location ?? ""}`,
                        );
                    }
                },
            },
            {
                number: 3,
                title: "certbot renew --force-renewal (what certbot.timer runs, forced) under steady HTTPS traffic: the new certificate served, no failed request",
                async run(check, figures) {
                    const before = (await https("backend")).certificate?.serialNumber;
                    const traffic = steadyTraffic(https, signal);
                    await sleep(1000, signal);
                    const started = Date.now();
                    // The droplet has no systemd: the deploy hook's `systemctl reload nginx` goes to a stand-in that does what
                    // nginx.service's ExecReload does (`nginx -s reload`), and refuses anything else.
                    const bin = path.join(dir, "bin");
                    fs.mkdirSync(bin, { recursive: true });
                    fs.writeFileSync(
                        path.join(bin, "systemctl"),
                        '#!/bin/sh\nif [ "$*" = "reload nginx" ]; then exec /usr/sbin/nginx -s reload; fi\necho "systemctl stand-in: only reload nginx, got: $*" >&2\nexit 1\n',
                        { mode: 0o755 },
                    );
                    check(fs.existsSync(CERTBOT_DEPLOY_HOOK.path), `user data must install the deploy hook ${CERTBOT_DEPLOY_HOOK.path}`);
                    // certbot sleeps up to 8 minutes before a renewal it was not asked for at a terminal; the timer's run does too.
                    const renewal = await run("certbot", ["renew", "--force-renewal", "--no-random-sleep-on-renew"], {
                        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
                        deadlineMs: STEP_DEADLINE_MS,
                        signal,
                        allowFailure: true,
                    });
                    check(renewal.status === 0, `certbot renew failed (${renewal.status}): ${tail(renewal.stdout + renewal.stderr, 10)}`);
                    figures["renewal (s)"] = round((Date.now() - started) / 1000);
                    let after = before;
                    const deadline = Date.now() + 10_000;
                    while (after === before && Date.now() < deadline && !signal.aborted) {
                        after = (await https("backend").catch(() => undefined))?.certificate?.serialNumber;
                        if (after === before) await sleep(200, signal);
                    }
                    await sleep(1000, signal);
                    const { served, failed } = await traffic.stop();
                    check(after !== undefined && after !== before, `nginx must serve the renewed certificate: serial ${before} before, ${after} after`);
                    figures["serial before"] = before ?? "";
                    figures["serial after"] = after ?? "";
                    figures["requests served"] = served;
                    figures["requests failed"] = failed.length;
                    check(failed.length === 0, `requests failed during the renewal: ${failed.slice(0, 3).join("; ")}`);
                    check(served > 100, `a steady stream must have run through the renewal (${served} served)`);
                },
            },
        ];
        await session.runScenarios(scenarios);
    })();

    return session.finish(
        work,
        async () => {
            for (const server of servers) server.close();
            await droplet.removeContainers().catch(() => undefined);
            await supervisor.stopAll();
        },
        STOP_MS,
    );
}

/** A service of the app as nginx sees it: answers its name on 127.0.0.1:`port`, keeping connections alive as gunicorn does. */
function serveApp(service: Service, port: number): Promise<http.Server> {
    const server = http.createServer((_req, res) => {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end(`${service}\n`);
    });
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => resolve(server));
    });
}

/** Requests over HTTPS to both hostnames, one after another, until stopped; what they did. */
function steadyTraffic(https: (service: Service) => Promise<HttpResponse>, signal: AbortSignal): { stop(): Promise<{ served: number; failed: string[] }> } {
    let running = true;
    let served = 0;
    const failed: string[] = [];
    const loop = (async () => {
        for (let i = 0; running && !signal.aborted; i++) {
            const service: Service = i % 2 === 0 ? "backend" : "frontend";
            const answer = await https(service).catch((error: Error) => error);
            if (answer instanceof Error) failed.push(`${service}: ${answer.message}`);
            else if (answer.status !== 200) failed.push(`${service}: status ${answer.status}`);
            else served++;
            await sleep(5, signal).catch(() => undefined);
        }
    })();
    return {
        async stop() {
            running = false;
            await withDeadline("stopping the request stream", loop, REQUEST_DEADLINE_MS + 5000);
            return { served, failed };
        },
    };
}
