/**
 * PostgreSQL from Debian's server binaries, run as the `postgres` Unix user (initdb and postgres refuse
 * to run as root), with its data and socket in the caller's folder. With `tls`, it is as DigitalOcean
 * runs a managed cluster: connections over TCP must use TLS and a password.
 */
import * as fs from "fs";
import * as path from "path";
import { portOpen, run, Supervisor, waitFor } from "../processes";

export interface PostgresOptions {
    /** Its folder: data, socket, certificate. Its parent must be one the `postgres` user may enter. */
    readonly dir: string;
    readonly port: number;
    /** Addresses to listen on; the first is waited for. */
    readonly listen: readonly string[];
    /** The superuser initdb creates, e.g. `postgres` or DigitalOcean's `doadmin`. */
    readonly superuser: string;
    /** Require TLS with this certificate and key, and passwords (scram-sha-256), over TCP. Default: trust, no TLS. */
    readonly tls?: { readonly certFile: string; readonly keyFile: string };
    readonly signal?: AbortSignal;
}

export interface Postgres {
    readonly port: number;
    readonly superuser: string;
    /** Runs SQL as the superuser over the Unix socket; resolves the unaligned result. */
    psql(database: string, sql: string): Promise<string>;
}

/** The `postgres` user's ids when this process is root (it cannot run PostgreSQL as root); else none. */
async function postgresUser(signal?: AbortSignal): Promise<{ uid?: number; gid?: number }> {
    if (process.getuid?.() !== 0) return {};
    const id = async (flag: string) => Number((await run("id", [flag, "postgres"], { deadlineMs: 10_000, signal })).stdout);
    return { uid: await id("-u"), gid: await id("-g") };
}

export async function startPostgres(supervisor: Supervisor, options: PostgresOptions): Promise<Postgres> {
    const user = await postgresUser(options.signal);
    fs.mkdirSync(options.dir, { recursive: true });
    const own = (file: string) => user.uid !== undefined && fs.chownSync(file, user.uid, user.gid!);
    own(options.dir);
    const data = path.join(options.dir, "data");
    const settings = ["-c", `listen_addresses=${options.listen.join(",")}`];
    if (options.tls) {
        for (const [from, to] of [
            [options.tls.certFile, "server.crt"],
            [options.tls.keyFile, "server.key"],
        ]) {
            fs.copyFileSync(from, path.join(options.dir, to));
            own(path.join(options.dir, to));
            fs.chmodSync(path.join(options.dir, to), 0o600);
        }
        settings.push("-c", "ssl=on", "-c", `ssl_cert_file=${options.dir}/server.crt`, "-c", `ssl_key_file=${options.dir}/server.key`);
    }
    const hostAuth = options.tls ? "scram-sha-256" : "trust";
    await run("initdb", ["-D", data, "-U", options.superuser, "--auth-local=trust", `--auth-host=${hostAuth}`], {
        deadlineMs: 120_000,
        output: "ignore",
        signal: options.signal,
        ...user,
    });
    fs.writeFileSync(
        path.join(data, "pg_hba.conf"),
        (options.tls
            ? ["local all all trust", "hostnossl all all 0.0.0.0/0 reject", "hostssl all all 0.0.0.0/0 scram-sha-256"]
            : ["local all all trust", "host all all 0.0.0.0/0 trust"]
        ).join("\n") + "\n",
    );
    supervisor.start("postgres", "postgres", ["-D", data, "-p", String(options.port), "-k", options.dir, ...settings], { ...user, graceMs: 20_000 });
    const psql = async (database: string, sql: string) => {
        const args = ["-h", options.dir, "-p", String(options.port), "-U", options.superuser, "-d", database, "-v", "ON_ERROR_STOP=1", "-At"];
        // The SQL goes on standard input: passwords in it never show in a process list or an error.
        return (await run("psql", args, { deadlineMs: 30_000, input: sql, signal: options.signal, ...user })).stdout.trim();
    };
    await waitFor("PostgreSQL listens", () => portOpen(options.port, options.listen[0]), { deadlineMs: 60_000, signal: options.signal });
    await waitFor("PostgreSQL accepts queries", async () => (await psql("postgres", "SELECT 1")) === "1", { deadlineMs: 30_000, signal: options.signal });
    return { port: options.port, superuser: options.superuser, psql };
}
