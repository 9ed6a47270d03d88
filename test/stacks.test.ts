/**
 * Runs the real program for every stack with its committed Pulumi.<stack>.yaml under mocks and
 * asserts on what it would ask the engine to create.
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { parseStackConfig, StackConfig } from "../config/stackConfig";
import { cidrsOverlap, parseCidr } from "../config/cidr";
import { STACK_NAMES, readStackFile } from "../tools/stackFiles";
import { ProgramRun, RecordedResource, isSecret, named, ofType, reveal, runProgram } from "../tools/programRunner";

const T = {
    droplet: "digitalocean:index/droplet:Droplet",
    firewall: "digitalocean:index/firewall:Firewall",
    cluster: "digitalocean:index/databaseCluster:DatabaseCluster",
    dbFirewall: "digitalocean:index/databaseFirewall:DatabaseFirewall",
    registry: "digitalocean:index/containerRegistry:ContainerRegistry",
    credentials: "digitalocean:index/containerRegistryDockerCredentials:ContainerRegistryDockerCredentials",
    vpc: "digitalocean:index/vpc:Vpc",
    project: "digitalocean:index/project:Project",
    remote: "command:remote:Command",
    local: "command:local:Command",
};

const runs = new Map<string, ProgramRun>();
const configs = new Map<string, StackConfig>();

/** A release SHA for the runs that deploy one; the committed stack files hold none (first deployment). */
const RELEASE_SHA = "3f9c2ab";
/** A release of uat or prod needs the superuser's password from the stack's secrets (config/sections/app.ts). */
const SUPERUSER = { "projectmeats:appSuperuserPassword": "operators-chosen-password" };
const withoutRelease = new Map<string, ProgramRun>();

beforeAll(async () => {
    for (const stack of STACK_NAMES) {
        runs.set(stack, await runProgram(stack, { config: { "projectmeats:imageSha": RELEASE_SHA }, secretConfig: SUPERUSER }));
        withoutRelease.set(stack, await runProgram(stack));
        configs.set(stack, parseStackConfig(stack, readStackFile(stack).config));
    }
});

function inputs(resource: RecordedResource): Record<string, unknown> {
    return reveal(resource.inputs) as Record<string, unknown>;
}

describe.each(STACK_NAMES)("stack %s", (stack) => {
    const run = () => runs.get(stack)!;
    const config = () => configs.get(stack)!;
    const env = () => config().environmentName;

    test("without imageSha (the first deployment) it declares everything but the release, and says so", () => {
        const first = withoutRelease.get(stack)!;
        expect(first.error).toBeUndefined();
        const withRelease = new Set(run().resources.map((r) => r.urn));
        const releaseTypes = ["projectmeats:release:ReleaseChain", "projectmeats:release:ReleaseImages"];
        const release = run().resources.filter((r) => releaseTypes.includes(r.type) || run().resources.some((c) => releaseTypes.includes(c.type) && r.parent === c.urn));
        expect(release.length).toBeGreaterThan(2);
        expect(first.resources.map((r) => r.urn).sort()).toEqual([...withRelease].filter((urn) => !release.some((r) => r.urn === urn)).sort());
        expect(first.calls.map((c) => c.token)).not.toContain("docker:index/getRegistryImage:getRegistryImage");
        expect(first.outputs.imageSha).toBe("");
        expect(first.outputs.releaseImages).toBe("none: no projectmeats:imageSha set; the infrastructure is up without a release (README, First deployment)");
    });

    test("runs without error and registers components and their children", () => {
        expect(run().error).toBeUndefined();
        const components = run()
            .resources.filter((r) => !r.custom)
            .map((r) => r.type);
        // Two app environments, and this program's repository's deploy, preview and drift environments.
        const github = [...Array(5).fill("projectmeats:github:DeploymentEnvironment"), "projectmeats:github:GitHubDeployments", "projectmeats:github:InfraRepository"];
        expect(components.sort()).toEqual([
            "projectmeats:database:Database",
            // How the public reaches the app (test/edge.test.ts holds both modes for every stack).
            ...{ loadBalancer: ["projectmeats:edge:LoadBalancerEdge"], droplet: ["projectmeats:edge:DropletEdge"], none: [] }[config().edge.mode],
            ...github,
            // The app repository's rules and this program's repository's rules.
            ...(config().ownsAccountResources ? Array(2).fill("projectmeats:github:RepositoryGovernance") : []),
            "projectmeats:network:EnvironmentProject",
            "projectmeats:network:Network",
            "projectmeats:registry:ContainerRegistry",
            "projectmeats:release:ReleaseChain",
            "projectmeats:release:ReleaseImages",
            "projectmeats:server:AppServers",
        ]);
    });

    test("every resource is a child of a component and named after it", () => {
        const components = new Map(
            run()
                .resources.filter((r) => !r.custom || r.type.startsWith("pulumi:providers:"))
                .map((r) => [r.urn, r]),
        );
        for (const resource of run().resources.filter((r) => r.custom)) {
            const parent = components.get(resource.parent);
            expect({ name: resource.name, parented: parent !== undefined }).toEqual({ name: resource.name, parented: true });
            expect(resource.name.startsWith(`${parent!.name}-`)).toBe(true);
        }
    });

    test("droplets match the configured groups: size, count, tags, VPC, monitoring and backups", () => {
        const droplets = ofType(run(), T.droplet);
        const expected = config().servers.groups.flatMap((group) =>
            Array.from({ length: group.count }, (_, i) => ({
                name: `pm-${env()}-${group.key}-${i + 1}`,
                size: group.size,
                tags: [`projectmeats-${env()}`, ...group.services.map((s) => `projectmeats-${env()}-${s}`)],
                backups: config().servers.backups,
                monitoring: true,
                vpcUuid: named(run(), `network-${env()}-vpc`).id,
                region: config().region,
            })),
        );
        expect(
            droplets.map((d) => inputs(d)).map(({ name, size, tags, backups, monitoring, vpcUuid, region }) => ({ name, size, tags, backups, monitoring, vpcUuid, region })),
        ).toEqual(expected);
        for (const droplet of droplets) expect(droplet.ignoreChanges).toEqual(["sshKeys"]);
    });

    test("the deploy key CI holds is not root's: root gets only the administrators' keys", () => {
        const deployKey = String(reveal(named(run(), `servers-${env()}-deploy-key`).inputs.algorithm));
        expect(deployKey).toBe("ED25519");
        expect(ofType(run(), "digitalocean:index/sshKey:SshKey")).toEqual([]);
        for (const droplet of ofType(run(), T.droplet)) expect(inputs(droplet).sshKeys).toEqual(config().servers.adminSshKeyFingerprints);
    });

    test("the cloud firewall admits SSH only from the configured blocks and app ports only from the VPC", () => {
        const rules = inputs(named(run(), `servers-${env()}-firewall`)).inboundRules as Array<Record<string, unknown>>;
        expect(rules.find((r) => r.portRange === "22")!.sourceAddresses).toEqual(config().servers.sshAllowedCidrs);
        for (const rule of rules.filter((r) => /^80\d\d-/.test(String(r.portRange)))) expect(rule.sourceAddresses).toEqual([config().vpcIpRange]);
        expect(inputs(named(run(), `servers-${env()}-firewall`)).tags).toEqual([`projectmeats-${env()}`]);
    });

    test("the database firewall admits the backend droplets and nothing else", () => {
        const backendIds = ofType(run(), T.droplet)
            .filter((d) => (inputs(d).tags as string[]).includes(`projectmeats-${env()}-backend`))
            .map((d) => d.id)
            .sort();
        expect(backendIds.length).toBe(config().servers.groups.find((g) => g.services.includes("backend"))!.count);
        expect(inputs(named(run(), `database-${env()}-firewall`)).rules).toEqual(backendIds.map((value) => ({ type: "droplet", value })));
    });

    test("the database cluster is protected PostgreSQL in the VPC, sized from configuration", () => {
        const cluster = named(run(), `database-${env()}-cluster`);
        expect(cluster.protect).toBe(true);
        expect(named(run(), `database-${env()}-db`).protect).toBe(true);
        expect(inputs(cluster)).toMatchObject({
            engine: "pg",
            version: config().database.version,
            size: config().database.size,
            nodeCount: config().database.nodeCount,
            region: config().region,
            privateNetworkUuid: named(run(), `network-${env()}-vpc`).id,
        });
    });

    test("the VPC uses the configured range and the project groups the droplets and the database", () => {
        expect(inputs(named(run(), `network-${env()}-vpc`))).toMatchObject({ ipRange: config().vpcIpRange, name: `projectmeats-${env()}` });
        const urns = ofType(run(), T.droplet).map((d) => `do:droplet:${d.id}`);
        expect(inputs(named(run(), `project-${env()}-project`))).toMatchObject({
            environment: config().projectEnvironment,
            resources: [...urns, `do:dbaas:${named(run(), `database-${env()}-cluster`).id}`],
        });
    });

    test("registry credentials reach each droplet as secret stdin, after the SSH port answers", () => {
        for (const droplet of ofType(run(), T.droplet)) {
            const login = named(run(), `${droplet.name}-registry-login`);
            expect(isSecret(login.inputs.stdin)).toBe(true);
            expect(String(login.inputs.create)).not.toContain("auth");
            expect(login.inputs.logging).toBe("stderr");
            expect(login.dependencies).toContain(named(run(), `${droplet.name}-ssh-ready`).urn);
            expect(isSecret(login.inputs.connection)).toBe(true);
        }
    });

    test("the credentials are read-only for droplets and read-write for CI", () => {
        expect(ofType(run(), T.credentials).map((c) => [c.name, inputs(c).write])).toEqual([
            ["registry-read", false],
            ["registry-write", true],
        ]);
    });

    test("the user data is the same for every droplet (cloud-init schema: test/system/hostTools.test.ts)", () => {
        const userData = [...new Set(ofType(run(), T.droplet).map((d) => String(d.inputs.userData)))];
        expect(userData).toHaveLength(1);
        expect(userData[0]).toMatchSnapshot();
    });

    test("exports addresses and hosts, never a password, URI or credential", () => {
        const exported = JSON.stringify(run().outputs);
        expect(Object.keys(run().outputs).sort()).toEqual([
            "databaseHost",
            "databaseName",
            "databasePort",
            "deployPublicKey",
            "doProjectId",
            "edgeAddresses",
            "environmentName",
            "githubEnvironments",
            "imageSha",
            "registryEndpoint",
            "releaseImages",
            "serverAddresses",
            "vpcId",
        ]);
        expect(exported).not.toMatch(/mock-password|mock-admin-password|mock-random|postgresql:\/\/|"auths"|PRIVATE KEY/);
    });
});

describe("across stacks", () => {
    test("exactly one stack creates the registry, protected; the others look it up by name", () => {
        const creators = STACK_NAMES.filter((stack) => ofType(runs.get(stack)!, T.registry).length > 0);
        expect(creators).toEqual(["prod"]);
        const registry = ofType(runs.get("prod")!, T.registry)[0];
        expect(registry.protect).toBe(true);
        expect(inputs(registry)).toEqual({ name: "projectmeats", subscriptionTierSlug: "basic", region: "nyc3" });
        for (const stack of ["dev", "uat"]) {
            expect(runs.get(stack)!.calls.filter((c) => c.token.startsWith("digitalocean:") && !c.token.endsWith("/getDatabaseCa:getDatabaseCa"))).toEqual([
                { token: "digitalocean:index/getContainerRegistry:getContainerRegistry", inputs: { name: "projectmeats" }, provider: "", unconfigured: false },
            ]);
        }
    });

    test("all stacks agree on the registry and its owner", () => {
        const pairs = STACK_NAMES.map((stack) => [configs.get(stack)!.registry.name, configs.get(stack)!.accountOwnerStack]);
        expect(new Set(pairs.map((p) => p.join("/")))).toEqual(new Set(["projectmeats/prod"]));
    });

    test("prod's database has a standby and its droplets have backups; dev and uat have neither", () => {
        expect(STACK_NAMES.map((stack) => inputs(ofType(runs.get(stack)!, T.cluster)[0]).nodeCount)).toEqual([1, 1, 2]);
        expect(STACK_NAMES.map((stack) => [...new Set(ofType(runs.get(stack)!, T.droplet).map((d) => inputs(d).backups))])).toEqual([[false], [false], [true]]);
    });

    test("dev runs both services on one droplet; uat and prod run them apart", () => {
        expect(STACK_NAMES.map((stack) => ofType(runs.get(stack)!, T.droplet).map((d) => inputs(d).name))).toEqual([
            ["pm-dev-app-1"],
            ["pm-uat-backend-1", "pm-uat-frontend-1"],
            ["pm-prod-backend-1", "pm-prod-backend-2", "pm-prod-frontend-1", "pm-prod-frontend-2"],
        ]);
    });

    test("VPC ranges do not overlap, and account-unique names do not collide", () => {
        const ranges = STACK_NAMES.map((stack) => parseCidr(configs.get(stack)!.vpcIpRange)!);
        for (let i = 0; i < ranges.length; i++) for (let j = i + 1; j < ranges.length; j++) expect(cidrsOverlap(ranges[i], ranges[j])).toBe(false);
        const accountNamed = [T.vpc, T.project, T.cluster, T.droplet, T.firewall, "digitalocean:index/tag:Tag", "digitalocean:index/sshKey:SshKey"];
        const names = STACK_NAMES.flatMap((stack) =>
            runs
                .get(stack)!
                .resources.filter((r) => accountNamed.includes(r.type))
                .map((r) => `${r.type} ${inputs(r).name}`),
        );
        expect(names.length).toBe(new Set(names).size);
    });
});

describe("failures", () => {
    test("a bad configuration fails before any resource is registered", async () => {
        const run = await runProgram("dev", { config: { "projectmeats:dbNodeCount": "5", "projectmeats:region": "moon1" } });
        expect(run.resources).toEqual([]);
        expect(run.error?.message).toBe(
            [
                'Stack "dev" has 2 configuration problems; nothing was created or changed. Fix them in Pulumi.dev.yaml or with `pulumi config set --stack dev <key> <value>`:',
                '  - stack "dev", key projectmeats:region: got "moon1"; expected a DigitalOcean region slug, one of nyc1, nyc3, sfo2, sfo3, ams3, sgp1, lon1, fra1, tor1, blr1, syd1, atl1, ric1',
                '  - stack "dev", key projectmeats:dbNodeCount: got "5"; expected 1 to 3: a PostgreSQL cluster has one primary and at most two standby nodes',
            ].join("\n"),
        );
    });

    test("a stack that does not own the registry fails clearly when it does not exist yet", () => {
        const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "fixtures/missing-registry.ts"), "uat"], {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
        });
        const result = JSON.parse(out) as { error: string; registered: string[] };
        expect(result.error).toContain(
            // The mock monitor drops the provider's own text, so only the program's part is asserted.
            'Container registry "projectmeats" was not found. It is created by stack "prod" (projectmeats:accountOwnerStack); run `pulumi up --stack prod` first. Provider said: ',
        );
        expect(result.registered).not.toContain(T.credentials);
    });
});

describe("projectmeats:sshPort", () => {
    const copy = "command:remote:CopyToRemote";
    const ports = (run: ProgramRun) => ({
        remote: [...new Set([...ofType(run, T.remote), ...ofType(run, copy)].map((r) => (inputs(r).connection as { port: number }).port))],
        wait: [
            ...new Set(
                ofType(run, T.local)
                    .filter((r) => r.name.endsWith("-ssh-ready"))
                    .map((r) => (inputs(r).environment as { PORT: string }).PORT),
            ),
        ],
        firewall: (inputs(ofType(run, T.firewall)[0]).inboundRules as { portRange?: string; sourceAddresses?: string[] }[])[0].portRange,
    });

    test.each(STACK_NAMES)("stack %s connects, waits and opens the firewall on port 22 by default", (stack) => {
        expect(ports(runs.get(stack)!)).toEqual({ remote: [22], wait: ["22"], firewall: "22" });
    });

    test("another port moves every connection, the SSH wait, the firewall rule and sshd itself (user data)", async () => {
        const run = await runProgram("dev", { config: { "projectmeats:sshPort": "2222" } });
        expect(ports(run)).toEqual({ remote: [2222], wait: ["2222"], firewall: "2222" });
        expect(String(inputs(ofType(run, T.droplet)[0]).userData)).toContain("Port 2222\n");
    });
});
