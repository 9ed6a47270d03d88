/** The Database component on its own, under Pulumi's mocks. */
import { named, runComponent, summary, valueOf, type ComponentResource } from "../../tools/componentRunner";
import { reveal } from "../../tools/programRunner";
import type { DatabaseArgs } from "./Database";

const T = {
    component: "projectmeats:database:Database",
    cluster: "digitalocean:index/databaseCluster:DatabaseCluster",
    db: "digitalocean:index/databaseDb:DatabaseDb",
    user: "digitalocean:index/databaseUser:DatabaseUser",
    firewall: "digitalocean:index/databaseFirewall:DatabaseFirewall",
    droplet: "digitalocean:index/droplet:Droplet",
};
const URN = `urn:pulumi:test::projectmeats-infra::${T.component}::database-dev`;
const childUrn = (type: string, name: string) => `urn:pulumi:test::projectmeats-infra::${T.component}$${type}::${name}`;

/** What DigitalOcean computes for a new cluster and user. */
function state(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    if (type === T.cluster)
        return {
            host: `${inputs.name}.db.example`,
            privateHost: `private-${inputs.name}.db.example`,
            port: 25060,
            clusterUrn: `do:dbaas:${name}-id`,
            user: "doadmin",
            password: "adm1n/pw",
        };
    if (type === T.user) return { password: "p@ss/word" };
    return {};
}

/** DigitalOcean's answer to the CA certificate of a cluster (`digitalocean.getDatabaseCa`). */
function call(token: string, inputs: Record<string, unknown>): Record<string, unknown> | undefined {
    if (token === "digitalocean:index/getDatabaseCa:getDatabaseCa") return { id: inputs.clusterId, clusterId: inputs.clusterId, certificate: `CA of ${inputs.clusterId}\n` };
    return undefined;
}
const MOCKS = { state, call };

const ARGS = {
    environmentName: "dev",
    region: "nyc3",
    vpcId: "vpc-1",
    version: "15",
    size: "db-s-1vcpu-2gb",
    nodeCount: 1,
    databaseName: "projectmeats",
    userName: "projectmeats",
    backendDropletIds: ["1002", "1001", "1002"],
};

/** One Database with the baseline arguments, and what it exposes. */
async function database() {
    return runComponent(async () => {
        const pulumi = await import("@pulumi/pulumi");
        const { Database } = await import("./Database");
        const component = new Database("database-dev", ARGS);
        return {
            outputs: {
                clusterId: await valueOf<string>(component.clusterId),
                clusterUrn: await valueOf<string>(component.clusterUrn),
                privateHost: await valueOf<string>(component.privateHost),
                port: await valueOf<number>(component.port),
                databaseName: await valueOf<string>(component.databaseName),
                connectionUri: await valueOf<string>(component.connectionUri),
                adminUri: await valueOf<string>(component.adminUri),
                caCertificate: await valueOf<string>(component.caCertificate),
            },
            connectionUriIsSecret: await pulumi.isSecret(component.connectionUri),
            adminUriIsSecret: await pulumi.isSecret(component.adminUri),
            firewallUrn: await valueOf<string>(component.firewall.urn),
        };
    }, MOCKS);
}

let baseline: Awaited<ReturnType<typeof database>>;
beforeAll(async () => {
    baseline = await database();
});

test("registers the cluster, database, user and firewall, each parented to the component and named after it", () => {
    const { resources } = baseline;
    expect(summary(resources)).toEqual([
        { type: T.component, name: "database-dev", urn: URN, parent: "" },
        { type: T.cluster, name: "database-dev-cluster", urn: childUrn(T.cluster, "database-dev-cluster"), parent: URN },
        { type: T.db, name: "database-dev-db", urn: childUrn(T.db, "database-dev-db"), parent: URN },
        { type: T.firewall, name: "database-dev-firewall", urn: childUrn(T.firewall, "database-dev-firewall"), parent: URN },
        { type: T.user, name: "database-dev-user", urn: childUrn(T.user, "database-dev-user"), parent: URN },
    ]);
});

test("the cluster and the database are protected; the user and the firewall can be replaced", () => {
    const { resources } = baseline;
    expect(Object.fromEntries(resources.map((r) => [r.name, r.protect]))).toEqual({
        "database-dev": false,
        "database-dev-cluster": true,
        "database-dev-db": true,
        "database-dev-user": false,
        "database-dev-firewall": false,
    });
});

test("the cluster is PostgreSQL of the given version, size and node count, in the region and the VPC", () => {
    const { resources } = baseline;
    expect(reveal(named(resources, "database-dev-cluster").inputs)).toEqual({
        name: "projectmeats-dev",
        engine: "pg",
        version: "15",
        size: "db-s-1vcpu-2gb",
        nodeCount: 1,
        region: "nyc3",
        privateNetworkUuid: "vpc-1",
    });
});

/** One change of arguments each, and what it changes in the cluster's inputs. */
const VARIANTS: Record<string, [Partial<DatabaseArgs>, Record<string, unknown>]> = {
    version: [{ version: "16" }, { version: "16" }],
    size: [{ size: "db-s-2vcpu-4gb" }, { size: "db-s-2vcpu-4gb" }],
    "node count": [{ nodeCount: 3 }, { nodeCount: 3 }],
    region: [{ region: "fra1" }, { region: "fra1" }],
    VPC: [{ vpcId: "vpc-2" }, { privateNetworkUuid: "vpc-2" }],
    "environment name": [{ environmentName: "prod2" }, { name: "projectmeats-prod2" }],
    "tag list": [{ tags: ["projectmeats", "dev"] }, { tags: ["projectmeats", "dev"] }],
    "cluster name": [{ clusterName: "pm-legacy-db" }, { name: "pm-legacy-db" }],
};

const slug = (key: string) => `database-${key.replace(/ /g, "-").toLowerCase()}`;

let variants: ComponentResource[];
beforeAll(async () => {
    ({ resources: variants } = await runComponent(async () => {
        const { Database } = await import("./Database");
        for (const [key, [args]] of Object.entries(VARIANTS)) new Database(slug(key), { ...ARGS, ...args });
        new Database("database-names", { ...ARGS, databaseName: "pm_app", userName: "pm_user" });
        new Database("database-adopt", { ...ARGS, adoptClusterId: "c0ffee00-uuid" });
        new Database("database-extra", { ...ARGS, extraTrustedDropletIds: ["900", "1001"] });
    }, MOCKS));
});

test.each(Object.keys(VARIANTS))("the %s reaches the cluster", (key) => {
    const { resources } = baseline;
    const expected = { ...(reveal(named(resources, "database-dev-cluster").inputs) as Record<string, unknown>), ...VARIANTS[key][1] };
    expect(reveal(named(variants, `${slug(key)}-cluster`).inputs)).toEqual(expected);
});

test("the database and the user are created in the cluster with the given names", () => {
    const cluster = named(variants, "database-names-cluster").urn;
    expect(reveal(named(variants, "database-names-db").inputs)).toEqual({ clusterId: "database-names-cluster-id", name: "pm_app" });
    expect(reveal(named(variants, "database-names-user").inputs)).toEqual({ clusterId: "database-names-cluster-id", name: "pm_user" });
    expect(named(variants, "database-names-db").dependencies).toEqual([cluster]);
    expect(named(variants, "database-names-user").dependencies).toEqual([cluster]);
});

test("the firewall admits exactly the backend droplets, each once, in a stable order", () => {
    const { resources } = baseline;
    expect(reveal(named(resources, "database-dev-firewall").inputs)).toEqual({
        clusterId: "database-dev-cluster-id",
        rules: [
            { type: "droplet", value: "1001" },
            { type: "droplet", value: "1002" },
        ],
    });
});

test("the firewall also admits the extra droplets it is given, each once", () => {
    expect(reveal(named(variants, "database-extra-firewall").inputs)).toEqual({
        clusterId: "database-extra-cluster-id",
        rules: [
            { type: "droplet", value: "1001" },
            { type: "droplet", value: "1002" },
            { type: "droplet", value: "900" },
        ],
    });
});

test("by default everything is created: nothing is imported", () => {
    expect(baseline.resources.map((r) => [r.name, r.importId])).toEqual(baseline.resources.map((r) => [r.name, ""]));
});

test("adoptClusterId imports the cluster by its UUID and the database and user as `<cluster>,<name>`; the firewall is created", () => {
    const adopted = ["cluster", "db", "user", "firewall"].map((role) => [role, named(variants, `database-adopt-${role}`).importId]);
    expect(adopted).toEqual([
        ["cluster", "c0ffee00-uuid"],
        ["db", "c0ffee00-uuid,projectmeats"],
        ["user", "c0ffee00-uuid,projectmeats"],
        ["firewall", ""],
    ]);
    expect(named(variants, "database-adopt-cluster").protect).toBe(true);
});

test("the firewall waits for the backend droplets whose ids it admits", async () => {
    const { resources } = await runComponent(async () => {
        const pulumi = await import("@pulumi/pulumi");
        const digitalocean = await import("@pulumi/digitalocean");
        const { Database } = await import("./Database");
        const droplets = ["backend-1", "backend-2"].map((name) => new digitalocean.Droplet(name, { image: "ubuntu-24-04-x64", region: "nyc3", size: "s-1vcpu-2gb" }));
        new Database("database-dev", { ...ARGS, backendDropletIds: pulumi.all(droplets.map((d) => d.id)) });
    }, MOCKS);
    const firewall = named(resources, "database-dev-firewall");
    expect(reveal(firewall.inputs)).toEqual({
        clusterId: "database-dev-cluster-id",
        rules: [
            { type: "droplet", value: "backend-1-id" },
            { type: "droplet", value: "backend-2-id" },
        ],
    });
    expect([...firewall.dependencies].sort()).toEqual([named(resources, "backend-1").urn, named(resources, "backend-2").urn, named(resources, "database-dev-cluster").urn].sort());
});

test("exposes the cluster, its private host and port, and a TLS-only connection URI as a secret", () => {
    const { value } = baseline;
    expect(value).toEqual({
        outputs: {
            clusterId: "database-dev-cluster-id",
            clusterUrn: "do:dbaas:database-dev-cluster-id",
            privateHost: "private-projectmeats-dev.db.example",
            port: 25060,
            databaseName: "projectmeats",
            connectionUri: "postgresql://projectmeats:p%40ss%2Fword@private-projectmeats-dev.db.example:25060/projectmeats?sslmode=require",
            // The cluster's admin on the app database: what grants the app user its rights.
            adminUri: "postgresql://doadmin:adm1n%2Fpw@private-projectmeats-dev.db.example:25060/projectmeats?sslmode=require",
            caCertificate: "CA of database-dev-cluster-id\n",
        },
        connectionUriIsSecret: true,
        adminUriIsSecret: true,
        firewallUrn: childUrn(T.firewall, "database-dev-firewall"),
    });
});

test("no resource's inputs carry the user's or the admin's password", () => {
    const { resources } = baseline;
    expect(resources.filter((r) => /p@ss\/word|adm1n\/pw/.test(JSON.stringify(r.inputs))).map((r) => r.name)).toEqual([]);
});

test("the CA certificate is asked of DigitalOcean for this cluster, through the default provider", () => {
    expect(baseline.calls).toEqual([{ token: "digitalocean:index/getDatabaseCa:getDatabaseCa", inputs: { clusterId: "database-dev-cluster-id" }, provider: "" }]);
});
