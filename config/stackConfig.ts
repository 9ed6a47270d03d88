/**
 * The one typed, validated configuration of a stack.
 *
 * `parseStackConfig` is pure: it takes the raw strings the Pulumi CLI hands the program and either
 * returns a `StackConfig` or throws a `ConfigValidationError` listing every problem at once, each
 * naming the stack, the key, the value given and the form expected. It runs before any resource is
 * declared, so a bad stack file changes nothing. Each section has its own validator in `sections/`;
 * `load.ts` reads the running stack's configuration.
 */
import type { ProjectEnvironment } from "./catalog";
import { ConfigValidationError, Problems } from "./problems";
import { validateDatabase } from "./sections/database";
import { validateGeneral } from "./sections/general";
import { validateGitHub } from "./sections/github";
import { validateHostnames } from "./sections/hostnames";
import { validateNetwork } from "./sections/network";
import { validateNotifications } from "./sections/notifications";
import { validateRegistry } from "./sections/registry";
import { validateRelease } from "./sections/release";
import { validateServers } from "./sections/servers";
import { readValues } from "./values";
import type { Service } from "../model/services";

export type { Service } from "../model/services";

/** A set of identical droplets running one or both services. */
export interface ServerGroupConfig {
    /** Stable key used in resource names: `backend`, `frontend`, or `app` when one droplet runs both. */
    readonly key: "app" | Service;
    readonly services: readonly Service[];
    readonly size: string;
    readonly count: number;
}

export interface StackConfig {
    readonly stack: string;
    /** Short name used in resource names, tags and image tags (`dev`, `uat`, `prod`). */
    readonly environmentName: string;
    /** The release to deploy; undefined brings up everything but the release (the first deployment). */
    readonly imageSha?: string;
    readonly region: string;
    readonly projectEnvironment: ProjectEnvironment;
    readonly accountOwnerStack: string;
    /** True in the one stack that creates account-wide resources. */
    readonly ownsAccountResources: boolean;
    readonly registry: { readonly name: string; readonly tier: string; readonly region: string };
    readonly vpcIpRange: string;
    readonly servers: {
        readonly image: string;
        readonly backups: boolean;
        readonly sshAllowedCidrs: readonly string[];
        readonly sshPort: number;
        readonly adminSshKeyFingerprints: readonly string[];
        readonly groups: readonly ServerGroupConfig[];
    };
    readonly hostnames: { readonly backend: string; readonly frontend: string };
    readonly database: {
        readonly version: string;
        readonly size: string;
        readonly nodeCount: number;
        readonly name: string;
        readonly user: string;
    };
    readonly github: GitHubConfig;
    /** Webhook URLs, present only when configured (always as secrets). */
    readonly notifications: { readonly slackWebhookUrl?: string; readonly teamsWebhookUrl?: string };
}

export interface GitHubConfig {
    readonly owner: string;
    readonly repository: string;
    /** Deployment environment of each service, e.g. `dev-backend`. */
    readonly environments: Readonly<Record<Service, string>>;
    readonly deployBranches: readonly string[];
    readonly deployTags: readonly string[];
    /** Required reviewers: GitHub logins and organization team slugs. */
    readonly reviewers: { readonly users: readonly string[]; readonly teams: readonly string[] };
    readonly preventSelfReview: boolean;
    readonly waitTimerMinutes: number;
    readonly adminBypass: boolean;
    readonly databaseUrlSecretName: string;
    readonly protectedBranches: readonly string[];
    readonly requiredChecks: readonly string[];
    readonly requiredApprovals: number;
    readonly allowedActions: readonly string[];
}

/**
 * Validates the raw configuration of one stack.
 *
 * Problems are reported in a fixed order: unknown keys, then missing keys and values of the wrong
 * type (in the order `keys.ts` declares them), then each section in the order below.
 *
 * @param stack the stack name, used in messages and to decide account-wide ownership.
 * @param raw every configuration value the CLI passes, keyed `projectmeats:<key>` (others are ignored).
 * @param secretKeys the keys whose values are secret (set with `--secret`).
 */
export function parseStackConfig(stack: string, raw: Readonly<Record<string, string>>, secretKeys: readonly string[] = []): StackConfig {
    const problems = new Problems();
    const values = readValues(raw, problems);
    const release = validateRelease(values, problems);
    const general = validateGeneral(values, problems, stack);
    const registry = validateRegistry(values, problems, general.ownsAccountResources);
    const network = validateNetwork(values, problems);
    const servers = validateServers(values, problems);
    const hostnames = validateHostnames(values, problems);
    const database = validateDatabase(values, problems);
    const github = validateGitHub(values, problems, general.environmentName);
    const notifications = validateNotifications(values, problems, secretKeys);
    if (problems.list.length > 0) throw new ConfigValidationError(stack, problems.list);

    return {
        stack,
        environmentName: general.environmentName,
        imageSha: release.imageSha,
        region: general.region,
        projectEnvironment: general.projectEnvironment,
        accountOwnerStack: general.accountOwnerStack,
        ownsAccountResources: general.ownsAccountResources,
        registry,
        vpcIpRange: network.vpcIpRange,
        servers,
        hostnames,
        database,
        github,
        notifications,
    };
}
