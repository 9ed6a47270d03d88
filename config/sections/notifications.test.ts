import { Problems, formatProblem } from "../problems";
import { NotificationsValues, validateNotifications } from "./notifications";

const SLACK = "https://hooks.slack.com/services/T0/B0/XYZ";
const TEAMS = "https://example.webhook.office.com/webhookb2/abc";
const SECRET = ["projectmeats:slackWebhookUrl", "projectmeats:teamsWebhookUrl"];

function validate(values: NotificationsValues, secretKeys: readonly string[]) {
    const problems = new Problems();
    const notifications = validateNotifications({ slackWebhookUrl: "", teamsWebhookUrl: "", ...values }, problems, secretKeys);
    return { notifications, problems: problems.list.map((problem) => formatProblem("dev", problem)) };
}

test("no webhooks when none is set", () => {
    expect(validate({}, [])).toEqual({ notifications: {}, problems: [] });
});

test("webhooks set as secrets", () => {
    expect(validate({ slackWebhookUrl: SLACK, teamsWebhookUrl: TEAMS }, SECRET)).toEqual({ notifications: { slackWebhookUrl: SLACK, teamsWebhookUrl: TEAMS }, problems: [] });
});

test("a webhook URL stored in plain text, without showing it", () => {
    expect(validate({ slackWebhookUrl: SLACK }, []).problems).toEqual([
        'stack "dev", key projectmeats:slackWebhookUrl: got "(plain text, not shown)"; expected a secret: set it with `pulumi config set --secret slackWebhookUrl <url>` (webhook URLs grant posting rights)',
    ]);
});

test("a secret webhook that is not an https URL, without showing it", () => {
    expect(validate({ teamsWebhookUrl: "http://example.com/hook" }, SECRET)).toEqual({
        notifications: {},
        problems: ['stack "dev", key projectmeats:teamsWebhookUrl: got "(secret, not shown)"; expected an https:// webhook URL'],
    });
});
