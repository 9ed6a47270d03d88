/**
 * The repository that holds this program (not the ProjectMeats app's): where its CI runs, where its
 * deployment environments hold the credentials by trust level, and, for the owner stack, its own
 * ruleset and Actions settings. Configured apart from the app repository (`github*` keys).
 */
import { Problems, checkCount } from "../problems";
import type { InfraRepositoryConfig } from "../stackConfig";
import { ConfigValues, unsetIfEmpty } from "../values";
import { GITHUB_OWNER, GITHUB_REPOSITORY, isRefPattern, isUnpinnedActionPattern } from "./github";

export type InfraRepositoryValues = Pick<
    ConfigValues,
    "infraGithubOwner" | "infraRepository" | "infraDeployBranches" | "infraProtectedBranches" | "infraRequiredChecks" | "infraRequiredApprovals" | "infraAllowedActions"
>;

/**
 * @param app the app repository (`githubOwner`, `githubRepository`), which this one defaults its owner
 * to and must differ from.
 */
export function validateInfraRepository(values: InfraRepositoryValues, problems: Problems, app: { owner?: string; repository?: string }): InfraRepositoryConfig {
    const givenOwner = unsetIfEmpty(values.infraGithubOwner);
    if (givenOwner !== undefined && !GITHUB_OWNER.test(givenOwner)) {
        problems.add("infraGithubOwner", givenOwner, "a GitHub user or organization name: letters, digits and single dashes, at most 39 characters; empty means githubOwner");
    }
    const owner = givenOwner ?? app.owner ?? "";
    const repository = values.infraRepository;
    if (repository !== undefined && (!GITHUB_REPOSITORY.test(repository) || repository === "." || repository === "..")) {
        problems.add("infraRepository", repository, 'a repository name without the owner: letters, digits, ".", "_" and "-", e.g. "projectmeats-infra"');
    } else if (repository !== undefined && owner.toLowerCase() === (app.owner ?? "").toLowerCase() && repository.toLowerCase() === (app.repository ?? "").toLowerCase()) {
        problems.add(
            "infraRepository",
            repository,
            "the repository that holds this program, not the app repository githubRepository: each gets its own rulesets and Actions settings",
        );
    }

    const refPattern = 'a branch name pattern as git allows it, e.g. "main"';
    for (const key of ["infraDeployBranches", "infraProtectedBranches"] as const) {
        for (const pattern of values[key] ?? []) if (!isRefPattern(pattern)) problems.add(key, pattern, refPattern);
        if (values[key]?.length === 0) problems.add(key, [], `at least one branch, e.g. ["main"]`);
    }
    for (const check of values.infraRequiredChecks ?? []) {
        if (check.trim() === "" || check.length > 255) problems.add("infraRequiredChecks", check, "a status check name: a job of this repository's ci workflow, e.g. test");
    }
    checkCount(problems, "infraRequiredApprovals", values.infraRequiredApprovals, 1, 10);
    for (const pattern of values.infraAllowedActions ?? []) {
        if (!isUnpinnedActionPattern(pattern)) {
            problems.add("infraAllowedActions", pattern, 'an action pattern naming no tag or branch, e.g. "pulumi/actions@*": actions are pinned to commit SHAs in the workflows');
        }
    }

    return {
        owner,
        repository: repository!,
        deployBranches: values.infraDeployBranches!,
        protectedBranches: values.infraProtectedBranches!,
        requiredChecks: values.infraRequiredChecks!,
        requiredApprovals: values.infraRequiredApprovals!,
        allowedActions: values.infraAllowedActions!,
    };
}
