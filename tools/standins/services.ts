/**
 * Real components for the release scripts' end-to-end tests and benchmark, from Debian's packages, on
 * loopback only: Docker Engine (its own socket and data root), a registry with htpasswd auth, nginx
 * and PostgreSQL. Every process is started with its PID recorded and exactly those are stopped by
 * `stop()` — never by name.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { freePort, missingCommands, pathWithPostgres, run, Supervisor } from "../processes";
import { startDockerd } from "./docker";
import { startNginx, writeNginxConfig } from "./nginx";
import { startPostgres } from "./postgres";
import { Registry, startRegistry } from "./registry";

export interface Services {
    readonly dir: string;
    /** Environment for docker clients and the release scripts (DOCKER_HOST, DOCKER_CONFIG). */
    readonly env: NodeJS.ProcessEnv;
    readonly registry: Registry;
    /** nginx's port, its command line (what deploy.sh reloads with), and the folder its sites are included from. */
    readonly nginx: { readonly port: number; readonly command: string; readonly upstreamDir: string };
    readonly postgres: { readonly port: number; readonly url: string };
    /** Starts nginx with `site` as its one site. */
    startNginx(site: string): Promise<void>;
    stop(): Promise<void>;
}

/** The Debian packages these need; `npm run setup:system` installs them. */
export const REQUIRED_COMMANDS = ["dockerd", "docker", "docker-registry", "htpasswd", "nginx", "busybox", "curl", "initdb", "postgres", "psql"];

export async function startServices(): Promise<Services> {
    process.env.PATH = pathWithPostgres();
    const missing = missingCommands(REQUIRED_COMMANDS);
    if (missing.length > 0) throw new Error(`missing ${missing.join(", ")}: run npm run setup:system`);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pm-e2e-"));
    // The postgres user must reach its folder inside.
    fs.chmodSync(dir, 0o755);
    const supervisor = new Supervisor(path.join(dir, "logs"));
    let engine: Awaited<ReturnType<typeof startDockerd>> | undefined;
    let stopped = false;
    const stop = async () => {
        if (stopped) return;
        stopped = true;
        await engine?.removeAllContainers();
        await supervisor.stopAll();
        // dockerd can leave its network namespace bind-mounted under its exec root.
        const mounts = fs
            .readFileSync("/proc/self/mounts", "utf8")
            .split("\n")
            .map((line) => line.split(" ")[1])
            .filter((m) => m?.startsWith(`${dir}/`));
        for (const mount of mounts.reverse()) await run("umount", ["-l", mount], { deadlineMs: 10_000, allowFailure: true });
        fs.rmSync(dir, { recursive: true, force: true });
    };
    try {
        engine = await startDockerd(supervisor, {
            name: "dockerd",
            socket: path.join(dir, "docker.sock"),
            dataRoot: path.join(dir, "docker"),
            execRoot: path.join(dir, "docker-exec"),
            pidFile: path.join(dir, "docker.pid"),
            clientConfigDir: path.join(dir, "docker-client"),
        });
        const env = engine.env;
        const registry = await startRegistry(supervisor, {
            dir: path.join(dir, "registry"),
            host: "127.0.0.1",
            port: await freePort(),
            user: "ci",
            password: "e2e-registry-password",
        });
        await run("docker", ["login", "--username", registry.user, "--password-stdin", registry.address], { deadlineMs: 30_000, env, input: registry.password });
        const pgPort = await freePort();
        await startPostgres(supervisor, { dir: path.join(dir, "postgres"), port: pgPort, listen: ["127.0.0.1"], superuser: "postgres" });
        const nginxPort = await freePort();
        const nginx = writeNginxConfig(path.join(dir, "nginx"));
        return {
            dir,
            env,
            registry,
            nginx: { port: nginxPort, command: nginx.command, upstreamDir: nginx.sitesDir },
            postgres: { port: pgPort, url: `postgresql://postgres@127.0.0.1:${pgPort}/postgres` },
            async startNginx(site: string) {
                fs.writeFileSync(path.join(nginx.sitesDir, "site.conf"), site);
                await startNginx(supervisor, nginx.command.split(" "), nginx.pidFile);
            },
            stop,
        };
    } catch (error) {
        await stop();
        throw error;
    }
}
