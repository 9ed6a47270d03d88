/**
 * The distribution registry (Debian's `docker-registry`) with htpasswd auth, like DOCR: pushes and
 * pulls need `docker login`.
 */
import * as fs from "fs";
import * as path from "path";
import { Managed, portOpen, run, Supervisor, waitFor } from "../processes";

export interface RegistryOptions {
    /** Its folder: configuration, password file and storage. */
    readonly dir: string;
    readonly host: string;
    readonly port: number;
    readonly user: string;
    readonly password: string;
    /**
     * Serve HTTPS with this certificate, as DOCR does. Docker Engine pulls over plain HTTP only from a
     * loopback address or a registry it is told is insecure ("Test an insecure registry",
     * docs.docker.com/registry/insecure/), so a registry other machines reach needs it.
     */
    readonly tls?: { readonly certFile: string; readonly keyFile: string };
    readonly signal?: AbortSignal;
}

export interface Registry {
    /** `host:port`, as image references and `docker login` name it. */
    readonly address: string;
    readonly user: string;
    readonly password: string;
    /** Stops it (an outage); `start()` brings it back with the same storage. */
    stop(): Promise<void>;
    start(): Promise<void>;
}

export async function startRegistry(supervisor: Supervisor, options: RegistryOptions): Promise<Registry> {
    fs.mkdirSync(options.dir, { recursive: true });
    const htpasswd = path.join(options.dir, "htpasswd");
    fs.writeFileSync(htpasswd, (await run("htpasswd", ["-Bbn", options.user, options.password], { deadlineMs: 30_000, signal: options.signal })).stdout);
    const config = path.join(options.dir, "registry.yml");
    fs.writeFileSync(
        config,
        [
            "version: 0.1",
            "log: { level: warn }",
            `storage: { filesystem: { rootdirectory: ${path.join(options.dir, "storage")} }, delete: { enabled: true } }`,
            `http: { addr: "${options.host}:${options.port}"${options.tls ? `, tls: { certificate: ${options.tls.certFile}, key: ${options.tls.keyFile} }` : ""} }`,
            `auth: { htpasswd: { realm: projectmeats-standin, path: ${htpasswd} } }`,
            "",
        ].join("\n"),
    );
    let managed: Managed | undefined;
    const registry: Registry = {
        address: `${options.host}:${options.port}`,
        user: options.user,
        password: options.password,
        async start() {
            managed = supervisor.start("registry", "docker-registry", ["serve", config]);
            await waitFor("the registry listens", () => portOpen(options.port, options.host), { deadlineMs: 30_000, signal: options.signal });
        },
        async stop() {
            if (managed) await supervisor.stopOne(managed);
            managed = undefined;
        },
    };
    await registry.start();
    return registry;
}
