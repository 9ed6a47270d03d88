/**
 * host/local/notify.mjs against an HTTPS webhook receiver on loopback: Block Kit for Slack, an
 * Adaptive Card for a Teams Workflows webhook, retries, and a warning when a message is not delivered.
 *
 * The receiver's certificate (test/fixtures/webhook-tls, for 127.0.0.1, signed by a test-only CA that
 * expires in 2126) is trusted through NODE_EXTRA_CA_CERTS, as a real webhook's would be through the
 * system's CAs: the script's fetch verifies it.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as path from "path";

const SCRIPT = path.resolve(__dirname, "../host/local/notify.mjs");
const TLS = path.resolve(__dirname, "fixtures/webhook-tls");

interface Received {
    path: string;
    body: Record<string, unknown>;
}

async function receiver(answers: Array<number | [number, Record<string, string>]>): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
    const received: Received[] = [];
    const server = https.createServer({ key: fs.readFileSync(path.join(TLS, "server.key")), cert: fs.readFileSync(path.join(TLS, "server.crt")) }, (req, res) => {
        let body = "";
        req.on("data", (d: Buffer) => (body += d.toString()));
        req.on("end", () => {
            received.push({ path: req.url ?? "", body: JSON.parse(body) });
            const answer = answers[received.length - 1] ?? 200;
            const [status, headers] = Array.isArray(answer) ? answer : [answer, {}];
            res.writeHead(status, headers).end(status < 300 ? "ok" : "error");
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    return { url: `https://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function notify(stdin: string, env: Record<string, string> = {}): Promise<{ status: number | null; output: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [SCRIPT], {
            env: {
                PATH: process.env.PATH,
                NODE_EXTRA_CA_CERTS: path.join(TLS, "ca.crt"),
                PM_ENVIRONMENT: "dev",
                PM_SHA: "3f9c2ab",
                PM_COMPONENT: "backend, frontend",
                PM_NOTIFY_BACKOFF_MS: "50",
                GITHUB_ACTOR: "octocat",
                GITHUB_REPOSITORY: "Meats-Central/projectmeats-infra",
                GITHUB_RUN_ID: "42",
                ...env,
            },
        });
        let output = "";
        child.stdout.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr.on("data", (d: Buffer) => (output += d.toString()));
        const deadline = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`notify.mjs still running after 30 s:\n${output}`));
        }, 30000);
        child.on("close", (status) => {
            clearTimeout(deadline);
            resolve({ status, output });
        });
        child.stdin.end(stdin);
    });
}

const RUN = "https://github.com/Meats-Central/projectmeats-infra/actions/runs/42";

test("Slack gets Block Kit with environment, component, SHA, who triggered it and the run URL", async () => {
    const hook = await receiver([200]);
    try {
        const result = await notify(`slack ${hook.url}/services/T0/B0/secret-token\n`);
        expect(result).toEqual({ status: 0, output: "notify: slack notified (attempt 1)\nnotify: no teams webhook configured; skipping teams\n" });
        expect(hook.received.map((r) => r.path)).toEqual(["/services/T0/B0/secret-token"]);
        const title = "ProjectMeats dev: backend, frontend 3f9c2ab deployed";
        expect(hook.received[0].body).toEqual({
            text: title,
            blocks: [
                { type: "header", text: { type: "plain_text", text: title } },
                {
                    type: "section",
                    fields: [
                        { type: "mrkdwn", text: "*Environment*\ndev" },
                        { type: "mrkdwn", text: "*Component*\nbackend, frontend" },
                        { type: "mrkdwn", text: "*Commit*\n3f9c2ab" },
                        { type: "mrkdwn", text: "*Triggered by*\noctocat" },
                        { type: "mrkdwn", text: `*Run*\n${RUN}` },
                    ],
                },
                { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "View run" }, url: RUN }] },
            ],
        });
    } finally {
        await hook.close();
    }
});

test("Teams gets an Adaptive Card (a Workflows webhook answers 202), coloured by status, for a failure too", async () => {
    const hook = await receiver([202]);
    try {
        const result = await notify(`teams ${hook.url}/workflows/secret-token\n`, { PM_STATUS: "failure", PM_TRIGGERED_BY: "build of Meats-Central/ProjectMeats by hopper" });
        expect(result).toEqual({ status: 0, output: "notify: no slack webhook configured; skipping slack\nnotify: teams notified (attempt 1)\n" });
        expect(hook.received[0].body).toEqual({
            type: "message",
            attachments: [
                {
                    contentType: "application/vnd.microsoft.card.adaptive",
                    contentUrl: null,
                    content: {
                        $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
                        type: "AdaptiveCard",
                        version: "1.4",
                        body: [
                            { type: "TextBlock", text: "ProjectMeats dev: backend, frontend 3f9c2ab failed", weight: "Bolder", size: "Medium", color: "Attention", wrap: true },
                            {
                                type: "FactSet",
                                facts: [
                                    { title: "Environment", value: "dev" },
                                    { title: "Component", value: "backend, frontend" },
                                    { title: "Commit", value: "3f9c2ab" },
                                    { title: "Triggered by", value: "build of Meats-Central/ProjectMeats by hopper" },
                                    { title: "Run", value: RUN },
                                ],
                            },
                        ],
                        actions: [{ type: "Action.OpenUrl", title: "View run", url: RUN }],
                    },
                },
            ],
        });
    } finally {
        await hook.close();
    }
});

test("drift is announced as drift, and Slack's control characters are escaped", async () => {
    const hook = await receiver([200, 200]);
    try {
        await notify(`slack ${hook.url}/slack\nteams ${hook.url}/teams\n`, { PM_STATUS: "drift", PM_COMPONENT: "infrastructure", PM_TRIGGERED_BY: "<schedule> & co" });
        const [slack, teams] = hook.received.map((r) => JSON.stringify(r.body));
        expect(JSON.parse(slack).text).toBe("ProjectMeats dev: infrastructure 3f9c2ab differs from the code (drift)");
        expect(slack).toContain('"*Triggered by*\\n&lt;schedule&gt; &amp; co"');
        expect(JSON.parse(teams).attachments[0].content.body[0]).toMatchObject({ color: "Warning" });
    } finally {
        await hook.close();
    }
});

test("retries a failed delivery with backoff and succeeds on the third attempt", async () => {
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

test("honours Retry-After on 429", async () => {
    const hook = await receiver([[429, { "retry-after": "1" }], 200]);
    try {
        const started = Date.now();
        const result = await notify(`slack ${hook.url}/slack\n`);
        expect(result.output).toContain("notify: slack answered 429 (attempt 1 of 3)\nnotify: slack notified (attempt 2)\n");
        expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    } finally {
        await hook.close();
    }
});

test("a final failure is a warning in the step's output (and a workflow warning in Actions); the exit code stays 0", async () => {
    const hook = await receiver([500, 500, 500]);
    try {
        const result = await notify(`teams ${hook.url}/teams\n`, { GITHUB_ACTIONS: "true" });
        expect(result).toEqual({
            status: 0,
            output: [
                "notify: no slack webhook configured; skipping slack",
                "notify: teams answered 500 (attempt 1 of 3)",
                "notify: teams answered 500 (attempt 2 of 3)",
                "notify: teams answered 500 (attempt 3 of 3)",
                "notify: warning: teams not notified (answered 500); the release itself is unaffected",
                "::warning title=Notification not delivered::teams not notified (answered 500); the release itself is unaffected",
                "",
            ].join("\n"),
        });
    } finally {
        await hook.close();
    }
});

test("a rejected message (4xx other than 408 and 429) is not retried", async () => {
    const hook = await receiver([400]);
    try {
        const result = await notify(`slack ${hook.url}/slack\n`);
        expect(result.output).toBe(
            "notify: slack answered 400 (attempt 1 of 3); a rejected message is not retried\nnotify: warning: slack not notified (answered 400); the release itself is unaffected\nnotify: no teams webhook configured; skipping teams\n",
        );
        expect(hook.received).toHaveLength(1);
    } finally {
        await hook.close();
    }
});

test("an unreachable webhook and an untrusted certificate are logged without the URL, retried, and end in a warning with exit code 0", async () => {
    const hook = await receiver([200, 200, 200]);
    try {
        // Without the test CA, the receiver's certificate is not trusted: TLS fails as it would for a spoofed endpoint.
        const untrusted = await notify(`slack ${hook.url}/hooks/secret-token\n`, { NODE_EXTRA_CA_CERTS: "" });
        expect(untrusted.status).toBe(0);
        expect(untrusted.output).not.toContain("secret-token");
        expect(untrusted.output).toContain("notify: slack unreachable: TypeError (attempt 3 of 3)\nnotify: warning: slack not notified (unreachable: TypeError)");
        expect(hook.received).toHaveLength(0);
        const closed = await notify("slack https://127.0.0.1:9/hooks/secret-token\n");
        expect(closed.status).toBe(0);
        expect(closed.output).not.toContain("secret-token");
        expect(closed.output).toContain("notify: slack unreachable: TypeError (attempt 1 of 3)");
    } finally {
        await hook.close();
    }
});

test("with no webhook configured it skips both with a log line", async () => {
    expect(await notify("")).toEqual({ status: 0, output: "notify: no slack webhook configured; skipping slack\nnotify: no teams webhook configured; skipping teams\n" });
});
