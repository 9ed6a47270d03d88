/**
 * Starting and stopping local processes for tests and the rehearsal: every process is stopped by
 * the PID this code recorded, never by name.
 */
import { ChildProcess, execFileSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

/** Debian installs PostgreSQL's server binaries outside PATH: the newest version's bin folder, if any. */
export function postgresBinDir(): string | undefined {
    const base = "/usr/lib/postgresql";
    if (!fs.existsSync(base)) return undefined;
    const versions = fs
        .readdirSync(base)
        .filter((v) => fs.existsSync(path.join(base, v, "bin/initdb")))
        .sort((a, b) => Number(b) - Number(a));
    return versions.length > 0 ? path.join(base, versions[0], "bin") : undefined;
}

export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
        server.on("error", reject);
    });
}

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, seconds = 30): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline) {
        try {
            if (await check()) return;
        } catch {
            // not ready yet
        }
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${what} did not become ready in ${seconds}s`);
}

export function portOpen(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect(port, "127.0.0.1");
        socket.once("connect", () => (socket.destroy(), resolve(true)));
        socket.once("error", () => resolve(false));
    });
}

export function succeeds(command: string, args: string[], env?: NodeJS.ProcessEnv): boolean {
    try {
        execFileSync(command, args, { stdio: "ignore", env });
        return true;
    } catch {
        return false;
    }
}

export async function stopChild(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 15000)))]);
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

export async function stopPid(pid: number): Promise<void> {
    try {
        process.kill(pid, "SIGTERM");
    } catch {
        return;
    }
    for (let i = 0; i < 100; i++) {
        try {
            process.kill(pid, 0);
        } catch {
            return;
        }
        await new Promise((r) => setTimeout(r, 100));
    }
}
