/**
 * One droplet of the load-balancer rehearsal, as a machine of its own: this process runs in network and
 * mount namespaces of its own (`unshare --net --mount`, started by ./namespacedDroplet.ts), so the
 * droplet has its own interfaces and address, its own port 80 and 443, its own Docker bridge, and its
 * own /etc, /home, /srv, /var, /usr/local and /run (../droplet.ts `LocalDroplet`, the same droplet the
 * other rehearsals provision). The rehearsal reaches it as DigitalOcean's users do: over SSH and HTTP
 * on its address; and, for what the cloud itself does (creating it from its user data) and for the
 * scenarios' checks (`docker ps`), through a Unix socket in the run's folder answering:
 * - POST /provision {"userData"}: cloud-init with the program's user data, then its services;
 * - POST /docker {"args"}: `docker ARGS` against its engine, as root; {"output"};
 * - POST /stop: its containers removed, every process it started stopped by PID; then it exits.
 * SIGTERM does what /stop does. Every answer is JSON: {"ok": true, ...} or {"ok": false, "error"}.
 *
 * Usage: dropletAgent.ts OPTIONS.json (`DropletAgentOptions`)
 */
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { run, Supervisor } from "../../tools/processes";
import { LocalDroplet } from "../droplet";

export interface DropletAgentOptions {
    /** The droplet's folder: overlays, Docker's state, logs. */
    readonly dir: string;
    /** Its private address, where its sshd listens. */
    readonly address: string;
    /** The Unix socket it answers on. */
    readonly socket: string;
    /** Lines for /etc/hosts at every boot: DNS as the world gives it (the hostnames' A records). */
    readonly hosts: string;
    /** PEM roots the droplet trusts at every boot, as an Ubuntu droplet trusts public CAs. */
    readonly trusted: string;
}

/** Bytes of a request body accepted (user data is at most 64 KiB on DigitalOcean). */
const MAX_BODY = 1024 * 1024;

async function main(): Promise<void> {
    const options = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as DropletAgentOptions;
    const stopping = new AbortController();
    const supervisor = new Supervisor(path.join(options.dir, "logs"));
    const droplet = new LocalDroplet(options.dir, supervisor, stopping.signal);
    droplet.address = options.address;
    droplet.onBoot = () => {
        fs.appendFileSync("/etc/hosts", `\n${options.hosts}\n`);
        fs.appendFileSync("/etc/ssl/certs/ca-certificates.crt", options.trusted);
    };
    await run("ip", ["link", "set", "lo", "up"], { deadlineMs: 10_000 });
    await droplet.mountFilesystem();
    await droplet.prepare();

    let stopped: Promise<void> | undefined;
    const stop = () =>
        (stopped ??= (async () => {
            await droplet.removeContainers().catch(() => undefined);
            stopping.abort();
            await supervisor.stopAll();
        })());

    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        req.on("data", (chunk: Buffer) => {
            bytes += chunk.length;
            if (bytes <= MAX_BODY) chunks.push(chunk);
        });
        req.on("end", () => {
            const answer = (status: number, body: Record<string, unknown>) => {
                res.writeHead(status, { "content-type": "application/json" });
                res.end(JSON.stringify(body));
            };
            (async () => {
                if (bytes > MAX_BODY) return answer(413, { ok: false, error: `a request body is at most ${MAX_BODY} bytes` });
                const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>) : {};
                switch (`${req.method} ${req.url}`) {
                    case "POST /provision":
                        await droplet.provision(String(body.userData));
                        return answer(200, { ok: true });
                    case "POST /docker":
                        return answer(200, { ok: true, output: await droplet.dockerCommand(...(body.args as string[])) });
                    case "POST /stop":
                        await stop();
                        answer(200, { ok: true });
                        server.close();
                        return;
                    default:
                        return answer(404, { ok: false, error: `no such request: ${req.method} ${req.url}` });
                }
            })().catch((error: Error) => answer(500, { ok: false, error: error.message }));
        });
    });
    fs.rmSync(options.socket, { force: true });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.socket, resolve);
    });
    const onSignal = () => void stop().finally(() => process.exit(0));
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
    console.log(`droplet at ${options.address} ready, answering on ${options.socket}`);
}

main().catch((error: Error) => {
    console.error(`droplet agent: ${error.stack ?? error.message}`);
    process.exit(1);
});
