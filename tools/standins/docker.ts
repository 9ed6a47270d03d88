/**
 * A Docker Engine of its own: its data and exec roots in the caller's folder, stopped by its PID. With
 * no `socket` it takes the machine's defaults (`/run/docker.sock`, `/etc/docker/daemon.json`), as the
 * rehearsal's droplet does inside its own mount namespace.
 */
import { Managed, run, RunOptions, succeeds, Supervisor, waitFor } from "../processes";

export interface DockerdOptions {
    /** Name of its log and of its process in the supervisor. */
    readonly name: string;
    readonly dataRoot: string;
    readonly execRoot: string;
    /** Unix socket to listen on; default the machine's `/run/docker.sock`. */
    readonly socket?: string;
    readonly configFile?: string;
    readonly pidFile?: string;
    /** Where its clients keep their configuration (DOCKER_CONFIG), e.g. registry logins. */
    readonly clientConfigDir?: string;
    /** No default bridge and no iptables rules: for an engine that only builds and pushes. */
    readonly buildOnly?: boolean;
    /** Milliseconds to wait for it to answer. Default 60 000. */
    readonly readyMs?: number;
    readonly signal?: AbortSignal;
}

export interface DockerEngine {
    /** Its process, to stop it by its PID. */
    readonly managed: Managed;
    /** Environment for its clients (DOCKER_HOST, DOCKER_CONFIG), on top of this process's. */
    readonly env: NodeJS.ProcessEnv;
    /** Runs `docker ARGS` against this engine; resolves its trimmed standard output. */
    docker(args: readonly string[], options?: Partial<RunOptions>): Promise<string>;
    /** Removes every container it has (bounded); for stopping. */
    removeAllContainers(): Promise<void>;
}

export async function startDockerd(supervisor: Supervisor, options: DockerdOptions): Promise<DockerEngine> {
    const args = ["--data-root", options.dataRoot, "--exec-root", options.execRoot];
    if (options.socket) args.push("--host", `unix://${options.socket}`);
    if (options.configFile) args.push("--config-file", options.configFile);
    if (options.pidFile) args.push("--pidfile", options.pidFile);
    if (options.buildOnly) args.push("--bridge", "none", "--iptables=false");
    // dockerd stops its containers on SIGTERM, allowing each 10 s.
    const managed = supervisor.start(options.name, "dockerd", args, { graceMs: 30_000 });
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        DOCKER_HOST: `unix://${options.socket ?? "/run/docker.sock"}`,
        ...(options.clientConfigDir ? { DOCKER_CONFIG: options.clientConfigDir } : {}),
    };
    const docker = async (dockerArgs: readonly string[], runOptions: Partial<RunOptions> = {}) =>
        (await run("docker", dockerArgs, { deadlineMs: 60_000, env, signal: options.signal, ...runOptions })).stdout.trim();
    await waitFor(`${options.name} answers`, () => succeeds("docker", ["info"], { deadlineMs: 10_000, env, signal: options.signal }), {
        deadlineMs: options.readyMs ?? 60_000,
        intervalMs: 200,
        signal: options.signal,
    });
    return {
        managed,
        env,
        docker,
        async removeAllContainers() {
            const ids = (await run("docker", ["ps", "-aq"], { deadlineMs: 15_000, env, allowFailure: true })).stdout.split("\n").filter(Boolean);
            if (ids.length > 0) await run("docker", ["rm", "-f", ...ids], { deadlineMs: 60_000, env, allowFailure: true });
        },
    };
}
