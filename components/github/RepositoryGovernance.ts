import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";

/**
 * GitHub Actions' app id, which a required status check names so that only Actions can satisfy it
 * (GitHub docs, rulesets `required_status_checks[].integration_id`; the REST API reports checks
 * posted by Actions with `app.id` 15368).
 */
export const GITHUB_ACTIONS_INTEGRATION_ID = 15368;

/** The status check the evaluate-only SHA pinning ruleset requires: a job of that name in the repository's CI. */
export const PINNED_ACTIONS_CHECK = "pinned-actions";

export interface RepositoryGovernanceArgs {
    /** Repository name without the owner. */
    readonly repository: string;
    /** Branches to protect, e.g. `main`, `development`. */
    readonly protectedBranches: readonly string[];
    /** Status check contexts (workflow job names) that must pass before merging; none adds no status check rule. */
    readonly requiredChecks: readonly string[];
    /**
     * The app whose checks count (`GITHUB_ACTIONS_INTEGRATION_ID` for workflow jobs). Default none:
     * any app or token that can post a status of that name satisfies the check.
     */
    readonly requiredCheckIntegrationId?: number;
    /**
     * How SHA pinning is rolled out. `enforce` (default): Actions allow selected actions only, pinned
     * to full commit SHAs. `evaluate`: the Actions settings are left as they are, and an evaluate-only
     * ruleset requires the `pinned-actions` check, so GitHub's rule insights show which pull requests
     * enforcement would block ("`evaluate` is currently only supported for owners of type
     * `organization`": @pulumi/github 6.15.0, `RepositoryRuleset.enforcement`).
     */
    readonly shaPinning?: "enforce" | "evaluate";
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
 * status checks from the named app, no force pushes, no deletion, nobody bypasses) and, once SHA
 * pinning is enforced, Actions permissions that allow only selected actions, pinned to full commit
 * SHAs; before that, an evaluate-only ruleset that reports what enforcement would block.
 */
export class RepositoryGovernance extends pulumi.ComponentResource {
    constructor(name: string, args: RepositoryGovernanceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("projectmeats:github:RepositoryGovernance", name, {}, opts);

        if (args.protectedBranches.length === 0) throw new pulumi.ResourceError("`protectedBranches` must name at least one branch.", this);
        const shaPinning = args.shaPinning ?? "enforce";
        const check = (context: string) => (args.requiredCheckIntegrationId === undefined ? { context } : { context, integrationId: args.requiredCheckIntegrationId });
        const conditions = { refName: { includes: branchRefs(args.protectedBranches), excludes: [] } };

        new github.RepositoryRuleset(
            `${name}-protected-branches`,
            {
                repository: args.repository,
                name: "projectmeats-protected-branches",
                target: "branch",
                enforcement: "active",
                conditions,
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
                    ...(args.requiredChecks.length > 0 ? { requiredStatusChecks: { strictRequiredStatusChecksPolicy: true, requiredChecks: args.requiredChecks.map(check) } } : {}),
                },
            },
            { parent: this },
        );

        if (shaPinning === "evaluate") {
            // Rule insights record what an active ruleset would have blocked, without blocking
            // (`enforcement: "evaluate"`). The Actions settings stay unmanaged until `enforce`: the
            // policy pack requires SHA pinning wherever they are managed.
            new github.RepositoryRuleset(
                `${name}-pinned-actions`,
                {
                    repository: args.repository,
                    name: "projectmeats-pinned-actions",
                    target: "branch",
                    enforcement: "evaluate",
                    conditions,
                    bypassActors: [],
                    rules: { requiredStatusChecks: { strictRequiredStatusChecksPolicy: false, requiredChecks: [check(PINNED_ACTIONS_CHECK)] } },
                },
                { parent: this },
            );
        } else {
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
        }

        this.registerOutputs({});
    }
}
