/** The RepositoryGovernance component on its own, under Pulumi's mocks. */
import { named, runComponent, summary, type ComponentResource } from "../../tools/componentRunner";
import { reveal } from "../../tools/programRunner";
import type { RepositoryGovernanceArgs } from "./RepositoryGovernance";

const T = {
    component: "projectmeats:github:RepositoryGovernance",
    ruleset: "github:index/repositoryRuleset:RepositoryRuleset",
    actions: "github:index/actionsRepositoryPermissions:ActionsRepositoryPermissions",
};
const urnOf = (name: string) => `urn:pulumi:test::projectmeats-infra::${T.component}::${name}`;

const ARGS: RepositoryGovernanceArgs = { repository: "ProjectMeats", protectedBranches: ["main", "development"], requiredChecks: ["test", "lint"] };

/** Each variant is its own component in one run; its key is the component's name. */
const VARIANTS: Record<string, RepositoryGovernanceArgs> = {
    governance: ARGS,
    approvals: { ...ARGS, requiredApprovals: 2 },
    "no-approvals": { ...ARGS, requiredApprovals: 0 },
    actions: { ...ARGS, allowedActions: ["docker/*@*", "pulumi/actions@*"] },
    "no-checks": { ...ARGS, requiredChecks: [] },
    "actions-app": { ...ARGS, requiredCheckIntegrationId: 15368 },
    enforce: { ...ARGS, shaPinning: "enforce" },
    evaluate: { ...ARGS, shaPinning: "evaluate" },
    "evaluate-app": { ...ARGS, shaPinning: "evaluate", requiredCheckIntegrationId: 15368 },
};

let resources: ComponentResource[];
let branchRefs: (branches: readonly string[]) => string[];
let constants: { GITHUB_ACTIONS_INTEGRATION_ID: number; PINNED_ACTIONS_CHECK: string };
beforeAll(async () => {
    ({ resources } = await runComponent(async () => {
        const governance = await import("./RepositoryGovernance");
        branchRefs = governance.branchRefs;
        constants = { GITHUB_ACTIONS_INTEGRATION_ID: governance.GITHUB_ACTIONS_INTEGRATION_ID, PINNED_ACTIONS_CHECK: governance.PINNED_ACTIONS_CHECK };
        for (const [name, args] of Object.entries(VARIANTS)) new governance.RepositoryGovernance(name, args);
    }));
});

const inputs = (name: string) => reveal(named(resources, name).inputs) as Record<string, unknown>;

test("registers a ruleset and the Actions permissions, parented to the component and named after it", () => {
    expect(summary(resources.filter((r) => r.name.startsWith("governance")))).toEqual([
        { type: T.component, name: "governance", urn: urnOf("governance"), parent: "" },
        { type: T.actions, name: "governance-actions", urn: `urn:pulumi:test::projectmeats-infra::${T.component}$${T.actions}::governance-actions`, parent: urnOf("governance") },
        {
            type: T.ruleset,
            name: "governance-protected-branches",
            urn: `urn:pulumi:test::projectmeats-infra::${T.component}$${T.ruleset}::governance-protected-branches`,
            parent: urnOf("governance"),
        },
    ]);
});

test("the ruleset protects the branches: one approval by default, fresh reviews, resolved threads, required checks, no force push or deletion, no bypass", () => {
    expect(inputs("governance-protected-branches")).toEqual({
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
            requiredStatusChecks: { strictRequiredStatusChecksPolicy: true, requiredChecks: [{ context: "test" }, { context: "lint" }] },
        },
    });
});

test.each([
    ["approvals", 2],
    ["no-approvals", 0],
])("requiredApprovals is taken as given (%s: %d)", (name, count) => {
    expect((inputs(`${name}-protected-branches`).rules as { pullRequest: unknown }).pullRequest).toEqual({
        requiredApprovingReviewCount: count,
        dismissStaleReviewsOnPush: true,
        requireLastPushApproval: true,
        requiredReviewThreadResolution: true,
    });
});

test("Actions: only GitHub's own actions by default, pinned to full commit SHAs", () => {
    expect(inputs("governance-actions")).toEqual({
        repository: "ProjectMeats",
        enabled: true,
        allowedActions: "selected",
        allowedActionsConfig: { githubOwnedAllowed: true, verifiedAllowed: false, patternsAlloweds: [] },
        shaPinningRequired: true,
    });
});

test("Actions: the allowed patterns are added, verified creators are not", () => {
    expect(inputs("actions-actions").allowedActionsConfig).toEqual({ githubOwnedAllowed: true, verifiedAllowed: false, patternsAlloweds: ["docker/*@*", "pulumi/actions@*"] });
});

test("without required checks the ruleset has no status check rule", () => {
    expect(inputs("no-checks-protected-branches").rules).toEqual({
        deletion: true,
        nonFastForward: true,
        pullRequest: { requiredApprovingReviewCount: 1, dismissStaleReviewsOnPush: true, requireLastPushApproval: true, requiredReviewThreadResolution: true },
    });
});

test("requiredCheckIntegrationId: only that app's checks count", () => {
    expect((inputs("actions-app-protected-branches").rules as Record<string, unknown>).requiredStatusChecks).toEqual({
        strictRequiredStatusChecksPolicy: true,
        requiredChecks: [
            { context: "test", integrationId: 15368 },
            { context: "lint", integrationId: 15368 },
        ],
    });
});

test("the GitHub Actions app id and the pinning check's name", () => {
    expect(constants).toEqual({ GITHUB_ACTIONS_INTEGRATION_ID: 15368, PINNED_ACTIONS_CHECK: "pinned-actions" });
});

test("shaPinning `enforce` is the default: the same resources either way", () => {
    const shape = (name: string) =>
        summary(resources.filter((r) => r.name === name || r.name.startsWith(`${name}-`))).map((r) => ({
            type: r.type,
            role: r.name.slice(name.length),
            inputs: reveal(named(resources, r.name).inputs),
        }));
    expect(shape("enforce")).toEqual(shape("governance"));
});

test("shaPinning `evaluate`: an evaluate-only ruleset requires the pinned-actions check; the Actions settings are left unmanaged", () => {
    expect(summary(resources.filter((r) => r.name.startsWith("evaluate") && !r.name.startsWith("evaluate-app"))).map((r) => `${r.type} ${r.name}`)).toEqual([
        `${T.component} evaluate`,
        `${T.ruleset} evaluate-pinned-actions`,
        `${T.ruleset} evaluate-protected-branches`,
    ]);
    expect(inputs("evaluate-pinned-actions")).toEqual({
        repository: "ProjectMeats",
        name: "projectmeats-pinned-actions",
        target: "branch",
        enforcement: "evaluate",
        conditions: { refName: { includes: ["refs/heads/main", "refs/heads/development"], excludes: [] } },
        bypassActors: [],
        rules: { requiredStatusChecks: { strictRequiredStatusChecksPolicy: false, requiredChecks: [{ context: "pinned-actions" }] } },
    });
    expect(inputs("evaluate-protected-branches")).toEqual(inputs("governance-protected-branches"));
});

test("shaPinning `evaluate` with requiredCheckIntegrationId: the pinning check must come from that app too", () => {
    expect((inputs("evaluate-app-pinned-actions").rules as Record<string, unknown>).requiredStatusChecks).toEqual({
        strictRequiredStatusChecksPolicy: false,
        requiredChecks: [{ context: "pinned-actions", integrationId: 15368 }],
    });
});

test("no protected branch is refused, naming the field, before anything is created", async () => {
    const { resources: registered, value } = await runComponent(async () => {
        const pulumi = await import("@pulumi/pulumi");
        const { RepositoryGovernance } = await import("./RepositoryGovernance");
        try {
            new RepositoryGovernance("governance", { ...ARGS, protectedBranches: [] });
        } catch (error) {
            return { resourceError: error instanceof pulumi.ResourceError, message: (error as Error).message };
        }
        return undefined;
    });
    expect(value).toEqual({ resourceError: true, message: "`protectedBranches` must name at least one branch." });
    expect(summary(registered)).toEqual([{ type: T.component, name: "governance", urn: urnOf("governance"), parent: "" }]);
});

describe("branchRefs", () => {
    test.each([
        [[], []],
        [["main"], ["refs/heads/main"]],
        [
            ["main", "release/*"],
            ["refs/heads/main", "refs/heads/release/*"],
        ],
    ])("%j → %j", (branches, refs) => {
        expect(branchRefs(branches)).toEqual(refs);
    });
});
