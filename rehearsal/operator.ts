/**
 * Runs command resources the way the command provider does: remote commands over SSH (one session
 * per run, `environment` as setenv requests, `stdin` as the session's input), copies over SFTP, local
 * commands with `/bin/sh -c` where the engine runs them (the program's folder). Output lines are
 * time-stamped as they arrive, shown per the resource's `logging`, and kept for the figures.
 *
 * Every command and copy has a deadline, and the rehearsal's AbortSignal ends it early: a session
 * that never closes, or a command that never exits, fails its step instead of holding the run.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Client, ConnectConfig, SFTPWrapper } from "ssh2";
import { DeadlineError, run, StoppedError } from "../tools/processes";
import type { ExecutedType, Operator, RunResult, Step } from "./engine";

export interface OutputLine {
    readonly resource: string;
    readonly stream: "stdout" | "stderr";
    readonly line: string;
    /** Milliseconds since the epoch when the line arrived. */
    readonly at: number;
}

interface Connection {
    host: string;
    port?: number;
    user?: string;
    privateKey?: string;
    dialErrorLimit?: number;
    perDialTimeout?: number;
}

/**
 * Droplet inputs whose change the provider applies without touching what runs on the droplet
 * (terraform-provider-digitalocean resource_droplet.go `resourceDigitalOceanDropletUpdate`); a resize
 * powers the droplet off, which the rehearsal does not emulate.
 */
export const DROPLET_UPDATES_WITHOUT_EFFECT = ["name", "tags", "backups", "backupPolicy", "gracefulShutdown", "resizeDisk"];

export interface OperatorHooks {
    /** Called for a droplet's creation (a first one or a replacement): provisions the stand-in from its user data. */
    createDroplet(name: string, inputs: Record<string, unknown>): Promise<void>;
    /**
     * Called when the engine deletes a droplet (a replaced one, after every other step); absent, the
     * rehearsal's one machine was already taken over by the new droplet (./droplet.ts `replace`).
     */
    deleteDroplet?(name: string, inputs: Record<string, unknown>): Promise<void>;
    /**
     * Called for a load balancer's creation or update, with the whole of its inputs (the provider sends
     * the whole request either way); absent, a load balancer cannot be rehearsed.
     */
    configureLoadBalancer?(name: string, inputs: Record<string, unknown>): Promise<void>;
    /** Every output line of every command. */
    onLine(line: OutputLine): void;
    /** Where the engine runs the program and the command provider: the folder of Pulumi.yaml's `main`. */
    readonly cwd: string;
    /** Environment of `pulumi up`, inherited by local commands. */
    readonly env: NodeJS.ProcessEnv;
    /** Called as each resource operation starts, e.g. `replace release-rehearsal-migrate`. */
    onStep?(description: string): void;
    /** Ends every command and copy in flight, and refuses new ones. */
    readonly signal: AbortSignal;
    /** Milliseconds one command or copy may take. */
    readonly deadlineMs: number;
}

/** Which streams a resource's `logging` shows (the provider's default shows both). */
export function loggedStreams(logging: unknown): ("stdout" | "stderr")[] {
    switch (logging) {
        case "none":
            return [];
        case "stdout":
            return ["stdout"];
        case "stderr":
            return ["stderr"];
        default:
            return ["stdout", "stderr"];
    }
}

/** The provider's error for a failed command: the command, then everything it printed. */
export function commandError(exit: string, command: string, output: string): Error {
    return new Error(`${exit}: running ${JSON.stringify(command)}:\n${output}`);
}

/** Counts what happened on the wire, to prove that a no-op run opened no session. */
export interface Counters {
    sshSessions: number;
    localProcesses: number;
}

export class HostOperator implements Operator {
    public readonly counters: Counters = { sshSessions: 0, localProcesses: 0 };

    constructor(private readonly hooks: OperatorHooks) {}

    async create(step: Step): Promise<RunResult> {
        this.hooks.onStep?.(`${step.action} ${step.name}`);
        return this.run(step.type, step.name, step.inputs, "create", undefined);
    }

    async update(step: Step): Promise<RunResult> {
        this.hooks.onStep?.(`${step.action} ${step.name}`);
        if (step.type === "digitalocean:index/droplet:Droplet") {
            const emulated = step.changed.filter((key) => !DROPLET_UPDATES_WITHOUT_EFFECT.includes(key));
            if (emulated.length > 0) throw new Error(`the rehearsal cannot update a droplet's ${emulated.join(", ")} in place`);
            return { stdout: "", stderr: "" };
        }
        if (step.type === "command:remote:CopyToRemote") {
            // The provider copies again only when the content or the destination changed.
            const old = step.old?.inputs ?? {};
            if (assetHash(old.source, this.hooks.cwd) === assetHash(step.inputs.source, this.hooks.cwd) && old.remotePath === step.inputs.remotePath)
                return { stdout: "", stderr: "" };
        }
        return this.run(step.type, step.name, step.inputs, typeof step.inputs.update === "string" ? "update" : "create", step.old?.outputs);
    }

    async delete(type: ExecutedType, name: string, inputs: Record<string, unknown>): Promise<void> {
        this.hooks.onStep?.(`delete ${name}`);
        if (type === "digitalocean:index/droplet:Droplet") {
            // Without the hook, the replacement already took the one local machine over (./droplet.ts `replace`).
            await this.hooks.deleteDroplet?.(name, inputs);
            return;
        }
        if (typeof inputs.delete === "string") await this.run(type, name, inputs, "delete", undefined);
    }

    private async run(
        type: ExecutedType,
        name: string,
        inputs: Record<string, unknown>,
        which: "create" | "update" | "delete",
        previous: { stdout?: string; stderr?: string } | undefined,
    ): Promise<RunResult> {
        switch (type) {
            case "digitalocean:index/droplet:Droplet":
                await this.hooks.createDroplet(name, inputs);
                return { stdout: "", stderr: "" };
            case "digitalocean:index/loadBalancer:LoadBalancer":
                if (!this.hooks.configureLoadBalancer) throw new Error(`${name}: this rehearsal has no load balancer stand-in (npm run rehearse:lb has)`);
                await this.hooks.configureLoadBalancer(name, inputs);
                return { stdout: "", stderr: "" };
            case "command:remote:CopyToRemote":
                await this.copy(name, inputs);
                return { stdout: "", stderr: "" };
            case "command:remote:Command":
            case "command:local:Command": {
                const command = inputs[which];
                if (typeof command !== "string") return { stdout: "", stderr: "" };
                const environment = { ...((inputs.environment as Record<string, string> | undefined) ?? {}) };
                if (inputs.addPreviousOutputInEnv !== false && previous) {
                    if (previous.stdout) environment.PULUMI_COMMAND_STDOUT = previous.stdout;
                    if (previous.stderr) environment.PULUMI_COMMAND_STDERR = previous.stderr;
                }
                const stdin = typeof inputs.stdin === "string" ? inputs.stdin : "";
                const shown = loggedStreams(inputs.logging);
                return type === "command:local:Command"
                    ? this.runLocal(name, command, environment, stdin, shown, inputs.dir as string | undefined)
                    : this.runRemote(name, inputs.connection as Connection, command, environment, stdin, shown);
            }
        }
    }

    /**
     * Collects a command's two streams as the provider does (each alone, and both interleaved for the
     * error), time-stamping lines as they arrive and showing those `logging` asks for.
     */
    private collector(resource: string, shown: string[]) {
        const text = { stdout: "", stderr: "", both: "" };
        const partial = { stdout: "", stderr: "" };
        const emit = (stream: "stdout" | "stderr", chunk: string) => {
            const at = Date.now();
            const lines = (partial[stream] + chunk).split("\n");
            partial[stream] = lines.pop() ?? "";
            for (const line of lines) {
                this.hooks.onLine({ resource, stream, line, at });
                if (shown.includes(stream)) process.stdout.write(`      ${resource}: ${line}\n`);
            }
        };
        return {
            write(stream: "stdout" | "stderr", data: Buffer): void {
                text[stream] += data;
                text.both += data;
                emit(stream, data.toString());
            },
            /** Flushes last partial lines; the outputs without their final newline, as the provider keeps them. */
            finish(): RunResult & { both: string } {
                for (const stream of ["stdout", "stderr"] as const) if (partial[stream] !== "") emit(stream, "\n");
                return { stdout: text.stdout.replace(/\n$/, ""), stderr: text.stderr.replace(/\n$/, ""), both: text.both };
            },
        };
    }

    private async runRemote(name: string, connection: Connection, command: string, environment: Record<string, string>, stdin: string, shown: string[]): Promise<RunResult> {
        const client = await dial(connection, this.hooks.signal);
        this.counters.sshSessions++;
        try {
            return await bounded(client, `${name}: ${JSON.stringify(command)}`, this.hooks.deadlineMs, this.hooks.signal, (resolve, reject) => {
                client.exec(command, { env: environment }, (err, channel) => {
                    if (err) return reject(err);
                    const output = this.collector(name, shown);
                    channel.on("data", (d: Buffer) => output.write("stdout", d));
                    channel.stderr.on("data", (d: Buffer) => output.write("stderr", d));
                    let code: number | null = null;
                    let signal: string | undefined;
                    channel.on("exit", (c: number | null, s?: string) => ((code = c), (signal = s)));
                    channel.on("close", () => {
                        const { stdout, stderr, both } = output.finish();
                        if (code === 0) resolve({ stdout, stderr });
                        else reject(commandError(signal ? `Process exited with signal ${signal}` : `Process exited with status ${code}`, command, both));
                    });
                    channel.end(stdin.length > 0 ? stdin : undefined);
                });
            });
        } finally {
            client.end();
        }
    }

    private async runLocal(name: string, command: string, environment: Record<string, string>, stdin: string, shown: string[], dir: string | undefined): Promise<RunResult> {
        this.counters.localProcesses++;
        const output = this.collector(name, shown);
        const result = await run("/bin/sh", ["-c", command], {
            cwd: dir ?? this.hooks.cwd,
            env: { ...this.hooks.env, ...environment },
            input: stdin,
            deadlineMs: this.hooks.deadlineMs,
            signal: this.hooks.signal,
            allowFailure: true,
            onOutput: (stream, chunk) => output.write(stream, chunk),
        });
        const { stdout, stderr, both } = output.finish();
        if (result.status === 0) return { stdout, stderr };
        throw commandError(result.status === null ? `signal ${result.signal}` : `exit status ${result.status}`, command, both);
    }

    private async copy(name: string, inputs: Record<string, unknown>): Promise<void> {
        const source = assetPath(inputs.source, this.hooks.cwd);
        const remotePath = String(inputs.remotePath);
        const client = await dial(inputs.connection as Connection, this.hooks.signal);
        this.counters.sshSessions++;
        try {
            const destination = await bounded<string>(client, `${name}: copying ${source}`, this.hooks.deadlineMs, this.hooks.signal, (resolve, reject) =>
                client.sftp((err, sftp: SFTPWrapper) => {
                    if (err) return reject(err);
                    // As the provider: a file copied onto an existing directory lands inside it; only the last
                    // element of the destination is created.
                    sftp.stat(remotePath, (statError, stats) => {
                        const destination = !statError && stats.isDirectory() ? path.posix.join(remotePath, path.basename(source)) : remotePath;
                        sftp.fastPut(source, destination, (putError) =>
                            putError ? reject(new Error(`failed to create remote file ${destination}: ${putError.message}`)) : resolve(destination),
                        );
                    });
                }),
            );
            this.hooks.onLine({ resource: name, stream: "stdout", line: `copied ${source} to ${destination}`, at: Date.now() });
        } finally {
            client.end();
        }
    }
}

/** The file behind a FileAsset input (`{path}` with the asset signature). */
export function assetPath(asset: unknown, cwd: string): string {
    const p = (asset as { path?: unknown } | undefined)?.path;
    if (typeof p !== "string") throw new Error(`CopyToRemote needs a path-based FileAsset, got ${JSON.stringify(asset)}`);
    return path.resolve(cwd, p);
}

function assetHash(asset: unknown, cwd: string): string {
    const p = (asset as { path?: unknown } | undefined)?.path;
    const file = typeof p === "string" ? path.resolve(cwd, p) : "";
    return file && fs.existsSync(file) ? crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex") : JSON.stringify(asset);
}

/**
 * Runs `body` on an SSH connection until it settles, `deadlineMs` passes or `signal` aborts; in the
 * last two cases the connection is closed, which ends whatever the session was doing.
 */
function bounded<T>(
    client: Client,
    what: string,
    deadlineMs: number,
    signal: AbortSignal,
    body: (resolve: (value: T) => void, reject: (error: Error) => void) => void,
): Promise<T> {
    if (signal.aborted) return Promise.reject(new StoppedError(`${what}: stopped`));
    return new Promise<T>((resolve, reject) => {
        let settled = false;
        const settle = (error: Error | undefined, value?: T) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            signal.removeEventListener("abort", onAbort);
            if (error) {
                client.destroy();
                reject(error);
            } else resolve(value as T);
        };
        const timer = setTimeout(() => settle(new DeadlineError(`${what}: no result within ${deadlineMs / 1000}s (connection closed)`)), deadlineMs);
        const onAbort = () => settle(new StoppedError(`${what}: stopped`));
        signal.addEventListener("abort", onAbort, { once: true });
        client.once("close", () => settle(new Error(`${what}: the SSH connection closed`)));
        client.on("error", (error) => settle(new Error(`${what}: ${error.message}`)));
        body(
            (value) => settle(undefined, value),
            (error) => settle(error),
        );
    });
}

/** Dials with the provider's retry bounds: `dialErrorLimit` attempts of `perDialTimeout` seconds. */
export async function dial(connection: Connection, signal?: AbortSignal): Promise<Client> {
    const limit = connection.dialErrorLimit ?? 10;
    let lastError: Error | undefined;
    for (let attempt = 1; attempt <= limit; attempt++) {
        if (signal?.aborted) throw new StoppedError(`ssh: dialing ${connection.host}: stopped`);
        try {
            return await new Promise<Client>((resolve, reject) => {
                const client = new Client();
                const config: ConnectConfig = {
                    host: connection.host,
                    port: connection.port ?? 22,
                    username: connection.user ?? "root",
                    privateKey: connection.privateKey,
                    readyTimeout: (connection.perDialTimeout ?? 15) * 1000,
                };
                client.once("ready", () => resolve(client));
                client.once("error", (error) => (client.destroy(), reject(error)));
                client.connect(config);
            });
        } catch (e) {
            lastError = e as Error;
            await new Promise((r) => setTimeout(r, 200));
        }
    }
    throw new Error(`ssh: could not dial ${connection.user ?? "root"}@${connection.host}:${connection.port ?? 22} after ${limit} attempts: ${lastError?.message}`);
}
