/** The GitHubDeployments component on its own, under Pulumi's mocks. */
import { named, runComponent, summary, type ComponentCall, type ComponentResource } from "../../tools/componentRunner";
import { isSecret, reveal } from "../../tools/programRunner";
import type { GitHubDeploymentsArgs, GitHubRepositorySettings } from "./GitHubDeployments";

const T = {
    component: "projectmeats:github:GitHubDeployments",
    deploymentEnvironment: "projectmeats:github:DeploymentEnvironment",
    governance: "projectmeats:github:RepositoryGovernance",
    provider: "pulumi:providers:github",
    environment: "github:index/repositoryEnvironment:RepositoryEnvironment",
    policy: "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
    secret: "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
    ruleset: "github:index/repositoryRuleset:RepositoryRuleset",
    actions: "github:index/actionsRepositoryPermissions:ActionsRepositoryPermissions",
    getTeam: "github:index/getTeam:getTeam",
};
const PREFIX = "urn:pulumi:test::projectmeats-infra::";
const componentUrn = (name: string) => `${PREFIX}${T.component}::${name}`;

function call(token: string, inputs: Record<string, unknown>): Record<string, unknown> | undefined {
    if (token === T.getTeam && inputs.slug === "platform") return { id: "201", slug: "platform", name: "Platform" };
    return undefined;
}

const SETTINGS: GitHubRepositorySettings = {
    owner: "Meats-Central",
    repository: "ProjectMeats",
    environments: { backend: "prod2-backend", frontend: "prod2-frontend" },
    deployBranches: ["main"],
    deployTags: ["v*"],
    reviewers: { users: [], teams: ["platform"] },
    preventSelfReview: true,
    waitTimerMinutes: 5,
    adminBypass: false,
    protectedBranches: ["main", "development"],
    requiredChecks: ["test"],
    requiredApprovals: 2,
    allowedActions: ["pulumi/actions@*"],
};
const DATABASE_URL = "postgresql://projectmeats:s3cret@private-db.example:25060/projectmeats?sslmode=require";
const TOKEN = "ghp_mocktoken";

let resources: ComponentResource[];
let calls: ComponentCall[];
beforeAll(async () => {
    ({ resources, calls } = await runComponent(
        async () => {
            const pulumi = await import("@pulumi/pulumi");
            const { GitHubDeployments } = await import("./GitHubDeployments");
            const owner: GitHubDeploymentsArgs = {
                github: SETTINGS,
                ownsRepositoryRules: true,
                token: pulumi.secret(TOKEN),
                secrets: { backend: { PROD_DB_URL: pulumi.secret(DATABASE_URL), DOCR_DOCKER_CONFIG: "cfg" }, frontend: { DOCR_DOCKER_CONFIG: "cfg" } },
            };
            new GitHubDeployments("github-prod", owner);
            new GitHubDeployments("github-dev", {
                github: { ...SETTINGS, environments: { backend: "dev-backend", frontend: "dev-frontend" }, reviewers: { users: [], teams: [] }, preventSelfReview: false },
                ownsRepositoryRules: false,
                secrets: { backend: {}, frontend: {} },
            });
            new GitHubDeployments("github-adopt", {
                github: { ...SETTINGS, environments: { backend: "uat2-backend", frontend: "uat2-frontend" }, reviewers: { users: [], teams: [] }, preventSelfReview: false },
                ownsRepositoryRules: false,
                secrets: { backend: {}, frontend: {} },
                adoptEnvironments: true,
            });
        },
        { call },
    ));
});

const under = (name: string) => resources.filter((r) => r.name === name || r.name.startsWith(`${name}-`));
const inputs = (name: string) => reveal(named(resources, name).inputs) as Record<string, unknown>;
const providerRef = (name: string) => `${named(resources, `${name}-provider`).urn}::${name}-provider-id`;

test("the owner stack's component holds its provider, one environment per service and the repository rules, each named after it", () => {
    const parent = componentUrn("github-prod");
    expect(summary(under("github-prod")).filter((r) => r.parent === parent || r.parent === "")).toEqual([
        { type: T.component, name: "github-prod", urn: parent, parent: "" },
        { type: T.deploymentEnvironment, name: "github-prod-backend", urn: `${PREFIX}${T.component}$${T.deploymentEnvironment}::github-prod-backend`, parent },
        { type: T.deploymentEnvironment, name: "github-prod-frontend", urn: `${PREFIX}${T.component}$${T.deploymentEnvironment}::github-prod-frontend`, parent },
        { type: T.governance, name: "github-prod-governance", urn: `${PREFIX}${T.component}$${T.governance}::github-prod-governance`, parent },
        { type: T.provider, name: "github-prod-provider", urn: `${PREFIX}${T.component}$${T.provider}::github-prod-provider`, parent },
    ]);
});

test("every resource below the component is parented within it and named after it", () => {
    const urns = new Set(under("github-prod").map((r) => r.urn));
    expect(under("github-prod").filter((r) => r.name !== "github-prod" && !urns.has(r.parent))).toEqual([]);
    expect(resources.filter((r) => r.name !== "github-prod" && r.parent === componentUrn("github-prod") && !r.name.startsWith("github-prod-"))).toEqual([]);
    expect(resources.filter((r) => !/^github-(prod|dev|adopt)(-|$)/.test(r.name)).map((r) => r.name)).toEqual([]);
});

test("the provider carries the owner and the token, as a secret", () => {
    expect(inputs("github-prod-provider")).toEqual({ owner: "Meats-Central", token: TOKEN, baseUrl: "https://api.github.com/" });
    expect(isSecret(named(resources, "github-prod-provider").inputs.token)).toBe(true);
});

test("without a token the provider has none (it reads GITHUB_TOKEN)", () => {
    expect(inputs("github-dev-provider")).toEqual({ owner: "Meats-Central", baseUrl: "https://api.github.com/" });
});

test.each(["github-prod", "github-dev"])("every GitHub resource of %s goes through its own provider", (name) => {
    const githubResources = under(name).filter((r) => r.type.startsWith("github:"));
    expect(githubResources.map((r) => ({ name: r.name, provider: r.provider }))).toEqual(githubResources.map((r) => ({ name: r.name, provider: providerRef(name) })));
    expect(githubResources.map((r) => r.name).sort()).toEqual(
        name === "github-prod"
            ? [
                  "github-prod-backend-branch-main",
                  "github-prod-backend-environment",
                  "github-prod-backend-secret-DOCR_DOCKER_CONFIG",
                  "github-prod-backend-secret-PROD_DB_URL",
                  "github-prod-backend-tag-v*",
                  "github-prod-frontend-branch-main",
                  "github-prod-frontend-environment",
                  "github-prod-frontend-secret-DOCR_DOCKER_CONFIG",
                  "github-prod-frontend-tag-v*",
                  "github-prod-governance-actions",
                  "github-prod-governance-protected-branches",
              ]
            : [
                  "github-dev-backend-branch-main",
                  "github-dev-backend-environment",
                  "github-dev-backend-tag-v*",
                  "github-dev-frontend-branch-main",
                  "github-dev-frontend-environment",
                  "github-dev-frontend-tag-v*",
              ],
    );
});

test("the reviewer lookups go through the owner stack's provider", () => {
    expect(calls.map(({ token, inputs, provider }) => ({ token, inputs, provider }))).toEqual([
        { token: T.getTeam, inputs: { slug: "platform", summaryOnly: true }, provider: providerRef("github-prod") },
        { token: T.getTeam, inputs: { slug: "platform", summaryOnly: true }, provider: providerRef("github-prod") },
    ]);
});

test.each([
    ["backend", "prod2-backend"],
    ["frontend", "prod2-frontend"],
])("the %s environment gets the repository's deployment rules", (service, environment) => {
    expect(inputs(`github-prod-${service}-environment`)).toEqual({
        repository: "ProjectMeats",
        environment,
        waitTimer: 5,
        canAdminsBypass: false,
        preventSelfReview: true,
        reviewers: [{ users: [], teams: [201] }],
        deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
    });
    expect(inputs(`github-prod-${service}-branch-main`)).toEqual({ repository: "ProjectMeats", environment, branchPattern: "main" });
    expect(inputs(`github-prod-${service}-tag-v*`)).toEqual({ repository: "ProjectMeats", environment, tagPattern: "v*" });
});

test("each environment gets its own secrets: the database URL only the backend's", () => {
    const secrets = (service: string) =>
        summary(under(`github-prod-${service}`))
            .filter((r) => r.type === T.secret)
            .map((r) => named(resources, r.name))
            .map((r) => ({ name: r.name, secret: isSecret(r.inputs.value), ...(reveal(r.inputs) as Record<string, unknown>) }));
    expect(secrets("backend")).toEqual([
        {
            name: "github-prod-backend-secret-DOCR_DOCKER_CONFIG",
            secret: true,
            repository: "ProjectMeats",
            environment: "prod2-backend",
            secretName: "DOCR_DOCKER_CONFIG",
            value: "cfg",
        },
        { name: "github-prod-backend-secret-PROD_DB_URL", secret: true, repository: "ProjectMeats", environment: "prod2-backend", secretName: "PROD_DB_URL", value: DATABASE_URL },
    ]);
    expect(secrets("frontend")).toEqual([
        {
            name: "github-prod-frontend-secret-DOCR_DOCKER_CONFIG",
            secret: true,
            repository: "ProjectMeats",
            environment: "prod2-frontend",
            secretName: "DOCR_DOCKER_CONFIG",
            value: "cfg",
        },
    ]);
});

test("the owner stack's repository rules take the protected branches, checks, approvals and allowed actions", () => {
    expect(inputs("github-prod-governance-protected-branches")).toMatchObject({
        repository: "ProjectMeats",
        conditions: { refName: { includes: ["refs/heads/main", "refs/heads/development"], excludes: [] } },
        rules: { pullRequest: { requiredApprovingReviewCount: 2 }, requiredStatusChecks: { requiredChecks: [{ context: "test" }] } },
    });
    expect(inputs("github-prod-governance-actions")).toMatchObject({
        allowedActionsConfig: { githubOwnedAllowed: true, verifiedAllowed: false, patternsAlloweds: ["pulumi/actions@*"] },
    });
});

test("environments are created unless adoptEnvironments, which imports them as `<repository>:<environment>`", () => {
    const imported = (name: string) =>
        under(name)
            .filter((r) => r.importId !== "")
            .map((r) => [r.name, r.importId]);
    expect(imported("github-prod")).toEqual([]);
    expect(imported("github-dev")).toEqual([]);
    expect(imported("github-adopt").sort()).toEqual([
        ["github-adopt-backend-environment", "ProjectMeats:uat2-backend"],
        ["github-adopt-frontend-environment", "ProjectMeats:uat2-frontend"],
    ]);
});

test("a stack that does not own the repository rules creates only its environments", () => {
    expect(summary(under("github-dev")).map(({ type, name }) => `${type} ${name}`)).toEqual([
        `${T.component} github-dev`,
        `${T.deploymentEnvironment} github-dev-backend`,
        `${T.policy} github-dev-backend-branch-main`,
        `${T.environment} github-dev-backend-environment`,
        `${T.policy} github-dev-backend-tag-v*`,
        `${T.deploymentEnvironment} github-dev-frontend`,
        `${T.policy} github-dev-frontend-branch-main`,
        `${T.environment} github-dev-frontend-environment`,
        `${T.policy} github-dev-frontend-tag-v*`,
        `${T.provider} github-dev-provider`,
    ]);
});
