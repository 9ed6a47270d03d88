/**
 * `npm run check`: the offline gate, run as a user runs it — every stack, planted violations, and one
 * test per class of bad input (stack files, configuration values, flags, plant files, rules across
 * stacks), each with its exact message and exit code.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { STACK_NAMES } from "../tools/stackFiles";

const ROOT = path.resolve(__dirname, "..");
const GATE = ["-r", "./tools/gate/register.js", "tools/gate/cli.ts"];
const USAGE = "usage: npm run check -- (--stack <stack> [--config-file FILE] [--plant FILE] | --all) [--json] [--config KEY=VALUE]...";
const DEV = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");

function gate(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, [...GATE, ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Pulumi.dev.yaml with one change, written where `--config-file` can read it. */
function devFile(name: string, change: (text: string) => string): string {
    const file = path.join(dir, name);
    const text = change(DEV);
    expect(text).not.toBe(DEV);
    fs.writeFileSync(file, text);
    return file;
}

test.each(STACK_NAMES)("stack %s passes the gate with zero violations", (stack) => {
    const result = gate("--stack", stack);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Stack ${stack}: \\d+ resources\\n`));
    expect(result.stdout).toContain(`projectmeats:database:Database database-${stack}\n  digitalocean:index/databaseCluster:DatabaseCluster database-${stack}-cluster`);
    expect(result.stdout.trimEnd().endsWith("No policy violations.")).toBe(true);
});

test("--all checks every stack in one process, then the rules across stacks", () => {
    const result = gate("--all");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout.match(/^Stack \w+: \d+ resources$/gm)).toEqual([
        expect.stringMatching(/^Stack dev: /),
        expect.stringMatching(/^Stack uat: /),
        expect.stringMatching(/^Stack prod: /),
        expect.stringMatching(/^Stack rehearsal: /),
    ]);
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe("Checked 4 stacks (dev, uat, prod, rehearsal): no policy violations.");
});

test("--all refuses stacks that do not fit together: one VPC range and one environment name for all", () => {
    const result = gate("--all", "--config", "vpcIpRange=10.140.0.0/16", "--config", "environmentName=app", "--config", "accountOwnerStack=production");
    expect(result.status).toBe(2);
    const shared = (key: string, value: string, expected: string) =>
        `  - stacks dev, uat, prod, key projectmeats:${key}: got "${value}" in dev, "${value}" in uat, "${value}" in prod; expected ${expected}`;
    const pair = (a: string, b: string) =>
        `  - stacks ${a}, ${b}, key projectmeats:vpcIpRange: got "10.140.0.0/16" in ${a}, "10.140.0.0/16" in ${b}; expected VPC ranges that do not overlap: the stacks share one account, so give each its own block`;
    expect(result.stderr).toBe(
        [
            "The stacks dev, uat, prod do not fit together (5 problems); fix them in their stack files:",
            '  - stacks dev, uat, prod, key projectmeats:accountOwnerStack: got "production", which has no stack file; expected the stack that owns the account-wide resources, one of dev, uat, prod',
            pair("dev", "uat"),
            pair("dev", "prod"),
            pair("uat", "prod"),
            shared("environmentName", "app", "a different environment name per stack: it names resources, tags and image tags"),
            "",
        ].join("\n"),
    );
    expect(result.stdout).toContain("Checked 4 stacks (dev, uat, prod, rehearsal): see the problems above.");
});

test.each([
    ["plant-latest-in-command.json", "dev", ["no-mutable-image-tags", "release-images-pinned-by-digest"]],
    ["plant-tag-pinned-action.json", "prod", ["no-unpinned-actions"]],
    ["plant-public-database.json", "prod", ["database-not-public"]],
    ["plant-image-by-tag.json", "prod", ["release-images-pinned-by-digest"]],
])("a planted violation (%s on %s) fails the gate, naming the policy", (file, stack, policies) => {
    const result = gate("--stack", stack, "--json", "--plant", path.join("test/fixtures", file));
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as { exitCode: number; violations: { policy: string; enforcementLevel: string }[] };
    expect(report.exitCode).toBe(1);
    expect(report.violations.map((v) => v.policy)).toEqual(policies);
    expect(new Set(report.violations.map((v) => v.enforcementLevel))).toEqual(new Set(["mandatory"]));
});

test("--json lists type, name, parent, inputs with secrets redacted, and dependencies", () => {
    const result = gate("--stack", "dev", "--json");
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as { stack: string; exitCode: number; errors: unknown[]; resources: Array<Record<string, unknown>>; violations: unknown[] };
    expect(report).toMatchObject({ stack: "dev", exitCode: 0, errors: [], notes: [], violations: [] });
    const login = report.resources.find((r) => r.name === "servers-dev-app-1-registry-login")!;
    expect(Object.keys(login).sort()).toEqual(["dependencies", "inputs", "name", "parent", "type", "urn"]);
    expect((login.inputs as Record<string, unknown>).stdin).toBe("[secret]");
    expect((login.inputs as Record<string, unknown>).connection).toBe("[secret]");
    expect(login.parent).toBe("urn:pulumi:dev::projectmeats::projectmeats:server:AppServers::servers-dev");
    expect(result.stdout).not.toMatch(/mock-password|PRIVATE KEY|"auths"/);
});

test("--json piped through a slow reader for prod: one whole document, nothing cut off", () => {
    // Prod's own document is about the pipe's 64 KiB; a planted resource makes sure it is well over.
    const plant = path.join(dir, "large.json");
    fs.writeFileSync(
        plant,
        JSON.stringify({ add: [{ type: "command:local:Command", name: "planted-large", inputs: { create: "true", environment: { NOTE: "x".repeat(100_000) } } }] }),
    );
    // The reader takes nothing for 2 seconds: the pipe fills, and the gate must wait for it to drain.
    const command = `set -o pipefail; "${process.execPath}" ${GATE.join(" ")} --stack prod --json --plant "${plant}" | (sleep 2; cat)`;
    const result = spawnSync("bash", ["-c", command], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout.length).toBeGreaterThan(160 * 1024);
    const report = JSON.parse(result.stdout) as { stack: string; exitCode: number; resources: Array<{ name: string }>; violations: unknown[] };
    expect(report).toMatchObject({ stack: "prod", exitCode: 0, violations: [] });
    expect(report.resources.at(-1)!.name).toBe("planted-large");
});

describe("every bad input gets one clear answer: exit 2, the file, line and column or the key, never a stack trace", () => {
    test.each<[string, (text: string) => string, string]>([
        [
            "broken YAML: a line indented too deep",
            (text) => text.replace("  projectmeats:registryName:", "    projectmeats:registryName:"),
            ":5:5: Nested mappings are not allowed in compact mappings: this line is indented deeper than the key above it; indent every key under config: by the same number of spaces",
        ],
        [
            "broken YAML: a tab",
            (text) => text.replace("  projectmeats:registryName:", "\tprojectmeats:registryName:"),
            ":5:1: Tabs are not allowed as indentation: indent with spaces",
        ],
        [
            "broken YAML: a duplicate key",
            (text) => `${text}  projectmeats:region: sfo3\n`,
            `:${DEV.split("\n").length}:3: Map keys must be unique: projectmeats:region is given twice; keep one`,
        ],
    ])("%s", (name, change, problem) => {
        const file = devFile(`${name.replace(/\W+/g, "-")}.yaml`, change);
        const result = gate("--stack", "dev", "--config-file", file);
        expect(result.status).toBe(2);
        expect(result.stdout).toBe("");
        expect(result.stderr).toBe(`${file} has 1 problem; nothing was run or checked. Fix the file:\n  - ${file}${problem}\n`);
    });

    const configProblem = (...lines: string[]) =>
        "The program failed for stack dev:\n" +
        `Stack "dev" has ${lines.length === 1 ? "1 configuration problem" : `${lines.length} configuration problems`}; nothing was created or changed. Fix them in Pulumi.dev.yaml or with \`pulumi config set --stack dev <key> <value>\`:\n` +
        lines.map((line) => `  - stack "dev", key projectmeats:${line}\n`).join("");

    test("a configuration value out of range stops the gate before any analysis, with the validator's message", () => {
        const result = gate("--stack", "dev", "--config", "dbNodeCount=5");
        expect(result.status).toBe(2);
        expect(result.stdout).toBe("");
        expect(result.stderr).toBe(configProblem('dbNodeCount: got "5"; expected 1 to 3: a PostgreSQL cluster has one primary and at most two standby nodes'));
    });

    test("an empty value where a value is required", () => {
        const file = devFile("empty.yaml", (text) => text.replace("projectmeats:githubOwner: Meats-Central", "projectmeats:githubOwner:"));
        const result = gate("--stack", "dev", "--config-file", file);
        expect(result.status).toBe(2);
        expect(result.stderr).toBe(
            configProblem(
                "githubOwner: got an empty value; expected GitHub user or organization that owns the ProjectMeats repository. (give it a value, or set it with `pulumi config set githubOwner <value>`)",
            ),
        );
    });

    test("stack-file hygiene: an unknown namespace, a mistyped key (prefix first: dbNodes → dbNodeCount), a repeated branch", () => {
        const file = devFile("hygiene.yaml", (text) =>
            text
                .replace("  projectmeats:region: nyc3", "  projectmeat:region: nyc3\n  projectmeats:region: nyc3\n  projectmeats:dbNodes: 2")
                .replace("    - development", "    - development\n    - Development"),
        );
        const result = gate("--stack", "dev", "--config-file", file);
        expect(result.status).toBe(2);
        expect(result.stderr).toBe(
            configProblem(
                'dbNodes: got "2"; expected no such key; did you mean projectmeats:dbNodeCount?',
                'githubDeployBranches: got "Development"; expected each entry once: "Development" repeats "development" (compared without case)',
            )
                .replace(
                    '  - stack "dev", key projectmeats:dbNodes',
                    '  - stack "dev", key projectmeat:region: got "nyc3"; expected a namespace this program reads (projectmeats, digitalocean, github, docker, tls, command, random, pulumi); did you mean projectmeats:region?\n  - stack "dev", key projectmeats:dbNodes',
                )
                .replace("has 2 configuration problems", "has 3 configuration problems"),
        );
    });

    test("a secret name the program writes itself", () => {
        const result = gate("--stack", "dev", "--config", "githubDatabaseUrlSecretName=DOCR_DOCKER_CONFIG");
        expect(result.status).toBe(2);
        expect(result.stderr).toBe(
            configProblem(
                'githubDatabaseUrlSecretName: got "DOCR_DOCKER_CONFIG"; expected a name other than DOCR_DOCKER_CONFIG, SLACK_WEBHOOK_URL, TEAMS_WEBHOOK_URL, which the program writes itself: the database URL secret would be silently dropped',
            ),
        );
    });

    test("--json on error: one JSON document on stdout, each problem with its key, value and expected form", () => {
        const result = gate("--stack", "dev", "--json", "--config", "dbNodeCount=5", "--config", "regoin=nyc3");
        expect(result.status).toBe(2);
        expect(result.stderr).toBe("");
        expect(JSON.parse(result.stdout)).toEqual({
            stack: "dev",
            exitCode: 2,
            errors: [
                {
                    kind: "configuration",
                    stacks: ["dev"],
                    key: "projectmeats:regoin",
                    value: "nyc3",
                    expected: "no such key; did you mean projectmeats:region?",
                    message: 'stack "dev", key projectmeats:regoin: got "nyc3"; expected no such key; did you mean projectmeats:region?',
                },
                {
                    kind: "configuration",
                    stacks: ["dev"],
                    key: "projectmeats:dbNodeCount",
                    value: "5",
                    expected: "1 to 3: a PostgreSQL cluster has one primary and at most two standby nodes",
                    message: 'stack "dev", key projectmeats:dbNodeCount: got "5"; expected 1 to 3: a PostgreSQL cluster has one primary and at most two standby nodes',
                },
            ],
            notes: [],
            resources: [],
            violations: [],
        });
    });

    test("--json on a broken stack file and on bad flags", () => {
        const file = devFile("tab-json.yaml", (text) => text.replace("  projectmeats:registryName:", "\tprojectmeats:registryName:"));
        expect(JSON.parse(gate("--stack", "dev", "--json", "--config-file", file).stdout)).toEqual({
            stack: "dev",
            exitCode: 2,
            errors: [{ kind: "stack-file", stacks: ["dev"], file, line: 5, column: 1, message: "Tabs are not allowed as indentation: indent with spaces" }],
            notes: [],
            resources: [],
            violations: [],
        });
        const flags = gate("--json", "--stack", "staging");
        expect(flags.status).toBe(2);
        expect(JSON.parse(flags.stdout)).toEqual({
            stack: "staging",
            exitCode: 2,
            errors: [{ kind: "arguments", message: "no stack file Pulumi.staging.yaml: the stacks are dev, uat, prod, rehearsal" }],
            notes: [],
            resources: [],
            violations: [],
        });
    });

    test.each<[string, string[], string]>([
        ["no stack", [], `--stack or --all is required\n${USAGE}\n`],
        ["an unknown stack, checked against the stack files", ["--stack", "staging"], `no stack file Pulumi.staging.yaml: the stacks are dev, uat, prod, rehearsal\n${USAGE}\n`],
        ["--plant with no value", ["--stack", "dev", "--plant"], `--plant needs a file: --plant FILE, e.g. --plant test/fixtures/plant-public-database.json\n${USAGE}\n`],
        [
            "--config KEY without =, naming the key",
            ["--stack", "dev", "--config", "dbNodeCount"],
            `--config dbNodeCount: no value; expected KEY=VALUE, e.g. --config dbNodeCount=<value>\n${USAGE}\n`,
        ],
        ["an unknown argument", ["--stack", "dev", "--jsn"], `unknown argument --jsn; did you mean --json?\n${USAGE}\n`],
        ["--plant, a missing file", ["--stack", "dev", "--plant", "test/fixtures/nope.json"], "--plant test/fixtures/nope.json: no such file\n"],
        ["--plant, a malformed file", ["--stack", "dev", "--plant", "README.md"], `--plant README.md: not valid JSON: Unexpected token '#', "# projectm"... is not valid JSON\n`],
        [
            "--plant, a wrongly shaped file",
            ["--stack", "dev", "--plant", "package.json"],
            ['--plant package.json: name: unknown key; a plant file has "add" and "patch"', '--plant package.json: version: unknown key; a plant file has "add" and "patch"'].join(
                "\n",
            ),
        ],
    ])("%s", (_, args, stderr) => {
        const result = gate(...args);
        expect(result.status).toBe(2);
        expect(result.stdout).toBe("");
        if (stderr.endsWith("\n")) expect(result.stderr).toBe(stderr);
        else expect(result.stderr.startsWith(`${stderr}\n`)).toBe(true);
        expect(result.stderr).not.toMatch(/\n\s+at /);
    });

    test("--plant naming a resource the stack does not have", () => {
        const plant = path.join(dir, "unknown-patch.json");
        fs.writeFileSync(plant, JSON.stringify({ patch: [{ name: "database-staging-firewall", inputs: {} }] }));
        const result = gate("--stack", "dev", "--plant", plant);
        expect(result.status).toBe(2);
        expect(result.stderr).toBe(`--plant ${plant}: patch[0].name: no resource named "database-staging-firewall" in stack dev\n`);
    });
});

test("--help prints the usage and exits 0", () => {
    const result = gate("--help");
    expect(result.status).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout.split("\n")[0]).toBe(USAGE);
    expect(result.stdout).toContain("Exit status: 0 no violation; 1 a mandatory policy violation; 2 bad input");
});

test("a secure: value as the passphrase provider writes it is accepted as present and secret, and the gate says its form was not checked", () => {
    const file = devFile("secure.yaml", (text) =>
        [
            "encryptionsalt: v1:Xk2UzHgBd4c=:v1:lEAZ0hG9Yx5ZtEtX:FfO5sDuc+Ke3cU6IRv9uXZ1iwR5JkQ==",
            text.trimEnd(),
            "  projectmeats:slackWebhookUrl:",
            "    secure: v1:qYHWBl7yF3xMbH1d:3Sx6Lz2ab9QpeGd5D0pVwR8mHfE0cW1vqZ+yKk8N3tB1oLr2c9X4sTq7uA==",
            "",
        ].join("\n"),
    );
    const result = gate("--stack", "dev", "--config-file", file);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
        "\nNote: projectmeats:slackWebhookUrl is secure: present and secret. Its form cannot be checked offline, without the stack's secrets provider; the gate ran the program with a placeholder of that form, and the program checks the real value when it runs with it.\nNo policy violations.\n",
    );
    expect(result.stdout).toContain("github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret github-dev-backend-secret-SLACK_WEBHOOK_URL");
});
