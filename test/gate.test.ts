/** `npm run check`: the offline gate, run as a user runs it, for every stack and for planted violations. */
import { spawnSync } from "child_process";
import * as path from "path";
import { STACK_NAMES } from "../tools/stackFiles";

const ROOT = path.resolve(__dirname, "..");

function gate(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "tools/gate/cli.ts", ...args], { cwd: ROOT, encoding: "utf8" });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test.each(STACK_NAMES)("stack %s passes the gate with zero violations", (stack) => {
    const result = gate("--stack", stack);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Stack ${stack}: \\d+ resources\\n`));
    expect(result.stdout).toContain(`projectmeats:database:Database database-${stack}\n  digitalocean:index/databaseCluster:DatabaseCluster database-${stack}-cluster`);
    expect(result.stdout.trimEnd().endsWith("No policy violations.")).toBe(true);
});

test.each([
    ["plant-latest-in-command.json", "dev", ["no-mutable-image-tags", "release-images-pinned-by-digest"]],
    ["plant-tag-pinned-action.json", "prod", ["no-unpinned-actions"]],
    ["plant-public-database.json", "prod", ["database-not-public"]],
    ["plant-image-by-tag.json", "prod", ["release-images-pinned-by-digest"]],
])("a planted violation (%s on %s) fails the gate, naming the policy", (file, stack, policies) => {
    const result = gate("--stack", stack, "--json", "--plant", path.join("test/fixtures", file));
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as { violations: { policy: string; enforcementLevel: string }[] };
    expect(report.violations.map((v) => v.policy)).toEqual(policies);
    expect(new Set(report.violations.map((v) => v.enforcementLevel))).toEqual(new Set(["mandatory"]));
});

test("--json lists type, name, parent, inputs with secrets redacted, and dependencies", () => {
    const result = gate("--stack", "dev", "--json");
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as { stack: string; resources: Array<Record<string, unknown>>; violations: unknown[] };
    expect(report.stack).toBe("dev");
    expect(report.violations).toEqual([]);
    const login = report.resources.find((r) => r.name === "servers-dev-app-1-registry-login")!;
    expect(Object.keys(login).sort()).toEqual(["dependencies", "inputs", "name", "parent", "type", "urn"]);
    expect((login.inputs as Record<string, unknown>).stdin).toBe("[secret]");
    expect((login.inputs as Record<string, unknown>).connection).toBe("[secret]");
    expect(login.parent).toBe("urn:pulumi:dev::projectmeats::projectmeats:server:AppServers::servers-dev");
    expect(result.stdout).not.toMatch(/mock-password|PRIVATE KEY|"auths"/);
});

test("a bad configuration stops the gate before any analysis, with the validator's message", () => {
    const result = gate("--stack", "dev", "--config", "dbNodeCount=5");
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
        "The program failed for stack dev:\n" +
            'Stack "dev" has 1 configuration problem; nothing was created or changed. Fix them in Pulumi.dev.yaml or with `pulumi config set --stack dev <key> <value>`:\n' +
            '  - stack "dev", key projectmeats:dbNodeCount: got "5"; expected 1 to 3: a PostgreSQL cluster has one primary and at most two standby nodes\n',
    );
});

test("an unknown stack is refused with the list of stacks", () => {
    const result = gate("--stack", "staging");
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
        "no stack file Pulumi.staging.yaml: the stacks are dev, uat, prod\nusage: npm run check -- --stack <dev|uat|prod> [--json] [--config KEY=VALUE]... [--plant FILE]\n",
    );
});

test("the gate refuses to run without a stack", () => {
    const result = gate();
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("--stack is required\nusage: npm run check -- --stack <dev|uat|prod> [--json] [--config KEY=VALUE]... [--plant FILE]\n");
});
