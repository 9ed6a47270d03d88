/** Deploy notification webhooks, accepted only as secrets. */
import { Problems, fullKey } from "../problems";
import type { StackConfig } from "../stackConfig";
import { ConfigValues, unsetIfEmpty } from "../values";

export type NotificationsValues = Pick<ConfigValues, "slackWebhookUrl" | "teamsWebhookUrl">;

/** @param secretKeys the keys whose values are secret (set with `--secret`), e.g. `projectmeats:slackWebhookUrl`. */
export function validateNotifications(values: NotificationsValues, problems: Problems, secretKeys: readonly string[]): StackConfig["notifications"] {
    const webhooks: { slackWebhookUrl?: string; teamsWebhookUrl?: string } = {};
    for (const key of ["slackWebhookUrl", "teamsWebhookUrl"] as const) {
        const url = unsetIfEmpty(values[key]);
        if (url === undefined) continue;
        if (!secretKeys.includes(fullKey(key))) {
            problems.add(key, "(plain text, not shown)", `a secret: set it with \`pulumi config set --secret ${key} <url>\` (webhook URLs grant posting rights)`);
        } else if (!/^https:\/\/[^\s/]+\/\S+$/.test(url)) {
            problems.add(key, "(secret, not shown)", "an https:// webhook URL");
        } else {
            webhooks[key] = url;
        }
    }
    return webhooks;
}
