import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";

export interface DeploymentEnvironmentArgs {
    /** Repository name without the owner (the provider carries the owner). */
    readonly repository: string;
    /** Environment name, e.g. `prod2-backend`. */
    readonly environment: string;
    /**
     * Branch name patterns allowed to deploy (fnmatch, e.g. `release/*`). At least one, unless
     * `allBranches` is set.
     */
    readonly branchPatterns: readonly string[];
    /**
     * Let every ref use the environment, pull requests' merge refs included (no deployment branch
     * policy: GitHub rejects `refs/pull/<n>/merge` under a custom policy). Needs empty `branchPatterns`
     * and `tagPatterns`. Default false.
     */
    readonly allBranches?: boolean;
    /** Tag name patterns allowed to deploy, e.g. `v*`. Default none. */
    readonly tagPatterns?: readonly string[];
    /** Required reviewers: GitHub logins and organization team slugs (at most 6 together). Default none. */
    readonly reviewers?: { readonly users: readonly string[]; readonly teams: readonly string[] };
    /** Forbid the person who triggered a deployment from approving it. Needs a reviewer. Default false. */
    readonly preventSelfReview?: boolean;
    /** Minutes a deployment waits before it proceeds, 0–43,200. Default 0. */
    readonly waitTimerMinutes?: number;
    /** Let administrators bypass the protection rules. Default true (GitHub's own default). */
    readonly canAdminsBypass?: boolean;
    /** Environment secrets by name; values are stored as secrets. Default none. */
    readonly secrets?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * Adopt the existing environment (Pulumi's `import` option, ID `repository:environment` as
     * terraform-provider-github imports `github_repository_environment`) instead of creating it.
     * Default false.
     */
    readonly adopt?: boolean;
}

/**
 * A GitHub deployment environment with its protection rules, its deployment branch and tag policies,
 * and its secrets. GitHub creates the environment and its policies in separate calls, so each policy
 * is its own resource, keyed by its pattern.
 */
export class DeploymentEnvironment extends pulumi.ComponentResource {
    public readonly environment: pulumi.Output<string>;
    public readonly secretNames: readonly string[];

    constructor(name: string, args: DeploymentEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("projectmeats:github:DeploymentEnvironment", name, {}, opts);

        const allBranches = args.allBranches ?? false;
        if (allBranches && args.branchPatterns.length + (args.tagPatterns ?? []).length > 0) {
            throw new pulumi.ResourceError("`allBranches` lets every ref deploy: leave `branchPatterns` and `tagPatterns` empty.", this);
        }
        if (!allBranches && args.branchPatterns.length === 0) throw new pulumi.ResourceError("`branchPatterns` must name at least one branch allowed to deploy.", this);
        const reviewers = args.reviewers ?? { users: [], teams: [] };
        if ((args.preventSelfReview ?? false) && reviewers.users.length + reviewers.teams.length === 0) {
            throw new pulumi.ResourceError("`preventSelfReview` needs at least one reviewer in `reviewers`: GitHub refuses it otherwise.", this);
        }

        const userIds = reviewers.users.map((login) => github.getUserOutput({ username: login }, { parent: this }).id.apply(Number));
        const teamIds = reviewers.teams.map((slug) => github.getTeamOutput({ slug, summaryOnly: true }, { parent: this }).id.apply(Number));
        const hasReviewers = userIds.length + teamIds.length > 0;

        const environment = new github.RepositoryEnvironment(
            `${name}-environment`,
            {
                repository: args.repository,
                environment: args.environment,
                waitTimer: args.waitTimerMinutes ?? 0,
                // The provider defaults this to true; it is spelled out so a preview shows it.
                canAdminsBypass: args.canAdminsBypass ?? true,
                preventSelfReview: args.preventSelfReview ?? false,
                reviewers: hasReviewers ? [{ users: userIds, teams: teamIds }] : [],
                // Custom policies below; `protectedBranches` must be the opposite (GitHub answers 422 otherwise).
                // No policy at all lets every ref deploy.
                ...(allBranches ? {} : { deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true } }),
            },
            { parent: this, import: args.adopt === true ? `${args.repository}:${args.environment}` : undefined },
        );

        const policies: [string, { branchPattern?: string; tagPattern?: string }][] = [
            ...args.branchPatterns.map((pattern): [string, { branchPattern: string }] => [`branch-${pattern}`, { branchPattern: pattern }]),
            ...(args.tagPatterns ?? []).map((pattern): [string, { tagPattern: string }] => [`tag-${pattern}`, { tagPattern: pattern }]),
        ];
        for (const [key, pattern] of policies) {
            new github.RepositoryEnvironmentDeploymentPolicy(`${name}-${key}`, { repository: args.repository, environment: environment.environment, ...pattern }, { parent: this });
        }

        const secrets = args.secrets ?? {};
        for (const [secretName, value] of Object.entries(secrets)) {
            new github.ActionsEnvironmentSecret(
                `${name}-secret-${secretName}`,
                { repository: args.repository, environment: environment.environment, secretName, value: pulumi.secret(value) },
                { parent: this },
            );
        }

        this.environment = environment.environment;
        this.secretNames = Object.keys(secrets);
        this.registerOutputs({ environment: this.environment, secretNames: this.secretNames });
    }
}
