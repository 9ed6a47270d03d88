/**
 * Pulumi.yaml, the stack files and the program must agree: the CLI checks stack files against the
 * project's `config:` declarations, and the program reads exactly the keys in infra/configKeys.ts.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CONFIG_KEYS, ConfigKeySpec, projectConfigDeclarations } from "../config/keys";
import { PROJECT_DIR, PROJECT_NAME, REHEARSAL_STACK, STACK_NAMES, stackFilePath } from "../tools/stackFiles";

const project = parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));

test("Pulumi.yaml names the project, the Node.js runtime with TypeScript and the entry infra/index.ts", () => {
    expect(project.name).toBe(PROJECT_NAME);
    expect(project.runtime).toEqual({ name: "nodejs", options: { typescript: true, packagemanager: "npm" } });
    expect(project.main).toBe("infra/index.ts");
    expect(fs.existsSync(path.join(PROJECT_DIR, project.main))).toBe(true);
});

test("Pulumi.yaml declares exactly the keys the program reads, with their types, descriptions and defaults (run `npm run config:schema`)", () => {
    expect(project.config).toEqual(projectConfigDeclarations());
});

test.each([...STACK_NAMES, REHEARSAL_STACK])("Pulumi.%s.yaml sets only declared keys, each with a value of its declared type", (stack) => {
    const file = parse(fs.readFileSync(stackFilePath(stack), "utf8")) as { config: Record<string, unknown> };
    const wrong: string[] = [];
    for (const [key, value] of Object.entries(file.config)) {
        if (!key.startsWith(`${PROJECT_NAME}:`)) continue;
        const spec = (CONFIG_KEYS as Record<string, ConfigKeySpec>)[key.slice(PROJECT_NAME.length + 1)];
        const ok =
            spec !== undefined &&
            ((spec.type === "string" && typeof value === "string") ||
                (spec.type === "integer" && Number.isInteger(value)) ||
                (spec.type === "boolean" && typeof value === "boolean") ||
                (spec.type === "array" && Array.isArray(value) && value.every((item) => typeof item === "string")));
        if (!ok) wrong.push(`${key}: ${JSON.stringify(value)}`);
    }
    expect(wrong).toEqual([]);
});

test("the CLI compiles the program with the project's TypeScript and ts-node, not the SDK's vendored TypeScript 3.8", () => {
    // @pulumi/pulumi falls back to vendored TypeScript 3.8.3 when the project has none, which cannot
    // compile this code (`satisfies`, among others).
    const version = (name: string) => JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`, { paths: [PROJECT_DIR] }), "utf8")).version as string;
    const typescript = { version: version("typescript") };
    const tsNode = { version: version("ts-node") };
    expect(Number(typescript.version.split(".")[0])).toBeGreaterThanOrEqual(5);
    expect(Number(tsNode.version.split(".")[0])).toBeGreaterThanOrEqual(10);
});

test("every workflow that runs the Pulumi CLI installs the SDK's exact version, on Node.js 22", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
    expect(pkg.dependencies["@pulumi/pulumi"]).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.dependencies["@pulumi/command"]).toMatch(/^1\.2\.\d+$/);
    expect(pkg.engines.node).toBe(">=22");
    expect(fs.readFileSync(path.join(PROJECT_DIR, ".nvmrc"), "utf8")).toBe("22\n");
    const dir = path.join(PROJECT_DIR, ".github/workflows");
    for (const file of fs.readdirSync(dir)) {
        const text = fs.readFileSync(path.join(dir, file), "utf8");
        expect({ file, npx: /npx pulumi/.test(text) }).toEqual({ file, npx: false });
        expect({ file, nodes: text.match(/node-version(-file)?: .*/g) ?? [] }).toEqual({
            file,
            nodes: (text.match(/node-version(-file)?: .*/g) ?? []).map(() => "node-version-file: .nvmrc"),
        });
        if (/^\s*(- run: )?pulumi /m.test(text)) expect({ file, cli: /PULUMI_VERSION: (\S+)/.exec(text)?.[1] }).toEqual({ file, cli: pkg.dependencies["@pulumi/pulumi"] });
    }
});

test("README.md's configuration reference lists every key (run `npm run config:reference`)", () => {
    const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
    const missing = Object.keys(CONFIG_KEYS).filter((key) => !readme.includes(`| \`${PROJECT_NAME}:${key}\` |`));
    expect(missing).toEqual([]);
    expect(
        readme
            .split("\n")
            .slice(0, 16)
            .filter((line) => /^(sudo )?npm /.test(line))
            .map((line) => line.split("#")[0].trim()),
    ).toEqual(["npm ci", "npm test", "npm run check -- --stack dev"]);
});

test("`npm ci` installs the policy pack's dependencies, and the pack and the program share one @pulumi/pulumi", () => {
    const policyDir = path.join(PROJECT_DIR, "policy");
    const fromPack = require.resolve("@pulumi/pulumi/package.json", { paths: [policyDir] });
    const fromProgram = require.resolve("@pulumi/pulumi/package.json", { paths: [PROJECT_DIR] });
    expect(fromPack).toBe(fromProgram);
    expect(require.resolve("@pulumi/policy", { paths: [policyDir] })).toContain("node_modules/@pulumi/policy");
    const rootPkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
    const packPkg = JSON.parse(fs.readFileSync(path.join(policyDir, "package.json"), "utf8"));
    expect(rootPkg.workspaces).toEqual(["policy"]);
    expect(packPkg.dependencies["@pulumi/pulumi"]).toBe(rootPkg.dependencies["@pulumi/pulumi"]);
    expect(fs.existsSync(path.join(policyDir, "PulumiPolicy.yaml"))).toBe(true);
});
