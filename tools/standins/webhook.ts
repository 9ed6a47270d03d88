/** An HTTPS receiver standing in for Slack's incoming webhooks: records what it is sent, answers "ok". */
import * as fs from "fs";
import * as https from "https";

export interface Webhook {
    readonly path: string;
    readonly body: Record<string, unknown>;
    /** Milliseconds since the epoch when it arrived. */
    readonly at: number;
}

export interface WebhookReceiver {
    readonly received: Webhook[];
    /** Stops listening and drops open connections; resolves within a few seconds whatever clients do. */
    close(): Promise<void>;
}

export async function startWebhookReceiver(options: { host: string; port: number; certFile: string; keyFile: string }): Promise<WebhookReceiver> {
    const received: Webhook[] = [];
    const server = https.createServer({ key: fs.readFileSync(options.keyFile), cert: fs.readFileSync(options.certFile) }, (req, res) => {
        let body = "";
        req.on("data", (d: Buffer) => (body += d.toString()));
        req.on("end", () => {
            try {
                received.push({ path: req.url ?? "", body: JSON.parse(body || "{}") as Record<string, unknown>, at: Date.now() });
                res.writeHead(200).end("ok");
            } catch {
                res.writeHead(400).end("invalid JSON");
            }
        });
    });
    // A client that stalls must not hold the receiver: bounded headers, body and idle time.
    server.headersTimeout = 5000;
    server.requestTimeout = 10_000;
    server.setTimeout(10_000, (socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port, options.host, () => resolve());
    });
    return {
        received,
        close: () =>
            new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, 5000);
                server.close(() => (clearTimeout(timer), resolve()));
                server.closeAllConnections();
            }),
    };
}
