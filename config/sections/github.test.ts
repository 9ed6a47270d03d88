import { Problems, formatProblem } from "../problems";
import { REGISTRY_SECRET_NAME, SLACK_SECRET_NAME, TEAMS_SECRET_NAME } from "../../components/github/secrets";
import { GitHubValues, PROGRAM_SECRET_NAMES, isRefPattern, isUnpinnedActionPattern, validateGitHub } from "./github";

const VALID: GitHubValues = {
    githubOwner: "Meats-Central",
    githubRepository: "ProjectMeats",
    githubBackendEnvironment: "dev-backend",
    githubFrontendEnvironment: "dev-frontend",
    githubDeployBranches: ["development"],
    githubDeployTags: [],
    githubReviewers: [],
    githubPreventSelfReview: false,
    githubWaitTimerMinutes: 0,
    githubAdminBypass: true,
    githubDatabaseUrlSecretName: "",
    githubProtectedBranches: ["main", "development"],
    githubRequiredChecks: ["test", "policy"],
    githubRequiredApprovals: 1,
    githubAllowedActions: [],
    githubShaPinning: "evaluate",
};

function validate(values: GitHubValues, stack = "dev", environmentName = "dev") {
    const problems = new Problems();
    const github = validateGitHub({ ...VALID, ...values }, problems, environmentName);
    return { github, problems: problems.list.map((problem) => formatProblem(stack, problem)) };
}

const S = 'stack "dev", key projectmeats:';

describe("validateGitHub accepts", () => {
    test("the defaults, naming the database URL secret after the environment", () => {
        expect(validate({})).toEqual({
            github: {
                owner: "Meats-Central",
                repository: "ProjectMeats",
                environments: { backend: "dev-backend", frontend: "dev-frontend" },
                deployBranches: ["development"],
                deployTags: [],
                reviewers: { users: [], teams: [] },
                preventSelfReview: false,
                waitTimerMinutes: 0,
                adminBypass: true,
                databaseUrlSecretName: "DEV_DB_URL",
                protectedBranches: ["main", "development"],
                requiredChecks: ["test", "policy"],
                requiredApprovals: 1,
                allowedActions: [],
                shaPinning: "evaluate",
            },
            problems: [],
        });
    });

    test("reviewers split into users and teams, with self-review prevented", () => {
        expect(validate({ githubReviewers: ["octocat", "team:platform"], githubPreventSelfReview: true })).toMatchObject({
            github: { reviewers: { users: ["octocat"], teams: ["platform"] }, preventSelfReview: true },
            problems: [],
        });
    });

    test("a wait timer of exactly 43,200 minutes (30 days)", () => {
        expect(validate({ githubWaitTimerMinutes: 43200 }, "prod")).toMatchObject({ github: { waitTimerMinutes: 43200 }, problems: [] });
    });

    test("valid patterns pass: globs, slashes, tags", () => {
        expect(validate({ githubDeployBranches: ["release/*", "hotfix/**"], githubDeployTags: ["v*", "v[0-9]*"] })).toMatchObject({
            github: { deployBranches: ["release/*", "hotfix/**"], deployTags: ["v*", "v[0-9]*"] },
            problems: [],
        });
    });

    test("a secret name given explicitly, whatever the environment name", () => {
        expect(validate({ githubDatabaseUrlSecretName: "APP_DATABASE_URL" }, "dev", "bad-name")).toMatchObject({
            github: { databaseUrlSecretName: "APP_DATABASE_URL" },
            problems: [],
        });
    });

    test("no secret-name problem for a name derived from an invalid environment name (reported there)", () => {
        expect(validate({}, "dev", "bad-name")).toMatchObject({ github: { databaseUrlSecretName: "BAD-NAME_DB_URL" }, problems: [] });
    });
});

describe("validateGitHub rejects", () => {
    test.each<[string, GitHubValues, string]>([
        [
            "a GitHub owner with a double dash",
            { githubOwner: "meats--central" },
            `${S}githubOwner: got "meats--central"; expected a GitHub user or organization name: letters, digits and single dashes, at most 39 characters`,
        ],
        [
            "a repository given with its owner",
            { githubRepository: "Meats-Central/ProjectMeats" },
            `${S}githubRepository: got "Meats-Central/ProjectMeats"; expected a repository name without the owner: letters, digits, ".", "_" and "-", e.g. "ProjectMeats"`,
        ],
        [
            "an environment name with a space",
            { githubBackendEnvironment: "dev backend" },
            `${S}githubBackendEnvironment: got "dev backend"; expected an environment name of letters, digits, ".", "_" and "-", e.g. "dev-backend"`,
        ],
        [
            "both services in one environment",
            { githubFrontendEnvironment: "dev-backend" },
            `${S}githubFrontendEnvironment: got "dev-backend"; expected an environment different from githubBackendEnvironment: each service deploys through its own`,
        ],
        [
            "no branch allowed to deploy",
            { githubDeployBranches: [] },
            `${S}githubDeployBranches: got "[]"; expected at least one branch pattern allowed to deploy, e.g. ["development"]`,
        ],
        [
            "a database URL secret named like one the program writes itself",
            { githubDatabaseUrlSecretName: "DOCR_DOCKER_CONFIG" },
            `${S}githubDatabaseUrlSecretName: got "DOCR_DOCKER_CONFIG"; expected a name other than DOCR_DOCKER_CONFIG, SLACK_WEBHOOK_URL, TEAMS_WEBHOOK_URL, which the program writes itself: the database URL secret would be silently dropped`,
        ],
        [
            "a database URL secret named like the Slack webhook's",
            { githubDatabaseUrlSecretName: "SLACK_WEBHOOK_URL" },
            `${S}githubDatabaseUrlSecretName: got "SLACK_WEBHOOK_URL"; expected a name other than DOCR_DOCKER_CONFIG, SLACK_WEBHOOK_URL, TEAMS_WEBHOOK_URL, which the program writes itself: the database URL secret would be silently dropped`,
        ],
        [
            "a reviewer that is neither a login nor team:<slug>",
            { githubReviewers: ["team/platform"] },
            `${S}githubReviewers: got "team/platform"; expected a GitHub login, or team:<slug> for an organization team, e.g. "octocat" or "team:platform"`,
        ],
        [
            "prevent-self-review without reviewers",
            { githubPreventSelfReview: true },
            `${S}githubPreventSelfReview: got "true"; expected false, or at least one entry in githubReviewers: GitHub refuses to prevent self-review without required reviewers`,
        ],
        ["a wait timer over 43,200 minutes (30 days)", { githubWaitTimerMinutes: 43201 }, `${S}githubWaitTimerMinutes: got "43201"; expected a whole number from 0 to 43200`],
        ["no required approvals", { githubRequiredApprovals: 0 }, `${S}githubRequiredApprovals: got "0"; expected a whole number from 1 to 10`],
        [
            "a secret name GitHub reserves",
            { githubDatabaseUrlSecretName: "GITHUB_DB_URL" },
            `${S}githubDatabaseUrlSecretName: got "GITHUB_DB_URL"; expected a secret name of uppercase letters, digits and underscores, not starting with a digit or GITHUB_, e.g. "DEV_DB_URL"`,
        ],
        ["a blank required check", { githubRequiredChecks: [" "] }, `${S}githubRequiredChecks: got " "; expected a status check name, e.g. test`],
        [
            "an allowed-actions pattern that names a tag",
            { githubAllowedActions: ["pulumi/actions@v6"] },
            `${S}githubAllowedActions: got "pulumi/actions@v6"; expected an action pattern naming no tag or branch, e.g. "pulumi/actions@*" or "docker/*": actions are pinned to commit SHAs in the workflows`,
        ],
        [
            "a SHA pinning stage that does not exist",
            { githubShaPinning: "on" },
            `${S}githubShaPinning: got "on"; expected evaluate (an evaluate-only ruleset reports unpinned actions; the Actions settings are left as they are) or enforce (SHA pinning required, selected actions only)`,
        ],
    ])("%s", (_, values, message) => {
        expect(validate(values).problems).toEqual([message]);
    });

    test("more than 6 reviewers", () => {
        const seven = ["a1", "a2", "a3", "a4", "a5", "team:b6", "team:b7"];
        expect(validate({ githubReviewers: seven }, "prod").problems).toEqual([
            `stack "prod", key projectmeats:githubReviewers: got ${JSON.stringify(JSON.stringify(seven))}; expected at most 6 reviewers (users and teams together): GitHub's limit for an environment`,
        ]);
    });

    test.each<[string, "githubDeployBranches" | "githubDeployTags" | "githubProtectedBranches", string]>([
        ["a branch with a space", "githubDeployBranches", "release candidate"],
        ["a branch with a double dot", "githubDeployBranches", "release..1"],
        ["a branch ending in .lock", "githubProtectedBranches", "main.lock"],
        ["a tag pattern with a colon", "githubDeployTags", "v:1"],
        ["a branch starting with a dash", "githubDeployBranches", "-main"],
    ])("a malformed branch or tag pattern: %s", (_, key, bad) => {
        expect(validate({ [key]: [bad] }).problems).toEqual([
            `${S}${key}: got ${JSON.stringify(bad)}; expected a branch or tag name pattern as git allows it, e.g. "main", "release/*" or "v*"`,
        ]);
    });
});

test.each<[string, boolean]>([
    ["main", true],
    ["release/*", true],
    ["hotfix/**", true],
    ["v[0-9]*", true],
    ["", false],
    ["a//b", false],
    ["a/", false],
    ["a/.b", false],
    ["a@{b", false],
    ["a\tb", false],
])("isRefPattern(%p) is %p", (value, valid) => {
    expect(isRefPattern(value)).toBe(valid);
});

test.each<[string, boolean]>([
    ["pulumi/actions@*", true],
    ["docker/*", true],
    ["actions/cache/save", true],
    ["pulumi/actions@v6", false],
    ["pulumi", false],
    ["pulumi/actions@main", false],
])("isUnpinnedActionPattern(%p) is %p", (value, valid) => {
    expect(isUnpinnedActionPattern(value)).toBe(valid);
});

test("the secret names the program writes itself are the components' own", () => {
    expect([...PROGRAM_SECRET_NAMES].sort()).toEqual([REGISTRY_SECRET_NAME, SLACK_SECRET_NAME, TEAMS_SECRET_NAME].sort());
});
