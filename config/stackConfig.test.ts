import { REHEARSAL_STACK, STACK_NAMES, readStackFile } from "../tools/stackFiles";
import { ConfigValidationError, StackConfig, parseStackConfig, suggestKey } from "./stackConfig";

/** A valid configuration to break one key at a time. */
const VALID: Record<string, string> = {
    "projectmeats:imageSha": "3f9c2ab",
    "projectmeats:region": "nyc3",
    "projectmeats:doProjectEnvironment": "Development",
    "projectmeats:registryName": "projectmeats",
    "projectmeats:vpcIpRange": "10.110.16.0/20",
    "projectmeats:backendDropletSize": "s-1vcpu-2gb",
    "projectmeats:frontendDropletSize": "s-1vcpu-1gb",
    "projectmeats:sshAllowedCidrs": '["203.0.113.0/24"]',
    "projectmeats:backendHostname": "api.dev.example.com",
    "projectmeats:frontendHostname": "dev.example.com",
    "projectmeats:githubOwner": "Meats-Central",
    "projectmeats:githubRepository": "ProjectMeats",
    "projectmeats:githubBackendEnvironment": "dev-backend",
    "projectmeats:githubFrontendEnvironment": "dev-frontend",
    "projectmeats:githubDeployBranches": '["development"]',
};

function problemsOf(stack: string, raw: Record<string, string>): string[] {
    try {
        parseStackConfig(stack, raw);
    } catch (error) {
        expect(error).toBeInstanceOf(ConfigValidationError);
        return (error as Error).message
            .split("\n")
            .slice(1)
            .map((line) => line.replace(/^ {2}- /, ""));
    }
    throw new Error("expected the configuration to be rejected");
}

function withKey(key: string, value: string | undefined): Record<string, string> {
    const raw = { ...VALID };
    if (value === undefined) delete raw[`projectmeats:${key}`];
    else raw[`projectmeats:${key}`] = value;
    return raw;
}

describe("parseStackConfig accepts", () => {
    test.each([...STACK_NAMES, REHEARSAL_STACK])("the committed Pulumi.%s.yaml", (stack) => {
        expect(() => parseStackConfig(stack, readStackFile(stack).config)).not.toThrow();
    });

    test("a minimal configuration, applying every default", () => {
        const config: StackConfig = parseStackConfig("dev", VALID);
        expect(config).toEqual({
            stack: "dev",
            environmentName: "dev",
            imageSha: "3f9c2ab",
            region: "nyc3",
            projectEnvironment: "Development",
            accountOwnerStack: "prod",
            ownsAccountResources: false,
            registry: { name: "projectmeats", tier: "basic", region: "nyc3" },
            vpcIpRange: "10.110.16.0/20",
            servers: {
                image: "ubuntu-24-04-x64",
                backups: false,
                sshAllowedCidrs: ["203.0.113.0/24"],
                sshPort: 22,
                adminSshKeyFingerprints: [],
                groups: [
                    { key: "backend", services: ["backend"], size: "s-1vcpu-2gb", count: 1 },
                    { key: "frontend", services: ["frontend"], size: "s-1vcpu-1gb", count: 1 },
                ],
            },
            hostnames: { backend: "api.dev.example.com", frontend: "dev.example.com" },
            database: { version: "15", size: "db-s-1vcpu-1gb", nodeCount: 1, name: "projectmeats", user: "projectmeats" },
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
            },
            notifications: {},
        });
    });

    test("frontendDropletCount 0 puts both services on the backend droplets", () => {
        const raw = withKey("frontendDropletCount", "0");
        delete raw["projectmeats:frontendDropletSize"];
        expect(parseStackConfig("dev", raw).servers.groups).toEqual([{ key: "app", services: ["backend", "frontend"], size: "s-1vcpu-2gb", count: 1 }]);
    });

    test("the stack named by accountOwnerStack owns account resources, and the registry region defaults to the stack's", () => {
        const config = parseStackConfig("prod", VALID);
        expect(config.ownsAccountResources).toBe(true);
        expect(config.registry.region).toBe("nyc3");
    });

    test("keys of other namespaces are ignored", () => {
        expect(() => parseStackConfig("dev", { ...VALID, "digitalocean:token": "x", "github:owner": "y" })).not.toThrow();
    });
});

const S = 'stack "dev", key projectmeats:';

describe("parseStackConfig rejects, with the stack, key, value and expected form", () => {
    test.each<[string, string, string | undefined, string]>([
        ["a SHA with uppercase letters", "imageSha", "3F9C2AB", `${S}imageSha: got "3F9C2AB"; expected 7 to 40 lowercase hex characters (a git commit SHA), e.g. "3f9c2ab"`],
        ["a SHA too short", "imageSha", "3f9c2a", `${S}imageSha: got "3f9c2a"; expected 7 to 40 lowercase hex characters (a git commit SHA), e.g. "3f9c2ab"`],
        [
            "a SHA YAML read as a number",
            "imageSha",
            "1234",
            `${S}imageSha: got "1234"; expected 7 to 40 lowercase hex characters (a git commit SHA), e.g. "3f9c2ab" (YAML reads an unquoted SHA of digits as a number: quote it)`,
        ],
        [
            "an unknown region",
            "region",
            "nyc9",
            `${S}region: got "nyc9"; expected a DigitalOcean region slug, one of nyc1, nyc3, sfo2, sfo3, ams3, sgp1, lon1, fra1, tor1, blr1, syd1, atl1, ric1`,
        ],
        ["an unknown project environment", "doProjectEnvironment", "production", `${S}doProjectEnvironment: got "production"; expected one of Development, Staging, Production`],
        [
            "an unknown droplet size",
            "backendDropletSize",
            "s-1vcpu-3gb-huge",
            `${S}backendDropletSize: got "s-1vcpu-3gb-huge"; expected a DigitalOcean droplet size slug, e.g. "s-1vcpu-2gb" (see \`doctl compute size list\`)`,
        ],
        ["zero backend droplets", "backendDropletCount", "0", `${S}backendDropletCount: got "0"; expected a whole number from 1 to 10`],
        ["a count that is not a number", "backendDropletCount", "two", `${S}backendDropletCount: got "two"; expected a whole number`],
        ["a boolean spelled otherwise", "dropletBackups", "yes", `${S}dropletBackups: got "yes"; expected true or false`],
        [
            "the starter registry tier",
            "registryTier",
            "starter",
            `${S}registryTier: got "starter"; expected a tier that holds 2 repositories (backend, frontend): the starter tier holds 1; use basic or professional`,
        ],
        ["an unknown registry tier", "registryTier", "gold", `${S}registryTier: got "gold"; expected one of basic, professional`],
        [
            "a registry name with capitals",
            "registryName",
            "ProjectMeats",
            `${S}registryName: got "ProjectMeats"; expected 1 to 63 lowercase letters, digits and dashes, starting and ending with a letter or digit`,
        ],
        [
            "a public VPC range",
            "vpcIpRange",
            "8.8.0.0/16",
            `${S}vpcIpRange: got "8.8.0.0/16"; expected a private IPv4 network (10/8, 172.16/12 or 192.168/16) from /16 to /28 with no host bits set, e.g. "10.110.16.0/20"`,
        ],
        [
            "a VPC range with host bits",
            "vpcIpRange",
            "10.110.16.1/20",
            `${S}vpcIpRange: got "10.110.16.1/20"; expected a private IPv4 network (10/8, 172.16/12 or 192.168/16) from /16 to /28 with no host bits set, e.g. "10.110.16.0/20"`,
        ],
        [
            "a VPC range DigitalOcean reserves",
            "vpcIpRange",
            "10.244.0.0/20",
            `${S}vpcIpRange: got "10.244.0.0/20"; expected a range that does not overlap 10.244.0.0/16, which DigitalOcean reserves`,
        ],
        [
            "an SSH block that is not a CIDR",
            "sshAllowedCidrs",
            '["203.0.113.7"]',
            `${S}sshAllowedCidrs: got "203.0.113.7"; expected an IPv4 or IPv6 CIDR block with no host bits set, e.g. "203.0.113.0/24" or "198.51.100.7/32"`,
        ],
        ["no SSH blocks at all", "sshAllowedCidrs", "[]", `${S}sshAllowedCidrs: got "[]"; expected at least one CIDR block: the release chain deploys over SSH`],
        ["SSH blocks as a plain string", "sshAllowedCidrs", "203.0.113.0/24", `${S}sshAllowedCidrs: got "203.0.113.0/24"; expected a YAML list of strings, e.g. [a, b]`],
        ["an SSH port nginx uses", "sshPort", "80", `${S}sshPort: got "80"; expected a TCP port from 1 to 65535 that is not 80, 443 or an app port (8000-8009, 8080-8089)`],
        [
            "an SSH port a release container uses",
            "sshPort",
            "8081",
            `${S}sshPort: got "8081"; expected a TCP port from 1 to 65535 that is not 80, 443 or an app port (8000-8009, 8080-8089)`,
        ],
        ["an SSH port out of range", "sshPort", "70000", `${S}sshPort: got "70000"; expected a TCP port from 1 to 65535 that is not 80, 443 or an app port (8000-8009, 8080-8089)`],
        [
            "a hostname with an underscore",
            "backendHostname",
            "api_dev.example.com",
            `${S}backendHostname: got "api_dev.example.com"; expected a lowercase fully qualified hostname, e.g. "api.dev.example.com"`,
        ],
        [
            "the same hostname twice",
            "frontendHostname",
            "api.dev.example.com",
            `${S}frontendHostname: got "api.dev.example.com"; expected a hostname different from backendHostname`,
        ],
        ["an unsupported PostgreSQL version", "dbVersion", "12", `${S}dbVersion: got "12"; expected a PostgreSQL major version DigitalOcean offers, one of 13, 14, 15, 16, 17`],
        ["more than 3 database nodes", "dbNodeCount", "4", `${S}dbNodeCount: got "4"; expected 1 to 3: a PostgreSQL cluster has one primary and at most two standby nodes`],
        [
            "standby nodes on a 1 GB plan",
            "dbNodeCount",
            "2",
            `${S}dbNodeCount: got "2"; expected 1 with dbSize db-s-1vcpu-1gb: standby nodes need a plan with at least 2 GB of memory, e.g. db-s-1vcpu-2gb`,
        ],
        [
            "an unknown database size",
            "dbSize",
            "db-s-1vcpu-3gb",
            `${S}dbSize: got "db-s-1vcpu-3gb"; expected a database size slug, one of db-s-1vcpu-1gb, db-s-1vcpu-2gb, db-s-2vcpu-4gb, db-s-4vcpu-8gb, db-s-6vcpu-16gb, db-s-8vcpu-32gb, db-s-16vcpu-64gb`,
        ],
        ["the cluster admin as app user", "dbUser", "doadmin", `${S}dbUser: got "doadmin"; expected a name other than doadmin, the cluster's administrator`],
        [
            "a database name with a dash",
            "dbName",
            "project-meats",
            `${S}dbName: got "project-meats"; expected a lowercase PostgreSQL identifier: letters, digits and underscores, starting with a letter or underscore, at most 63 characters`,
        ],
        [
            "a GitHub owner with a double dash",
            "githubOwner",
            "meats--central",
            `${S}githubOwner: got "meats--central"; expected a GitHub user or organization name: letters, digits and single dashes, at most 39 characters`,
        ],
        [
            "a repository given with its owner",
            "githubRepository",
            "Meats-Central/ProjectMeats",
            `${S}githubRepository: got "Meats-Central/ProjectMeats"; expected a repository name without the owner: letters, digits, ".", "_" and "-", e.g. "ProjectMeats"`,
        ],
        [
            "an environment name with a space",
            "githubBackendEnvironment",
            "dev backend",
            `${S}githubBackendEnvironment: got "dev backend"; expected an environment name of letters, digits, ".", "_" and "-", e.g. "dev-backend"`,
        ],
        [
            "both services in one environment",
            "githubFrontendEnvironment",
            "dev-backend",
            `${S}githubFrontendEnvironment: got "dev-backend"; expected an environment different from githubBackendEnvironment: each service deploys through its own`,
        ],
        [
            "an admin key fingerprint in SHA256 form",
            "adminSshKeyFingerprints",
            '["SHA256:abc"]',
            `${S}adminSshKeyFingerprints: got "SHA256:abc"; expected an MD5 key fingerprint as DigitalOcean shows it, e.g. "3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa"`,
        ],
        ["an environment name with a dash", "environmentName", "dev-1", `${S}environmentName: got "dev-1"; expected 2 to 12 lowercase letters and digits starting with a letter`],
    ])("%s", (_, key, value, message) => {
        expect(problemsOf("dev", withKey(key, value))).toEqual([message]);
    });

    test("a frontend size when the frontend runs on the backend droplets", () => {
        expect(problemsOf("dev", withKey("frontendDropletCount", "0"))).toEqual([
            `${S}frontendDropletSize: got "s-1vcpu-1gb"; expected no value when frontendDropletCount is 0 (the frontend then runs on the backend droplets)`,
        ]);
    });

    test("frontend droplets without a size", () => {
        expect(problemsOf("dev", withKey("frontendDropletSize", undefined))).toEqual([
            `${S}frontendDropletSize: missing; expected a DigitalOcean droplet size slug, e.g. "s-1vcpu-2gb" (see \`doctl compute size list\`), because frontendDropletCount is 1`,
        ]);
    });

    test("a registry region without DigitalOcean Container Registry, in the owner stack only", () => {
        const raw = withKey("region", "lon1");
        expect(() => parseStackConfig("dev", raw)).not.toThrow();
        expect(problemsOf("prod", raw)).toEqual([
            'stack "prod", key projectmeats:registryRegion: got "lon1"; expected a region that hosts container registries, one of nyc3, sfo2, sfo3, ams3, sgp1, fra1, blr1, syd1 (it defaults to region lon1, which does not; set it explicitly)',
        ]);
    });

    test("a stack name that cannot be an environment name unless environmentName is set", () => {
        expect(problemsOf("production-eu", VALID)).toEqual([
            'stack "production-eu", key projectmeats:environmentName: got "production-eu"; expected 2 to 12 lowercase letters and digits starting with a letter (it defaults to the stack name "production-eu"; set it explicitly)',
        ]);
        expect(parseStackConfig("production-eu", withKey("environmentName", "prodeu")).environmentName).toBe("prodeu");
    });

    test("a mistyped key, suggesting the right one", () => {
        expect(problemsOf("dev", { ...VALID, "projectmeats:imagesha": "3f9c2ab" })).toEqual([
            `${S}imagesha: got "3f9c2ab"; expected no such key; did you mean projectmeats:imageSha?`,
        ]);
        expect(suggestKey("dbNode")).toBe("dbNodeCount");
        expect(suggestKey("regoin")).toBe("region");
        expect(suggestKey("completelyDifferent")).toBeUndefined();
    });

    test("a file with several problems gets all of them in one error, with a header naming the stack and file", () => {
        const raw: Record<string, string> = { ...VALID, "projectmeats:imageSha": "latest", "projectmeats:region": "mars1", "projectmeats:registryTier": "starter" };
        delete raw["projectmeats:githubOwner"];
        let message = "";
        try {
            parseStackConfig("uat", raw);
        } catch (error) {
            message = (error as Error).message;
        }
        expect(message).toBe(
            [
                'Stack "uat" has 4 configuration problems; nothing was created or changed. Fix them in Pulumi.uat.yaml or with `pulumi config set --stack uat <key> <value>`:',
                '  - stack "uat", key projectmeats:githubOwner: missing; expected GitHub user or organization that owns the ProjectMeats repository. (set it with `pulumi config set githubOwner <value>`)',
                '  - stack "uat", key projectmeats:imageSha: got "latest"; expected 7 to 40 lowercase hex characters (a git commit SHA), e.g. "3f9c2ab"',
                '  - stack "uat", key projectmeats:region: got "mars1"; expected a DigitalOcean region slug, one of nyc1, nyc3, sfo2, sfo3, ams3, sgp1, lon1, fra1, tor1, blr1, syd1, atl1, ric1',
                '  - stack "uat", key projectmeats:registryTier: got "starter"; expected a tier that holds 2 repositories (backend, frontend): the starter tier holds 1; use basic or professional',
            ].join("\n"),
        );
    });
});

describe("GitHub settings are rejected at program start", () => {
    test("more than 6 reviewers", () => {
        const seven = JSON.stringify(["a1", "a2", "a3", "a4", "a5", "team:b6", "team:b7"]);
        expect(problemsOf("prod", withKey("githubReviewers", seven))).toEqual([
            `stack "prod", key projectmeats:githubReviewers: got ${JSON.stringify(seven)}; expected at most 6 reviewers (users and teams together): GitHub's limit for an environment`,
        ]);
    });

    test("a wait timer over 43,200 minutes (30 days)", () => {
        expect(problemsOf("prod", withKey("githubWaitTimerMinutes", "43201"))).toEqual([
            'stack "prod", key projectmeats:githubWaitTimerMinutes: got "43201"; expected a whole number from 0 to 43200',
        ]);
        expect(parseStackConfig("prod", withKey("githubWaitTimerMinutes", "43200")).github.waitTimerMinutes).toBe(43200);
    });

    test("prevent-self-review without reviewers", () => {
        expect(problemsOf("prod", withKey("githubPreventSelfReview", "true"))).toEqual([
            'stack "prod", key projectmeats:githubPreventSelfReview: got "true"; expected false, or at least one entry in githubReviewers: GitHub refuses to prevent self-review without required reviewers',
        ]);
    });

    test.each<[string, string, string]>([
        ["a branch with a space", "githubDeployBranches", '["release candidate"]'],
        ["a branch with a double dot", "githubDeployBranches", '["release..1"]'],
        ["a branch ending in .lock", "githubProtectedBranches", '["main.lock"]'],
        ["a tag pattern with a colon", "githubDeployTags", '["v:1"]'],
        ["a branch starting with a dash", "githubDeployBranches", '["-main"]'],
    ])("a malformed branch or tag pattern: %s", (_, key, value) => {
        const bad = JSON.parse(value)[0];
        expect(problemsOf("dev", withKey(key, value))).toEqual([
            `stack "dev", key projectmeats:${key}: got ${JSON.stringify(bad)}; expected a branch or tag name pattern as git allows it, e.g. "main", "release/*" or "v*"`,
        ]);
    });

    test("a reviewer that is neither a login nor team:<slug>", () => {
        expect(problemsOf("prod", withKey("githubReviewers", '["team/platform"]'))).toEqual([
            'stack "prod", key projectmeats:githubReviewers: got "team/platform"; expected a GitHub login, or team:<slug> for an organization team, e.g. "octocat" or "team:platform"',
        ]);
    });

    test("an allowed-actions pattern that names a tag", () => {
        expect(problemsOf("prod", withKey("githubAllowedActions", '["pulumi/actions@v6"]'))).toEqual([
            'stack "prod", key projectmeats:githubAllowedActions: got "pulumi/actions@v6"; expected an action pattern naming no tag or branch, e.g. "pulumi/actions@*" or "docker/*": actions are pinned to commit SHAs in the workflows',
        ]);
    });

    test("a secret name GitHub reserves", () => {
        expect(problemsOf("dev", withKey("githubDatabaseUrlSecretName", "GITHUB_DB_URL"))).toEqual([
            'stack "dev", key projectmeats:githubDatabaseUrlSecretName: got "GITHUB_DB_URL"; expected a secret name of uppercase letters, digits and underscores, not starting with a digit or GITHUB_, e.g. "DEV_DB_URL"',
        ]);
    });

    test("a webhook URL stored in plain text, without showing it", () => {
        expect(problemsOf("dev", withKey("slackWebhookUrl", "https://hooks.slack.com/services/T0/B0/XYZ"))).toEqual([
            'stack "dev", key projectmeats:slackWebhookUrl: got "(plain text, not shown)"; expected a secret: set it with `pulumi config set --secret slackWebhookUrl <url>` (webhook URLs grant posting rights)',
        ]);
        const config = parseStackConfig("dev", withKey("slackWebhookUrl", "https://hooks.slack.com/services/T0/B0/XYZ"), ["projectmeats:slackWebhookUrl"]);
        expect(config.notifications).toEqual({ slackWebhookUrl: "https://hooks.slack.com/services/T0/B0/XYZ" });
    });

    test("valid patterns pass: globs, slashes, tags", () => {
        const raw = { ...withKey("githubDeployBranches", '["release/*","hotfix/**"]'), "projectmeats:githubDeployTags": '["v*","v[0-9]*"]' };
        expect(parseStackConfig("dev", raw).github).toMatchObject({ deployBranches: ["release/*", "hotfix/**"], deployTags: ["v*", "v[0-9]*"] });
    });
});
