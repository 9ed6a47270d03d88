import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { DeploymentEnvironment } from "./DeploymentEnvironment";
import { GITHUB_ACTIONS_INTEGRATION_ID, RepositoryGovernance } from "./RepositoryGovernance";
import { InfraEnvironmentSpec, NOTIFYING_LEVELS, TrustLevel } from "./trustLevels";

/** The rules of this program's repository, owned by one stack. */
export interface InfraGovernanceSettings {
    /** Branches its ruleset protects, e.g. `main`. */
    readonly protectedBranches: readonly string[];
    /** Jobs of its ci workflow that must pass, posted by GitHub Actions. */
    readonly requiredChecks: readonly string[];
    /** Approving reviews a pull request needs. */
    readonly requiredApprovals: number;
    /** Third-party action patterns allowed besides GitHub's own (never a tag or branch). */
    readonly allowedActions: readonly string[];
}

export interface InfraRepositoryArgs {
    /** User or organization that owns the repository. */
    readonly owner: string;
    /** Repository name without the owner. */
    readonly repository: string;
    /** Token for the GitHub provider; absent means the provider reads `GITHUB_TOKEN`. */
    readonly token?: pulumi.Input<string>;
    /** The stack's environments, one per trust level (`infraEnvironments`). */
    readonly environments: readonly InfraEnvironmentSpec[];
    /**
     * Secrets the program knows (the notification webhooks), written into the levels whose workflows
     * notify. The credentials themselves are set by an operator. Default none.
     */
    readonly notificationSecrets?: Readonly<Record<string, pulumi.Input<string>>>;
    /** The repository's ruleset and Actions settings, in the stack that owns them. Default none. */
    readonly governance?: InfraGovernanceSettings;
}

/**
 * The repository that holds this program, as its CI needs it: per stack, a deployment environment
 * for each trust level (deploy, preview, drift) with the stack's protection rules; in the owner stack,
 * a ruleset that requires the ci workflow's jobs from GitHub Actions, and Actions settings that allow
 * only selected actions pinned to full commit SHAs.
 */
export class InfraRepository extends pulumi.ComponentResource {
    /** Environment name by trust level. */
    public readonly environments: Readonly<Record<TrustLevel, pulumi.Output<string>>>;

    constructor(name: string, args: InfraRepositoryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("projectmeats:github:InfraRepository", name, {}, opts);

        const levels = args.environments.map((spec) => spec.level);
        if (new Set(levels).size !== levels.length) throw new pulumi.ResourceError("`environments` must name each trust level once.", this);

        // Its own provider: this repository may have another owner than the app's.
        const provider = new github.Provider(`${name}-provider`, { owner: args.owner, token: args.token }, { parent: this });
        const childOpts = { parent: this, providers: [provider] };

        const environments: Partial<Record<TrustLevel, pulumi.Output<string>>> = {};
        for (const spec of args.environments) {
            const environment = new DeploymentEnvironment(
                `${name}-${spec.level}`,
                {
                    repository: args.repository,
                    environment: spec.environment,
                    branchPatterns: spec.branchPatterns,
                    allBranches: spec.allBranches,
                    reviewers: spec.reviewers,
                    preventSelfReview: spec.preventSelfReview,
                    waitTimerMinutes: spec.waitTimerMinutes,
                    canAdminsBypass: spec.adminBypass,
                    secrets: NOTIFYING_LEVELS.includes(spec.level) ? (args.notificationSecrets ?? {}) : {},
                },
                childOpts,
            );
            environments[spec.level] = environment.environment;
        }

        if (args.governance) {
            new RepositoryGovernance(
                `${name}-governance`,
                {
                    repository: args.repository,
                    protectedBranches: args.governance.protectedBranches,
                    requiredChecks: args.governance.requiredChecks,
                    requiredCheckIntegrationId: GITHUB_ACTIONS_INTEGRATION_ID,
                    requiredApprovals: args.governance.requiredApprovals,
                    allowedActions: args.governance.allowedActions,
                    // Its own workflows are pinned (test/workflows.test.ts), so enforcement starts at once.
                    shaPinning: "enforce",
                },
                childOpts,
            );
        }

        this.environments = environments as Record<TrustLevel, pulumi.Output<string>>;
        this.registerOutputs({ environments: this.environments });
    }
}
