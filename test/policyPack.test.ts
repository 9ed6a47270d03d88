/**
 * The real policy pack, served over gRPC as the Pulumi CLI serves it, fed with the program's own
 * resources: each stack is the passing baseline, and each test changes one thing that breaks one rule.
 */
import { plantViolations } from "../tools/gate/plant";
import { PolicyPackServer, startPolicyPack } from "../tools/gate/policyPack";
import { STACK_NAMES } from "../tools/stackFiles";
import { ProgramRun, RecordedResource, named, runProgram } from "../tools/programRunner";

let pack: PolicyPackServer;
const runs = new Map<string, ProgramRun>();

beforeAll(async () => {
    pack = await startPolicyPack();
    for (const stack of STACK_NAMES) runs.set(stack, await runProgram(stack));
}, 120000);

afterAll(async () => {
    await pack?.stop();
});

type Plant = Parameters<typeof plantViolations>[1];

async function violations(stack: string, plant: Plant): Promise<[string, string][]> {
    const resources = plantViolations(runs.get(stack)!.resources, plant, stack);
    return (await pack.analyzeStack(resources)).map((v) => [v.policy, v.message]);
}

function command(name: string, create: string): Plant["add"] {
    return [{ type: "command:remote:Command", name, inputs: { create, connection: { host: "203.0.113.9" } } }];
}

const D = `sha256:${"c".repeat(64)}`;

test.each(STACK_NAMES)("baseline: stack %s passes every policy", async (stack) => {
    expect(await violations(stack, {})).toEqual([]);
});

describe("no-mutable-image-tags and release-images-pinned-by-digest", () => {
    test("a -latest tag inside a command", async () => {
        expect(await violations("dev", { add: command("planted-pull", "docker pull registry.digitalocean.com/projectmeats/backend:dev-latest") })).toEqual([
            [
                "no-mutable-image-tags",
                'Image reference "registry.digitalocean.com/projectmeats/backend:dev-latest" in command:remote:Command (planted-pull) at create must not use a latest-style tag: deploy an immutable <env>-<sha> tag resolved to its digest (repository@sha256:…).',
            ],
            [
                "release-images-pinned-by-digest",
                'Release command (planted-pull) must run images by digest: "registry.digitalocean.com/projectmeats/backend:dev-latest" at create is a tag; resolve the tag through the registry and deploy repository@sha256:….',
            ],
        ]);
    });

    test("an image with no tag in a workflow-style image: key", async () => {
        expect(
            await violations("dev", {
                add: [
                    {
                        type: "github:index/repositoryFile:RepositoryFile",
                        name: "planted-file",
                        inputs: { file: "compose.yml", content: "services:\n  db:\n    image: postgres\n" },
                    },
                ],
            }),
        ).toEqual([
            [
                "no-mutable-image-tags",
                'Image reference "postgres" in github:index/repositoryFile:RepositoryFile (planted-file) at content must not use no tag (means latest): deploy an immutable <env>-<sha> tag resolved to its digest (repository@sha256:…).',
            ],
        ]);
    });

    test("an image deployed by tag instead of digest", async () => {
        expect(await violations("prod", { add: command("planted-run", "docker run -d registry.digitalocean.com/projectmeats/backend:prod-3f9c2ab") })).toEqual([
            [
                "release-images-pinned-by-digest",
                'Release command (planted-run) must run images by digest: "registry.digitalocean.com/projectmeats/backend:prod-3f9c2ab" at create is a tag; resolve the tag through the registry and deploy repository@sha256:….',
            ],
        ]);
    });

    test("an image deployed by digest passes both", async () => {
        expect(await violations("prod", { add: command("planted-ok", `docker run -d registry.digitalocean.com/projectmeats/backend@${D}`) })).toEqual([]);
    });

    test("an invalid digest pins nothing: no tag then means latest", async () => {
        expect(await violations("prod", { add: command("planted-bad-digest", "docker pull registry.digitalocean.com/projectmeats/backend@sha256:3f9c2ab") })).toEqual([
            [
                "no-mutable-image-tags",
                'Image reference "registry.digitalocean.com/projectmeats/backend@sha256:3f9c2ab" in command:remote:Command (planted-bad-digest) at create must not use no tag (means latest) (its digest "sha256:3f9c2ab" pins nothing: a digest is sha256: and 64 lowercase hex characters, or sha512: and 128): deploy an immutable <env>-<sha> tag resolved to its digest (repository@sha256:…).',
            ],
            [
                "release-images-pinned-by-digest",
                'Release command (planted-bad-digest) must run images by digest: "registry.digitalocean.com/projectmeats/backend@sha256:3f9c2ab" at create has the digest "sha256:3f9c2ab", which pins nothing (sha256: and 64 lowercase hex characters, or sha512: and 128); resolve the tag through the registry and deploy repository@sha256:….',
            ],
        ]);
    });

    test("a tag with a part `latest` (latest-3f9c2ab) is latest-style; a port map and an environment value are not images", async () => {
        const create = `docker run -d -p 127.0.0.1:8000:8000 -e FALLBACK=nginx:latest --name web registry.digitalocean.com/projectmeats/backend:latest-3f9c2ab@${D}`;
        expect(await violations("dev", { add: command("planted-options", create) })).toEqual([]);
        expect(await violations("dev", { add: command("planted-latest-part", "docker pull registry.digitalocean.com/projectmeats/backend:latest-3f9c2ab") })).toEqual([
            [
                "no-mutable-image-tags",
                'Image reference "registry.digitalocean.com/projectmeats/backend:latest-3f9c2ab" in command:remote:Command (planted-latest-part) at create must not use a latest-style tag: deploy an immutable <env>-<sha> tag resolved to its digest (repository@sha256:…).',
            ],
            [
                "release-images-pinned-by-digest",
                'Release command (planted-latest-part) must run images by digest: "registry.digitalocean.com/projectmeats/backend:latest-3f9c2ab" at create is a tag; resolve the tag through the registry and deploy repository@sha256:….',
            ],
        ]);
    });

    test("FROM scratch is exempt; prose naming an image is not an image", async () => {
        const content = "# Built from registry.digitalocean.com/projectmeats/backend:latest\nFROM scratch\nCOPY app /app\n";
        expect(
            await violations("dev", { add: [{ type: "github:index/repositoryFile:RepositoryFile", name: "planted-dockerfile", inputs: { file: "Dockerfile", content } }] }),
        ).toEqual([]);
    });
});

describe("no-unpinned-actions", () => {
    test("SHA pinning not required", async () => {
        expect(await violations("prod", { patch: [{ name: "infra-repository-prod-governance-actions", inputs: { shaPinningRequired: false } }] })).toEqual([
            ["no-unpinned-actions", "Actions permissions (infra-repository-prod-governance-actions) must require SHA pinning: set shaPinningRequired: true."],
        ]);
    });

    test("a tag-pinned allowed-action pattern", async () => {
        const actions = named(runs.get("prod")!, "infra-repository-prod-governance-actions");
        const config = { ...(actions.inputs.allowedActionsConfig as object), patternsAlloweds: ["pulumi/actions@v6"] };
        expect(await violations("prod", { patch: [{ name: actions.name, inputs: { allowedActionsConfig: config } }] })).toEqual([
            [
                "no-unpinned-actions",
                'Actions permissions (infra-repository-prod-governance-actions) must not allow "pulumi/actions@v6", which names a tag or branch: allow "pulumi/actions@*" and pin the SHA in the workflow.',
            ],
        ]);
    });

    test("uses: values: an expression is unpinned, a SHA in capitals pins, a local path is exempt, docker:// needs a valid digest", async () => {
        const sha = "11BD71901BBE5B1630CEEA73D27597364C9AF683";
        const content = [
            "jobs:",
            "  t:",
            "    runs-on: ubuntu-24.04",
            "    steps:",
            `      - uses: " actions/checkout@${sha} "`,
            "      - uses: ./.github/actions/setup",
            "      - uses: $/.github/actions/setup",
            "      - uses: actions/setup-node@${{ env.NODE_ACTION_SHA }}",
            "      - uses: docker://alpine@sha256:abc",
        ].join("\n");
        expect(
            await violations("dev", {
                add: [{ type: "github:index/repositoryFile:RepositoryFile", name: "planted-workflow", inputs: { file: ".github/workflows/ci.yml", content } }],
            }),
        ).toEqual([
            [
                "no-mutable-image-tags",
                'Image reference "alpine@sha256:abc" in github:index/repositoryFile:RepositoryFile (planted-workflow) at content must not use no tag (means latest) (its digest "sha256:abc" pins nothing: a digest is sha256: and 64 lowercase hex characters, or sha512: and 128): deploy an immutable <env>-<sha> tag resolved to its digest (repository@sha256:…).',
            ],
            [
                "no-unpinned-actions",
                'Workflow file .github/workflows/ci.yml (planted-workflow) must pin every action to a full commit SHA: "actions/setup-node@${{ env.NODE_ACTION_SHA }}" is built with a ${{ }} expression, which can name any ref.',
            ],
            [
                "no-unpinned-actions",
                'Workflow file .github/workflows/ci.yml (planted-workflow) must pin every action to a full commit SHA: "docker://alpine@sha256:abc" has the digest "sha256:abc", which pins nothing (sha256: and 64 lowercase hex characters, or sha512: and 128).',
            ],
        ]);
    });

    test("a managed workflow file using a tag", async () => {
        const content = "jobs:\n  t:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@v4\n";
        expect(
            await violations("dev", {
                add: [{ type: "github:index/repositoryFile:RepositoryFile", name: "planted-workflow", inputs: { file: ".github/workflows/ci.yml", content } }],
            }),
        ).toEqual([
            [
                "no-unpinned-actions",
                'Workflow file .github/workflows/ci.yml (planted-workflow) must pin every action to a full commit SHA: "actions/checkout@v4" uses the tag or branch "v4", which can move.',
            ],
        ]);
    });
});

describe("database-not-public and database-has-firewall", () => {
    test("a database firewall admitting 0.0.0.0/0", async () => {
        expect(await violations("uat", { patch: [{ name: "database-uat-firewall", inputs: { rules: [{ type: "ip_addr", value: "0.0.0.0/0" }] } }] })).toEqual([
            [
                "database-not-public",
                'Database firewall (database-uat-firewall) must admit only app servers: the ip_addr rule for "0.0.0.0/0" admits addresses; use droplet rules for the backend servers.',
            ],
        ]);
    });

    test("a database firewall with no rules", async () => {
        expect(await violations("uat", { patch: [{ name: "database-uat-firewall", inputs: { rules: [] } }] })).toEqual([
            ["database-not-public", "Database firewall (database-uat-firewall) must admit the app servers: an empty rule list leaves the cluster open to every address."],
        ]);
    });

    test("a cluster without a firewall", async () => {
        const resources = runs.get("uat")!.resources.filter((r) => r.name !== "database-uat-firewall");
        const found = (await pack.analyzeStack(resources)).map((v) => [v.policy, v.message]);
        expect(found).toEqual([["database-has-firewall", "Database cluster (database-uat-cluster) must have a database firewall: add one whose rules admit the backend servers."]]);
    });
});

describe("production-only rules", () => {
    test("prod's database without a standby", async () => {
        expect(await violations("prod", { patch: [{ name: "database-prod-cluster", inputs: { nodeCount: 1 } }] })).toEqual([
            [
                "prod-database-standby",
                "Production database cluster (database-prod-cluster) must have at least 2 nodes (a standby) but has 1: set projectmeats:dbNodeCount to 2 with a plan of 2 GB or more.",
            ],
        ]);
    });

    test("SSH open to the internet in prod", async () => {
        const firewall: RecordedResource = named(runs.get("prod")!, "servers-prod-firewall");
        const rules = (firewall.inputs.inboundRules as Array<Record<string, unknown>>).map((rule) =>
            rule.portRange === "22" ? { ...rule, sourceAddresses: ["0.0.0.0/0", "::/0"] } : rule,
        );
        expect(await violations("prod", { patch: [{ name: firewall.name, inputs: { inboundRules: rules } }] })).toEqual([
            [
                "prod-ssh-not-open",
                "Production firewall (servers-prod-firewall) must not open SSH (port 22) to 0.0.0.0/0: list the deploy runner's address in projectmeats:sshAllowedCidrs.",
            ],
            [
                "prod-ssh-not-open",
                "Production firewall (servers-prod-firewall) must not open SSH (port 22) to ::/0: list the deploy runner's address in projectmeats:sshAllowedCidrs.",
            ],
        ]);
    });

    test("SSH on the port the droplets' sshd listens on (Port 2222 in user data), open in prod", async () => {
        const prod = runs.get("prod")!;
        const firewall = named(prod, "servers-prod-firewall");
        const rules = (firewall.inputs.inboundRules as Array<Record<string, unknown>>).map((rule) =>
            rule.portRange === "22" ? { ...rule, portRange: "2222", sourceAddresses: ["0.0.0.0/0"] } : rule,
        );
        const droplet = named(prod, "servers-prod-backend-1");
        const userData = String(droplet.inputs.userData).replace("PasswordAuthentication no", "Port 2222\n      PasswordAuthentication no");
        expect(userData).toMatch(/^\s*Port 2222$/m);
        const plant = { patch: [{ name: firewall.name, inputs: { inboundRules: rules } }] };
        // Without the Port line, 2222 is not SSH's port: nothing to report.
        expect(await violations("prod", plant)).toEqual([]);
        expect(await violations("prod", { patch: [...plant.patch, { name: droplet.name, inputs: { userData } }] })).toEqual([
            [
                "prod-ssh-not-open",
                "Production firewall (servers-prod-firewall) must not open SSH (port 2222) to 0.0.0.0/0: list the deploy runner's address in projectmeats:sshAllowedCidrs.",
            ],
        ]);
    });

    test("SSH on a port the pack's configuration names (sshPorts), open in prod", async () => {
        const configured = await startPolicyPack({ config: { "prod-ssh-not-open": { sshPorts: [22, 8022] } } });
        try {
            const firewall = named(runs.get("prod")!, "servers-prod-firewall");
            const rules = [...(firewall.inputs.inboundRules as Array<Record<string, unknown>>), { protocol: "tcp", portRange: "8010-8079", sourceAddresses: ["::/0"] }];
            const resources = plantViolations(runs.get("prod")!.resources, { patch: [{ name: firewall.name, inputs: { inboundRules: rules } }] }, "prod");
            expect((await configured.analyzeStack(resources)).map((v) => [v.policy, v.message])).toEqual([
                [
                    "prod-ssh-not-open",
                    "Production firewall (servers-prod-firewall) must not open SSH (port 8022) to ::/0: list the deploy runner's address in projectmeats:sshAllowedCidrs.",
                ],
            ]);
            // The default pack does not count 8022 as SSH.
            expect(await pack.analyzeStack(resources)).toEqual([]);
        } finally {
            await configured.stop();
        }
    });

    test("prod environments without reviewers, self-review allowed, admins bypassing", async () => {
        expect(
            await violations("prod", { patch: [{ name: "github-prod-backend-environment", inputs: { reviewers: [], preventSelfReview: false, canAdminsBypass: true } }] }),
        ).toEqual([
            ["prod-environments-require-reviewers", "Production environment (prod2-backend) must require at least one reviewer: set projectmeats:githubReviewers."],
            ["prod-environments-require-reviewers", "Production environment (prod2-backend) must prevent self-review: set projectmeats:githubPreventSelfReview to true."],
            [
                "prod-environments-require-reviewers",
                "Production environment (prod2-backend) must not let administrators bypass its rules: set projectmeats:githubAdminBypass to false.",
            ],
        ]);
    });

    test("the same settings in dev are not a violation: dev is not a production stack", async () => {
        expect(
            await violations("dev", {
                patch: [
                    { name: "database-dev-cluster", inputs: { nodeCount: 1 } },
                    { name: "github-dev-backend-environment", inputs: { reviewers: [], preventSelfReview: false, canAdminsBypass: true } },
                ],
            }),
        ).toEqual([]);
    });
});

describe("environment-secrets-are-secret", () => {
    test("a secret written with the deprecated plaintextValue", async () => {
        expect(await violations("dev", { patch: [{ name: "github-dev-frontend-secret-DOCR_DOCKER_CONFIG", inputs: { plaintextValue: "x" } }] })).toEqual([
            ["environment-secrets-are-secret", "Actions secret (DOCR_DOCKER_CONFIG) must be set with value or valueEncrypted: plaintextValue and encryptedValue are deprecated."],
        ]);
    });

    test("a secret's value in a command's text", async () => {
        const secret = named(runs.get("dev")!, "github-dev-backend-secret-DEV_DB_URL");
        const url = (secret.inputs.value as { value: string }).value;
        expect(await violations("dev", { add: command("planted-leak", `DATABASE_URL=${url} python manage.py migrate`) })).toEqual([
            [
                "environment-secrets-are-secret",
                "Actions secret (DEV_DB_URL) must not appear in plain text: command:remote:Command (planted-leak) has it in create; pass it on stdin or in a 0600 file.",
            ],
        ]);
    });
});

describe("the edge: prod-https-only, load-balancer-health-check, load-balancer-certificate-by-name, app-ports-not-public", () => {
    /** prod with another edge: droplet needs one droplet per service. */
    const prodWith = (edge: string) =>
        runProgram("prod", { config: { "projectmeats:edge": edge, "projectmeats:backendDropletCount": "1", "projectmeats:frontendDropletCount": "1" } });
    const analyze = async (run: ProgramRun, plant: Plant = {}) => (await pack.analyzeStack(plantViolations(run.resources, plant, "prod"))).map((v) => [v.policy, v.message]);

    test("baseline: prod's load balancers (committed) and prod with edge droplet pass every policy", async () => {
        expect(await violations("prod", {})).toEqual([]);
        const droplet = await prodWith("droplet");
        expect(droplet.error).toBeUndefined();
        expect(await analyze(droplet)).toEqual([]);
    });

    test("prod with edge none serves no HTTPS", async () => {
        const none = await prodWith("none");
        expect(none.error).toBeUndefined();
        expect(await analyze(none)).toEqual([
            [
                "prod-https-only",
                "Production stack must serve HTTPS: no load balancer has an https forwarding rule and no droplet's nginx listens on 443 with TLS; set projectmeats:edge to loadBalancer or droplet (none is for the local rehearsal only).",
            ],
        ]);
    });

    test("edge none in dev is not a violation: dev is not a production stack", async () => {
        const dev = await runProgram("dev", { config: { "projectmeats:edge": "none" } });
        expect((await pack.analyzeStack(dev.resources)).map((v) => [v.policy, v.message])).toEqual([]);
    });

    test("a production load balancer that forwards plain HTTP instead of redirecting it", async () => {
        expect(await violations("prod", { patch: [{ name: "edge-prod-backend", inputs: { redirectHttpToHttps: false } }] })).toEqual([
            [
                "prod-https-only",
                "Production load balancer (edge-prod-backend) must not forward plain HTTP: its http rule on port 80 reaches the droplets; set redirectHttpToHttps: true so port 80 only redirects to HTTPS.",
            ],
        ]);
    });

    test("the same load balancer in uat is not a violation of prod-https-only", async () => {
        expect(await violations("uat", { patch: [{ name: "edge-uat-frontend", inputs: { redirectHttpToHttps: false } }] })).toEqual([]);
    });

    test("a load balancer without a health check, and one with a TCP check, in any stack", async () => {
        const withoutCheck = runs
            .get("uat")!
            .resources.map((r) => (r.name === "edge-uat-backend" ? { ...r, inputs: Object.fromEntries(Object.entries(r.inputs).filter(([key]) => key !== "healthcheck")) } : r));
        expect((await pack.analyzeStack(withoutCheck)).map((v) => [v.policy, v.message])).toEqual([
            [
                "load-balancer-health-check",
                "Load balancer (edge-uat-backend) must health-check the app: set healthcheck with protocol http and the app's health path, e.g. /api/v1/health/.",
            ],
        ]);
        expect(await violations("uat", { patch: [{ name: "edge-uat-backend", inputs: { healthcheck: { protocol: "tcp", port: 80 } } }] })).toEqual([
            ["load-balancer-health-check", "Load balancer (edge-uat-backend) must health-check the app over http or https, not tcp: a TCP check sees only that a port is open."],
        ]);
        expect(await violations("uat", { patch: [{ name: "edge-uat-backend", inputs: { healthcheck: { protocol: "http", port: 80 } } }] })).toEqual([
            ["load-balancer-health-check", "Load balancer (edge-uat-backend) must health-check a path of the app: set healthcheck.path to its health path, e.g. /api/v1/health/."],
        ]);
    });

    test("a certificate referenced by id, which changes when Let's Encrypt renews it", async () => {
        const lb = named(runs.get("prod")!, "edge-prod-frontend");
        const rules = (lb.inputs.forwardingRules as Array<Record<string, unknown>>).map((rule) =>
            rule.entryProtocol === "https"
                ? { entryPort: 443, entryProtocol: "https", targetPort: 80, targetProtocol: "http", certificateId: "3f9c2ab0-0000-4000-8000-000000000000" }
                : rule,
        );
        expect(await violations("prod", { patch: [{ name: lb.name, inputs: { forwardingRules: rules } }] })).toEqual([
            [
                "load-balancer-certificate-by-name",
                "Load balancer (edge-prod-frontend) must name the certificate of its https rule on port 443 by certificateName: a certificate's id changes when Let's Encrypt renews it.",
            ],
        ]);
    });

    test("an app port open outside the VPC, in any stack; inside the VPC it is the baseline", async () => {
        const firewall = named(runs.get("dev")!, "servers-dev-firewall");
        const rules = (firewall.inputs.inboundRules as Array<Record<string, unknown>>).map((rule) =>
            rule.portRange === "8000-8009" ? { ...rule, sourceAddresses: ["10.110.16.0/20", "203.0.113.0/24"] } : rule,
        );
        expect(await violations("dev", { patch: [{ name: firewall.name, inputs: { inboundRules: rules } }] })).toEqual([
            [
                "app-ports-not-public",
                "Firewall (servers-dev-firewall) must not open app ports 8000-8009 to 203.0.113.0/24, outside the VPC (10.110.16.0/20): admit the VPC's range only; the public reaches nginx.",
            ],
        ]);
    });
});
