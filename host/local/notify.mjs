// @ts-check
/**
 * Posts a deploy notification to Slack and Microsoft Teams, each optional: Slack gets a Block Kit
 * message (https://api.slack.com/block-kit), Teams an Adaptive Card through a Workflows webhook.
 * Microsoft retired Office 365 connectors, and Workflows webhooks take Adaptive Cards, not
 * MessageCards (learn.microsoft.com, "Create and send messages").
 *
 * Webhook URLs arrive on stdin, one per line as `slack <url>` or `teams <url>`, never in arguments
 * or the environment (they grant posting rights). The message comes from the environment, as
 * ProjectMeats' own notifier carries it (.github/scripts/notify-deployment.sh): PM_ENVIRONMENT,
 * PM_COMPONENT, PM_SHA, PM_STATUS (success, failure or drift; default success), who triggered it
 * (PM_TRIGGERED_BY, else GITHUB_ACTOR) and the run's URL (GITHUB_SERVER_URL, GITHUB_REPOSITORY,
 * GITHUB_RUN_ID), for success and failure alike.
 *
 * Each webhook gets up to PM_NOTIFY_ATTEMPTS (3) attempts with exponential backoff when it is
 * unreachable, times out, or answers 408, 429 (honouring Retry-After, bounded) or 5xx; any other
 * answer is final. A message not delivered is reported as a warning: a `notify: warning:` line, and
 * a `::warning::` workflow command when running in GitHub Actions. A notification never fails the
 * release: the exit code is always 0.
 */
import { readFileSync } from "node:fs";

const env = process.env;
const ATTEMPTS = Number(env.PM_NOTIFY_ATTEMPTS ?? 3);
const TIMEOUT_MS = Number(env.PM_NOTIFY_TIMEOUT_MS ?? 5000);
const BACKOFF_MS = Number(env.PM_NOTIFY_BACKOFF_MS ?? 1000);
const MAX_RETRY_AFTER_MS = 10000;

/** @type {Record<string, { verb: string, teamsColour: string }>} */
const STATUSES = {
    success: { verb: "deployed", teamsColour: "Good" },
    failure: { verb: "failed", teamsColour: "Attention" },
    drift: { verb: "differs from the code (drift)", teamsColour: "Warning" },
};
const status = env.PM_STATUS === undefined || env.PM_STATUS === "" ? "success" : env.PM_STATUS in STATUSES ? env.PM_STATUS : "failure";
const message = {
    environment: env.PM_ENVIRONMENT ?? "unknown",
    component: env.PM_COMPONENT ?? "backend, frontend",
    sha: env.PM_SHA ?? "unknown",
    triggeredBy: env.PM_TRIGGERED_BY || env.GITHUB_ACTOR || env.USER || "unknown",
    runUrl: env.GITHUB_RUN_ID ? `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY ?? ""}/actions/runs/${env.GITHUB_RUN_ID}` : "",
};
const title = `ProjectMeats ${message.environment}: ${message.component} ${message.sha} ${STATUSES[status].verb}`;
/** @type {Array<[string, string]>} */
const facts = [
    ["Environment", message.environment],
    ["Component", message.component],
    ["Commit", message.sha],
    ["Triggered by", message.triggeredBy],
    ["Run", message.runUrl || "(not run from CI)"],
];

/** Slack's mrkdwn treats &, < and > as control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
const slackEscape = (/** @type {string} */ text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** @type {Record<string, () => unknown>} */
const payloads = {
    slack: () => ({
        // The top-level text is what notifications and clients without blocks show.
        text: title,
        blocks: [
            // A header holds at most 150 characters of plain text.
            { type: "header", text: { type: "plain_text", text: title.slice(0, 150) } },
            { type: "section", fields: facts.map(([name, value]) => ({ type: "mrkdwn", text: `*${name}*\n${slackEscape(value)}` })) },
            ...(message.runUrl ? [{ type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "View run" }, url: message.runUrl }] }] : []),
        ],
    }),
    teams: () => ({
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
                        { type: "TextBlock", text: title, weight: "Bolder", size: "Medium", color: STATUSES[status].teamsColour, wrap: true },
                        { type: "FactSet", facts: facts.map(([name, value]) => ({ title: name, value })) },
                    ],
                    ...(message.runUrl ? { actions: [{ type: "Action.OpenUrl", title: "View run", url: message.runUrl }] } : {}),
                },
            },
        ],
    }),
};

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @param {string} text */
function warn(text) {
    console.log(`notify: warning: ${text}`);
    if (env.GITHUB_ACTIONS === "true") console.log(`::warning title=Notification not delivered::${text}`);
}

/**
 * @param {string} kind
 * @param {string} url
 */
async function post(kind, url) {
    let last = "";
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
            last = `answered ${response.status}`;
            const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
            if (!retryable) {
                console.log(`notify: ${kind} ${last} (attempt ${attempt} of ${ATTEMPTS}); a rejected message is not retried`);
                break;
            }
            const retryAfter = Number(response.headers.get("retry-after"));
            if (response.status === 429 && retryAfter > 0) wait = Math.min(retryAfter * 1000, MAX_RETRY_AFTER_MS);
        } catch (error) {
            // The error's name only: a message could carry the URL, which grants posting rights.
            last = `unreachable: ${error instanceof Error ? error.name : "error"}`;
        }
        console.log(`notify: ${kind} ${last} (attempt ${attempt} of ${ATTEMPTS})`);
        if (attempt < ATTEMPTS) await sleep(wait);
    }
    warn(`${kind} not notified (${last}); the release itself is unaffected`);
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
