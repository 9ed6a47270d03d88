import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import type { Service } from "../../model/services";
import { DeploymentEnvironment } from "./DeploymentEnvironment";
import { GITHUB_ACTIONS_INTEGRATION_ID, RepositoryGovernance } from "./RepositoryGovernance";

/** The repository that ProjectMeats deploys from, its deployment environments and its rules. */
export interface GitHubRepositorySettings {
    /** User or organization that owns the repository. */
    readonly owner: string;
    /** Repository name without the owner. */
    readonly repository: string;
    /** Deployment environment of each service, e.g. `dev-backend`. */
    readonly environments: Readonly<Record<Service, string>>;
    /** Branch name patterns allowed to deploy to the environments. */
    readonly deployBranches: readonly string[];
    /** Tag name patterns allowed to deploy to the environments. */
    readonly deployTags: readonly string[];
    /** Required reviewers: GitHub logins and organization team slugs. */
    readonly reviewers: { readonly users: readonly string[]; readonly teams: readonly string[] };
    readonly preventSelfReview: boolean;
    /** Minutes a deployment waits after approval. */
    readonly waitTimerMinutes: number;
    readonly adminBypass: boolean;
    /** Branches the ruleset protects (owner stack only). */
    readonly protectedBranches: readonly string[];
    /** Status checks the ruleset requires: the app's CI jobs, posted by GitHub Actions. */
    readonly requiredChecks: readonly string[];
    readonly requiredApprovals: number;
    /** Action patterns allowed to run ("selected actions"). */
    readonly allowedActions: readonly string[];
    /**
     * SHA pinning rollout: `evaluate` reports unpinned actions through an evaluate-only ruleset and
     * leaves the Actions settings alone (the app's workflows pin by tag today); `enforce` requires it.
     * Default `enforce`.
     */
    readonly shaPinning?: "evaluate" | "enforce";
}

export interface GitHubDeploymentsArgs {
    /** The repository, its environments and rules. */
    readonly github: GitHubRepositorySettings;
    /** True in the stack that owns repository-wide rules (rulesets, Actions permissions). */
    readonly ownsRepositoryRules: boolean;
    /** Token for the GitHub provider; absent means the provider reads `GITHUB_TOKEN`. */
    readonly token?: pulumi.Input<string>;
    /** Secrets of each service's environment, by secret name. */
    readonly secrets: Readonly<Record<Service, Readonly<Record<string, pulumi.Input<string>>>>>;
    /** Adopt the existing environments instead of creating them. Default false. */
    readonly adoptEnvironments?: boolean;
}

/** The stack's GitHub deployment environments, and the repository rules where this stack owns them. */
export class GitHubDeployments extends pulumi.ComponentResource {
    public readonly environments: Readonly<Record<Service, DeploymentEnvironment>>;

    constructor(name: string, args: GitHubDeploymentsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("projectmeats:github:GitHubDeployments", name, {}, opts);

        // An explicit provider with the owner set, so the repository is always `owner/repository`
        // (a missing owner yields /repos/{repo}/{repo}/… 404s: pulumi/pulumi-github#248).
        const provider = new github.Provider(`${name}-provider`, { owner: args.github.owner, token: args.token }, { parent: this });
        const childOpts = { parent: this, providers: [provider] };

        const services: Service[] = ["backend", "frontend"];
        this.environments = Object.fromEntries(
            services.map((service) => [
                service,
                new DeploymentEnvironment(
                    `${name}-${service}`,
                    {
                        repository: args.github.repository,
                        environment: args.github.environments[service],
                        branchPatterns: args.github.deployBranches,
                        tagPatterns: args.github.deployTags,
                        reviewers: args.github.reviewers,
                        preventSelfReview: args.github.preventSelfReview,
                        waitTimerMinutes: args.github.waitTimerMinutes,
                        canAdminsBypass: args.github.adminBypass,
                        secrets: args.secrets[service],
                        adopt: args.adoptEnvironments,
                    },
                    childOpts,
                ),
            ]),
        ) as Record<Service, DeploymentEnvironment>;

        if (args.ownsRepositoryRules) {
            new RepositoryGovernance(
                `${name}-governance`,
                {
                    repository: args.github.repository,
                    protectedBranches: args.github.protectedBranches,
                    requiredChecks: args.github.requiredChecks,
                    requiredCheckIntegrationId: GITHUB_ACTIONS_INTEGRATION_ID,
                    shaPinning: args.github.shaPinning,
                    requiredApprovals: args.github.requiredApprovals,
                    allowedActions: args.github.allowedActions,
                },
                childOpts,
            );
        }

        this.registerOutputs({});
    }
}
