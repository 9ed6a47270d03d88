/**
 * GitHub as code, per stack, for two repositories configured apart: the ProjectMeats app repository
 * (its deployment environments, their rules and secrets, and in the owner stack its ruleset and SHA
 * pinning rollout) and the repository that holds this program (CI's credentials by trust level in
 * one environment per stack and level, and in the owner stack its ruleset and Actions settings).
 */
import { STACK_NAMES } from "../tools/stackFiles";
import { ProgramRun, RecordedResource, isSecret, named, ofType, reveal, runProgram } from "../tools/programRunner";
import { GITHUB_ACTIONS_INTEGRATION_ID, PINNED_ACTIONS_CHECK } from "../components/github/RepositoryGovernance";
import { infraEnvironmentName, infraEnvironments } from "../components/github/trustLevels";

const T = {
    environment: "github:index/repositoryEnvironment:RepositoryEnvironment",
    policy: "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
    secret: "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
    ruleset: "github:index/repositoryRuleset:RepositoryRuleset",
    actions: "github:index/actionsRepositoryPermissions:ActionsRepositoryPermissions",
    provider: "pulumi:providers:github",
};
const APP = "ProjectMeats";
const INFRA = "projectmeats-infra";

const runs = new Map<string, ProgramRun>();
beforeAll(async () => {
    for (const stack of STACK_NAMES) runs.set(stack, await runProgram(stack));
});

const plain = (r: RecordedResource) => reveal(r.inputs) as Record<string, unknown>;

function environments(run: ProgramRun, repository = APP): Record<string, Record<string, unknown>> {
    return Object.fromEntries(
        ofType(run, T.environment)
            .filter((r) => plain(r).repository === repository)
            .map((r) => [String(plain(r).environment), plain(r)]),
    );
}

function secretsOf(run: ProgramRun, environment: string, repository = APP): Record<string, RecordedResource> {
    return Object.fromEntries(
        ofType(run, T.secret)
            .filter((r) => plain(r).environment === environment && plain(r).repository === repository)
            .map((r) => [String(plain(r).secretName), r]),
    );
}

const PLATFORM_TEAM_ID = 9000 + [..."platform"].reduce((a, c) => a + c.charCodeAt(0), 0);

describe("the app repository", () => {
    test("each stack creates its two environments with the configured names", () => {
        expect(STACK_NAMES.map((stack) => Object.keys(environments(runs.get(stack)!)))).toEqual([
            ["dev-backend", "dev-frontend"],
            ["uat2-backend", "uat2-frontend"],
            ["prod2-backend", "prod2-frontend"],
        ]);
    });

    test("prod requires a reviewer (the platform team), prevents self-review, denies admin bypass and waits 5 minutes", () => {
        const prod = environments(runs.get("prod")!);
        for (const name of ["prod2-backend", "prod2-frontend"]) {
            expect(prod[name]).toMatchObject({
                reviewers: [{ users: [], teams: [PLATFORM_TEAM_ID] }],
                preventSelfReview: true,
                canAdminsBypass: false,
                waitTimer: 5,
                deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
            });
        }
        // Two app environments and three of this program's repository look the team up.
        const teamCalls = runs.get("prod")!.calls.filter((c) => c.token === "github:index/getTeam:getTeam");
        expect(teamCalls.map(({ inputs }) => inputs)).toEqual(Array(5).fill({ slug: "platform", summaryOnly: true }));
    });

    test("dev and uat need no reviewer and keep GitHub's defaults", () => {
        for (const stack of ["dev", "uat"]) {
            for (const env of [...Object.values(environments(runs.get(stack)!)), ...Object.values(environments(runs.get(stack)!, INFRA))]) {
                expect(env).toMatchObject({ reviewers: [], preventSelfReview: false, canAdminsBypass: true, waitTimer: 0 });
            }
        }
    });

    test("deployment branch policies: dev from development, uat from release branches, prod only from main and release tags", () => {
        const policies = (stack: string) =>
            ofType(runs.get(stack)!, T.policy)
                .map((r) => plain(r))
                .filter((p) => p.repository === APP)
                .map((p) => `${p.environment} ${p.branchPattern !== undefined ? `branch ${p.branchPattern}` : `tag ${p.tagPattern}`}`);
        expect(policies("dev")).toEqual(["dev-backend branch development", "dev-frontend branch development"]);
        expect(policies("uat")).toEqual(["uat2-backend branch release/*", "uat2-frontend branch release/*"]);
        expect(policies("prod").sort()).toEqual(["prod2-backend branch main", "prod2-backend tag v*", "prod2-frontend branch main", "prod2-frontend tag v*"]);
    });

    test("owner stack: the branch ruleset requires no check by default, and SHA pinning starts evaluate-only, leaving the app's Actions settings alone", () => {
        const prod = runs.get("prod")!;
        expect(plain(named(prod, "github-prod-governance-protected-branches"))).toEqual({
            repository: APP,
            name: "projectmeats-protected-branches",
            target: "branch",
            enforcement: "active",
            conditions: { refName: { includes: ["refs/heads/main", "refs/heads/development"], excludes: [] } },
            bypassActors: [],
            rules: {
                deletion: true,
                nonFastForward: true,
                pullRequest: { requiredApprovingReviewCount: 1, dismissStaleReviewsOnPush: true, requireLastPushApproval: true, requiredReviewThreadResolution: true },
            },
        });
        expect(plain(named(prod, "github-prod-governance-pinned-actions"))).toEqual({
            repository: APP,
            name: "projectmeats-pinned-actions",
            target: "branch",
            enforcement: "evaluate",
            conditions: { refName: { includes: ["refs/heads/main", "refs/heads/development"], excludes: [] } },
            bypassActors: [],
            rules: { requiredStatusChecks: { strictRequiredStatusChecksPolicy: false, requiredChecks: [{ context: PINNED_ACTIONS_CHECK, integrationId: 15368 }] } },
        });
        expect(ofType(prod, T.actions).map((r) => plain(r).repository)).toEqual([INFRA]);
    });

    test("owner stack, enforce stage: SHA pinning required and selected actions only; the app's CI jobs required from GitHub Actions", async () => {
        const run = await runProgram("prod", { config: { "projectmeats:githubShaPinning": "enforce", "projectmeats:githubRequiredChecks": '["build","test"]' } });
        expect(run.error).toBeUndefined();
        const app = (r: RecordedResource) => plain(r).repository === APP;
        expect(
            ofType(run, T.ruleset)
                .filter(app)
                .map((r) => r.name),
        ).toEqual(["github-prod-governance-protected-branches"]);
        expect((plain(named(run, "github-prod-governance-protected-branches")).rules as Record<string, unknown>).requiredStatusChecks).toEqual({
            strictRequiredStatusChecksPolicy: true,
            requiredChecks: [
                { context: "build", integrationId: 15368 },
                { context: "test", integrationId: 15368 },
            ],
        });
        expect(plain(named(run, "github-prod-governance-actions"))).toEqual({
            repository: APP,
            enabled: true,
            allowedActions: "selected",
            allowedActionsConfig: { githubOwnedAllowed: true, verifiedAllowed: false, patternsAlloweds: [] },
            shaPinningRequired: true,
        });
    });
});

describe.each(STACK_NAMES)("stack %s app environment secrets", (stack) => {
    const run = () => runs.get(stack)!;
    const env = stack === "dev" ? "dev" : `${stack}2`;

    test("the backend gets the database URL from the managed cluster and the registry's write credentials, all secret", () => {
        const secrets = secretsOf(run(), `${env}-backend`);
        const dbName = `${stack.toUpperCase()}_DB_URL`;
        expect(Object.keys(secrets).sort()).toEqual(["DOCR_DOCKER_CONFIG", dbName].sort());
        expect(isSecret(secrets[dbName].inputs.value)).toBe(true);
        expect(plain(secrets[dbName]).value).toBe(
            `postgresql://projectmeats:mock-password-for-projectmeats@private-projectmeats-${stack}-do-user-1.db.ondigitalocean.com:25060/projectmeats?sslmode=require`,
        );
        expect(isSecret(secrets.DOCR_DOCKER_CONFIG.inputs.value)).toBe(true);
        expect(plain(secrets.DOCR_DOCKER_CONFIG).value).toBe(
            JSON.stringify({ auths: { "registry.digitalocean.com": { auth: Buffer.from("mock-registry-write:token").toString("base64") } } }),
        );
    });

    test("the frontend gets only the registry credentials, never the database URL", () => {
        expect(Object.keys(secretsOf(run(), `${env}-frontend`))).toEqual(["DOCR_DOCKER_CONFIG"]);
    });

    test("secrets use the provider's current `value` argument, never the deprecated plaintextValue", () => {
        for (const secret of ofType(run(), T.secret)) {
            expect(Object.keys(secret.inputs).sort()).toEqual(["environment", "repository", "secretName", "value"]);
        }
    });
});

test("each repository has its own provider with its owner, so neither is resolved against the wrong account", () => {
    for (const stack of STACK_NAMES) {
        const run = runs.get(stack)!;
        expect(ofType(run, T.provider).map((p) => [p.name, plain(p).owner])).toEqual([
            [`github-${stack}-provider`, "Meats-Central"],
            [`infra-repository-${stack}-provider`, "Meats-Central"],
        ]);
        for (const resource of run.resources.filter((r) => r.type.startsWith("github:"))) {
            const infra = resource.name.startsWith(`infra-repository-${stack}`);
            expect({ name: resource.name, repository: plain(resource).repository }).toEqual({ name: resource.name, repository: infra ? INFRA : APP });
        }
    }
});

test("this program's repository may have an owner of its own", async () => {
    const run = await runProgram("dev", { config: { "projectmeats:infraGithubOwner": "meats-platform" } });
    expect(ofType(run, T.provider).map((p) => plain(p).owner)).toEqual(["Meats-Central", "meats-platform"]);
});

describe("this program's repository: credentials by trust level", () => {
    test("each stack has a deploy, a preview and a drift environment", () => {
        expect(STACK_NAMES.map((stack) => Object.keys(environments(runs.get(stack)!, INFRA)).sort())).toEqual(
            STACK_NAMES.map((stack) => [infraEnvironmentName(stack, "deploy"), infraEnvironmentName(stack, "drift"), infraEnvironmentName(stack, "preview")]),
        );
        expect(infraEnvironmentName("prod", "deploy")).toBe("infra-prod");
        expect(infraEnvironmentName("prod", "preview")).toBe("infra-prod-preview");
    });

    test("deploy and drift admit only main; preview admits every ref, pull requests' merge refs included (no branch policy)", () => {
        for (const stack of STACK_NAMES) {
            const envs = environments(runs.get(stack)!, INFRA);
            expect(envs[`infra-${stack}`].deploymentBranchPolicy).toEqual({ protectedBranches: false, customBranchPolicies: true });
            expect(envs[`infra-${stack}-drift`].deploymentBranchPolicy).toEqual({ protectedBranches: false, customBranchPolicies: true });
            expect(envs[`infra-${stack}-preview`]).not.toHaveProperty("deploymentBranchPolicy");
            const policies = ofType(runs.get(stack)!, T.policy)
                .map((r) => plain(r))
                .filter((p) => p.repository === INFRA)
                .map((p) => `${p.environment} ${p.branchPattern}`);
            expect(policies).toEqual([`infra-${stack} main`, `infra-${stack}-drift main`]);
        }
    });

    test("prod's reviewers gate every level, so nothing that decrypts prod's secrets runs unapproved: the preview of prod waits for them", () => {
        const prod = environments(runs.get("prod")!, INFRA);
        for (const name of ["infra-prod", "infra-prod-preview", "infra-prod-drift"]) {
            expect({ name, ...prod[name] }).toMatchObject({ name, reviewers: [{ users: [], teams: [PLATFORM_TEAM_ID] }], preventSelfReview: true, canAdminsBypass: false });
        }
        expect([prod["infra-prod"].waitTimer, prod["infra-prod-preview"].waitTimer, prod["infra-prod-drift"].waitTimer]).toEqual([5, 0, 0]);
    });

    test("the program writes no credential; the webhooks, when configured, reach the levels that notify", async () => {
        for (const stack of STACK_NAMES) expect(ofType(runs.get(stack)!, T.secret).filter((r) => plain(r).repository === INFRA)).toEqual([]);
        const run = await runProgram("dev", {
            secretConfig: {
                "projectmeats:slackWebhookUrl": "https://hooks.slack.com/services/T0/B0/XYZ",
                "projectmeats:teamsWebhookUrl": "https://example.webhook.office.com/workflows/abc",
            },
        });
        expect(run.error).toBeUndefined();
        for (const env of ["dev-backend", "dev-frontend", "infra-dev", "infra-dev-drift"]) {
            const secrets = secretsOf(run, env, env.startsWith("infra-") ? INFRA : APP);
            expect(isSecret(secrets.SLACK_WEBHOOK_URL.inputs.value)).toBe(true);
            expect(plain(secrets.SLACK_WEBHOOK_URL).value).toBe("https://hooks.slack.com/services/T0/B0/XYZ");
            expect(plain(secrets.TEAMS_WEBHOOK_URL).value).toBe("https://example.webhook.office.com/workflows/abc");
        }
        expect(secretsOf(run, "infra-dev-preview", INFRA)).toEqual({});
    });

    test.each([
        ["a stack without reviewers", { users: [], teams: [] }, false],
        ["a stack with reviewers", { users: ["octocat"], teams: ["platform"] }, true],
    ])("infraEnvironments for %s", (_, reviewers, preventSelfReview) => {
        expect(infraEnvironments("uat", { deployBranches: ["main"], reviewers, preventSelfReview, waitTimerMinutes: 7, adminBypass: !preventSelfReview })).toEqual([
            {
                level: "deploy",
                environment: "infra-uat",
                branchPatterns: ["main"],
                allBranches: false,
                reviewers,
                preventSelfReview,
                waitTimerMinutes: 7,
                adminBypass: !preventSelfReview,
            },
            {
                level: "preview",
                environment: "infra-uat-preview",
                branchPatterns: [],
                allBranches: true,
                reviewers,
                preventSelfReview,
                waitTimerMinutes: 0,
                adminBypass: !preventSelfReview,
            },
            {
                level: "drift",
                environment: "infra-uat-drift",
                branchPatterns: ["main"],
                allBranches: false,
                reviewers,
                preventSelfReview,
                waitTimerMinutes: 0,
                adminBypass: !preventSelfReview,
            },
        ]);
    });

    test("owner stack: its ruleset requires the ci workflow's jobs from GitHub Actions, and its Actions settings require SHA pinning", () => {
        const prod = runs.get("prod")!;
        expect(plain(named(prod, "infra-repository-prod-governance-protected-branches"))).toEqual({
            repository: INFRA,
            name: "projectmeats-protected-branches",
            target: "branch",
            enforcement: "active",
            conditions: { refName: { includes: ["refs/heads/main"], excludes: [] } },
            bypassActors: [],
            rules: {
                deletion: true,
                nonFastForward: true,
                pullRequest: { requiredApprovingReviewCount: 1, dismissStaleReviewsOnPush: true, requireLastPushApproval: true, requiredReviewThreadResolution: true },
                requiredStatusChecks: {
                    strictRequiredStatusChecksPolicy: true,
                    requiredChecks: [
                        { context: "test", integrationId: 15368 },
                        { context: "system", integrationId: 15368 },
                        { context: "policy", integrationId: 15368 },
                    ],
                },
            },
        });
        expect(plain(named(prod, "infra-repository-prod-governance-actions"))).toEqual({
            repository: INFRA,
            enabled: true,
            allowedActions: "selected",
            allowedActionsConfig: { githubOwnedAllowed: true, verifiedAllowed: false, patternsAlloweds: [] },
            shaPinningRequired: true,
        });
    });
});

test("every required check, in either repository, carries GitHub Actions' integration ID, so no other app or token can satisfy it", async () => {
    const enforced = await runProgram("prod", { config: { "projectmeats:githubShaPinning": "enforce", "projectmeats:githubRequiredChecks": '["build"]' } });
    const checks = [...ofType(runs.get("prod")!, T.ruleset), ...ofType(enforced, T.ruleset)].flatMap(
        (r) => ((plain(r).rules as { requiredStatusChecks?: { requiredChecks: unknown[] } }).requiredStatusChecks?.requiredChecks ?? []) as Array<Record<string, unknown>>,
    );
    // prod: the app's pinned-actions check and this repository's three; enforced: the app's `build` and the same three.
    expect(checks.length).toBe(8);
    for (const check of checks) expect(check).toEqual({ context: expect.any(String), integrationId: GITHUB_ACTIONS_INTEGRATION_ID });
    expect(GITHUB_ACTIONS_INTEGRATION_ID).toBe(15368);
});

test("repository rules exist only in the owner stack", () => {
    expect(STACK_NAMES.map((stack) => [ofType(runs.get(stack)!, T.ruleset).length, ofType(runs.get(stack)!, T.actions).length])).toEqual([
        [0, 0],
        [0, 0],
        [3, 1],
    ]);
});
