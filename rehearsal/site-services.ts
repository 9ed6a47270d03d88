/**
 * The local stand-ins for one environment, all from Debian's packages, inside the network and mount
 * namespaces the rehearsal runs in (rehearsal/main.ts), so nothing listens outside them and
 * nothing on the machine's own filesystem changes:
 * - "the cloud": a registry with htpasswd auth (DOCR), PostgreSQL with TLS on a private address (the
 *   managed database), an HTTPS webhook receiver (Slack), and a build machine's Docker Engine;
 * - "the droplet": /etc, /home, /srv and /var seen through overlays and a fresh /run, provisioned from
 *   the program's own user data when the engine creates the droplet; then Docker Engine, nginx and
 *   sshd (on the port the user data sets) run there as they would on DigitalOcean.
 * Every process is started here with its PID recorded and stopped by that PID.
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as path from "path";
import { portOpen, stopChild, stopPid, succeeds, waitFor } from "../tools/processes";
import { ProvisioningAction, provisioningPlan } from "./provisioning";

/** The managed database's address inside "the VPC": a dummy interface in the namespace. */
export const DATABASE_PRIVATE_HOST = "10.123.0.10";
export const DATABASE_PORT = 25060;
export const REGISTRY_SERVER = "127.0.0.1:5000";
export const WEBHOOK_PORT = 8443;
/** Where nginx on the droplet listens (the proxy sites say port 80). */
export const DROPLET_HTTP_PORT = 80;

/** Debian commands the rehearsal needs; `.ci/run` installs their packages. */
export const REQUIRED_COMMANDS = [
    "unshare",
    "ip",
    "mount",
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
    "initdb",
    "pg_ctl",
    "psql",
];

export interface Webhook {
    readonly path: string;
    readonly body: Record<string, unknown>;
    readonly at: number;
}

export class LocalSite {
    private readonly children: ChildProcess[] = [];
    private readonly mounts: string[] = [];
    private readonly pidFiles: string[] = [];
    private webhookServer?: https.Server;
    public readonly webhooks: Webhook[] = [];
    /** Environment for the build machine's Docker client. */
    public readonly builderEnv: NodeJS.ProcessEnv;
    public readonly registry = { server: REGISTRY_SERVER, user: "ci", password: "" };
    public readonly database = { password: "", adminPassword: "", name: "", user: "" };
    public readonly caFile: string;
    /** The `postgres` Unix user: initdb and postgres refuse to run as root. */
    private readonly postgresUser = {
        uid: Number(execFileSync("id", ["-u", "postgres"]).toString()),
        gid: Number(execFileSync("id", ["-g", "postgres"]).toString()),
    };
    private sshd?: ChildProcess;
    private dropletDockerd?: ChildProcess;

    constructor(
        public readonly dir: string,
        secrets: { registry: string; database: string; admin: string },
    ) {
        this.builderEnv = { ...process.env, DOCKER_HOST: `unix://${path.join(dir, "builder.sock")}`, DOCKER_CONFIG: path.join(dir, "builder-client") };
        this.registry.password = secrets.registry;
        this.database.password = secrets.database;
        this.database.adminPassword = secrets.admin;
        this.caFile = path.join(dir, "tls/ca.crt");
    }

    log(name: string): number {
        return fs.openSync(path.join(this.dir, "logs", `${name}.log`), "a");
    }

    private start(name: string, command: string, args: string[], extra: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv } = {}): ChildProcess {
        const log = this.log(name);
        const child = spawn(command, args, { stdio: ["ignore", log, log], uid: extra.uid, gid: extra.gid, env: extra.env ?? process.env });
        fs.closeSync(log);
        this.children.push(child);
        return child;
    }

    /** Loopback, the private address, and overlays that keep every write inside this run's folder. */
    async isolate(): Promise<void> {
        fs.mkdirSync(path.join(this.dir, "logs"), { recursive: true });
        execFileSync("ip", ["link", "set", "lo", "up"]);
        // A local address, so containers reach the database through the bridge as they would a VPC host.
        execFileSync("ip", ["addr", "add", `${DATABASE_PRIVATE_HOST}/32`, "dev", "lo"]);
        for (const target of ["/etc", "/home", "/srv", "/var"]) {
            const base = path.join(this.dir, "overlay", target.slice(1));
            fs.mkdirSync(path.join(base, "upper"), { recursive: true });
            fs.mkdirSync(path.join(base, "work"), { recursive: true });
            execFileSync("mount", ["-t", "overlay", "overlay", "-o", `lowerdir=${target},upperdir=${base}/upper,workdir=${base}/work`, target]);
            this.mounts.push(target);
        }
        execFileSync("mount", ["-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/run"]);
        this.mounts.push("/run");
        // A droplet boots without the rehearsal machine's docker or nginx state.
        for (const leftover of ["/var/lib/docker", "/var/log/nginx"]) fs.rmSync(leftover, { recursive: true, force: true });
        fs.mkdirSync("/var/log/nginx", { recursive: true });
        fs.mkdirSync("/run/cloud-init", { recursive: true });
        // cloud-init is running until provisioning ends: `cloud-init status --wait` blocks until then.
        fs.writeFileSync("/run/cloud-init/status.json", JSON.stringify({ v1: { datasource: null, stage: "init" } }));
    }

    /** A CA and a certificate for the webhook receiver and PostgreSQL. */
    makeCertificates(): void {
        const tls = path.join(this.dir, "tls");
        fs.mkdirSync(tls);
        const ssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "ignore" });
        ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=projectmeats rehearsal CA", "-keyout", `${tls}/ca.key`, "-out", `${tls}/ca.crt`);
        fs.writeFileSync(`${tls}/ext.cnf`, `subjectAltName=IP:127.0.0.1,IP:${DATABASE_PRIVATE_HOST}\n`);
        ssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", `${tls}/server.key`, "-out", `${tls}/server.csr`);
        ssl(
            "x509",
            "-req",
            "-in",
            `${tls}/server.csr`,
            "-CA",
            `${tls}/ca.crt`,
            "-CAkey",
            `${tls}/ca.key`,
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            `${tls}/ext.cnf`,
            "-out",
            `${tls}/server.crt`,
        );
    }

    async startRegistry(): Promise<void> {
        fs.writeFileSync(path.join(this.dir, "htpasswd"), execFileSync("htpasswd", ["-Bbn", this.registry.user, this.registry.password]));
        fs.writeFileSync(
            path.join(this.dir, "registry.yml"),
            [
                "version: 0.1",
                "log: { level: warn }",
                `storage: { filesystem: { rootdirectory: ${path.join(this.dir, "registry")} }, delete: { enabled: true } }`,
                `http: { addr: ${REGISTRY_SERVER} }`,
                `auth: { htpasswd: { realm: projectmeats-rehearsal, path: ${path.join(this.dir, "htpasswd")} } }`,
                "",
            ].join("\n"),
        );
        this.start("registry", "docker-registry", ["serve", path.join(this.dir, "registry.yml")]);
        await waitFor("registry", () => portOpen(5000));
    }

    /** PostgreSQL as DigitalOcean runs it: TLS required, an admin, the app's user and database. */
    async startDatabase(name: string, user: string): Promise<void> {
        this.database.name = name;
        this.database.user = user;
        const pgDir = path.join(this.dir, "postgres");
        fs.mkdirSync(pgDir);
        fs.chmodSync(this.dir, 0o755);
        const { uid, gid } = this.postgresUser;
        for (const file of ["server.crt", "server.key"]) {
            fs.copyFileSync(path.join(this.dir, "tls", file), path.join(pgDir, file));
            fs.chownSync(path.join(pgDir, file), uid, gid);
            fs.chmodSync(path.join(pgDir, file), 0o600);
        }
        fs.chownSync(pgDir, uid, gid);
        const data = path.join(pgDir, "data");
        execFileSync("initdb", ["-D", data, "-U", "doadmin", "--auth-local=trust", "--auth-host=scram-sha-256"], { stdio: "ignore", uid, gid });
        fs.writeFileSync(path.join(data, "pg_hba.conf"), ["local all all trust", "hostnossl all all 0.0.0.0/0 reject", "hostssl all all 0.0.0.0/0 scram-sha-256", ""].join("\n"));
        this.start(
            "postgres",
            "postgres",
            [
                "-D",
                data,
                "-p",
                String(DATABASE_PORT),
                "-k",
                pgDir,
                "-c",
                `listen_addresses=127.0.0.1,${DATABASE_PRIVATE_HOST}`,
                "-c",
                "ssl=on",
                "-c",
                `ssl_cert_file=${pgDir}/server.crt`,
                "-c",
                `ssl_key_file=${pgDir}/server.key`,
            ],
            { uid, gid },
        );
        await waitFor("postgres", () => portOpen(DATABASE_PORT));
        await waitFor("postgres to accept queries", () => (this.psql("postgres", "SELECT 1"), true));
        this.psql("postgres", `ALTER ROLE doadmin PASSWORD '${this.database.adminPassword}'`);
        this.psql("postgres", `CREATE ROLE "${user}" LOGIN PASSWORD '${this.database.password}'`);
        this.psql("postgres", `CREATE DATABASE "${name}" OWNER "${user}"`);
    }

    /** Runs SQL as the admin over the Unix socket; returns the unaligned result. */
    private psql(database: string, sql: string): string {
        const args = ["-h", path.join(this.dir, "postgres"), "-p", String(DATABASE_PORT), "-U", "doadmin", "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql];
        return execFileSync("psql", args, { ...this.postgresUser, encoding: "utf8", stdio: "pipe" }).trim();
    }

    /** Queries the app's database, for the scenarios' checks. */
    query(sql: string): string {
        return this.psql(this.database.name, sql);
    }

    /** An HTTPS receiver standing in for Slack's incoming webhooks. */
    async startWebhookReceiver(): Promise<string> {
        const tls = path.join(this.dir, "tls");
        this.webhookServer = https.createServer({ key: fs.readFileSync(`${tls}/server.key`), cert: fs.readFileSync(`${tls}/server.crt`) }, (req, res) => {
            let body = "";
            req.on("data", (d: Buffer) => (body += d.toString()));
            req.on("end", () => {
                this.webhooks.push({ path: req.url ?? "", body: JSON.parse(body || "{}"), at: Date.now() });
                res.writeHead(200).end("ok");
            });
        });
        await new Promise<void>((resolve) => this.webhookServer!.listen(WEBHOOK_PORT, "127.0.0.1", resolve));
        return `https://127.0.0.1:${WEBHOOK_PORT}/services/T0REHEARSAL/B0REHEARSAL/rehearsal`;
    }

    /** The CI machine's Docker Engine that builds and pushes the images; separate from the droplet's. */
    async startBuilder(): Promise<void> {
        fs.writeFileSync(path.join(this.dir, "builder-daemon.json"), "{}\n");
        this.start("builder-dockerd", "dockerd", [
            "--config-file",
            path.join(this.dir, "builder-daemon.json"),
            "--host",
            `unix://${path.join(this.dir, "builder.sock")}`,
            "--data-root",
            path.join(this.dir, "builder-data"),
            "--exec-root",
            path.join(this.dir, "builder-exec"),
            "--pidfile",
            path.join(this.dir, "builder.pid"),
            "--bridge",
            "none",
            "--iptables=false",
        ]);
        await waitFor("builder dockerd", () => succeeds("docker", ["info"], this.builderEnv), 60);
        execFileSync("docker", ["login", "--username", this.registry.user, "--password-stdin", REGISTRY_SERVER], {
            env: this.builderEnv,
            input: this.registry.password,
            stdio: ["pipe", "ignore", "pipe"],
        });
    }

    /** Creates the droplet: what cloud-init would do with its user data, then the services it enables. */
    async provisionDroplet(userData: string): Promise<void> {
        const actions = provisioningPlan(userData);
        for (const action of actions) await this.apply(action);
        fs.writeFileSync(
            "/run/cloud-init/status.json",
            JSON.stringify({
                v1: { datasource: "DataSourceNoCloud [seed=rehearsal]", stage: null, "modules-final": { errors: [], start: Date.now() / 1000 - 1, finished: Date.now() / 1000 } },
            }),
        );
        fs.writeFileSync("/run/cloud-init/result.json", JSON.stringify({ v1: { datasource: "DataSourceNoCloud [seed=rehearsal]", errors: [] } }));
    }

    private async apply(action: ProvisioningAction): Promise<void> {
        switch (action.kind) {
            case "require-packages": {
                const command: Record<string, string> = { "docker.io": "dockerd", nginx: "nginx", curl: "curl", "ca-certificates": "update-ca-certificates" };
                const missing = action.packages.filter((p) => !succeeds("sh", ["-c", `command -v ${command[p] ?? p}`]));
                if (missing.length > 0) throw new Error(`the droplet's packages are not installed here: ${missing.join(", ")} (see .ci/run)`);
                return;
            }
            case "group":
                if (!succeeds("getent", ["group", action.name])) execFileSync("groupadd", [action.name]);
                return;
            case "user": {
                execFileSync("useradd", [
                    "--create-home",
                    "--shell",
                    action.shell,
                    "--comment",
                    action.gecos,
                    "--user-group",
                    ...(action.groups.length ? ["--groups", action.groups.join(",")] : []),
                    action.name,
                ]);
                if (action.lockPassword) execFileSync("passwd", ["--lock", action.name], { stdio: "ignore" });
                const home = `/home/${action.name}`;
                fs.mkdirSync(`${home}/.ssh`, { mode: 0o700 });
                fs.writeFileSync(`${home}/.ssh/authorized_keys`, action.authorizedKeys.map((k) => `${k}\n`).join(""), { mode: 0o600 });
                execFileSync("chown", ["-R", `${action.name}:${action.name}`, `${home}/.ssh`]);
                return;
            }
            case "file":
                fs.mkdirSync(path.dirname(action.path), { recursive: true });
                fs.writeFileSync(action.path, action.content);
                fs.chmodSync(action.path, action.mode);
                return;
            case "run":
                execFileSync(action.argv[0], action.argv.slice(1), { stdio: "pipe" });
                return;
            case "service":
                for (const unit of action.units) await (action.verb === "start" ? this.startUnit(unit) : this.reloadUnit(unit));
                return;
        }
    }

    private async startUnit(unit: string): Promise<void> {
        switch (unit) {
            case "docker":
                // Reads /etc/docker/daemon.json from the user data; only its state lives in this run's folder.
                this.dropletDockerd = this.start("droplet-dockerd", "dockerd", [
                    "--data-root",
                    path.join(this.dir, "droplet-docker"),
                    "--exec-root",
                    path.join(this.dir, "droplet-docker-exec"),
                ]);
                await waitFor("the droplet's dockerd", () => succeeds("docker", ["-H", "unix:///run/docker.sock", "info"]), 60);
                return;
            case "nginx":
                execFileSync("/usr/sbin/nginx", [], { stdio: "pipe" });
                this.pidFiles.push("/run/nginx.pid");
                return;
            case "ssh":
                return this.reloadUnit("ssh");
            default:
                throw new Error(`the rehearsal cannot start the unit ${unit}`);
        }
    }

    private async reloadUnit(unit: string): Promise<void> {
        switch (unit) {
            case "ssh":
                // sshd starts (or rereads its configuration) with the user data's settings: its port among them.
                if (this.sshd) {
                    this.sshd.kill("SIGHUP");
                    return;
                }
                fs.mkdirSync("/run/sshd", { mode: 0o755, recursive: true });
                if (!fs.readdirSync("/etc/ssh").some((f) => f.startsWith("ssh_host_"))) execFileSync("ssh-keygen", ["-A"]);
                this.sshd = this.start("sshd", "/usr/sbin/sshd", ["-D", "-e", "-o", "ListenAddress=127.0.0.1", "-o", "PidFile=/run/sshd.pid"]);
                return;
            case "nginx":
                execFileSync("/usr/sbin/nginx", ["-s", "reload"], { stdio: "pipe" });
                return;
            default:
                throw new Error(`the rehearsal cannot reload the unit ${unit}`);
        }
    }

    /** The droplet's docker, as root. */
    dropletDocker(...args: string[]): string {
        return execFileSync("docker", ["-H", "unix:///run/docker.sock", ...args], { encoding: "utf8" }).trim();
    }

    async stop(): Promise<void> {
        if (this.dropletDockerd) succeeds("sh", ["-c", "docker -H unix:///run/docker.sock ps -aq | xargs -r docker -H unix:///run/docker.sock rm -f"]);
        succeeds("sh", ["-c", "docker ps -aq | xargs -r docker rm -f"], this.builderEnv);
        for (const file of this.pidFiles) if (fs.existsSync(file)) await stopPid(Number(fs.readFileSync(file, "utf8")));
        await new Promise<void>((resolve) => (this.webhookServer ? this.webhookServer.close(() => resolve()) : resolve()));
        for (const child of [...this.children].reverse()) await stopChild(child);
        const mounted = fs
            .readFileSync("/proc/self/mounts", "utf8")
            .split("\n")
            .map((line) => line.split(" ")[1])
            .filter((m) => m?.startsWith(`${this.dir}/`));
        for (const m of mounted.reverse()) succeeds("umount", ["-l", m]);
        for (const m of [...this.mounts].reverse()) succeeds("umount", ["-l", m]);
    }
}
