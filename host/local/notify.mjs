// @ts-check
/**
 * Posts a deploy notification to Slack and Microsoft Teams incoming webhooks, each optional.
 *
 * Webhook URLs arrive on stdin, one per line as `slack <url>` or `teams <url>`, never in arguments
 * or the environment (they grant posting rights). The message comes from the environment:
 * PM_ENVIRONMENT, PM_SHA, PM_COMPONENT, PM_STATUS (success|failure), and the CI run's GITHUB_ACTOR,
 * GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID when present.
 *
 * Each webhook gets up to 3 attempts with backoff (honouring Slack's Retry-After, bounded). A
 * notification never fails the release: every outcome is logged and the exit code is always 0.
 */
import { readFileSync } from "node:fs";

const ATTEMPTS = 3;
const TIMEOUT_MS = Number(process.env.PM_NOTIFY_TIMEOUT_MS ?? 5000);
const BACKOFF_MS = Number(process.env.PM_NOTIFY_BACKOFF_MS ?? 1000);
const MAX_RETRY_AFTER_MS = 10000;

const env = process.env;
const status = env.PM_STATUS === "failure" ? "failure" : "success";
const message = {
    environment: env.PM_ENVIRONMENT ?? "unknown",
    component: env.PM_COMPONENT ?? "backend, frontend",
    sha: env.PM_SHA ?? "unknown",
    status,
    actor: env.GITHUB_ACTOR ?? env.USER ?? "unknown",
    runUrl: env.GITHUB_RUN_ID ? `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY ?? ""}/actions/runs/${env.GITHUB_RUN_ID}` : "",
    colour: status === "success" ? "#2EB886" : "#A30200",
};
const title = `ProjectMeats ${message.environment}: ${message.component} ${message.sha} ${status === "success" ? "deployed" : "failed"}`;
const facts = [
    ["Environment", message.environment],
    ["Component", message.component],
    ["Commit", message.sha],
    ["Triggered by", message.actor],
    ...(message.runUrl ? [["Run", message.runUrl]] : []),
];

/** @type {Record<string, () => unknown>} */
const payloads = {
    slack: () => ({
        text: title,
        attachments: [{ color: message.colour, title, fields: facts.map(([name, value]) => ({ title: name, value, short: name !== "Run" })) }],
    }),
    teams: () => ({
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        themeColor: message.colour.slice(1),
        summary: title,
        title,
        sections: [{ facts: facts.map(([name, value]) => ({ name, value })) }],
    }),
};

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @param {string} kind
 * @param {string} url
 */
async function post(kind, url) {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        let wait = BACKOFF_MS * 2 ** (attempt - 1);
        try {
            const response = await fetch(url, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify(payloads[kind]()),
                signal: AbortSignal.timeout(TIMEOUT_MS),
            });
            if (response.ok) {
                console.log(`notify: ${kind} notified (attempt ${attempt})`);
                return;
            }
            const retryAfter = Number(response.headers.get("retry-after"));
            if (response.status === 429 && retryAfter > 0) wait = Math.min(retryAfter * 1000, MAX_RETRY_AFTER_MS);
            console.log(`notify: ${kind} answered ${response.status} (attempt ${attempt} of ${ATTEMPTS})`);
        } catch (error) {
            console.log(`notify: ${kind} unreachable: ${error instanceof Error ? error.name : "error"} (attempt ${attempt} of ${ATTEMPTS})`);
        }
        if (attempt < ATTEMPTS) await sleep(wait);
    }
    console.log(`notify: giving up on ${kind} after ${ATTEMPTS} attempts; the release itself is unaffected`);
}

/** @type {Record<string, string>} */
const urls = {};
for (const line of readFileSync(0, "utf8").split("\n")) {
    const [kind, url] = line.trim().split(/\s+/, 2);
    if ((kind === "slack" || kind === "teams") && url) urls[kind] = url;
}
for (const kind of ["slack", "teams"]) {
    if (urls[kind]) await post(kind, urls[kind]);
    else console.log(`notify: no ${kind} webhook configured; skipping ${kind}`);
}
process.exit(0);
