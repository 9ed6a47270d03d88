import { REGISTRY_SECRET_NAME, SLACK_SECRET_NAME, TEAMS_SECRET_NAME, environmentSecrets } from "./secrets";

const SOURCES = { databaseUrlSecretName: "DEV_DB_URL", databaseUrl: "postgresql://u:p@h:25060/db?sslmode=require", registryWriteCredentials: '{"auths":{}}' };

test("the secret names are the ones the workflows read", () => {
    expect([REGISTRY_SECRET_NAME, SLACK_SECRET_NAME, TEAMS_SECRET_NAME]).toEqual(["DOCR_DOCKER_CONFIG", "SLACK_WEBHOOK_URL", "TEAMS_WEBHOOK_URL"]);
});

test("the database URL goes to the backend only; the registry credentials to both", () => {
    expect(environmentSecrets(SOURCES)).toEqual({
        backend: { DEV_DB_URL: "postgresql://u:p@h:25060/db?sslmode=require", DOCR_DOCKER_CONFIG: '{"auths":{}}' },
        frontend: { DOCR_DOCKER_CONFIG: '{"auths":{}}' },
    });
});

test("the database URL secret takes the name it is given", () => {
    expect(Object.keys(environmentSecrets({ ...SOURCES, databaseUrlSecretName: "PROD_DB_URL" }).backend)).toEqual(["PROD_DB_URL", "DOCR_DOCKER_CONFIG"]);
});

test.each([
    ["a Slack webhook", { slackWebhookUrl: "https://hooks.slack.com/services/T/B/X" }, { SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T/B/X" }],
    ["a Teams webhook", { teamsWebhookUrl: "https://example.webhook.office.com/x" }, { TEAMS_WEBHOOK_URL: "https://example.webhook.office.com/x" }],
    [
        "both webhooks",
        { slackWebhookUrl: "https://hooks.slack.com/services/T/B/X", teamsWebhookUrl: "https://example.webhook.office.com/x" },
        { SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T/B/X", TEAMS_WEBHOOK_URL: "https://example.webhook.office.com/x" },
    ],
    ["an empty webhook, which is still given", { slackWebhookUrl: "" }, { SLACK_WEBHOOK_URL: "" }],
])("%s goes to both environments", (_, webhooks, secrets) => {
    expect(environmentSecrets({ ...SOURCES, ...webhooks })).toEqual({
        backend: { DEV_DB_URL: "postgresql://u:p@h:25060/db?sslmode=require", DOCR_DOCKER_CONFIG: '{"auths":{}}', ...secrets },
        frontend: { DOCR_DOCKER_CONFIG: '{"auths":{}}', ...secrets },
    });
});
