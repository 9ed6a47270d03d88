/**
 * Debian's HAProxy in master-worker mode, in the foreground (`-W -db`), its PID recorded: the master
 * stays for its whole life, and a reload (SIGUSR2 to the master) starts new workers on the new
 * configuration while the old ones finish the connections they hold ("Management guide" §4, "Stopping
 * and restarting HAProxy", docs.haproxy.org/2.6/management.html). Its runtime API socket answers the
 * scenarios' questions and keeps the servers' health across a reload (`show servers state` into the
 * configuration's server-state-file, management guide §9.3).
 */
import * as fs from "fs";
import * as net from "net";
import { Managed, portOpen, run, Supervisor, waitFor } from "../processes";

export interface HaproxyOptions {
    readonly configFile: string;
    /** The runtime API's socket, as the configuration's `stats socket` names it. */
    readonly adminSocket: string;
    /** The configuration's `server-state-file`, written before each reload. */
    readonly stateFile: string;
    /** Where it accepts connections once ready. */
    readonly listens: readonly { readonly host: string; readonly port: number }[];
    readonly signal?: AbortSignal;
}

export interface Haproxy {
    readonly managed: Managed;
    /** Re-reads the configuration file, keeping each server's health state. */
    reload(): Promise<void>;
    /** One runtime API command (e.g. `show servers state`); its answer. */
    command(line: string): Promise<string>;
}

/** Milliseconds a runtime API command may take. */
const COMMAND_DEADLINE_MS = 5000;

export async function startHaproxy(supervisor: Supervisor, options: HaproxyOptions): Promise<Haproxy> {
    // A configuration error ends here, with HAProxy's own message, before anything starts.
    const checked = await run("haproxy", ["-c", "-f", options.configFile], { deadlineMs: 30_000, signal: options.signal, allowFailure: true });
    if (checked.status !== 0) throw new Error(`the load balancer's configuration is refused by HAProxy:\n${checked.stdout}${checked.stderr}`);
    fs.rmSync(options.adminSocket, { force: true });
    const managed = supervisor.start("haproxy", "haproxy", ["-W", "-db", "-f", options.configFile]);
    const ready = async () => {
        for (const { host, port } of options.listens) if (!(await portOpen(port, host))) return false;
        return fs.existsSync(options.adminSocket);
    };
    await waitFor("HAProxy listens", ready, { deadlineMs: 15_000, signal: options.signal });
    const command = (line: string) => adminCommand(options.adminSocket, line);
    return {
        managed,
        command,
        async reload() {
            const checkedAgain = await run("haproxy", ["-c", "-f", options.configFile], { deadlineMs: 30_000, signal: options.signal, allowFailure: true });
            if (checkedAgain.status !== 0) throw new Error(`the load balancer's new configuration is refused by HAProxy:\n${checkedAgain.stdout}${checkedAgain.stderr}`);
            fs.writeFileSync(options.stateFile, await command("show servers state"));
            const before = workerPid(await command("show info"));
            process.kill(managed.pid, "SIGUSR2");
            // The socket answers from the new worker once it runs the new configuration.
            const renewed = async () => {
                const answer = await command("show info").catch(() => "");
                return workerPid(answer) !== undefined && workerPid(answer) !== before && (await ready());
            };
            await waitFor("HAProxy's new worker answers", renewed, { deadlineMs: 15_000, signal: options.signal });
        },
    };
}

/** The worker's PID in an answer to `show info` (its `Pid:` line). */
export function workerPid(info: string): number | undefined {
    const match = /^Pid: (\d+)$/m.exec(info);
    return match ? Number(match[1]) : undefined;
}

/** Sends one command to HAProxy's runtime API on `socket`; resolves with everything it answered. */
export function adminCommand(socket: string, line: string): Promise<string> {
    return new Promise((resolve, reject) => {
        const connection = net.createConnection(socket);
        const chunks: Buffer[] = [];
        const timer = setTimeout(() => {
            connection.destroy();
            reject(new Error(`HAProxy's runtime API did not answer "${line}" within ${COMMAND_DEADLINE_MS} ms`));
        }, COMMAND_DEADLINE_MS);
        connection.on("connect", () => connection.end(`${line}\n`));
        connection.on("data", (chunk: Buffer) => chunks.push(chunk));
        connection.on("error", (error) => {
            clearTimeout(timer);
            reject(new Error(`HAProxy's runtime API: ${error.message}`));
        });
        connection.on("close", () => {
            clearTimeout(timer);
            resolve(Buffer.concat(chunks).toString());
        });
    });
}
