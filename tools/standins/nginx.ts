/**
 * nginx in the foreground (`daemon off`), started by the supervisor with its master's PID recorded;
 * `nginx -s reload` (what the release scripts run) still finds it through its pid file.
 */
import * as fs from "fs";
import * as path from "path";
import { Managed, run, Supervisor, waitFor } from "../processes";

/** A configuration of its own in `dir` for nginx on loopback: pid file, logs, temp files, and `include <dir>/sites/*.conf`. */
export function writeNginxConfig(dir: string): { readonly command: string; readonly pidFile: string; readonly sitesDir: string } {
    const sitesDir = path.join(dir, "sites");
    fs.mkdirSync(sitesDir, { recursive: true });
    fs.mkdirSync(path.join(dir, "temp"), { recursive: true });
    const conf = path.join(dir, "nginx.conf");
    const pidFile = path.join(dir, "nginx.pid");
    fs.writeFileSync(
        conf,
        [
            `pid ${pidFile};`,
            `error_log ${path.join(dir, "error.log")} info;`,
            "events { worker_connections 256; }",
            "http {",
            `  access_log ${path.join(dir, "access.log")};`,
            `  client_body_temp_path ${path.join(dir, "temp")};`,
            `  proxy_temp_path ${path.join(dir, "temp")};`,
            `  include ${sitesDir}/*.conf;`,
            "}",
            "",
        ].join("\n"),
    );
    return { command: `nginx -c ${conf}`, pidFile, sitesDir };
}

/** Starts `command` (nginx and its arguments) in the foreground and waits until it wrote `pidFile`. */
export async function startNginx(supervisor: Supervisor, command: readonly string[], pidFile: string, signal?: AbortSignal): Promise<Managed> {
    fs.rmSync(pidFile, { force: true });
    const managed = supervisor.start("nginx", command[0], [...command.slice(1), "-g", "daemon off;"]);
    await waitFor("nginx writes its pid file", () => fs.existsSync(pidFile) && fs.readFileSync(pidFile, "utf8").trim() === String(managed.pid), { deadlineMs: 15_000, signal });
    return managed;
}

/** Makes nginx re-read its configuration, as `nginx -s reload` does. */
export async function reloadNginx(command: readonly string[], signal?: AbortSignal): Promise<void> {
    await run(command[0], [...command.slice(1), "-s", "reload"], { deadlineMs: 30_000, signal });
}
