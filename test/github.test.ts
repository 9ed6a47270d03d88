/** GitHub as code, per stack: environments, their rules and secrets, and the repository-wide rules. */
import { STACK_NAMES } from "../tools/stackFiles";
import { ProgramRun, RecordedResource, isSecret, named, ofType, reveal, runProgram } from "../tools/programRunner";

const T = {
    environment: "github:index/repositoryEnvironment:RepositoryEnvironment",
    policy: "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
    secret: "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
    ruleset: "github:index/repositoryRuleset:RepositoryRuleset",
    actions: "github:index/actionsRepositoryPermissions:ActionsRepositoryPermissions",
    provider: "pulumi:providers:github",
};

const runs = new Map<string, ProgramRun>();
beforeAll(async () => {
    for (const stack of STACK_NAMES) runs.set(stack, await runProgram(stack));
});

const plain = (r: RecordedResource) => reveal(r.inputs) as Record<string, unknown>;

function environments(run: ProgramRun): Record<string, Record<string, unknown>> {
    return Object.fromEntries(ofType(run, T.environment).map((r) => [String(plain(r).environment), plain(r)]));
}

function secretsOf(run: ProgramRun, environment: string): Record<string, RecordedResource> {
    return Object.fromEntries(
        ofType(run, T.secret)
            .filter((r) => plain(r).environment === environment)
            .map((r) => [String(plain(r).secretName), r]),
    );
}

test("each stack creates its two environments with the configured names", () => {
    expect(STACK_NAMES.map((stack) => Object.keys(environments(runs.get(stack)!)))).toEqual([
        ["dev-backend", "dev-frontend"],
        ["uat2-backend", "uat2-frontend"],
        ["prod2-backend", "prod2-frontend"],
    ]);
});

test("the provider carries the owner, so repositories are never resolved against the wrong account", () => {
    for (const stack of STACK_NAMES) {
        expect(plain(ofType(runs.get(stack)!, T.provider)[0])).toMatchObject({ owner: "Meats-Central" });
        for (const resource of runs.get(stack)!.resources.filter((r) => r.type.startsWith("github:"))) expect(plain(resource).repository).toBe("ProjectMeats");
    }
});

test("prod requires a reviewer (the platform team), prevents self-review, denies admin bypass and waits 5 minutes", () => {
    const prod = environments(runs.get("prod")!);
    for (const name of ["prod2-backend", "prod2-frontend"]) {
        expect(prod[name]).toMatchObject({
            reviewers: [{ users: [], teams: [9000 + [..."platform"].reduce((a, c) => a + c.charCodeAt(0), 0)] }],
            preventSelfReview: true,
            canAdminsBypass: false,
            waitTimer: 5,
            deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
        });
    }
    expect(
        runs
            .get("prod")!
            .calls.filter((c) => c.token === "github:index/getTeam:getTeam")
            .map(({ token, inputs }) => ({ token, inputs })),
    ).toEqual([
        { token: "github:index/getTeam:getTeam", inputs: { slug: "platform", summaryOnly: true } },
        { token: "github:index/getTeam:getTeam", inputs: { slug: "platform", summaryOnly: true } },
    ]);
});

test("dev and uat need no reviewer and keep GitHub's defaults", () => {
    for (const stack of ["dev", "uat"]) {
        for (const env of Object.values(environments(runs.get(stack)!))) {
            expect(env).toMatchObject({ reviewers: [], preventSelfReview: false, canAdminsBypass: true, waitTimer: 0 });
        }
    }
});

test("deployment branch policies: dev from development, uat from release branches, prod only from main and release tags", () => {
    const policies = (stack: string) =>
        ofType(runs.get(stack)!, T.policy)
            .map((r) => plain(r))
            .map((p) => `${p.environment} ${p.branchPattern !== undefined ? `branch ${p.branchPattern}` : `tag ${p.tagPattern}`}`);
    expect(policies("dev")).toEqual(["dev-backend branch development", "dev-frontend branch development"]);
    expect(policies("uat")).toEqual(["uat2-backend branch release/*", "uat2-frontend branch release/*"]);
    expect(policies("prod").sort()).toEqual(["prod2-backend branch main", "prod2-backend tag v*", "prod2-frontend branch main", "prod2-frontend tag v*"]);
});

describe.each(STACK_NAMES)("stack %s environment secrets", (stack) => {
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

test("webhook URLs, when configured as secrets, reach both environments as secrets", async () => {
    const run = await runProgram("dev", {
        secretConfig: {
            "projectmeats:slackWebhookUrl": "https://hooks.slack.com/services/T0/B0/XYZ",
            "projectmeats:teamsWebhookUrl": "https://example.webhook.office.com/webhookb2/abc",
        },
    });
    expect(run.error).toBeUndefined();
    for (const env of ["dev-backend", "dev-frontend"]) {
        const secrets = secretsOf(run, env);
        expect(isSecret(secrets.SLACK_WEBHOOK_URL.inputs.value)).toBe(true);
        expect(plain(secrets.SLACK_WEBHOOK_URL).value).toBe("https://hooks.slack.com/services/T0/B0/XYZ");
        expect(plain(secrets.TEAMS_WEBHOOK_URL).value).toBe("https://example.webhook.office.com/webhookb2/abc");
    }
});

test("rulesets and required SHA pinning exist exactly once across the three stacks, in the owner stack", () => {
    expect(STACK_NAMES.map((stack) => [ofType(runs.get(stack)!, T.ruleset).length, ofType(runs.get(stack)!, T.actions).length])).toEqual([
        [0, 0],
        [0, 0],
        [1, 1],
    ]);
    const prod = runs.get("prod")!;
    expect(plain(named(prod, "github-prod-governance-protected-branches"))).toEqual({
        repository: "ProjectMeats",
        name: "projectmeats-protected-branches",
        target: "branch",
        enforcement: "active",
        conditions: { refName: { includes: ["refs/heads/main", "refs/heads/development"], excludes: [] } },
        bypassActors: [],
        rules: {
            deletion: true,
            nonFastForward: true,
            pullRequest: { requiredApprovingReviewCount: 1, dismissStaleReviewsOnPush: true, requireLastPushApproval: true, requiredReviewThreadResolution: true },
            requiredStatusChecks: { strictRequiredStatusChecksPolicy: true, requiredChecks: [{ context: "test" }, { context: "policy" }] },
        },
    });
    expect(plain(named(prod, "github-prod-governance-actions"))).toEqual({
        repository: "ProjectMeats",
        enabled: true,
        allowedActions: "selected",
        allowedActionsConfig: { githubOwnedAllowed: true, verifiedAllowed: false, patternsAlloweds: [] },
        shaPinningRequired: true,
    });
});
