import { StackFacts, crossStackProblems, formatCrossStackProblem } from "./crossStack";

const stack = (name: string, environmentName: string, vpcIpRange: string, overrides: Partial<StackFacts> = {}): StackFacts => ({
    stack: name,
    accountOwnerStack: "prod",
    environmentName,
    vpcIpRange,
    registryName: "projectmeats",
    githubRepository: "Meats-Central/ProjectMeats",
    githubEnvironments: { githubBackendEnvironment: `${environmentName}-backend`, githubFrontendEnvironment: `${environmentName}-frontend` },
    ...overrides,
});

const DEV = stack("dev", "dev", "10.110.16.0/20");
const UAT = stack("uat", "uat", "10.120.16.0/20");
const PROD = stack("prod", "prod", "10.130.16.0/20");

function problems(facts: StackFacts[], existing?: string[]): string[] {
    return crossStackProblems(facts, existing).map(formatCrossStackProblem);
}

test("the committed shape passes: one owner, disjoint ranges, distinct names, one registry", () => {
    expect(problems([DEV, UAT, PROD])).toEqual([]);
});

test.each<[string, StackFacts[], string[] | undefined, string[]]>([
    [
        "a second owner stack",
        [DEV, stack("uat", "uat", "10.120.16.0/20", { accountOwnerStack: "uat" }), PROD],
        undefined,
        [
            'stacks dev, uat, prod, key projectmeats:accountOwnerStack: got "prod" in dev, "uat" in uat, "prod" in prod; expected exactly one owner stack, named alike in every stack file',
        ],
    ],
    [
        "an owner stack that does not exist",
        [stack("dev", "dev", "10.110.16.0/20", { accountOwnerStack: "production" }), stack("uat", "uat", "10.120.16.0/20", { accountOwnerStack: "production" })],
        ["dev", "uat"],
        [
            'stacks dev, uat, key projectmeats:accountOwnerStack: got "production", which has no stack file; expected the stack that owns the account-wide resources, one of dev, uat',
        ],
    ],
    ["an owner stack whose own configuration is invalid still exists", [stack("dev", "dev", "10.110.16.0/20")], ["dev", "prod"], []],
    [
        "overlapping VPC ranges, pair by pair",
        [DEV, stack("uat", "uat", "10.110.0.0/16"), stack("prod", "prod", "10.110.24.0/24")],
        undefined,
        [
            'stacks dev, uat, key projectmeats:vpcIpRange: got "10.110.16.0/20" in dev, "10.110.0.0/16" in uat; expected VPC ranges that do not overlap: the stacks share one account, so give each its own block',
            'stacks dev, prod, key projectmeats:vpcIpRange: got "10.110.16.0/20" in dev, "10.110.24.0/24" in prod; expected VPC ranges that do not overlap: the stacks share one account, so give each its own block',
            'stacks uat, prod, key projectmeats:vpcIpRange: got "10.110.0.0/16" in uat, "10.110.24.0/24" in prod; expected VPC ranges that do not overlap: the stacks share one account, so give each its own block',
        ],
    ],
    ["adjacent ranges do not overlap", [stack("dev", "dev", "10.110.16.0/20"), stack("uat", "uat", "10.110.32.0/20"), PROD], undefined, []],
    [
        "one environment name for two stacks",
        [DEV, stack("uat", "dev", "10.120.16.0/20", { githubEnvironments: { githubBackendEnvironment: "uat-backend", githubFrontendEnvironment: "uat-frontend" } }), PROD],
        undefined,
        [
            'stacks dev, uat, key projectmeats:environmentName: got "dev" in dev, "dev" in uat; expected a different environment name per stack: it names resources, tags and image tags',
        ],
    ],
    [
        "one GitHub environment for two stacks, compared without case",
        [DEV, stack("uat", "uat", "10.120.16.0/20", { githubEnvironments: { githubBackendEnvironment: "Dev-Backend", githubFrontendEnvironment: "uat-frontend" } }), PROD],
        undefined,
        [
            'stacks dev, uat, key projectmeats:githubBackendEnvironment: got "dev-backend" in dev, "Dev-Backend" in uat in meats-central/projectmeats; expected a GitHub environment per stack and service: each stack\'s protection rules and secrets live in its own',
        ],
    ],
    [
        "the same environment name in another repository is no conflict",
        [
            DEV,
            stack("uat", "uat", "10.120.16.0/20", {
                githubRepository: "Meats-Central/Other",
                githubEnvironments: { githubBackendEnvironment: "dev-backend", githubFrontendEnvironment: "x" },
            }),
            PROD,
        ],
        undefined,
        [],
    ],
    [
        "two registry names",
        [DEV, stack("uat", "uat", "10.120.16.0/20", { registryName: "projectmeats-uat" }), PROD],
        undefined,
        [
            'stacks dev, uat, prod, key projectmeats:registryName: got "projectmeats" in dev, "projectmeats-uat" in uat, "projectmeats" in prod; expected one registry name in every stack: DigitalOcean allows one container registry per account',
        ],
    ],
])("%s", (_, facts, existing, expected) => {
    expect(problems(facts, existing)).toEqual(expected);
});
