import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import { backendTrustedSources, connectionUri } from "./connection";

export interface DatabaseArgs {
    /** Short environment name (`dev`), used in the cluster's name, which is unique in the account. */
    readonly environmentName: string;
    readonly region: string;
    /** VPC the cluster joins; the app reaches it on its private host. */
    readonly vpcId: pulumi.Input<string>;
    /** PostgreSQL major version, e.g. "15". */
    readonly version: string;
    /** Node size slug, e.g. `db-s-1vcpu-2gb`. */
    readonly size: string;
    /** 1 to 3 nodes: a primary plus standbys. */
    readonly nodeCount: number;
    /** Application database name. */
    readonly databaseName: string;
    /** Application user name. */
    readonly userName: string;
    /** IDs of the droplets allowed to connect: the backend servers only. */
    readonly backendDropletIds: pulumi.Input<string[]>;
    /** Tags for the cluster. Default none. */
    readonly tags?: pulumi.Input<string>[];
    /** The cluster's name, unique in the account. Default `projectmeats-<environmentName>`. */
    readonly clusterName?: string;
    /**
     * UUID of an existing cluster to adopt (Pulumi's `import` option), with its `databaseName`
     * database and `userName` user. Import IDs as terraform-provider-digitalocean documents them:
     * the cluster's UUID, `<cluster>,<database>`, `<cluster>,<user>`. Default: create a cluster.
     */
    readonly adoptClusterId?: string;
    /** Droplets outside this program that the firewall also admits, e.g. those serving today. Default none. */
    readonly extraTrustedDropletIds?: readonly string[];
}

/** Managed PostgreSQL: the cluster, the app database and user, and a firewall that admits only the backend. */
export class Database extends pulumi.ComponentResource {
    public readonly clusterId: pulumi.Output<string>;
    /** `do:dbaas:…` URN, for the DigitalOcean project. */
    public readonly clusterUrn: pulumi.Output<string>;
    /** Host inside the VPC. */
    public readonly privateHost: pulumi.Output<string>;
    public readonly port: pulumi.Output<number>;
    public readonly databaseName: pulumi.Output<string>;
    /** `postgresql://user:password@private-host:port/db?sslmode=require` (secret). */
    public readonly connectionUri: pulumi.Output<string>;
    /**
     * The cluster's administrator (`doadmin`) on the app database, same form (secret): what grants the
     * app user its rights. DigitalOcean creates the app user with no privileges, and since PostgreSQL 15
     * only the database owner (`doadmin`) may create in schema public ("How to Modify User Privileges in
     * PostgreSQL Databases", docs.digitalocean.com; PostgreSQL 15 release notes).
     */
    public readonly adminUri: pulumi.Output<string>;
    /** The cluster's CA certificate (PEM), for `sslmode=verify-full`. */
    public readonly caCertificate: pulumi.Output<string>;
    /** The firewall that admits the backend droplets: whatever connects from them must wait for it. */
    public readonly firewall: digitalocean.DatabaseFirewall;

    constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("projectmeats:database:Database", name, {}, opts);

        // Stateful: protected so no preview mistake can delete the data. Version changes upgrade in place.
        const cluster = new digitalocean.DatabaseCluster(
            `${name}-cluster`,
            {
                name: args.clusterName ?? `projectmeats-${args.environmentName}`,
                engine: "pg",
                version: args.version,
                size: args.size,
                nodeCount: args.nodeCount,
                region: args.region,
                privateNetworkUuid: args.vpcId,
                tags: args.tags,
            },
            { parent: this, protect: true, import: args.adoptClusterId },
        );
        const adopted = (suffix: string) => (args.adoptClusterId === undefined ? undefined : `${args.adoptClusterId},${suffix}`);
        const database = new digitalocean.DatabaseDb(
            `${name}-db`,
            { clusterId: cluster.id, name: args.databaseName },
            { parent: this, protect: true, import: adopted(args.databaseName) },
        );
        const user = new digitalocean.DatabaseUser(`${name}-user`, { clusterId: cluster.id, name: args.userName }, { parent: this, import: adopted(args.userName) });

        this.firewall = new digitalocean.DatabaseFirewall(
            `${name}-firewall`,
            { clusterId: cluster.id, rules: pulumi.output(args.backendDropletIds).apply((ids) => backendTrustedSources(ids, args.extraTrustedDropletIds ?? [])) },
            { parent: this },
        );

        this.clusterId = cluster.id;
        this.clusterUrn = cluster.clusterUrn;
        this.privateHost = cluster.privateHost;
        this.port = cluster.port;
        this.databaseName = database.name;
        this.connectionUri = pulumi.secret(
            pulumi
                .all([user.name, user.password, cluster.privateHost, cluster.port, database.name])
                .apply(([userName, password, host, port, db]) => connectionUri({ user: userName, password, host, port, database: db })),
        );
        this.adminUri = pulumi.secret(
            pulumi
                .all([cluster.user, cluster.password, cluster.privateHost, cluster.port, database.name])
                .apply(([userName, password, host, port, db]) => connectionUri({ user: userName, password, host, port, database: db })),
        );
        // An invoke through the default provider: at the first preview the cluster's id is unknown, so
        // the SDK does not invoke and the certificate is unknown too (@pulumi/pulumi runtime/invoke.ts,
        // "containsUnknownValues"), never an empty answer.
        this.caCertificate = digitalocean.getDatabaseCaOutput({ clusterId: cluster.id }, { parent: this }).certificate;
        this.registerOutputs({
            clusterId: this.clusterId,
            clusterUrn: this.clusterUrn,
            privateHost: this.privateHost,
            port: this.port,
            databaseName: this.databaseName,
            connectionUri: this.connectionUri,
            adminUri: this.adminUri,
            caCertificate: this.caCertificate,
        });
    }
}
