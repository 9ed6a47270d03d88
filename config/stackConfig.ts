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
import { validateAdoption } from "./sections/adoption";
import { AppConfig, validateApp } from "./sections/app";
import { validateDatabase } from "./sections/database";
import { EdgeConfig, validateEdge } from "./sections/edge";
import { validateGeneral } from "./sections/general";
import { validateGitHub } from "./sections/github";
import { validateHostnames } from "./sections/hostnames";
import { validateInfraRepository } from "./sections/infraRepository";
import { validateNetwork } from "./sections/network";
import { validateNotifications } from "./sections/notifications";
import { validateRegistry } from "./sections/registry";
import { validateRelease } from "./sections/release";
import { validateServers } from "./sections/servers";
import { readValues } from "./values";
import type { Service } from "../model/services";

export type { Service } from "../model/services";
export type { EdgeCertificateConfig, EdgeConfig, EdgeMode } from "./sections/edge";

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
    /** How the public reaches the app, and the DNS records and certificate of that edge (config/sections/edge.ts). */
    readonly edge: EdgeConfig;
    /** Droplets of a service a release swaps at once; each batch after the previous one is healthy. */
    readonly releaseBatchSize: number;
    readonly database: {
        readonly version: string;
        readonly size: string;
        readonly nodeCount: number;
        readonly name: string;
        readonly user: string;
    };
    readonly github: GitHubConfig;
    /** The repository that holds this program: its environments, ruleset and Actions settings. */
    readonly infra: InfraRepositoryConfig;
    /** What already exists and is adopted (Pulumi's `import` option) instead of created. */
    readonly adoption: {
        /** Owner stack: import the registry named `registry.name`. */
        readonly registry: boolean;
        /** Import this database cluster (with the app database and user) instead of creating one. */
        readonly databaseClusterId?: string;
        /** The cluster's name: `projectmeats-<env>` unless configured (an adopted cluster keeps its own). */
        readonly databaseClusterName: string;
        /** Droplets outside this program that the database firewall also admits. */
        readonly extraTrustedDropletIds: readonly string[];
        /** Import the GitHub environments instead of creating them. */
        readonly githubEnvironments: boolean;
    };
    /** Webhook URLs, present only when configured (always as secrets). */
    readonly notifications: { readonly slackWebhookUrl?: string; readonly teamsWebhookUrl?: string };
    /** The app's deploy contract (config/sections/app.ts); its secrets are present only when configured. */
    readonly app: AppConfig;
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
    /** `evaluate`: an evaluate-only ruleset reports unpinned actions; `enforce`: SHA pinning required. */
    readonly shaPinning: "evaluate" | "enforce";
}

/** The repository that holds this program, configured apart from the app repository. */
export interface InfraRepositoryConfig {
    /** Its owner: `infraGithubOwner`, or the app repository's owner when that is empty. */
    readonly owner: string;
    readonly repository: string;
    /** Branches allowed to deploy through its deploy environments (and run the drift check). */
    readonly deployBranches: readonly string[];
    /** Branches its ruleset protects (owner stack only). */
    readonly protectedBranches: readonly string[];
    /** Its ci workflow's jobs, required before merging (owner stack only). */
    readonly requiredChecks: readonly string[];
    readonly requiredApprovals: number;
    /** Third-party action patterns its workflows may use besides GitHub's own. */
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
    const values = readValues(raw, problems, secretKeys);
    const release = validateRelease(values, problems);
    const general = validateGeneral(values, problems, stack);
    const registry = validateRegistry(values, problems, general.ownsAccountResources);
    const network = validateNetwork(values, problems);
    const servers = validateServers(values, problems);
    const hostnames = validateHostnames(values, problems);
    const edge = validateEdge(values, problems, secretKeys);
    const database = validateDatabase(values, problems);
    const github = validateGitHub(values, problems, general.environmentName);
    const infra = validateInfraRepository(values, problems, { owner: values.githubOwner, repository: values.githubRepository });
    const notifications = validateNotifications(values, problems, secretKeys);
    const adoption = validateAdoption(values, problems, general.ownsAccountResources, general.environmentName);
    const app = validateApp(values, problems, { environmentName: general.environmentName, secretKeys });
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
        edge: edge.edge,
        releaseBatchSize: edge.releaseBatchSize,
        database,
        github,
        infra,
        notifications,
        adoption,
        app,
    };
}
