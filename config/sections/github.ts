/**
 * The GitHub side: repository, deployment environments and their protection rules, the database URL
 * secret, and (for the owner stack) the repository rulesets and allowed actions.
 */
import { Problems, checkCount } from "../problems";
import type { GitHubConfig } from "../stackConfig";
import { ConfigValues, unsetIfEmpty } from "../values";
import { isEnvironmentName } from "./general";

export const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
export const GITHUB_REPOSITORY = /^[A-Za-z0-9._-]{1,100}$/;
const GITHUB_ENVIRONMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;
const GITHUB_LOGIN = GITHUB_OWNER;
const GITHUB_TEAM = /^team:[a-z0-9][a-z0-9_-]{0,99}$/;
const SECRET_NAME = /^[A-Z_][A-Z0-9_]{0,99}$/;
/**
 * The environment secrets the program writes besides the database URL (components/github/secrets.ts:
 * the registry credential and the notification webhooks); config/sections/github.test.ts holds the two
 * lists together.
 */
export const PROGRAM_SECRET_NAMES: readonly string[] = ["DOCR_DOCKER_CONFIG", "SLACK_WEBHOOK_URL", "TEAMS_WEBHOOK_URL"];
/** GitHub's limits for environments — https://docs.github.com/en/rest/deployments/environments */
export const MAX_ENVIRONMENT_REVIEWERS = 6;
export const MAX_WAIT_TIMER_MINUTES = 43200;

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

export type GitHubValues = Pick<
    ConfigValues,
    | "githubOwner"
    | "githubRepository"
    | "githubBackendEnvironment"
    | "githubFrontendEnvironment"
    | "githubDeployBranches"
    | "githubDeployTags"
    | "githubReviewers"
    | "githubPreventSelfReview"
    | "githubWaitTimerMinutes"
    | "githubAdminBypass"
    | "githubDatabaseUrlSecretName"
    | "githubProtectedBranches"
    | "githubRequiredChecks"
    | "githubRequiredApprovals"
    | "githubAllowedActions"
    | "githubShaPinning"
>;

/** How far SHA pinning is rolled out on the app repository (see `RepositoryGovernance`). */
export const SHA_PINNING_STAGES = ["evaluate", "enforce"] as const;

/** @param environmentName the stack's environment name, from which the database URL secret's name defaults. */
export function validateGitHub(values: GitHubValues, problems: Problems, environmentName: string): GitHubConfig {
    const owner = values.githubOwner;
    if (owner !== undefined && !GITHUB_OWNER.test(owner)) {
        problems.add("githubOwner", owner, "a GitHub user or organization name: letters, digits and single dashes, at most 39 characters");
    }
    const repository = values.githubRepository;
    if (repository !== undefined && (!GITHUB_REPOSITORY.test(repository) || repository === "." || repository === "..")) {
        problems.add("githubRepository", repository, 'a repository name without the owner: letters, digits, ".", "_" and "-", e.g. "ProjectMeats"');
    }
    const environments = { backend: values.githubBackendEnvironment, frontend: values.githubFrontendEnvironment };
    for (const [service, name] of Object.entries(environments)) {
        const key = service === "backend" ? "githubBackendEnvironment" : "githubFrontendEnvironment";
        if (name !== undefined && !GITHUB_ENVIRONMENT.test(name)) problems.add(key, name, 'an environment name of letters, digits, ".", "_" and "-", e.g. "dev-backend"');
    }
    if (environments.backend !== undefined && environments.backend === environments.frontend) {
        problems.add("githubFrontendEnvironment", environments.frontend, "an environment different from githubBackendEnvironment: each service deploys through its own");
    }
    const refPattern = 'a branch or tag name pattern as git allows it, e.g. "main", "release/*" or "v*"';
    for (const key of ["githubDeployBranches", "githubDeployTags", "githubProtectedBranches"] as const) {
        for (const pattern of values[key] ?? []) if (!isRefPattern(pattern)) problems.add(key, pattern, refPattern);
    }
    if (values.githubDeployBranches?.length === 0) problems.add("githubDeployBranches", [], 'at least one branch pattern allowed to deploy, e.g. ["development"]');

    const reviewers = values.githubReviewers ?? [];
    for (const reviewer of reviewers) {
        if (!GITHUB_TEAM.test(reviewer) && !GITHUB_LOGIN.test(reviewer))
            problems.add("githubReviewers", reviewer, 'a GitHub login, or team:<slug> for an organization team, e.g. "octocat" or "team:platform"');
    }
    if (reviewers.length > MAX_ENVIRONMENT_REVIEWERS) {
        problems.add("githubReviewers", reviewers, `at most ${MAX_ENVIRONMENT_REVIEWERS} reviewers (users and teams together): GitHub's limit for an environment`);
    }
    if (values.githubPreventSelfReview === true && reviewers.length === 0) {
        problems.add("githubPreventSelfReview", true, "false, or at least one entry in githubReviewers: GitHub refuses to prevent self-review without required reviewers");
    }
    checkCount(problems, "githubWaitTimerMinutes", values.githubWaitTimerMinutes, 0, MAX_WAIT_TIMER_MINUTES);
    checkCount(problems, "githubRequiredApprovals", values.githubRequiredApprovals, 1, 10);

    const givenSecretName = unsetIfEmpty(values.githubDatabaseUrlSecretName);
    const databaseUrlSecretName = givenSecretName ?? `${environmentName.toUpperCase()}_DB_URL`;
    // A name derived from an invalid environment name is already reported there.
    const derivedFromBadName = givenSecretName === undefined && !isEnvironmentName(environmentName);
    if (!derivedFromBadName && (!SECRET_NAME.test(databaseUrlSecretName) || databaseUrlSecretName.startsWith("GITHUB_"))) {
        problems.add(
            "githubDatabaseUrlSecretName",
            databaseUrlSecretName,
            'a secret name of uppercase letters, digits and underscores, not starting with a digit or GITHUB_, e.g. "DEV_DB_URL"',
        );
    } else if (PROGRAM_SECRET_NAMES.includes(databaseUrlSecretName.toUpperCase())) {
        problems.add(
            "githubDatabaseUrlSecretName",
            databaseUrlSecretName,
            `a name other than ${PROGRAM_SECRET_NAMES.join(", ")}, which the program writes itself: the database URL secret would be silently dropped`,
        );
    }
    for (const check of values.githubRequiredChecks ?? []) {
        if (check.trim() === "" || check.length > 255) problems.add("githubRequiredChecks", check, "a status check name, e.g. test");
    }
    for (const pattern of values.githubAllowedActions ?? []) {
        if (!isUnpinnedActionPattern(pattern)) {
            problems.add(
                "githubAllowedActions",
                pattern,
                'an action pattern naming no tag or branch, e.g. "pulumi/actions@*" or "docker/*": actions are pinned to commit SHAs in the workflows',
            );
        }
    }
    const shaPinning = values.githubShaPinning;
    if (shaPinning !== undefined && !(SHA_PINNING_STAGES as readonly string[]).includes(shaPinning)) {
        problems.add(
            "githubShaPinning",
            shaPinning,
            "evaluate (an evaluate-only ruleset reports unpinned actions; the Actions settings are left as they are) or enforce (SHA pinning required, selected actions only)",
        );
    }

    return {
        owner: owner!,
        repository: repository!,
        environments: { backend: environments.backend!, frontend: environments.frontend! },
        deployBranches: values.githubDeployBranches!,
        deployTags: values.githubDeployTags!,
        reviewers: {
            users: reviewers.filter((r) => !r.startsWith("team:")),
            teams: reviewers.filter((r) => r.startsWith("team:")).map((r) => r.slice("team:".length)),
        },
        preventSelfReview: values.githubPreventSelfReview!,
        waitTimerMinutes: values.githubWaitTimerMinutes!,
        adminBypass: values.githubAdminBypass!,
        databaseUrlSecretName,
        protectedBranches: values.githubProtectedBranches!,
        requiredChecks: values.githubRequiredChecks!,
        requiredApprovals: values.githubRequiredApprovals!,
        allowedActions: values.githubAllowedActions!,
        shaPinning: shaPinning as (typeof SHA_PINNING_STAGES)[number],
    };
}
