import * as pulumi from "@pulumi/pulumi";
import type { Service } from "../../model/services";

/** The secret the build job logs in to the registry with (a Docker `config.json` that can push). */
export const REGISTRY_SECRET_NAME = "DOCR_DOCKER_CONFIG";
export const SLACK_SECRET_NAME = "SLACK_WEBHOOK_URL";
export const TEAMS_SECRET_NAME = "TEAMS_WEBHOOK_URL";

export interface EnvironmentSecretSources {
    /** Name of the backend's database URL secret, e.g. `DEV_DB_URL`. */
    readonly databaseUrlSecretName: string;
    /** The managed database's connection URI. */
    readonly databaseUrl: pulumi.Input<string>;
    /** The registry's write credentials. */
    readonly registryWriteCredentials: pulumi.Input<string>;
    readonly slackWebhookUrl?: pulumi.Input<string>;
    readonly teamsWebhookUrl?: pulumi.Input<string>;
}

/**
 * Which secret each service's environment gets, each value flowing from the resource that owns it:
 * the database URL goes to the backend only; registry credentials and webhooks to both.
 */
export function environmentSecrets(sources: EnvironmentSecretSources): Record<Service, Record<string, pulumi.Input<string>>> {
    const shared: Record<string, pulumi.Input<string>> = { [REGISTRY_SECRET_NAME]: sources.registryWriteCredentials };
    if (sources.slackWebhookUrl !== undefined) shared[SLACK_SECRET_NAME] = sources.slackWebhookUrl;
    if (sources.teamsWebhookUrl !== undefined) shared[TEAMS_SECRET_NAME] = sources.teamsWebhookUrl;
    return {
        backend: { [sources.databaseUrlSecretName]: sources.databaseUrl, ...shared },
        frontend: { ...shared },
    };
}

/** The notification webhooks as secrets of a CI environment, each only when configured. */
export function notificationSecrets(sources: Pick<EnvironmentSecretSources, "slackWebhookUrl" | "teamsWebhookUrl">): Record<string, pulumi.Input<string>> {
    return {
        ...(sources.slackWebhookUrl !== undefined ? { [SLACK_SECRET_NAME]: sources.slackWebhookUrl } : {}),
        ...(sources.teamsWebhookUrl !== undefined ? { [TEAMS_SECRET_NAME]: sources.teamsWebhookUrl } : {}),
    };
}
