/**
 * Real components for end-to-end tests, from Debian's packages, on loopback only: Docker Engine
 * (its own socket and data root), a registry with htpasswd auth, nginx and PostgreSQL. Every process
 * is started here, its PID recorded, and exactly those PIDs are stopped by `stop()` — never by name.
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import { freePort, portOpen, postgresBinDir, stopChild, stopPid, succeeds, waitFor } from "../processes";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface Services {
    readonly dir: string;
    /** Environment for docker clients and the release scripts (DOCKER_HOST, DOCKER_CONFIG). */
    readonly env: NodeJS.ProcessEnv;
    readonly registry: { readonly address: string; readonly user: string; readonly password: string };
    readonly nginx: { readonly port: number; readonly command: string; readonly upstreamDir: string };
    readonly postgres: { readonly port: number; readonly url: string };
    /** Stops the registry (to simulate an outage) and returns a function that starts it again. */
    interruptRegistry(): Promise<() => Promise<void>>;
    stop(): Promise<void>;
}

/** The Debian packages these tests need; `.ci/run` installs them. */
export const REQUIRED_COMMANDS = ["dockerd", "docker", "docker-registry", "htpasswd", "nginx", "busybox", "curl", "initdb", "pg_ctl"];

/** Debian installs PostgreSQL's server binaries outside PATH; find them there too. */
function withPostgresOnPath(): void {
    const bin = postgresBinDir();
    if (bin && !succeeds("sh", ["-c", "command -v initdb"])) process.env.PATH = `${process.env.PATH}:${bin}`;
}

export async function startServices(): Promise<Services> {
    withPostgresOnPath();
    const missing = REQUIRED_COMMANDS.filter((c) => succeeds("sh", ["-c", `command -v ${c}`]) === false);
    if (missing.length > 0) throw new Error(`missing ${missing.join(", ")}: install docker.io docker-registry apache2-utils nginx-light busybox-static postgresql (see .ci/run)`);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pm-e2e-"));
    const children: ChildProcess[] = [];
    const logs = (name: string) => fs.openSync(path.join(dir, `${name}.log`), "a");
    const start = (name: string, command: string, args: string[], extra: { env?: NodeJS.ProcessEnv; uid?: number; gid?: number } = {}) => {
        const log = logs(name);
        const child = spawn(command, args, { stdio: ["ignore", log, log], env: { ...process.env, ...extra.env }, uid: extra.uid, gid: extra.gid });
        fs.closeSync(log);
        children.push(child);
        return child;
    };

    // Docker Engine with its own socket and data root, so it never touches another engine.
    const socket = path.join(dir, "docker.sock");
    start("dockerd", "dockerd", [
        "--host",
        `unix://${socket}`,
        "--data-root",
        path.join(dir, "docker"),
        "--exec-root",
        path.join(dir, "docker-exec"),
        "--pidfile",
        path.join(dir, "docker.pid"),
    ]);
    const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: path.join(dir, "docker-client") };
    await waitFor("dockerd", () => succeeds("docker", ["info"], env));

    // Registry with htpasswd auth, like DOCR: pushes and pulls need `docker login`.
    const registryPort = await freePort();
    const registry = { address: `127.0.0.1:${registryPort}`, user: "ci", password: "e2e-registry-password" };
    fs.writeFileSync(path.join(dir, "htpasswd"), execFileSync("htpasswd", ["-Bbn", registry.user, registry.password]));
    fs.writeFileSync(
        path.join(dir, "registry.yml"),
        [
            "version: 0.1",
            "storage:",
            `  filesystem: { rootdirectory: ${path.join(dir, "registry")} }`,
            "http:",
            `  addr: 127.0.0.1:${registryPort}`,
            "auth:",
            `  htpasswd: { realm: projectmeats-e2e, path: ${path.join(dir, "htpasswd")} }`,
            "",
        ].join("\n"),
    );
    let registryProcess = start("registry", "docker-registry", ["serve", path.join(dir, "registry.yml")]);
    await waitFor("registry", () => portOpen(registryPort));
    execFileSync("docker", ["login", "--username", registry.user, "--password-stdin", registry.address], { env, input: registry.password, stdio: ["pipe", "ignore", "pipe"] });

    // nginx as the host's reverse proxy, with the same include layout the droplets use.
    const nginxPort = await freePort();
    const upstreamDir = path.join(dir, "nginx-projectmeats");
    fs.mkdirSync(upstreamDir);
    fs.mkdirSync(path.join(dir, "nginx-temp"));
    const nginxConf = path.join(dir, "nginx.conf");
    fs.writeFileSync(
        nginxConf,
        [
            `pid ${path.join(dir, "nginx.pid")};`,
            `error_log ${path.join(dir, "nginx-error.log")} info;`,
            "events { worker_connections 256; }",
            "http {",
            `  access_log ${path.join(dir, "nginx-access.log")};`,
            `  client_body_temp_path ${path.join(dir, "nginx-temp")};`,
            `  proxy_temp_path ${path.join(dir, "nginx-temp")};`,
            `  include ${upstreamDir}/*.conf;`,
            "}",
            "",
        ].join("\n"),
    );
    const nginxCommand = `nginx -c ${nginxConf}`;

    // PostgreSQL on loopback, for the migration step.
    const pgPort = await freePort();
    // initdb and postgres refuse to run as root: run them as the `postgres` user when we are root.
    const pgDir = path.join(dir, "postgres");
    fs.mkdirSync(pgDir);
    fs.chmodSync(dir, 0o755);
    const asUser =
        process.getuid?.() === 0 ? { uid: Number(execFileSync("id", ["-u", "postgres"]).toString()), gid: Number(execFileSync("id", ["-g", "postgres"]).toString()) } : {};
    if ("uid" in asUser) fs.chownSync(pgDir, asUser.uid!, asUser.gid!);
    const pgData = path.join(pgDir, "data");
    execFileSync("initdb", ["-D", pgData, "-U", "postgres", "--auth=trust"], { stdio: "ignore", ...asUser });
    start("postgres", "postgres", ["-D", pgData, "-p", String(pgPort), "-c", "listen_addresses=127.0.0.1", "-k", pgDir], asUser);
    await waitFor("postgres", () => portOpen(pgPort));

    const services: Services = {
        dir,
        env,
        registry,
        nginx: { port: nginxPort, command: nginxCommand, upstreamDir },
        postgres: { port: pgPort, url: `postgresql://postgres@127.0.0.1:${pgPort}/postgres` },
        async interruptRegistry() {
            await stopChild(registryProcess);
            return async () => {
                registryProcess = start("registry", "docker-registry", ["serve", path.join(dir, "registry.yml")]);
                await waitFor("registry", () => portOpen(registryPort));
            };
        },
        async stop() {
            succeeds("sh", ["-c", "docker ps -aq | xargs -r docker rm -f"], env);
            const nginxPid = fs.existsSync(path.join(dir, "nginx.pid")) ? Number(fs.readFileSync(path.join(dir, "nginx.pid"), "utf8")) : undefined;
            if (nginxPid) await stopPid(nginxPid);
            for (const child of [...children].reverse()) await stopChild(child);
            // dockerd can leave its network namespace bind-mounted under the exec root.
            const mounts = fs
                .readFileSync("/proc/self/mounts", "utf8")
                .split("\n")
                .map((line) => line.split(" ")[1])
                .filter((m) => m?.startsWith(`${dir}/`));
            for (const mount of mounts.reverse()) succeeds("umount", ["-l", mount]);
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
    return services;
}

/** Starts nginx (it daemonizes; `stop()` reads its master's PID from its pid file) with a site config. */
export function startNginx(services: Services, site: string): void {
    fs.writeFileSync(path.join(services.nginx.upstreamDir, "site.conf"), site);
    execFileSync("sh", ["-c", services.nginx.command], { stdio: "ignore" });
}
