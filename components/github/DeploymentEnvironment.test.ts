/** The DeploymentEnvironment component on its own, under Pulumi's mocks. */
import { named, runComponent, summary, valueOf, type ComponentResource, type ComponentRun } from "../../tools/componentRunner";
import { isSecret, reveal } from "../../tools/programRunner";
import type { DeploymentEnvironmentArgs } from "./DeploymentEnvironment";

const T = {
    component: "projectmeats:github:DeploymentEnvironment",
    environment: "github:index/repositoryEnvironment:RepositoryEnvironment",
    policy: "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
    secret: "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
    getUser: "github:index/getUser:getUser",
    getTeam: "github:index/getTeam:getTeam",
};
const urnOf = (name: string) => `urn:pulumi:test::projectmeats-infra::${T.component}::${name}`;
const childUrn = (type: string, name: string) => `urn:pulumi:test::projectmeats-infra::${T.component}$${type}::${name}`;

/** GitHub's answers: a user's and a team's numeric ids, as strings. */
const GITHUB_IDS: Record<string, string> = { alice: "101", bob: "102", platform: "201" };
function call(token: string, inputs: Record<string, unknown>): Record<string, unknown> | undefined {
    if (token === T.getUser) return { id: GITHUB_IDS[String(inputs.username)], login: inputs.username };
    if (token === T.getTeam) return { id: GITHUB_IDS[String(inputs.slug)], slug: inputs.slug, name: inputs.slug };
    return undefined;
}

const DATABASE_URL = "postgresql://projectmeats:s3cret@private-db.example:25060/projectmeats?sslmode=require";
const MINIMAL: DeploymentEnvironmentArgs = { repository: "ProjectMeats", environment: "dev-backend", branchPatterns: ["development"] };

let protectedRun: ComponentRun<{ environment: string; secretNames: readonly string[] }>;
let minimalRun: ComponentRun<void>;
beforeAll(async () => {
    protectedRun = await runComponent(
        async () => {
            const pulumi = await import("@pulumi/pulumi");
            const { DeploymentEnvironment } = await import("./DeploymentEnvironment");
            const component = new DeploymentEnvironment("prod-backend", {
                repository: "ProjectMeats",
                environment: "prod2-backend",
                branchPatterns: ["main", "release/*"],
                tagPatterns: ["v*"],
                reviewers: { users: ["alice", "bob"], teams: ["platform"] },
                preventSelfReview: true,
                waitTimerMinutes: 5,
                canAdminsBypass: false,
                secrets: { PROD_DB_URL: pulumi.secret(DATABASE_URL), DOCR_DOCKER_CONFIG: '{"auths":{}}' },
            });
            return { environment: await valueOf<string>(component.environment), secretNames: component.secretNames };
        },
        { call },
    );
    minimalRun = await runComponent(
        async () => {
            const { DeploymentEnvironment } = await import("./DeploymentEnvironment");
            new DeploymentEnvironment("dev-backend", MINIMAL);
            new DeploymentEnvironment("preview", { ...MINIMAL, environment: "preview", branchPatterns: [], allBranches: true });
            new DeploymentEnvironment("adopted", { ...MINIMAL, environment: "dev-frontend", adopt: true, secrets: { DOCR_DOCKER_CONFIG: "cfg" } });
        },
        { call },
    );
});

const inputs = (resources: ComponentResource[], name: string) => reveal(named(resources, name).inputs) as Record<string, unknown>;

test("registers the environment, one policy per pattern and one secret per name, each parented to the component and keyed by its pattern or name", () => {
    expect(summary(protectedRun.resources)).toEqual([
        { type: T.component, name: "prod-backend", urn: urnOf("prod-backend"), parent: "" },
        { type: T.policy, name: "prod-backend-branch-main", urn: childUrn(T.policy, "prod-backend-branch-main"), parent: urnOf("prod-backend") },
        { type: T.policy, name: "prod-backend-branch-release/*", urn: childUrn(T.policy, "prod-backend-branch-release/*"), parent: urnOf("prod-backend") },
        { type: T.environment, name: "prod-backend-environment", urn: childUrn(T.environment, "prod-backend-environment"), parent: urnOf("prod-backend") },
        { type: T.secret, name: "prod-backend-secret-DOCR_DOCKER_CONFIG", urn: childUrn(T.secret, "prod-backend-secret-DOCR_DOCKER_CONFIG"), parent: urnOf("prod-backend") },
        { type: T.secret, name: "prod-backend-secret-PROD_DB_URL", urn: childUrn(T.secret, "prod-backend-secret-PROD_DB_URL"), parent: urnOf("prod-backend") },
        { type: T.policy, name: "prod-backend-tag-v*", urn: childUrn(T.policy, "prod-backend-tag-v*"), parent: urnOf("prod-backend") },
    ]);
});

test("the environment requires the reviewers by id, prevents self-review, waits and denies admin bypass as given; custom policies only", () => {
    expect(inputs(protectedRun.resources, "prod-backend-environment")).toEqual({
        repository: "ProjectMeats",
        environment: "prod2-backend",
        waitTimer: 5,
        canAdminsBypass: false,
        preventSelfReview: true,
        reviewers: [{ users: [101, 102], teams: [201] }],
        deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
    });
});

test("reviewers are looked up by login and by team slug (summary only), once each", () => {
    // Lookups run concurrently: compared in a fixed order.
    expect(protectedRun.calls.map(({ token, inputs }) => JSON.stringify({ token, inputs })).sort()).toEqual([
        JSON.stringify({ token: T.getTeam, inputs: { slug: "platform", summaryOnly: true } }),
        JSON.stringify({ token: T.getUser, inputs: { username: "alice" } }),
        JSON.stringify({ token: T.getUser, inputs: { username: "bob" } }),
    ]);
});

test("without options: no reviewer, no self-review rule, no wait, admins may bypass (GitHub's defaults, spelled out); nothing is looked up", () => {
    expect(inputs(minimalRun.resources, "dev-backend-environment")).toEqual({
        repository: "ProjectMeats",
        environment: "dev-backend",
        waitTimer: 0,
        canAdminsBypass: true,
        preventSelfReview: false,
        reviewers: [],
        deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
    });
    expect(minimalRun.calls).toEqual([]);
    expect(summary(minimalRun.resources.filter((r) => r.name.startsWith("dev-backend"))).map((r) => r.name)).toEqual([
        "dev-backend",
        "dev-backend-branch-development",
        "dev-backend-environment",
    ]);
    expect(minimalRun.resources.filter((r) => r.name.startsWith("dev-backend")).map((r) => r.importId)).toEqual(["", "", ""]);
});

test("allBranches: no deployment branch policy at all, so every ref (pull requests' merge refs too) may deploy", () => {
    expect(inputs(minimalRun.resources, "preview-environment")).toEqual({
        repository: "ProjectMeats",
        environment: "preview",
        waitTimer: 0,
        canAdminsBypass: true,
        preventSelfReview: false,
        reviewers: [],
    });
    expect(summary(minimalRun.resources.filter((r) => r.name.startsWith("preview"))).map((r) => r.name)).toEqual(["preview", "preview-environment"]);
});

test("adopt imports the environment as `<repository>:<environment>`; its policies and secrets are created", () => {
    expect(
        summary(minimalRun.resources.filter((r) => r.name.startsWith("adopted")))
            .map((r) => named(minimalRun.resources, r.name))
            .map((r) => [r.name, r.importId]),
    ).toEqual([
        ["adopted", ""],
        ["adopted-branch-development", ""],
        ["adopted-environment", "ProjectMeats:dev-frontend"],
        ["adopted-secret-DOCR_DOCKER_CONFIG", ""],
    ]);
});

test.each([
    ["prod-backend-branch-main", { branchPattern: "main" }],
    ["prod-backend-branch-release/*", { branchPattern: "release/*" }],
    ["prod-backend-tag-v*", { tagPattern: "v*" }],
])("the policy %s allows %j in the environment it waits for", (name, pattern) => {
    expect(inputs(protectedRun.resources, name)).toEqual({ repository: "ProjectMeats", environment: "prod2-backend", ...pattern });
    expect(named(protectedRun.resources, name).dependencies).toEqual([childUrn(T.environment, "prod-backend-environment")]);
});

test.each([
    ["PROD_DB_URL", DATABASE_URL],
    ["DOCR_DOCKER_CONFIG", '{"auths":{}}'],
])("the secret %s is stored as a secret in the environment, whether or not it was given as one", (secretName, value) => {
    const secret = named(protectedRun.resources, `prod-backend-secret-${secretName}`);
    expect(isSecret(secret.inputs.value)).toBe(true);
    expect(reveal(secret.inputs)).toEqual({ repository: "ProjectMeats", environment: "prod2-backend", secretName, value });
    expect(secret.dependencies).toEqual([childUrn(T.environment, "prod-backend-environment")]);
});

test("exposes the environment's name and the names of its secrets", () => {
    expect(protectedRun.value).toEqual({ environment: "prod2-backend", secretNames: ["PROD_DB_URL", "DOCR_DOCKER_CONFIG"] });
});

/** Arguments the component refuses, each with the exact message. */
const REFUSED: [string, Partial<DeploymentEnvironmentArgs>, string][] = [
    ["no branch pattern", { branchPatterns: [] }, "`branchPatterns` must name at least one branch allowed to deploy."],
    ["no branch pattern, allBranches false", { branchPatterns: [], allBranches: false }, "`branchPatterns` must name at least one branch allowed to deploy."],
    ["allBranches with a branch pattern", { allBranches: true }, "`allBranches` lets every ref deploy: leave `branchPatterns` and `tagPatterns` empty."],
    [
        "allBranches with a tag pattern",
        { allBranches: true, branchPatterns: [], tagPatterns: ["v*"] },
        "`allBranches` lets every ref deploy: leave `branchPatterns` and `tagPatterns` empty.",
    ],
    ["self-review prevented without a reviewer", { preventSelfReview: true }, "`preventSelfReview` needs at least one reviewer in `reviewers`: GitHub refuses it otherwise."],
    [
        "self-review prevented with empty reviewer lists",
        { preventSelfReview: true, reviewers: { users: [], teams: [] } },
        "`preventSelfReview` needs at least one reviewer in `reviewers`: GitHub refuses it otherwise.",
    ],
];

describe("refused arguments", () => {
    let refused: ComponentRun<{ resourceError: boolean; message: string }[]>;
    beforeAll(async () => {
        refused = await runComponent(
            async () => {
                const pulumi = await import("@pulumi/pulumi");
                const { DeploymentEnvironment } = await import("./DeploymentEnvironment");
                return REFUSED.map(([, change], i) => {
                    try {
                        new DeploymentEnvironment(`refused-${i}`, { ...MINIMAL, ...change });
                    } catch (error) {
                        return { resourceError: error instanceof pulumi.ResourceError, message: (error as Error).message };
                    }
                    return { resourceError: false, message: "accepted" };
                });
            },
            { call },
        );
    });

    test.each(REFUSED.map(([label, , message], i) => [label, i, message] as const))("%s is refused with a ResourceError naming the field", (_, i, message) => {
        expect(refused.value[i]).toEqual({ resourceError: true, message });
    });

    test("nothing is created or looked up for a refused environment", () => {
        expect(summary(refused.resources).map((r) => r.name)).toEqual(REFUSED.map((_, i) => `refused-${i}`));
        expect(refused.calls).toEqual([]);
    });
});
