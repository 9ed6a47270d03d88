import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";

export interface RepositoryGovernanceArgs {
    /** Repository name without the owner. */
    readonly repository: string;
    /** Branches to protect, e.g. `main`, `development`. */
    readonly protectedBranches: readonly string[];
    /** Status check contexts (workflow job names) that must pass before merging. */
    readonly requiredChecks: readonly string[];
    /** Approving reviews a pull request needs. Default 1. */
    readonly requiredApprovals?: number;
    /** Third-party action patterns allowed besides GitHub's own (never a tag or branch). Default none. */
    readonly allowedActions?: readonly string[];
}

/** `refs/heads/<branch>` for each protected branch pattern, as rulesets name them. */
export function branchRefs(branches: readonly string[]): string[] {
    return branches.map((branch) => `refs/heads/${branch}`);
}

/**
 * Repository-wide rules, owned by one stack: a ruleset protecting the long-lived branches (reviews,
 * status checks, no force pushes, no deletion, nobody bypasses) and Actions permissions that allow
 * only selected actions, pinned to full commit SHAs.
 */
export class RepositoryGovernance extends pulumi.ComponentResource {
    constructor(name: string, args: RepositoryGovernanceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("projectmeats:github:RepositoryGovernance", name, {}, opts);

        if (args.protectedBranches.length === 0) throw new pulumi.ResourceError("`protectedBranches` must name at least one branch.", this);

        new github.RepositoryRuleset(
            `${name}-protected-branches`,
            {
                repository: args.repository,
                name: "projectmeats-protected-branches",
                target: "branch",
                enforcement: "active",
                conditions: { refName: { includes: branchRefs(args.protectedBranches), excludes: [] } },
                bypassActors: [],
                rules: {
                    deletion: true,
                    nonFastForward: true,
                    pullRequest: {
                        requiredApprovingReviewCount: args.requiredApprovals ?? 1,
                        dismissStaleReviewsOnPush: true,
                        requireLastPushApproval: true,
                        requiredReviewThreadResolution: true,
                    },
                    requiredStatusChecks: {
                        strictRequiredStatusChecksPolicy: true,
                        requiredChecks: args.requiredChecks.map((context) => ({ context })),
                    },
                },
            },
            { parent: this },
        );

        new github.ActionsRepositoryPermissions(
            `${name}-actions`,
            {
                repository: args.repository,
                enabled: true,
                allowedActions: "selected",
                allowedActionsConfig: { githubOwnedAllowed: true, verifiedAllowed: false, patternsAlloweds: [...(args.allowedActions ?? [])] },
                shaPinningRequired: true,
            },
            { parent: this },
        );

        this.registerOutputs({});
    }
}
