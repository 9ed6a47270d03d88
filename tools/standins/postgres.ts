/**
 * PostgreSQL from Debian's server binaries, run as the `postgres` Unix user (initdb and postgres refuse
 * to run as root), with its data and socket in the caller's folder. With `tls`, it is as DigitalOcean
 * runs a managed cluster: connections over TCP must use TLS and a password.
 *
 * By default the machine's own PostgreSQL runs (bookworm's 15 here). With `chroot`, another version runs
 * from a Debian root filesystem (e.g. trixie's postgresql-17, DigitalOcean's default): initdb, postgres
 * and psql run under `chroot --userspec` as that root's `postgres` user, and `dir` must lie inside the
 * root. chroot execs postgres, so the PID the supervisor records is the server's own.
 */
import * as fs from "fs";
import * as path from "path";
import { Managed, portOpen, run, Supervisor, waitFor } from "../processes";

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
    /** Run the binaries of `binDir` from the root filesystem `root` (which holds `dir`). Default: the machine's. */
    readonly chroot?: { readonly root: string; readonly binDir: string };
    readonly signal?: AbortSignal;
}

export interface Postgres {
    readonly port: number;
    readonly superuser: string;
    /** `server_version` as the server reports it, e.g. `17.12 (Debian 17.12-0+deb13u1)`. */
    readonly version: string;
    /** Runs SQL as the superuser over the Unix socket; resolves the unaligned result. */
    psql(database: string, sql: string): Promise<string>;
    /** Reloads the server's configuration and TLS files (`pg_reload_conf()`). */
    reload(): Promise<void>;
    /** Stops the server (by its PID, a fast shutdown: its clients' connections end at once), and starts it again. */
    stop(): Promise<void>;
    start(): Promise<void>;
}

/** The `postgres` user's ids when this process is root (it cannot run PostgreSQL as root); else none. */
async function postgresUser(signal?: AbortSignal): Promise<{ uid?: number; gid?: number }> {
    if (process.getuid?.() !== 0) return {};
    const id = async (flag: string) => Number((await run("id", [flag, "postgres"], { deadlineMs: 10_000, signal })).stdout);
    return { uid: await id("-u"), gid: await id("-g") };
}

/** The `postgres` user's ids in a root filesystem's /etc/passwd. */
function postgresUserIn(root: string): { uid: number; gid: number } {
    const line = fs
        .readFileSync(path.join(root, "etc/passwd"), "utf8")
        .split("\n")
        .find((l) => l.startsWith("postgres:"));
    if (!line) throw new Error(`${root} has no postgres user`);
    const [, , uid, gid] = line.split(":");
    return { uid: Number(uid), gid: Number(gid) };
}

/**
 * How to start one of PostgreSQL's programs: on this machine as the `postgres` user, or under chroot in
 * `options.chroot.root` as that root's `postgres` user; `inner` maps a path of ours to the program's view.
 */
async function launcher(options: PostgresOptions): Promise<{
    user: { uid?: number; gid?: number };
    inner: (file: string) => string;
    command: (program: string, args: string[]) => { command: string; args: string[]; ids: { uid?: number; gid?: number } };
}> {
    if (!options.chroot) {
        const user = await postgresUser(options.signal);
        return { user, inner: (file) => file, command: (program, args) => ({ command: program, args, ids: user }) };
    }
    const { root, binDir } = options.chroot;
    const rootDir = path.resolve(root);
    if (!path.resolve(options.dir).startsWith(`${rootDir}/`)) throw new Error(`the database's folder ${options.dir} must lie inside its root ${root}`);
    const user = postgresUserIn(rootDir);
    return {
        user,
        inner: (file) => path.resolve(file).slice(rootDir.length),
        command: (program, args) => ({ command: "chroot", args: [`--userspec=${user.uid}:${user.gid}`, rootDir, path.posix.join(binDir, program), ...args], ids: {} }),
    };
}

export async function startPostgres(supervisor: Supervisor, options: PostgresOptions): Promise<Postgres> {
    const { user, inner, command } = await launcher(options);
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
        settings.push("-c", "ssl=on", "-c", `ssl_cert_file=${inner(options.dir)}/server.crt`, "-c", `ssl_key_file=${inner(options.dir)}/server.key`);
    }
    const hostAuth = options.tls ? "scram-sha-256" : "trust";
    const initdb = command("initdb", ["-D", inner(data), "-U", options.superuser, "--auth-local=trust", `--auth-host=${hostAuth}`]);
    await run(initdb.command, initdb.args, { deadlineMs: 120_000, output: "ignore", signal: options.signal, ...initdb.ids });
    fs.writeFileSync(
        path.join(data, "pg_hba.conf"),
        (options.tls
            ? ["local all all trust", "hostnossl all all 0.0.0.0/0 reject", "hostssl all all 0.0.0.0/0 scram-sha-256"]
            : ["local all all trust", "host all all 0.0.0.0/0 trust"]
        ).join("\n") + "\n",
    );
    const server = command("postgres", ["-D", inner(data), "-p", String(options.port), "-k", inner(options.dir), ...settings]);
    const psql = async (database: string, sql: string) => {
        const client = command("psql", ["-h", inner(options.dir), "-p", String(options.port), "-U", options.superuser, "-d", database, "-v", "ON_ERROR_STOP=1", "-At"]);
        // The SQL goes on standard input: passwords in it never show in a process list or an error.
        return (await run(client.command, client.args, { deadlineMs: 30_000, input: sql, signal: options.signal, ...client.ids })).stdout.trim();
    };
    let managed: Managed | undefined;
    const start = async () => {
        managed = supervisor.start("postgres", server.command, server.args, { ...server.ids, graceMs: 20_000 });
        await waitFor("PostgreSQL listens", () => portOpen(options.port, options.listen[0]), { deadlineMs: 60_000, signal: options.signal });
        // Listening comes before accepting: "the database system is starting up" until recovery ends.
        await waitFor("PostgreSQL accepts queries", async () => (await psql("postgres", "SELECT 1").catch(() => "")) === "1", { deadlineMs: 30_000, signal: options.signal });
    };
    await start();
    const version = await psql("postgres", "SHOW server_version");
    return {
        port: options.port,
        superuser: options.superuser,
        version,
        psql,
        reload: async () => void (await psql("postgres", "SELECT pg_reload_conf()")),
        stop: async () => {
            if (!managed) return;
            // Fast shutdown (SIGINT): its sessions end at once. SIGTERM alone is a smart shutdown, which
            // waits for every client, and the app's persistent connections would hold it until the grace ends.
            try {
                process.kill(managed.pid, "SIGINT");
            } catch {
                // already gone
            }
            await supervisor.stopOne(managed);
            managed = undefined;
        },
        start,
    };
}
