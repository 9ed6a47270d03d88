/**
 * The local stand-ins for one environment (tools/standins/), inside the network and mount namespaces
 * the rehearsal runs in (./outside.ts), so nothing listens outside them and nothing on the machine's
 * own filesystem changes:
 * - "the cloud": a registry with htpasswd auth (DOCR), PostgreSQL with TLS on a private address (the
 *   managed database), an HTTPS webhook receiver (Slack), and a build machine's Docker Engine;
 * - "the droplet" (./droplet.ts): /etc, /home, /srv and /var seen through overlays and a fresh /run,
 *   provisioned from the program's own user data when the engine creates the droplet.
 * Every process is started through one Supervisor with its PID recorded, and stopped by that PID.
 */
import * as fs from "fs";
import * as path from "path";
import { run, Supervisor } from "../tools/processes";
import { DockerEngine, startDockerd } from "../tools/standins/docker";
import { Postgres, startPostgres } from "../tools/standins/postgres";
import { startRegistry } from "../tools/standins/registry";
import { startPebble } from "../tools/standins/pebble";
import { makeCertificates } from "../tools/standins/tls";
import { startWebhookReceiver, Webhook, WebhookReceiver } from "../tools/standins/webhook";
import { DROPLET_OVERLAYS, LocalDroplet } from "./droplet";

/** The managed database's address inside "the VPC": an address on the namespace's loopback. */
export const DATABASE_PRIVATE_HOST = "10.123.0.10";
export const DATABASE_PORT = 25060;
/** Where PostgreSQL 17's programs are in the database's root filesystem (Debian's postgresql-17). */
export const DATABASE_BIN_DIR = "/usr/lib/postgresql/17/bin";
export const REGISTRY_HOST = "127.0.0.1";
export const REGISTRY_PORT = 5000;
export const REGISTRY_SERVER = `${REGISTRY_HOST}:${REGISTRY_PORT}`;
export const WEBHOOK_PORT = 8443;
/** Where the ACME server listens: Pulumi.rehearsal.yaml's edgeAcmeServer names it. */
export const ACME_SERVER = { host: "127.0.0.1", port: 14000, managementPort: 15000 } as const;
/** Where nginx on the droplet listens (the proxy sites say port 80). */
export const DROPLET_HTTP_PORT = 80;
/** Where nginx ends TLS on the droplet with edge droplet. */
export const DROPLET_HTTPS_PORT = 443;

/** Debian commands the rehearsal needs; `npm run setup:system` installs their packages. */
export const REQUIRED_COMMANDS = [
    "pebble",
    "certbot",
    "unshare",
    "tini",
    "ip",
    "mount",
    "umount",
    "dockerd",
    "docker",
    "docker-registry",
    "htpasswd",
    "nginx",
    "sshd",
    "sudo",
    "debootstrap",
    "openssl",
    "ssh-keygen",
    "useradd",
    "groupadd",
    "curl",
    "cloud-init",
    // PostgreSQL 17 runs from its own root filesystem (./rootfs.ts), entered with chroot.
    "chroot",
    // The load-balancer rehearsal (./loadBalancer/): the balancer stand-in, and the droplets' namespaces.
    "haproxy",
    "nsenter",
];

export interface LocalSiteOptions {
    /**
     * Where the registry listens. Default REGISTRY_HOST, plain HTTP on the loopback the one droplet shares;
     * any other address serves HTTPS with the stand-ins' certificate, as DOCR does, for droplets that are
     * machines of their own (Docker Engine pulls over plain HTTP only from loopback or a registry marked
     * insecure, docs.docker.com/registry/insecure/).
     */
    readonly registryHost?: string;
}

export class LocalSite {
    public readonly supervisor: Supervisor;
    /** The registry: `server` as image references name it; `tls` when it serves HTTPS. */
    public readonly registry: { server: string; user: string; password: string; readonly tls: boolean };
    public readonly database = { password: "", adminPassword: "", name: "", user: "", version: "" };
    public readonly caFile: string;
    /** The root the ACME server issues under this run (PEM), once started. */
    public acmeRoot = "";
    public readonly droplet: LocalDroplet;
    /** The build machine's Docker Engine (set by `startBuilder`). */
    public builder!: DockerEngine;
    private postgres?: Postgres;
    private webhookReceiver?: WebhookReceiver;
    private readonly mounts: string[] = [];

    /** `signal` aborts every wait and command of the stand-ins when the rehearsal is stopped. */
    constructor(
        public readonly dir: string,
        secrets: { registry: string; database: string; admin: string },
        private readonly signal: AbortSignal,
        options: LocalSiteOptions = {},
    ) {
        this.supervisor = new Supervisor(path.join(dir, "logs"));
        const registryHost = options.registryHost ?? REGISTRY_HOST;
        this.registry = { server: `${registryHost}:${REGISTRY_PORT}`, user: "ci", password: "", tls: registryHost !== REGISTRY_HOST };
        this.registry.password = secrets.registry;
        this.database.password = secrets.database;
        this.database.adminPassword = secrets.admin;
        this.caFile = path.join(dir, "tls/ca.crt");
        this.droplet = new LocalDroplet(dir, this.supervisor, signal);
    }

    get webhooks(): readonly Webhook[] {
        return this.webhookReceiver?.received ?? [];
    }

    private async sh(command: string, args: string[]): Promise<void> {
        await run(command, args, { deadlineMs: 30_000, signal: this.signal });
    }

    /** Loopback, the private address, and overlays that keep every write inside this run's folder. */
    async isolate(): Promise<void> {
        await this.sh("ip", ["link", "set", "lo", "up"]);
        // A local address, so containers reach the database through the bridge as they would a VPC host.
        await this.sh("ip", ["addr", "add", `${DATABASE_PRIVATE_HOST}/32`, "dev", "lo"]);
        await this.droplet.mountFilesystem();
        this.mounts.push(...DROPLET_OVERLAYS, "/run");
        await this.droplet.prepare();
    }

    async makeCertificates(): Promise<void> {
        const registryHost = this.registry.server.split(":")[0];
        await makeCertificates(path.join(this.dir, "tls"), ["127.0.0.1", DATABASE_PRIVATE_HOST, ...(this.registry.tls ? [registryHost] : [])], this.signal);
    }

    /**
     * Let's Encrypt's stand-in (Debian's pebble) at ACME_SERVER, validating HTTP-01 on the droplet's port
     * 80; and what the world gives every droplet as it boots: DNS for `hostnames` pointing at it (its
     * /etc/hosts, which pebble's resolver reads too), and trust in the ACME server's own certificate and
     * in the root it issues under (appended to the system bundle, which certbot and curl read), as an
     * Ubuntu droplet trusts Let's Encrypt's. Sets `acmeRoot`.
     */
    async startAcmeServer(hostnames: readonly string[]): Promise<void> {
        const tls = path.join(this.dir, "tls");
        const pebble = await startPebble(this.supervisor, {
            dir: path.join(this.dir, "pebble"),
            ...ACME_SERVER,
            httpPort: DROPLET_HTTP_PORT,
            tls: { certFile: path.join(tls, "server.crt"), keyFile: path.join(tls, "server.key"), caFile: this.caFile },
            signal: this.signal,
        });
        this.acmeRoot = await pebble.rootCertificate();
        const trusted = `${fs.readFileSync(this.caFile, "utf8")}${this.acmeRoot}`;
        this.droplet.onBoot = () => {
            fs.appendFileSync("/etc/hosts", `\n127.0.0.1 ${hostnames.join(" ")}\n`);
            fs.appendFileSync("/etc/ssl/certs/ca-certificates.crt", trusted);
        };
        this.droplet.onBoot();
    }

    /**
     * The registry, with htpasswd auth as DOCR. Over HTTPS, this machine (the build machine's Docker
     * Engine starts later) trusts the stand-ins' CA through the system bundle, as machines trust DOCR's
     * public certificate; this machine's /etc is an overlay (`isolate`), so the bundle of the machine
     * itself is never changed.
     */
    async startRegistry(): Promise<void> {
        const { user, password, server, tls } = this.registry;
        const tlsDir = path.join(this.dir, "tls");
        if (tls) fs.appendFileSync("/etc/ssl/certs/ca-certificates.crt", fs.readFileSync(this.caFile, "utf8"));
        await startRegistry(this.supervisor, {
            dir: path.join(this.dir, "registry"),
            host: server.split(":")[0],
            port: REGISTRY_PORT,
            user,
            password,
            tls: tls ? { certFile: path.join(tlsDir, "server.crt"), keyFile: path.join(tlsDir, "server.key") } : undefined,
            signal: this.signal,
        });
    }

    /**
     * PostgreSQL as DigitalOcean runs it: version 17 (DigitalOcean's default; run from `rootfs`, a trixie
     * root filesystem, since this machine's own is 15), TLS required, an admin, the app's user and database.
     */
    async startDatabase(name: string, user: string, rootfs: string): Promise<void> {
        this.database.name = name;
        this.database.user = user;
        // The postgres user must reach its folder inside this one.
        fs.chmodSync(this.dir, 0o755);
        const tls = path.join(this.dir, "tls");
        // The root seen through an overlay: the cached root filesystem is never written to.
        const root = path.join(this.dir, "postgres-root");
        const layer = path.join(this.dir, "postgres-layer");
        for (const d of [root, path.join(layer, "upper"), path.join(layer, "work")]) fs.mkdirSync(d, { recursive: true });
        // Under this run's folder, so `stop` unmounts it with the rest.
        await this.sh("mount", ["-t", "overlay", "overlay", "-o", `lowerdir=${rootfs},upperdir=${layer}/upper,workdir=${layer}/work`, root]);
        this.postgres = await startPostgres(this.supervisor, {
            dir: path.join(root, "srv/postgres"),
            port: DATABASE_PORT,
            listen: ["127.0.0.1", DATABASE_PRIVATE_HOST],
            superuser: "postgres",
            tls: { certFile: path.join(tls, "server.crt"), keyFile: path.join(tls, "server.key") },
            chroot: { root, binDir: DATABASE_BIN_DIR },
            signal: this.signal,
        });
        this.database.version = this.postgres.version;
        // As DigitalOcean: its admin `doadmin` is no superuser; it creates the app's user (so, from
        // PostgreSQL 16, holds ADMIN on that role) and the app's database (so owns it); the app's user gets
        // no rights at all (the release's db-rights step gives what it needs). Whether DigitalOcean's doadmin
        // has BYPASSRLS is not documented (issue 17, fact 7): here it has, until a scenario takes it away.
        await this.postgres.psql(
            "postgres",
            [
                `CREATE ROLE doadmin LOGIN CREATEDB CREATEROLE BYPASSRLS PASSWORD '${this.database.adminPassword}'`,
                "SET ROLE doadmin",
                `CREATE ROLE "${user}" LOGIN PASSWORD '${this.database.password}'`,
                `CREATE DATABASE "${name}"`,
            ].join(";\n") + ";",
        );
    }

    /**
     * A second database of the cluster as DigitalOcean creates one: a new user with no rights and a
     * database owned by doadmin. For the scenarios that start from an empty database.
     */
    async createFreshDatabase(name: string, user: string, password: string): Promise<void> {
        await this.postgres!.psql(
            "postgres",
            [
                `DROP DATABASE IF EXISTS "${name}"`,
                `DROP ROLE IF EXISTS "${user}"`,
                "SET ROLE doadmin",
                `CREATE ROLE "${user}" LOGIN PASSWORD '${password}'`,
                `CREATE DATABASE "${name}"`,
            ].join(";\n") + ";",
        );
    }

    /** The database server presents `certFile` and `keyFile` from now on (new connections; a configuration reload). */
    async presentCertificate(certFile: string, keyFile: string): Promise<void> {
        const dir = path.join(this.dir, "postgres-root/srv/postgres");
        for (const [from, to] of [
            [certFile, "server.crt"],
            [keyFile, "server.key"],
        ]) {
            // Written in place: the file keeps its owner (postgres) and mode (0600).
            fs.writeFileSync(path.join(dir, to), fs.readFileSync(from));
        }
        await this.postgres!.reload();
    }

    /**
     * Stops the database server (`reachable` false: every connection refused, every open one ended) or
     * starts it again and waits until it answers.
     */
    async setDatabaseReachable(reachable: boolean): Promise<void> {
        await (reachable ? this.postgres!.start() : this.postgres!.stop());
    }

    /** Runs SQL as the stand-in's superuser in `database` (default: the app's), for the scenarios' checks and changes. */
    query(sql: string, database = this.database.name): Promise<string> {
        return this.postgres!.psql(database, sql);
    }

    /** The HTTPS receiver standing in for Slack; returns the webhook URL. */
    async startWebhookReceiver(): Promise<string> {
        const tls = path.join(this.dir, "tls");
        this.webhookReceiver = await startWebhookReceiver({
            host: "127.0.0.1",
            port: WEBHOOK_PORT,
            certFile: path.join(tls, "server.crt"),
            keyFile: path.join(tls, "server.key"),
        });
        return `https://127.0.0.1:${WEBHOOK_PORT}/services/T0REHEARSAL/B0REHEARSAL/rehearsal`;
    }

    /** The CI machine's Docker Engine that builds and pushes the images; separate from the droplet's. */
    async startBuilder(): Promise<void> {
        const configFile = path.join(this.dir, "builder-daemon.json");
        fs.writeFileSync(configFile, "{}\n");
        this.builder = await startDockerd(this.supervisor, {
            name: "builder-dockerd",
            socket: path.join(this.dir, "builder.sock"),
            configFile,
            dataRoot: path.join(this.dir, "builder-data"),
            execRoot: path.join(this.dir, "builder-exec"),
            pidFile: path.join(this.dir, "builder.pid"),
            clientConfigDir: path.join(this.dir, "builder-client"),
            buildOnly: true,
            signal: this.signal,
        });
        await this.builder.docker(["login", "--username", this.registry.user, "--password-stdin", this.registry.server], { input: this.registry.password });
    }

    /**
     * Stops everything it started, each step bounded: containers first, then every recorded process,
     * newest first, then its mounts. Never throws.
     */
    async stop(): Promise<void> {
        const attempt = async (what: string, step: () => Promise<void>) => {
            try {
                await step();
            } catch (error) {
                console.error(`    stopping: ${what}: ${(error as Error).message.split("\n")[0]}`);
            }
        };
        await attempt("the droplet's containers", () => this.droplet.removeContainers());
        if (this.builder) await attempt("the builder's containers", () => this.builder.removeAllContainers());
        if (this.webhookReceiver) await attempt("the webhook receiver", () => this.webhookReceiver!.close());
        await attempt("the stand-ins' processes", () => this.supervisor.stopAll());
        const mounted = fs
            .readFileSync("/proc/self/mounts", "utf8")
            .split("\n")
            .map((line) => line.split(" ")[1])
            .filter((m) => m?.startsWith(`${this.dir}/`));
        for (const m of [...mounted.reverse(), ...[...this.mounts].reverse()]) {
            await attempt(`unmounting ${m}`, async () => void (await run("umount", ["-l", m], { deadlineMs: 10_000 })));
        }
    }
}
