import { Problems, formatProblem } from "../problems";
import { InfraRepositoryValues, validateInfraRepository } from "./infraRepository";

const VALID: InfraRepositoryValues = {
    infraGithubOwner: "",
    infraRepository: "projectmeats-infra",
    infraDeployBranches: ["main"],
    infraProtectedBranches: ["main"],
    infraRequiredChecks: ["test", "system", "policy"],
    infraRequiredApprovals: 1,
    infraAllowedActions: [],
};
const APP = { owner: "Meats-Central", repository: "ProjectMeats" };

function validate(values: InfraRepositoryValues, app: { owner?: string; repository?: string } = APP) {
    const problems = new Problems();
    const infra = validateInfraRepository({ ...VALID, ...values }, problems, app);
    return { infra, problems: problems.list.map((problem) => formatProblem("dev", problem)) };
}

const S = 'stack "dev", key projectmeats:';

test("the defaults: the app's owner, projectmeats-infra, deploys from main, ci's three jobs required", () => {
    expect(validate({})).toEqual({
        infra: {
            owner: "Meats-Central",
            repository: "projectmeats-infra",
            deployBranches: ["main"],
            protectedBranches: ["main"],
            requiredChecks: ["test", "system", "policy"],
            requiredApprovals: 1,
            allowedActions: [],
        },
        problems: [],
    });
});

test("an owner of its own", () => {
    expect(validate({ infraGithubOwner: "meats-platform" }).infra.owner).toBe("meats-platform");
});

test("the app repository's name under another owner is another repository", () => {
    expect(validate({ infraGithubOwner: "meats-platform", infraRepository: "ProjectMeats" }).problems).toEqual([]);
});

test.each([
    [
        "the app repository itself (owners and names compare case-insensitively, as GitHub does)",
        { infraRepository: "projectmeats" },
        `${S}infraRepository: got "projectmeats"; expected the repository that holds this program, not the app repository githubRepository: each gets its own rulesets and Actions settings`,
    ],
    [
        "an owner GitHub cannot have",
        { infraGithubOwner: "-meats" },
        `${S}infraGithubOwner: got "-meats"; expected a GitHub user or organization name: letters, digits and single dashes, at most 39 characters; empty means githubOwner`,
    ],
    [
        "a repository name with a slash",
        { infraRepository: "Meats-Central/projectmeats-infra" },
        `${S}infraRepository: got "Meats-Central/projectmeats-infra"; expected a repository name without the owner: letters, digits, ".", "_" and "-", e.g. "projectmeats-infra"`,
    ],
    ["no deploy branch", { infraDeployBranches: [] }, `${S}infraDeployBranches: got "[]"; expected at least one branch, e.g. ["main"]`],
    [
        "a protected branch git refuses",
        { infraProtectedBranches: ["main..x"] },
        `${S}infraProtectedBranches: got "main..x"; expected a branch name pattern as git allows it, e.g. "main"`,
    ],
    ["a blank required check", { infraRequiredChecks: [""] }, `${S}infraRequiredChecks: got ""; expected a status check name: a job of this repository's ci workflow, e.g. test`],
    ["eleven approvals", { infraRequiredApprovals: 11 }, `${S}infraRequiredApprovals: got "11"; expected a whole number from 1 to 10`],
    [
        "an allowed action pinned to a tag",
        { infraAllowedActions: ["pulumi/actions@v6"] },
        `${S}infraAllowedActions: got "pulumi/actions@v6"; expected an action pattern naming no tag or branch, e.g. "pulumi/actions@*": actions are pinned to commit SHAs in the workflows`,
    ],
])("rejects %s", (_, values, message) => {
    expect(validate(values).problems).toEqual([message]);
});
