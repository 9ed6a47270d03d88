/**
 * Needs curl and jq (ssh-window.sh calls the DigitalOcean API with them): part of `npm run test:system`.
 *
 * host/local/ssh-window.sh, the deploy's short-lived SSH firewall, against a stand-in for the
 * DigitalOcean API on 127.0.0.1 that records every call: the firewall admits only the runner's /32 on
 * the SSH port of the stack's tag, exists while the command runs, and is deleted after it on success,
 * on failure and on cancellation.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { environmentTag } from "../../model/layout";

const ROOT = path.resolve(__dirname, "../..");
const SCRIPT = "host/local/ssh-window.sh";
const TAG = environmentTag("dev");
const NAME = `ci-ssh-${TAG}-42-1`;

interface Call {
    readonly method: string;
    readonly path: string;
    readonly body?: unknown;
    /** How many of this run's firewalls existed when the call arrived. */
    readonly open: number;
}

interface StandInOptions {
    /** Firewalls that exist before the run. */
    readonly existing?: Array<{ id: string; name: string }>;
    /** Status the new firewall reports on each poll; the last one repeats. Default waiting, then succeeded. */
    readonly statuses?: string[];
    /** HTTP status of every DELETE of the new firewall. Default 204. */
    readonly deleteStatus?: number;
}

/** A stand-in for the parts of the DigitalOcean API the script uses; `/probe` and `/stopped` are the test command's. */
async function standIn(options: StandInOptions = {}) {
    const calls: Call[] = [];
    const auth = new Set<string>();
    const firewalls = new Map<string, { name: string; polls: number }>((options.existing ?? []).map((f) => [f.id, { name: f.name, polls: 0 }]));
    const statuses = options.statuses ?? ["waiting", "succeeded"];
    const mine = () => [...firewalls.values()].filter((f) => f.name === NAME).length;
    const server = http.createServer((req, res) => {
        let text = "";
        req.on("data", (d: Buffer) => (text += d.toString()));
        req.on("end", () => {
            const url = req.url ?? "";
            calls.push({ method: req.method ?? "", path: url, ...(text ? { body: JSON.parse(text) } : {}), open: mine() });
            if (url.startsWith("/v2/")) auth.add(String(req.headers.authorization));
            const json = (status: number, body?: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(body === undefined ? "" : JSON.stringify(body));
            const id = /^\/v2\/firewalls\/([^/?]+)$/.exec(url)?.[1];
            if (req.method === "GET" && url.startsWith("/v2/firewalls?")) return json(200, { firewalls: [...firewalls].map(([fid, f]) => ({ id: fid, name: f.name })) });
            if (req.method === "POST" && url === "/v2/tags") return json(201, { tag: JSON.parse(text) });
            if (req.method === "POST" && url === "/v2/firewalls") {
                firewalls.set("fw-new", { name: JSON.parse(text).name, polls: 0 });
                return json(202, { firewall: { id: "fw-new", status: "waiting", pending_changes: [] } });
            }
            if (req.method === "GET" && id && firewalls.has(id)) {
                const f = firewalls.get(id)!;
                const status = statuses[Math.min(f.polls++, statuses.length - 1)];
                return json(200, {
                    firewall: { id, name: f.name, status, pending_changes: status === "succeeded" ? [] : [{ droplet_id: 1, removing: false, status: "waiting" }] },
                });
            }
            if (req.method === "DELETE" && id) {
                const status = id === "fw-new" ? (options.deleteStatus ?? 204) : 204;
                if (status === 204) firewalls.delete(id);
                return json(status);
            }
            if (url === "/probe" || url === "/stopped") return json(200, {});
            return json(404, { id: "not_found" });
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    return {
        url: `http://127.0.0.1:${port}`,
        calls,
        auth,
        firewalls,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
}

interface Run {
    readonly status: number | null;
    readonly stderr: string;
}

/** Runs the script; `onCall` may signal it. Every run has a deadline. */
function runScript(api: string, args: string[], onProbe?: (signal: (s: NodeJS.Signals) => void) => void, calls?: Call[]): Promise<Run> {
    return new Promise((resolve, reject) => {
        const child = spawn("bash", [SCRIPT, ...args], {
            cwd: ROOT,
            env: { PATH: process.env.PATH, DIGITALOCEAN_TOKEN: "test-token", DIGITALOCEAN_API_URL: api, SSH_WINDOW_POLL_SECONDS: "0.05", SSH_WINDOW_READY_SECONDS: "5", API: api },
            stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const deadline = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`ssh-window.sh still running after 30 s:\n${stderr}`));
        }, 30000);
        let watcher: NodeJS.Timeout | undefined;
        if (onProbe && calls) {
            watcher = setInterval(() => {
                if (calls.some((c) => c.path === "/probe")) {
                    clearInterval(watcher);
                    onProbe((s) => child.kill(s));
                }
            }, 20);
        }
        child.on("close", (status) => {
            clearTimeout(deadline);
            if (watcher) clearInterval(watcher);
            resolve({ status, stderr });
        });
    });
}

const ARGS = ["--tag", TAG, "--port", "2222", "--address", "203.0.113.7", "--run", "42-1", "--"];
const PROBE = 'curl -fsS "$API/probe" >/dev/null';

/** The calls up to the command, the same in every run that opens the window. */
const OPENING = [
    { method: "GET", path: "/v2/firewalls?per_page=200", open: 0 },
    { method: "POST", path: "/v2/tags", body: { name: TAG }, open: 0 },
    {
        method: "POST",
        path: "/v2/firewalls",
        body: { name: NAME, tags: [TAG], inbound_rules: [{ protocol: "tcp", ports: "2222", sources: { addresses: ["203.0.113.7/32"] } }] },
        open: 0,
    },
    { method: "GET", path: "/v2/firewalls/fw-new", open: 1 },
    { method: "GET", path: "/v2/firewalls/fw-new", open: 1 },
];

test("success: the firewall admits only the runner's /32 on the SSH port of the stack's tag, exists while the command runs, and is deleted after", async () => {
    const api = await standIn();
    try {
        const run = await runScript(api.url, [...ARGS, "bash", "-c", PROBE]);
        expect(run.status).toBe(0);
        expect(api.calls).toEqual([...OPENING, { method: "GET", path: "/probe", open: 1 }, { method: "DELETE", path: "/v2/firewalls/fw-new", open: 1 }]);
        expect([...api.auth]).toEqual(["Bearer test-token"]);
        expect(api.firewalls.size).toBe(0);
        expect(run.stderr).toMatch(
            new RegExp(
                [
                    `^ssh-window: opened SSH port 2222 on tag ${TAG} to 203\\.0\\.113\\.7/32 \\(firewall ${NAME}, fw-new\\)`,
                    "ssh-window: firewall applied after \\d+s",
                    "ssh-window: command exited with status 0",
                    `ssh-window: closed: deleted firewall ${NAME}\n$`,
                ].join("\n"),
            ),
        );
    } finally {
        await api.close();
    }
});

test("failure: the command's exit status is kept and the firewall is deleted", async () => {
    const api = await standIn();
    try {
        const run = await runScript(api.url, [...ARGS, "bash", "-c", `${PROBE}; exit 3`]);
        expect(run.status).toBe(3);
        expect(api.calls.slice(-2)).toEqual([
            { method: "GET", path: "/probe", open: 1 },
            { method: "DELETE", path: "/v2/firewalls/fw-new", open: 1 },
        ]);
        expect(api.firewalls.size).toBe(0);
    } finally {
        await api.close();
    }
});

// GitHub cancels a job by signalling its step (SIGINT, then SIGTERM) before killing it.
test.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
] as const)("cancellation by %s: the firewall is deleted first, then the command is stopped by the same signal", async (signal, status) => {
    const api = await standIn();
    try {
        // The command records when it is stopped, so the order of deletion and stop shows in the calls.
        const command = `trap 'kill $! 2>/dev/null; curl -fsS "$API/stopped" >/dev/null; exit 9' INT TERM; ${PROBE}; sleep 30 & wait`;
        const run = await runScript(api.url, [...ARGS, "bash", "-c", command], (send) => send(signal), api.calls);
        expect(run.status).toBe(status);
        expect(api.calls.slice(OPENING.length)).toEqual([
            { method: "GET", path: "/probe", open: 1 },
            { method: "DELETE", path: "/v2/firewalls/fw-new", open: 1 },
            { method: "GET", path: "/stopped", open: 0 },
        ]);
        expect(api.firewalls.size).toBe(0);
        expect(run.stderr).toContain(`ssh-window: received ${signal}: closing SSH, then stopping the command\nssh-window: closed: deleted firewall ${NAME}\n`);
    } finally {
        await api.close();
    }
});

test("a firewall left by a killed run for the same tag is deleted before the new one opens; other firewalls are untouched", async () => {
    const api = await standIn({
        existing: [
            { id: "fw-old", name: `ci-ssh-${TAG}-41-1` },
            { id: "fw-servers", name: "projectmeats-dev-servers" },
            { id: "fw-prod", name: `ci-ssh-${environmentTag("prod")}-40-1` },
        ],
    });
    try {
        const run = await runScript(api.url, [...ARGS, "bash", "-c", PROBE]);
        expect(run.status).toBe(0);
        expect(api.calls.slice(0, 3).map((c) => `${c.method} ${c.path}`)).toEqual(["GET /v2/firewalls?per_page=200", "DELETE /v2/firewalls/fw-old", "POST /v2/tags"]);
        expect([...api.firewalls.keys()].sort()).toEqual(["fw-prod", "fw-servers"]);
        expect(run.stderr).toContain(`ssh-window: deleted ci-ssh-${TAG}-41-1, left behind by an earlier run (HTTP 204)\n`);
    } finally {
        await api.close();
    }
});

test("a firewall DigitalOcean fails to apply: the command never runs, the firewall is deleted, exit 69", async () => {
    const api = await standIn({ statuses: ["waiting", "failed"] });
    try {
        const run = await runScript(api.url, [...ARGS, "bash", "-c", PROBE]);
        expect(run.status).toBe(69);
        expect(api.calls.map((c) => c.path)).not.toContain("/probe");
        expect(api.calls.at(-1)).toEqual({ method: "DELETE", path: "/v2/firewalls/fw-new", open: 1 });
        expect(run.stderr).toContain(`ssh-window: DigitalOcean failed to apply firewall ${NAME}\n`);
    } finally {
        await api.close();
    }
});

test("a firewall that cannot be deleted fails the run loudly with exit 70, even after the command succeeded", async () => {
    const api = await standIn({ deleteStatus: 500 });
    try {
        const run = await runScript(api.url, [...ARGS, "bash", "-c", PROBE]);
        expect(run.status).toBe(70);
        expect(api.calls.filter((c) => c.method === "DELETE")).toHaveLength(3);
        expect(run.stderr).toContain(`ssh-window: SSH stays open to 203.0.113.7/32: delete firewall ${NAME} (fw-new) by hand\n`);
    } finally {
        await api.close();
    }
});

test.each([
    [["--tag", TAG, "--port", "22", "--address", "203.0.113.0/24", "--run", "1", "--", "true"], "--address must be an IPv4 address such as 203.0.113.7, got '203.0.113.0/24'"],
    [["--tag", TAG, "--port", "22", "--address", "203.0.113.256", "--run", "1", "--", "true"], "--address must be an IPv4 address such as 203.0.113.7, got '203.0.113.256'"],
    [["--tag", TAG, "--port", "0", "--address", "203.0.113.7", "--run", "1", "--", "true"], "--port must be a TCP port from 1 to 65535, got '0'"],
    [
        ["--tag", "a b", "--port", "22", "--address", "203.0.113.7", "--run", "1", "--", "true"],
        "--tag must be a DigitalOcean tag name (letters, digits, colons, dashes, underscores), got 'a b'",
    ],
    [["--tag", TAG, "--port", "22", "--address", "203.0.113.7", "--run", "1", "--"], "no command after --"],
])("bad arguments exit 64 before any API call: %j", async (args, message) => {
    const api = await standIn();
    try {
        const run = await runScript(api.url, args);
        expect(run.status).toBe(64);
        expect(run.stderr.split("\n")[0]).toBe(`ssh-window: ${message}`);
        expect(api.calls).toEqual([]);
    } finally {
        await api.close();
    }
});

test("the API base URL comes from DIGITALOCEAN_API_URL and defaults to DigitalOcean's", () => {
    expect(fs.readFileSync(path.join(ROOT, SCRIPT), "utf8")).toContain('api_url="${DIGITALOCEAN_API_URL:-https://api.digitalocean.com}"');
});
