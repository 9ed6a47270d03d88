/**
 * The load-balancer rehearsal's droplets and their VPC, from the rehearsal's side:
 * - `Vpc`: a bridge in the rehearsal's own network namespace with the gateway's address (where the
 *   registry listens), and one veth per droplet, its other end the droplet's `eth0` in the droplet's
 *   namespace, with the droplet's address and a default route through the gateway. Everything the
 *   rehearsal's namespace holds (the database's private address, the load balancer's address) is
 *   reached that way, as a droplet reaches the managed database and the balancer over the VPC.
 * - `NamespacedDroplet`: starts ./dropletAgent.ts in new network and mount namespaces with its PID
 *   recorded, connects it to the VPC, and asks it over its socket to be provisioned, to run `docker`,
 *   and to stop.
 */
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { Managed, run, Supervisor, waitFor, withDeadline } from "../../tools/processes";
import type { DropletAgentOptions } from "./dropletAgent";

/** Milliseconds a droplet's creation may take (cloud-init, Docker Engine, nginx, sshd); another request. */
const PROVISION_DEADLINE_MS = 3 * 60_000;
const REQUEST_DEADLINE_MS = 60_000;
const BOOT_DEADLINE_MS = 60_000;

export class Vpc {
    private attached = 0;

    /** `gateway` is the rehearsal's own address in the VPC, `prefix` the VPC's prefix length. */
    constructor(
        private readonly bridge: string,
        public readonly gateway: string,
        private readonly prefix: number,
        private readonly signal: AbortSignal,
    ) {}

    private ip(args: string[], pid?: number): Promise<unknown> {
        return pid === undefined
            ? run("ip", args, { deadlineMs: 10_000, signal: this.signal })
            : run("nsenter", ["-t", String(pid), "-n", "ip", ...args], { deadlineMs: 10_000, signal: this.signal });
    }

    async create(): Promise<void> {
        await this.ip(["link", "add", this.bridge, "type", "bridge"]);
        await this.ip(["addr", "add", `${this.gateway}/${this.prefix}`, "dev", this.bridge]);
        await this.ip(["link", "set", this.bridge, "up"]);
    }

    /** Connects the network namespace of process `pid` to the VPC at `address`. */
    async attach(pid: number, address: string): Promise<void> {
        const outer = `${this.bridge}-${++this.attached}`;
        await this.ip(["link", "add", outer, "type", "veth", "peer", "name", "eth0", "netns", String(pid)]);
        await this.ip(["link", "set", outer, "master", this.bridge, "up"]);
        await this.ip(["addr", "add", `${address}/${this.prefix}`, "dev", "eth0"], pid);
        await this.ip(["link", "set", "eth0", "up"], pid);
        await this.ip(["route", "add", "default", "via", this.gateway], pid);
    }
}

export class NamespacedDroplet {
    private managed?: Managed;
    private readonly socket: string;

    /** `key` names it (`backend-1`); `world` is what every boot gets (DNS lines, trusted roots). */
    constructor(
        public readonly key: string,
        public readonly id: string,
        public readonly address: string,
        private readonly dir: string,
        private readonly supervisor: Supervisor,
        private readonly world: { readonly hosts: string; readonly trusted: string },
        private readonly signal: AbortSignal,
    ) {
        this.socket = path.join(dir, "agent.sock");
    }

    /** Boots the machine: its namespaces, its filesystem, its place in the VPC. */
    async boot(vpc: Vpc): Promise<void> {
        fs.mkdirSync(this.dir, { recursive: true });
        const options: DropletAgentOptions = { dir: this.dir, address: this.address, socket: this.socket, ...this.world };
        const optionsFile = path.join(this.dir, "agent.json");
        fs.writeFileSync(optionsFile, JSON.stringify(options), { mode: 0o600 });
        // unshare execs the agent in the new namespaces: the PID recorded is the droplet's own.
        this.managed = this.supervisor.start(
            `droplet-${this.key}`,
            "unshare",
            ["--net", "--mount", "--", process.execPath, ...process.execArgv, path.join(__dirname, "dropletAgent.ts"), optionsFile],
            {
                graceMs: 60_000,
            },
        );
        await waitFor(`droplet ${this.key} boots`, () => fs.existsSync(this.socket), { deadlineMs: BOOT_DEADLINE_MS, signal: this.signal });
        await vpc.attach(this.managed.pid, this.address);
    }

    /** What DigitalOcean does with a new droplet's user data (cloud-init), then the services it enables. */
    async provision(userData: string): Promise<void> {
        await this.ask("/provision", { userData }, PROVISION_DEADLINE_MS);
    }

    /** `docker ARGS` on the droplet, as root; its trimmed output. */
    async docker(...args: string[]): Promise<string> {
        return String((await this.ask("/docker", { args }, REQUEST_DEADLINE_MS)).output ?? "");
    }

    /** Stops what runs on it, then the machine itself (by PID). Never throws. */
    async shutdown(): Promise<void> {
        if (!this.managed) return;
        await this.ask("/stop", {}, REQUEST_DEADLINE_MS).catch((error: Error) => console.error(`    stopping droplet ${this.key}: ${error.message}`));
        await this.supervisor.stopOne(this.managed).catch(() => undefined);
        this.managed = undefined;
    }

    private ask(pathname: string, body: Record<string, unknown>, deadlineMs: number): Promise<Record<string, unknown>> {
        const exchange = new Promise<Record<string, unknown>>((resolve, reject) => {
            const req = http.request({ socketPath: this.socket, path: pathname, method: "POST", headers: { "content-type": "application/json" } }, (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (chunk: Buffer) => chunks.push(chunk));
                res.on("end", () => {
                    try {
                        const answer = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
                        if (answer.ok === true) resolve(answer);
                        else reject(new Error(`droplet ${this.key}: ${String(answer.error)}`));
                    } catch (error) {
                        reject(new Error(`droplet ${this.key}: an answer that is not JSON (${(error as Error).message})`));
                    }
                });
                res.on("error", reject);
            });
            req.on("error", (error) => reject(new Error(`droplet ${this.key}: ${error.message}`)));
            const onAbort = () => req.destroy(new Error("stopped"));
            this.signal.addEventListener("abort", onAbort, { once: true });
            req.on("close", () => this.signal.removeEventListener("abort", onAbort));
            req.end(JSON.stringify(body));
        });
        return withDeadline(`droplet ${this.key} ${pathname}`, exchange, deadlineMs);
    }
}
