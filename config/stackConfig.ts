/**
 * The one typed, validated configuration of a stack.
 *
 * `parseStackConfig` is pure: it takes the raw strings the Pulumi CLI hands the program and either
 * returns a `StackConfig` or throws a `ConfigValidationError` listing every problem at once, each
 * naming the stack, the key, the value given and the form expected. It runs before any resource is
 * declared, so a bad stack file changes nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    DATABASE_SIZES,
    DROPLET_REGIONS,
    DROPLET_SIZES,
    POSTGRES_MAX_NODES,
    POSTGRES_VERSIONS,
    PROJECT_ENVIRONMENTS,
    ProjectEnvironment,
    REGISTRY_REGIONS,
    REGISTRY_REPOSITORIES,
    REGISTRY_TIER_REPOSITORIES,
    RESERVED_VPC_RANGES,
    STANDBY_MIN_MEMORY_GB,
    slugMemoryGb,
} from "./catalog";
import { cidrsOverlap, isNetworkAddress, isPrivateIpv4, parseCidr } from "./cidr";
import { CONFIG_KEYS, CONFIG_KEY_NAMES, ConfigKey, ConfigKeySpec } from "./keys";
import { SERVICE_PORTS } from "../model/layout";

export const CONFIG_NAMESPACE = "projectmeats";

export type { Service } from "../model/services";
import type { Service } from "../model/services";

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

export interface ConfigProblem {
    readonly key: string;
    /** The value as given, or undefined when the key is missing. */
    readonly value: string | undefined;
    readonly expected: string;
}

/** Thrown before any resource is declared; lists every problem in the stack's configuration. */
export class ConfigValidationError extends pulumi.RunError {
    constructor(
        readonly stack: string,
        readonly problems: readonly ConfigProblem[],
    ) {
        super(formatProblems(stack, problems));
        this.name = "ConfigValidationError";
    }
}

export function formatProblem(stack: string, problem: ConfigProblem): string {
    const given = problem.value === undefined ? "missing" : `got ${JSON.stringify(problem.value)}`;
    return `stack "${stack}", key ${problem.key}: ${given}; expected ${problem.expected}`;
}

export function formatProblems(stack: string, problems: readonly ConfigProblem[]): string {
    const count = problems.length === 1 ? "1 configuration problem" : `${problems.length} configuration problems`;
    return [
        `Stack "${stack}" has ${count}; nothing was created or changed. Fix them in Pulumi.${stack}.yaml or with \`pulumi config set --stack ${stack} <key> <value>\`:`,
        ...problems.map((problem) => `  - ${formatProblem(stack, problem)}`),
    ].join("\n");
}

type Typed = string | number | boolean | readonly string[];

class Problems {
    readonly list: ConfigProblem[] = [];
    add(key: string, value: Typed | undefined, expected: string): void {
        const shown = value === undefined ? undefined : typeof value === "string" ? value : JSON.stringify(value);
        this.list.push({ key: fullKey(key), value: shown, expected });
    }
}

function fullKey(key: string): string {
    return key.includes(":") ? key : `${CONFIG_NAMESPACE}:${key}`;
}

function oneOf(values: readonly string[]): string {
    return `one of ${values.join(", ")}`;
}

function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let diagonal = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const above = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
            diagonal = above;
        }
    }
    return row[b.length];
}

/** The declared key closest to a mistyped one, when one is close enough to be a likely typo. */
export function suggestKey(unknown: string): ConfigKey | undefined {
    const typed = unknown.toLowerCase();
    const prefixed = CONFIG_KEY_NAMES.filter((name) => name.toLowerCase().startsWith(typed) || typed.startsWith(name.toLowerCase()));
    if (prefixed.length === 1) return prefixed[0];
    const ranked = CONFIG_KEY_NAMES.map((name) => ({ name, distance: editDistance(typed, name.toLowerCase()) })).sort((a, b) => a.distance - b.distance);
    return ranked[0].distance <= 3 ? ranked[0].name : undefined;
}

/** Converts the CLI's string form of one key to its declared type, or records why it cannot. */
function typedValue(spec: ConfigKeySpec, key: string, raw: string | undefined, problems: Problems): Typed | undefined {
    if (raw === undefined) {
        if (spec.default === undefined) {
            problems.add(key, undefined, `${spec.description} (set it with \`pulumi config set ${key} <value>\`)`);
        }
        return spec.default;
    }
    switch (spec.type) {
        case "string":
            return raw;
        case "integer":
            if (/^-?\d+$/.test(raw.trim())) return Number(raw.trim());
            problems.add(key, raw, "a whole number");
            return undefined;
        case "boolean":
            if (raw === "true" || raw === "false") return raw === "true";
            problems.add(key, raw, "true or false");
            return undefined;
        case "array": {
            let parsed: unknown;
            try {
                parsed = JSON.parse(raw);
            } catch {
                parsed = undefined;
            }
            if (Array.isArray(parsed) && parsed.every((item) => typeof item === "string")) return parsed as string[];
            problems.add(key, raw, "a YAML list of strings, e.g. [a, b]");
            return undefined;
        }
    }
}

const SHA = /^[0-9a-f]{7,40}$/;
const ENVIRONMENT_NAME = /^[a-z][a-z0-9]{1,11}$/;
const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const REGISTRY_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IMAGE_SLUG = /^[a-z0-9][a-z0-9.-]{0,99}$/;
const DO_KEY_FINGERPRINT = /^(?:[0-9a-f]{2}:){15}[0-9a-f]{2}$/;
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const POSTGRES_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const GITHUB_REPOSITORY = /^[A-Za-z0-9._-]{1,100}$/;
const GITHUB_ENVIRONMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;
const GITHUB_LOGIN = GITHUB_OWNER;
const GITHUB_TEAM = /^team:[a-z0-9][a-z0-9_-]{0,99}$/;
const SECRET_NAME = /^[A-Z_][A-Z0-9_]{0,99}$/;
/** GitHub's limits for environments — https://docs.github.com/en/rest/deployments/environments */
export const MAX_ENVIRONMENT_REVIEWERS = 6;
export const MAX_WAIT_TIMER_MINUTES = 43200;
const MAX_DROPLETS_PER_SERVICE = 10;

/**
 * A branch or tag name pattern as GitHub matches them (fnmatch with `*`, `**`, `?`, `[…]`): the
 * characters git allows in ref names, plus the glob characters.
 * https://git-scm.com/docs/git-check-ref-format
 */
export function isRefPattern(value: string): boolean {
    return value.length > 0 && value.length <= 255 && !/[\s~^:\\]|\.\.|@\{|\/\/|^[-/.]|[/.]$|\.lock$|\/\./.test(value) && !/[\x00-\x1f\x7f]/.test(value);
}

/** An allowed-actions pattern (`owner/repo@*`, `owner/*`) that names no tag or branch. */
export function isUnpinnedActionPattern(value: string): boolean {
    return /^[A-Za-z0-9_.-]+\/(\*|[A-Za-z0-9_.*-]+(\/[A-Za-z0-9_.*/-]+)?)(@\*)?$/.test(value);
}

/** A port sshd may take: not one nginx or the release containers use. */
export function isFreeSshPort(port: number): boolean {
    return Number.isInteger(port) && port >= 1 && port <= 65535 && port !== 80 && port !== 443 && !Object.values(SERVICE_PORTS).some((p) => port >= p.first && port <= p.last);
}

export function isHostname(value: string): boolean {
    const labels = value.split(".");
    return value.length <= 253 && labels.length >= 2 && labels.every((label) => HOST_LABEL.test(label)) && /[a-z]/.test(labels[labels.length - 1]);
}

function checkCount(problems: Problems, key: string, value: number | undefined, min: number, max: number): void {
    if (value !== undefined && (value < min || value > max)) problems.add(key, value, `a whole number from ${min} to ${max}`);
}

/**
 * Validates the raw configuration of one stack.
 *
 * @param stack the stack name, used in messages and to decide account-wide ownership.
 * @param raw every configuration value the CLI passes, keyed `projectmeats:<key>` (others are ignored).
 * @param secretKeys the keys whose values are secret (set with `--secret`).
 */
export function parseStackConfig(stack: string, raw: Readonly<Record<string, string>>, secretKeys: readonly string[] = []): StackConfig {
    const problems = new Problems();

    for (const key of Object.keys(raw)) {
        if (!key.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
        const short = key.slice(CONFIG_NAMESPACE.length + 1);
        if (short in CONFIG_KEYS) continue;
        const suggestion = suggestKey(short);
        problems.add(key, raw[key], `no such key; ${suggestion ? `did you mean ${fullKey(suggestion)}?` : "see the configuration reference in README.md"}`);
    }

    const values: Partial<Record<ConfigKey, Typed>> = {};
    for (const name of CONFIG_KEY_NAMES) {
        values[name] = typedValue(CONFIG_KEYS[name], name, raw[fullKey(name)], problems);
    }
    const str = (key: ConfigKey) => values[key] as string | undefined;
    const num = (key: ConfigKey) => values[key] as number | undefined;
    const bool = (key: ConfigKey) => values[key] as boolean | undefined;
    const list = (key: ConfigKey) => values[key] as readonly string[] | undefined;

    const imageSha = str("imageSha") || undefined;
    if (imageSha !== undefined && !SHA.test(imageSha)) {
        const numeric = /^[0-9.eE+-]+$/.test(imageSha) ? " (YAML reads an unquoted SHA of digits as a number: quote it)" : "";
        problems.add("imageSha", imageSha, `7 to 40 lowercase hex characters (a git commit SHA), e.g. "3f9c2ab"${numeric}`);
    }

    const environmentName = str("environmentName") || stack;
    if (!ENVIRONMENT_NAME.test(environmentName)) {
        problems.add(
            "environmentName",
            environmentName,
            `2 to 12 lowercase letters and digits starting with a letter${str("environmentName") ? "" : ` (it defaults to the stack name "${stack}"; set it explicitly)`}`,
        );
    }

    const region = str("region");
    if (region !== undefined && !DROPLET_REGIONS.includes(region)) problems.add("region", region, `a DigitalOcean region slug, ${oneOf(DROPLET_REGIONS)}`);

    const projectEnvironment = str("doProjectEnvironment");
    if (projectEnvironment !== undefined && !(PROJECT_ENVIRONMENTS as readonly string[]).includes(projectEnvironment)) {
        problems.add("doProjectEnvironment", projectEnvironment, oneOf(PROJECT_ENVIRONMENTS));
    }

    const accountOwnerStack = str("accountOwnerStack") ?? "";
    if (!STACK_NAME.test(accountOwnerStack)) problems.add("accountOwnerStack", accountOwnerStack, "a stack name such as prod");
    const ownsAccountResources = accountOwnerStack === stack;

    const registryName = str("registryName");
    if (registryName !== undefined && !REGISTRY_NAME.test(registryName)) {
        problems.add("registryName", registryName, "1 to 63 lowercase letters, digits and dashes, starting and ending with a letter or digit");
    }
    const registryTier = str("registryTier") ?? "";
    const tierCapacity = REGISTRY_TIER_REPOSITORIES[registryTier];
    if (tierCapacity === undefined) {
        problems.add("registryTier", registryTier, oneOf(Object.keys(REGISTRY_TIER_REPOSITORIES).filter((t) => REGISTRY_TIER_REPOSITORIES[t] >= REGISTRY_REPOSITORIES.length)));
    } else if (tierCapacity < REGISTRY_REPOSITORIES.length) {
        problems.add(
            "registryTier",
            registryTier,
            `a tier that holds ${REGISTRY_REPOSITORIES.length} repositories (${REGISTRY_REPOSITORIES.join(", ")}): the ${registryTier} tier holds ${tierCapacity}; use basic or professional`,
        );
    }
    const registryRegion = str("registryRegion") || region || "";
    if (ownsAccountResources && region !== undefined && !REGISTRY_REGIONS.includes(registryRegion)) {
        problems.add(
            "registryRegion",
            registryRegion,
            `a region that hosts container registries, ${oneOf(REGISTRY_REGIONS)}${str("registryRegion") ? "" : ` (it defaults to region ${registryRegion}, which does not; set it explicitly)`}`,
        );
    }

    const vpcIpRange = str("vpcIpRange");
    if (vpcIpRange !== undefined) {
        const cidr = parseCidr(vpcIpRange);
        const reserved = cidr && RESERVED_VPC_RANGES.find((range) => cidrsOverlap(cidr, parseCidr(range)!));
        if (!cidr || cidr.family !== 4 || !isPrivateIpv4(cidr) || cidr.prefix < 16 || cidr.prefix > 28 || !isNetworkAddress(cidr)) {
            problems.add("vpcIpRange", vpcIpRange, 'a private IPv4 network (10/8, 172.16/12 or 192.168/16) from /16 to /28 with no host bits set, e.g. "10.110.16.0/20"');
        } else if (reserved) {
            problems.add("vpcIpRange", vpcIpRange, `a range that does not overlap ${reserved}, which DigitalOcean reserves`);
        }
    }

    const dropletImage = str("dropletImage");
    if (dropletImage !== undefined && !IMAGE_SLUG.test(dropletImage)) problems.add("dropletImage", dropletImage, 'a DigitalOcean image slug, e.g. "ubuntu-24-04-x64"');

    const sizeExpected = 'a DigitalOcean droplet size slug, e.g. "s-1vcpu-2gb" (see `doctl compute size list`)';
    const backendSize = str("backendDropletSize");
    if (backendSize !== undefined && !DROPLET_SIZES.includes(backendSize)) problems.add("backendDropletSize", backendSize, sizeExpected);
    const backendCount = num("backendDropletCount");
    checkCount(problems, "backendDropletCount", backendCount, 1, MAX_DROPLETS_PER_SERVICE);
    const frontendSize = str("frontendDropletSize") ?? "";
    const frontendCount = num("frontendDropletCount");
    checkCount(problems, "frontendDropletCount", frontendCount, 0, MAX_DROPLETS_PER_SERVICE);
    if (frontendCount === 0 && frontendSize !== "") {
        problems.add("frontendDropletSize", frontendSize, "no value when frontendDropletCount is 0 (the frontend then runs on the backend droplets)");
    } else if (frontendCount !== undefined && frontendCount > 0 && frontendSize === "") {
        problems.add("frontendDropletSize", undefined, `${sizeExpected}, because frontendDropletCount is ${frontendCount}`);
    } else if (frontendSize !== "" && !DROPLET_SIZES.includes(frontendSize)) {
        problems.add("frontendDropletSize", frontendSize, sizeExpected);
    }

    const sshAllowedCidrs = list("sshAllowedCidrs");
    if (sshAllowedCidrs !== undefined) {
        if (sshAllowedCidrs.length === 0) problems.add("sshAllowedCidrs", sshAllowedCidrs, "at least one CIDR block: the release chain deploys over SSH");
        for (const block of sshAllowedCidrs) {
            const cidr = parseCidr(block);
            if (!cidr || !isNetworkAddress(cidr)) {
                problems.add("sshAllowedCidrs", block, 'an IPv4 or IPv6 CIDR block with no host bits set, e.g. "203.0.113.0/24" or "198.51.100.7/32"');
            }
        }
    }
    const sshPort = num("sshPort");
    if (sshPort !== undefined && !isFreeSshPort(sshPort)) {
        problems.add(
            "sshPort",
            sshPort,
            `a TCP port from 1 to 65535 that is not 80, 443 or an app port (${Object.values(SERVICE_PORTS)
                .map((p) => `${p.first}-${p.last}`)
                .join(", ")})`,
        );
    }
    const fingerprints = list("adminSshKeyFingerprints") ?? [];
    for (const fingerprint of fingerprints) {
        if (!DO_KEY_FINGERPRINT.test(fingerprint))
            problems.add("adminSshKeyFingerprints", fingerprint, 'an MD5 key fingerprint as DigitalOcean shows it, e.g. "3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa"');
    }

    const backendHostname = str("backendHostname");
    const frontendHostname = str("frontendHostname");
    for (const [key, value] of [
        ["backendHostname", backendHostname],
        ["frontendHostname", frontendHostname],
    ] as const) {
        if (value !== undefined && !isHostname(value)) problems.add(key, value, 'a lowercase fully qualified hostname, e.g. "api.dev.example.com"');
    }
    if (backendHostname !== undefined && backendHostname === frontendHostname) {
        problems.add("frontendHostname", frontendHostname, "a hostname different from backendHostname");
    }

    const dbVersion = str("dbVersion");
    if (dbVersion !== undefined && !POSTGRES_VERSIONS.includes(dbVersion))
        problems.add("dbVersion", dbVersion, `a PostgreSQL major version DigitalOcean offers, ${oneOf(POSTGRES_VERSIONS)}`);
    const dbSize = str("dbSize");
    if (dbSize !== undefined && !DATABASE_SIZES.includes(dbSize)) problems.add("dbSize", dbSize, `a database size slug, ${oneOf(DATABASE_SIZES)}`);
    const dbNodeCount = num("dbNodeCount");
    if (dbNodeCount !== undefined && (dbNodeCount < 1 || dbNodeCount > POSTGRES_MAX_NODES)) {
        problems.add("dbNodeCount", dbNodeCount, `1 to ${POSTGRES_MAX_NODES}: a PostgreSQL cluster has one primary and at most two standby nodes`);
    } else if (dbNodeCount !== undefined && dbNodeCount > 1 && dbSize !== undefined && DATABASE_SIZES.includes(dbSize)) {
        const memory = slugMemoryGb(dbSize) ?? 0;
        if (memory < STANDBY_MIN_MEMORY_GB) {
            problems.add("dbNodeCount", dbNodeCount, `1 with dbSize ${dbSize}: standby nodes need a plan with at least ${STANDBY_MIN_MEMORY_GB} GB of memory, e.g. db-s-1vcpu-2gb`);
        }
    }
    for (const key of ["dbName", "dbUser"] as const) {
        const value = str(key);
        if (value !== undefined && !POSTGRES_IDENTIFIER.test(value))
            problems.add(key, value, "a lowercase PostgreSQL identifier: letters, digits and underscores, starting with a letter or underscore, at most 63 characters");
    }
    if (str("dbUser") === "doadmin") problems.add("dbUser", "doadmin", "a name other than doadmin, the cluster's administrator");

    const githubOwner = str("githubOwner");
    if (githubOwner !== undefined && !GITHUB_OWNER.test(githubOwner)) {
        problems.add("githubOwner", githubOwner, "a GitHub user or organization name: letters, digits and single dashes, at most 39 characters");
    }
    const githubRepository = str("githubRepository");
    if (githubRepository !== undefined && (!GITHUB_REPOSITORY.test(githubRepository) || githubRepository === "." || githubRepository === "..")) {
        problems.add("githubRepository", githubRepository, 'a repository name without the owner: letters, digits, ".", "_" and "-", e.g. "ProjectMeats"');
    }
    const githubEnvironments = { backend: str("githubBackendEnvironment"), frontend: str("githubFrontendEnvironment") };
    for (const [service, name] of Object.entries(githubEnvironments)) {
        const key = service === "backend" ? "githubBackendEnvironment" : "githubFrontendEnvironment";
        if (name !== undefined && !GITHUB_ENVIRONMENT.test(name)) problems.add(key, name, 'an environment name of letters, digits, ".", "_" and "-", e.g. "dev-backend"');
    }
    if (githubEnvironments.backend !== undefined && githubEnvironments.backend === githubEnvironments.frontend) {
        problems.add("githubFrontendEnvironment", githubEnvironments.frontend, "an environment different from githubBackendEnvironment: each service deploys through its own");
    }
    const refPattern = 'a branch or tag name pattern as git allows it, e.g. "main", "release/*" or "v*"';
    for (const key of ["githubDeployBranches", "githubDeployTags", "githubProtectedBranches"] as const) {
        for (const pattern of list(key) ?? []) if (!isRefPattern(pattern)) problems.add(key, pattern, refPattern);
    }
    if (list("githubDeployBranches")?.length === 0) problems.add("githubDeployBranches", [], 'at least one branch pattern allowed to deploy, e.g. ["development"]');

    const reviewers = list("githubReviewers") ?? [];
    for (const reviewer of reviewers) {
        if (!GITHUB_TEAM.test(reviewer) && !GITHUB_LOGIN.test(reviewer))
            problems.add("githubReviewers", reviewer, 'a GitHub login, or team:<slug> for an organization team, e.g. "octocat" or "team:platform"');
    }
    if (reviewers.length > MAX_ENVIRONMENT_REVIEWERS) {
        problems.add("githubReviewers", reviewers, `at most ${MAX_ENVIRONMENT_REVIEWERS} reviewers (users and teams together): GitHub's limit for an environment`);
    }
    if (new Set(reviewers).size !== reviewers.length) problems.add("githubReviewers", reviewers, "each reviewer listed once");
    if (bool("githubPreventSelfReview") === true && reviewers.length === 0) {
        problems.add("githubPreventSelfReview", true, "false, or at least one entry in githubReviewers: GitHub refuses to prevent self-review without required reviewers");
    }
    checkCount(problems, "githubWaitTimerMinutes", num("githubWaitTimerMinutes"), 0, MAX_WAIT_TIMER_MINUTES);
    checkCount(problems, "githubRequiredApprovals", num("githubRequiredApprovals"), 1, 10);
    const databaseUrlSecretName = str("githubDatabaseUrlSecretName") || `${environmentName.toUpperCase()}_DB_URL`;
    // A name derived from an invalid environment name is already reported there.
    const derivedFromBadName = !str("githubDatabaseUrlSecretName") && !ENVIRONMENT_NAME.test(environmentName);
    if (!derivedFromBadName && (!SECRET_NAME.test(databaseUrlSecretName) || databaseUrlSecretName.startsWith("GITHUB_"))) {
        problems.add(
            "githubDatabaseUrlSecretName",
            databaseUrlSecretName,
            'a secret name of uppercase letters, digits and underscores, not starting with a digit or GITHUB_, e.g. "DEV_DB_URL"',
        );
    }
    for (const check of list("githubRequiredChecks") ?? []) {
        if (check.trim() === "" || check.length > 255) problems.add("githubRequiredChecks", check, "a status check name, e.g. test");
    }
    for (const pattern of list("githubAllowedActions") ?? []) {
        if (!isUnpinnedActionPattern(pattern)) {
            problems.add(
                "githubAllowedActions",
                pattern,
                'an action pattern naming no tag or branch, e.g. "pulumi/actions@*" or "docker/*": actions are pinned to commit SHAs in the workflows',
            );
        }
    }

    const webhooks: { slackWebhookUrl?: string; teamsWebhookUrl?: string } = {};
    for (const key of ["slackWebhookUrl", "teamsWebhookUrl"] as const) {
        const url = str(key);
        if (!url) continue;
        if (!secretKeys.includes(fullKey(key))) {
            problems.add(key, "(plain text, not shown)", `a secret: set it with \`pulumi config set --secret ${key} <url>\` (webhook URLs grant posting rights)`);
        } else if (!/^https:\/\/[^\s/]+\/\S+$/.test(url)) {
            problems.add(key, "(secret, not shown)", "an https:// webhook URL");
        } else {
            webhooks[key] = url;
        }
    }

    if (problems.list.length > 0) throw new ConfigValidationError(stack, problems.list);

    const groups: ServerGroupConfig[] =
        frontendCount === 0
            ? [{ key: "app", services: ["backend", "frontend"], size: backendSize!, count: backendCount! }]
            : [
                  { key: "backend", services: ["backend"], size: backendSize!, count: backendCount! },
                  { key: "frontend", services: ["frontend"], size: frontendSize, count: frontendCount! },
              ];

    return {
        stack,
        environmentName,
        imageSha,
        region: region!,
        projectEnvironment: projectEnvironment as ProjectEnvironment,
        accountOwnerStack,
        ownsAccountResources,
        registry: { name: registryName!, tier: registryTier, region: registryRegion },
        vpcIpRange: vpcIpRange!,
        servers: {
            image: dropletImage!,
            backups: bool("dropletBackups")!,
            sshAllowedCidrs: sshAllowedCidrs!,
            sshPort: sshPort!,
            adminSshKeyFingerprints: fingerprints,
            groups,
        },
        hostnames: { backend: backendHostname!, frontend: frontendHostname! },
        database: { version: dbVersion!, size: dbSize!, nodeCount: dbNodeCount!, name: str("dbName")!, user: str("dbUser")! },
        github: {
            owner: githubOwner!,
            repository: githubRepository!,
            environments: { backend: githubEnvironments.backend!, frontend: githubEnvironments.frontend! },
            deployBranches: list("githubDeployBranches")!,
            deployTags: list("githubDeployTags")!,
            reviewers: {
                users: reviewers.filter((r) => !r.startsWith("team:")),
                teams: reviewers.filter((r) => r.startsWith("team:")).map((r) => r.slice("team:".length)),
            },
            preventSelfReview: bool("githubPreventSelfReview")!,
            waitTimerMinutes: num("githubWaitTimerMinutes")!,
            adminBypass: bool("githubAdminBypass")!,
            databaseUrlSecretName,
            protectedBranches: list("githubProtectedBranches")!,
            requiredChecks: list("githubRequiredChecks")!,
            requiredApprovals: num("githubRequiredApprovals")!,
            allowedActions: list("githubAllowedActions")!,
        },
        notifications: webhooks,
    };
}

/** Reads the running stack's configuration from the Pulumi engine and validates it. */
export function loadStackConfig(): StackConfig {
    const raw = pulumi.runtime.allConfig();
    // `isConfigSecret` is exported by the SDK's runtime but missing from its type declarations.
    const isSecret = (pulumi.runtime as unknown as { isConfigSecret(key: string): boolean }).isConfigSecret;
    return parseStackConfig(
        pulumi.getStack(),
        raw,
        Object.keys(raw).filter((key) => isSecret(key)),
    );
}

/**
 * The GitHub token from the provider's own configuration (`pulumi config set --secret github:token …`),
 * or undefined, in which case the provider reads `GITHUB_TOKEN` from the environment.
 */
export function githubTokenFromConfig(): pulumi.Output<string> | undefined {
    const config = new pulumi.Config("github");
    return config.get("token") === undefined ? undefined : config.requireSecret("token");
}
