/** The whole configuration: the sections composed, and every problem reported at once, in order. */
import { REHEARSAL_STACK, STACK_NAMES, readStackFile } from "../tools/stackFiles";
import { ConfigValidationError } from "./problems";
import { StackConfig, parseStackConfig } from "./stackConfig";

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
    "projectmeats:edge": "droplet",
    "projectmeats:githubOwner": "Meats-Central",
    "projectmeats:githubRepository": "ProjectMeats",
    "projectmeats:githubBackendEnvironment": "dev-backend",
    "projectmeats:githubFrontendEnvironment": "dev-frontend",
    "projectmeats:githubDeployBranches": '["development"]',
};

function messageOf(stack: string, raw: Record<string, string>): string {
    try {
        parseStackConfig(stack, raw);
    } catch (error) {
        expect(error).toBeInstanceOf(ConfigValidationError);
        return (error as Error).message;
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
            edge: { mode: "droplet" },
            releaseBatchSize: 1,
            database: { version: "17", size: "db-s-1vcpu-1gb", nodeCount: 1, name: "projectmeats", user: "projectmeats" },
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
                requiredChecks: [],
                requiredApprovals: 1,
                allowedActions: [],
                shaPinning: "evaluate",
            },
            infra: {
                owner: "Meats-Central",
                repository: "projectmeats-infra",
                deployBranches: ["main"],
                protectedBranches: ["main"],
                requiredChecks: ["test", "system", "policy"],
                requiredApprovals: 1,
                allowedActions: [],
            },
            notifications: {},
            adoption: { registry: false, databaseClusterId: undefined, databaseClusterName: "projectmeats-dev", extraTrustedDropletIds: [], githubEnvironments: false },
            // Every default of the app section: config/sections/app.test.ts.
            app: expect.objectContaining({ imageTagPrefix: "dev", djangoEnv: "development", manageCommand: ["python", "/app/manage.py"] }),
        });
    });

    test("no imageSha: everything but the release", () => {
        expect(parseStackConfig("dev", withKey("imageSha", undefined)).imageSha).toBeUndefined();
        expect(parseStackConfig("dev", withKey("imageSha", "")).imageSha).toBeUndefined();
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

    test("the environment name, defaulted or set, names the database URL secret", () => {
        expect(parseStackConfig("uat", VALID).github.databaseUrlSecretName).toBe("UAT_DB_URL");
        expect(parseStackConfig("production-eu", withKey("environmentName", "prodeu")).github.databaseUrlSecretName).toBe("PRODEU_DB_URL");
    });

    test("webhooks are accepted when the CLI marks them secret", () => {
        const config = parseStackConfig("dev", withKey("slackWebhookUrl", "https://hooks.slack.com/services/T0/B0/XYZ"), ["projectmeats:slackWebhookUrl"]);
        expect(config.notifications).toEqual({ slackWebhookUrl: "https://hooks.slack.com/services/T0/B0/XYZ" });
    });

    test("keys of other namespaces are ignored", () => {
        expect(() => parseStackConfig("dev", { ...VALID, "digitalocean:token": "x", "github:owner": "y" })).not.toThrow();
    });
});

const HEADER = (stack: string, count: number) =>
    `Stack "${stack}" has ${count} configuration problems; nothing was created or changed. Fix them in Pulumi.${stack}.yaml or with \`pulumi config set --stack ${stack} <key> <value>\`:`;

describe("parseStackConfig rejects, all problems at once", () => {
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

    test("one problem in every section: unknown keys, then missing and mistyped keys, then the sections in order", () => {
        const raw: Record<string, string> = {
            ...VALID,
            "projectmeats:slackWebhookUrl": "https://hooks.slack.com/services/T0/B0/XYZ",
            "projectmeats:githubReviewers": '["team/platform"]',
            "projectmeats:dbUser": "doadmin",
            "projectmeats:frontendHostname": "api.dev.example.com",
            "projectmeats:edge": "cdn",
            "projectmeats:sshPort": "80",
            "projectmeats:vpcIpRange": "8.8.0.0/16",
            "projectmeats:registryName": "ProjectMeats",
            "projectmeats:environmentName": "dev-1",
            "projectmeats:imageSha": "1234",
            "projectmeats:dropletBackups": "yes",
            "projectmeats:regoin": "nyc3",
        };
        delete raw["projectmeats:doProjectEnvironment"];
        expect(messageOf("dev", raw)).toBe(
            [
                HEADER("dev", 13),
                '  - stack "dev", key projectmeats:regoin: got "nyc3"; expected no such key; did you mean projectmeats:region?',
                '  - stack "dev", key projectmeats:doProjectEnvironment: missing; expected Environment of the DigitalOcean project grouping this stack: Development, Staging or Production. (set it with `pulumi config set doProjectEnvironment <value>`)',
                '  - stack "dev", key projectmeats:dropletBackups: got "yes"; expected true or false',
                '  - stack "dev", key projectmeats:imageSha: got "1234"; expected 7 to 40 lowercase hex characters (a git commit SHA), e.g. "3f9c2ab" (YAML reads an unquoted SHA of digits as a number: quote it)',
                '  - stack "dev", key projectmeats:environmentName: got "dev-1"; expected 2 to 12 lowercase letters and digits starting with a letter',
                '  - stack "dev", key projectmeats:registryName: got "ProjectMeats"; expected 1 to 63 lowercase letters, digits and dashes, starting and ending with a letter or digit',
                '  - stack "dev", key projectmeats:vpcIpRange: got "8.8.0.0/16"; expected a private IPv4 network (10/8, 172.16/12 or 192.168/16) from /16 to /28 with no host bits set, e.g. "10.110.16.0/20"',
                '  - stack "dev", key projectmeats:sshPort: got "80"; expected a TCP port from 1 to 65535 that is not 80, 443 or an app port (8000-8009, 8080-8089)',
                '  - stack "dev", key projectmeats:frontendHostname: got "api.dev.example.com"; expected a hostname different from backendHostname',
                '  - stack "dev", key projectmeats:edge: got "cdn"; expected one of loadBalancer, droplet, none',
                '  - stack "dev", key projectmeats:dbUser: got "doadmin"; expected a name other than doadmin, the cluster\'s administrator',
                '  - stack "dev", key projectmeats:githubReviewers: got "team/platform"; expected a GitHub login, or team:<slug> for an organization team, e.g. "octocat" or "team:platform"',
                '  - stack "dev", key projectmeats:slackWebhookUrl: got "(plain text, not shown)"; expected a secret: set it with `pulumi config set --secret slackWebhookUrl <url>` (webhook URLs grant posting rights)',
            ].join("\n"),
        );
    });

    test("an environment name that is invalid is reported once, not again through the database URL secret it names", () => {
        expect(messageOf("production-eu", VALID)).toBe(
            [
                'Stack "production-eu" has 1 configuration problem; nothing was created or changed. Fix them in Pulumi.production-eu.yaml or with `pulumi config set --stack production-eu <key> <value>`:',
                '  - stack "production-eu", key projectmeats:environmentName: got "production-eu"; expected 2 to 12 lowercase letters and digits starting with a letter (it defaults to the stack name "production-eu"; set it explicitly)',
            ].join("\n"),
        );
    });

    test("the registry region is checked in the owner stack only", () => {
        expect(() => parseStackConfig("dev", withKey("region", "lon1"))).not.toThrow();
        expect(messageOf("prod", withKey("region", "lon1")).split("\n").slice(1)).toEqual([
            '  - stack "prod", key projectmeats:registryRegion: got "lon1"; expected a region that hosts container registries, one of nyc3, sfo2, sfo3, ams3, sgp1, fra1, blr1, syd1 (it defaults to region lon1, which does not; set it explicitly)',
        ]);
    });

    test("the error carries the stack and the problems", () => {
        try {
            parseStackConfig("dev", withKey("region", "nyc9"));
        } catch (error) {
            expect(error).toMatchObject({ name: "ConfigValidationError", stack: "dev", problems: [{ key: "projectmeats:region", value: "nyc9" }] });
            return;
        }
        throw new Error("expected the configuration to be rejected");
    });
});
