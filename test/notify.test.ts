/** host/local/notify.mjs against a webhook receiver on loopback. */
import { spawn } from "child_process";
import * as http from "http";
import * as path from "path";

const SCRIPT = path.resolve(__dirname, "../host/local/notify.mjs");

interface Received {
    path: string;
    body: Record<string, unknown>;
}

async function receiver(answers: number[]): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
    const received: Received[] = [];
    const server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (d: Buffer) => (body += d.toString()));
        req.on("end", () => {
            received.push({ path: req.url ?? "", body: JSON.parse(body) });
            res.writeHead(answers[received.length - 1] ?? 200).end("ok");
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function notify(stdin: string, env: Record<string, string> = {}): Promise<{ status: number | null; output: string }> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [SCRIPT], {
            env: {
                PATH: process.env.PATH,
                PM_ENVIRONMENT: "dev",
                PM_SHA: "3f9c2ab",
                PM_COMPONENT: "backend, frontend",
                PM_NOTIFY_BACKOFF_MS: "50",
                GITHUB_ACTOR: "octocat",
                GITHUB_REPOSITORY: "Meats-Central/ProjectMeats",
                GITHUB_RUN_ID: "42",
                ...env,
            },
        });
        let output = "";
        child.stdout.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr.on("data", (d: Buffer) => (output += d.toString()));
        child.on("close", (status) => resolve({ status, output }));
        child.stdin.end(stdin);
    });
}

test("posts to Slack and Teams with environment, component, SHA, actor, run URL and colour", async () => {
    const hook = await receiver([200, 200]);
    try {
        const result = await notify(`slack ${hook.url}/slack/T0/B0/secret-token\nteams ${hook.url}/teams/secret-token\n`);
        expect(result).toEqual({ status: 0, output: "notify: slack notified (attempt 1)\nnotify: teams notified (attempt 1)\n" });
        expect(hook.received.map((r) => r.path)).toEqual(["/slack/T0/B0/secret-token", "/teams/secret-token"]);
        const title = "ProjectMeats dev: backend, frontend 3f9c2ab deployed";
        const run = "https://github.com/Meats-Central/ProjectMeats/actions/runs/42";
        expect(hook.received[0].body).toEqual({
            text: title,
            attachments: [
                {
                    color: "#2EB886",
                    title,
                    fields: [
                        { title: "Environment", value: "dev", short: true },
                        { title: "Component", value: "backend, frontend", short: true },
                        { title: "Commit", value: "3f9c2ab", short: true },
                        { title: "Triggered by", value: "octocat", short: true },
                        { title: "Run", value: run, short: false },
                    ],
                },
            ],
        });
        expect(hook.received[1].body).toMatchObject({
            "@type": "MessageCard",
            themeColor: "2EB886",
            title,
            sections: [{ facts: expect.arrayContaining([{ name: "Run", value: run }]) }],
        });
    } finally {
        await hook.close();
    }
});

test("retries with backoff and succeeds on the third attempt", async () => {
    const hook = await receiver([500, 503, 200]);
    try {
        const result = await notify(`slack ${hook.url}/slack\n`);
        expect(result.output).toBe(
            "notify: slack answered 500 (attempt 1 of 3)\nnotify: slack answered 503 (attempt 2 of 3)\nnotify: slack notified (attempt 3)\nnotify: no teams webhook configured; skipping teams\n",
        );
        expect(hook.received).toHaveLength(3);
    } finally {
        await hook.close();
    }
});

test("never fails the release: three failures are logged and the exit code is 0", async () => {
    const hook = await receiver([500, 500, 500]);
    try {
        const result = await notify(`teams ${hook.url}/teams\n`, { PM_STATUS: "failure" });
        expect(result.status).toBe(0);
        expect(result.output).toContain("notify: giving up on teams after 3 attempts; the release itself is unaffected");
        expect(hook.received[0].body).toMatchObject({ themeColor: "A30200", title: "ProjectMeats dev: backend, frontend 3f9c2ab failed" });
    } finally {
        await hook.close();
    }
});

test("an unreachable webhook is logged without its URL, and the exit code is 0", async () => {
    const result = await notify("slack http://127.0.0.1:9/hooks/secret-token\n");
    expect(result.status).toBe(0);
    expect(result.output).not.toContain("secret-token");
    expect(result.output).toContain("notify: slack unreachable: TypeError (attempt 1 of 3)");
});

test("with no webhook configured it skips both with a log line", async () => {
    expect(await notify("")).toEqual({ status: 0, output: "notify: no slack webhook configured; skipping slack\nnotify: no teams webhook configured; skipping teams\n" });
});
