/** OpenSSH's sshd in the foreground (`-D`), its log in the supervisor's folder, reloaded with SIGHUP by its PID. */
import * as fs from "fs";
import { Managed, run, Supervisor, waitFor } from "../processes";

export interface Sshd {
    readonly managed: Managed;
    /** Makes sshd re-read its configuration (SIGHUP to the PID it was started with). */
    reload(): void;
}

/**
 * Starts sshd with the machine's configuration and these `-o` options (e.g. `ListenAddress=127.0.0.1`),
 * creating host keys when there are none, and waits until it wrote its pid file.
 */
export async function startSshd(supervisor: Supervisor, options: readonly string[], pidFile: string, signal?: AbortSignal): Promise<Sshd> {
    fs.mkdirSync("/run/sshd", { mode: 0o755, recursive: true });
    if (!fs.readdirSync("/etc/ssh").some((f) => f.startsWith("ssh_host_"))) await run("ssh-keygen", ["-A"], { deadlineMs: 60_000, signal });
    const managed = supervisor.start("sshd", "/usr/sbin/sshd", ["-D", "-e", ...options.flatMap((o) => ["-o", o]), "-o", `PidFile=${pidFile}`]);
    await waitFor("sshd writes its pid file", () => fs.existsSync(pidFile), { deadlineMs: 15_000, signal });
    return {
        managed,
        reload() {
            process.kill(managed.pid, "SIGHUP");
        },
    };
}
