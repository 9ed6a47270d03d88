import * as command from "@pulumi/command";
import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import * as fs from "fs";
import * as path from "path";
import type { Service } from "../../model/services";
import { localScriptCommand } from "../localScripts";
import { renderCloudInit } from "./cloudInit";
import { serverFirewallRules } from "./firewallRules";
import { SitesEdge, groupHealthCheck, renderSites } from "./edgeSites";
import { proxySitesCommand, registryLoginCommand } from "./hostCommands";
import { DEPLOY_USER, HEALTH_PATHS, dropletHostname, environmentTag, serviceTag } from "../../model/layout";
import { ROOT_SCRIPTS_DIR } from "../../model/paths";

/** How the public reaches the droplets' nginx (config/sections/edge.ts `EdgeMode`). */
export type ServerEdgeMode = "none" | "loadBalancer" | "droplet";

/** A set of identical droplets running one or both services. */
export interface ServerGroup {
    /** Stable key used in resource names: `backend`, `frontend`, or `app` when one droplet runs both. */
    readonly key: "app" | Service;
    readonly services: readonly Service[];
    /** Droplet size slug, e.g. `s-1vcpu-2gb`. */
    readonly size: string;
    /** Number of droplets in the group. */
    readonly count: number;
}

export interface AppServersArgs {
    /** Short environment name (`dev`), used in droplet names and tags. */
    readonly environmentName: string;
    readonly region: string;
    /** VPC the droplets join. */
    readonly vpcId: pulumi.Input<string>;
    /** The VPC's range: the only source allowed to reach app ports. */
    readonly vpcIpRange: string;
    /** Base image slug; changing it replaces the droplets. */
    readonly image: string;
    /** Weekly DigitalOcean backups. Default false. */
    readonly backups?: boolean;
    /** Droplet groups; a group's `key` names its droplets, so it must not change. */
    readonly groups: readonly ServerGroup[];
    readonly sshAllowedCidrs: readonly string[];
    /** The port sshd listens on (baked into user data). Default 22. */
    readonly sshPort?: number;
    /** Existing DigitalOcean key fingerprints installed for root at creation. Default none. */
    readonly adminSshKeyFingerprints?: readonly string[];
    /** Public hostname of each service, served by nginx on the droplets that run it. */
    readonly hostnames: Readonly<Record<Service, string>>;
    /** Docker `config.json` that can pull from the registry (secret). */
    readonly registryCredentials: pulumi.Input<string>;
    /** Seconds to wait for a new droplet's SSH port. Default 300. */
    readonly sshWaitSeconds?: number;
    /**
     * Paths nginx answers only to the droplet itself and the VPC (so also a load balancer in it), e.g.
     * the backend's health and readiness paths. Default none.
     */
    readonly internalPaths?: Partial<Readonly<Record<Service, readonly string[]>>>;
    /**
     * How the public reaches nginx. `none` (default): plain HTTP from anywhere, the user data and sites as
     * before edges existed. `loadBalancer`: HTTP from the load balancer only (its own firewall admits it),
     * which health-checks `healthPaths`. `droplet`: port 80 answers ACME challenges and redirects; user
     * data installs certbot and the certificate script (components/edge/DropletEdge.ts obtains it).
     */
    readonly edge?: ServerEdgeMode;
    /** Each service's health path, for the load balancer's health check. Default model/layout `HEALTH_PATHS`. */
    readonly healthPaths?: Partial<Readonly<Record<Service, string>>>;
}

/** A group of identical droplets, as the edge puts them behind one load balancer. */
export interface AppServerGroup {
    readonly key: "app" | Service;
    readonly services: readonly Service[];
    readonly servers: readonly AppServer[];
    /**
     * A tag that exactly this group's droplets carry: its first service's. Each service runs in one
     * group (checked), so no other droplet carries it.
     */
    readonly tag: pulumi.Output<string>;
}

/** One droplet as the release chain needs it. */
export interface AppServer {
    /** Stable key, e.g. `backend-1`. */
    readonly key: string;
    readonly services: readonly Service[];
    readonly droplet: digitalocean.Droplet;
    readonly connection: command.types.input.remote.ConnectionArgs;
    /** Resources that must finish before a release touches the droplet (login, proxy). */
    readonly ready: pulumi.Resource[];
}

/**
 * The environment's droplets with their deploy key, tags, cloud firewall, registry login and reverse
 * proxy sites.
 */
export class AppServers extends pulumi.ComponentResource {
    public readonly servers: readonly AppServer[];
    /** The servers by group, in the order of `args.groups`. */
    public readonly groups: readonly AppServerGroup[];
    /** Droplet IDs of the servers that run the backend (the database's trusted sources). */
    public readonly backendDropletIds: pulumi.Output<string[]>;
    /** `do:droplet:…` URNs, for the DigitalOcean project. */
    public readonly dropletUrns: pulumi.Output<string[]>;
    /** Public IPv4 addresses by server key. */
    public readonly publicAddresses: pulumi.Output<Record<string, string>>;
    public readonly deployPublicKey: pulumi.Output<string>;
    /** The tag every droplet of the environment carries (the cloud firewalls apply to it). */
    public readonly environmentTag: pulumi.Output<string>;

    constructor(name: string, args: AppServersArgs, opts?: pulumi.ComponentResourceOptions) {
        super("projectmeats:server:AppServers", name, {}, opts);

        // Generated once and kept in state (secret): the public half is baked into user data, so it
        // must never change for the life of the droplets.
        const deployKey = new tls.PrivateKey(`${name}-deploy-key`, { algorithm: "ED25519" }, { parent: this });

        const sshPort = args.sshPort ?? 22;
        const services = [...new Set(args.groups.flatMap((group) => group.services))].sort();
        const shared = services.filter((service) => args.groups.filter((group) => group.services.includes(service)).length > 1);
        if (shared.length > 0) throw new pulumi.ResourceError(`\`groups\`: each service runs in one group, but ${shared.join(", ")} is in more than one.`, this);
        const envTag = new digitalocean.Tag(`${name}-tag-env`, { name: environmentTag(args.environmentName) }, { parent: this });
        const serviceTags = Object.fromEntries(
            services.map((service) => [service, new digitalocean.Tag(`${name}-tag-${service}`, { name: serviceTag(args.environmentName, service) }, { parent: this })]),
        ) as Record<Service, digitalocean.Tag>;

        const edge = args.edge ?? "none";
        const certbot = edge === "droplet" ? { certificateScript: fs.readFileSync(path.join(ROOT_SCRIPTS_DIR, "obtain-certificate.sh"), "utf8") } : undefined;
        const userData = deployKey.publicKeyOpenssh.apply((publicKey) => renderCloudInit({ deployPublicKey: publicKey, sshPort, certbot }));
        const healthPaths = { ...HEALTH_PATHS, ...args.healthPaths };
        const internal = { paths: args.internalPaths ?? {}, allow: ["127.0.0.1", "::1", args.vpcIpRange] };
        const sitesEdge = (services: readonly Service[]): SitesEdge =>
            edge === "loadBalancer" ? { mode: "loadBalancer", health: groupHealthCheck(services, healthPaths) } : { mode: edge };
        const groups: AppServerGroup[] = [];

        const servers: AppServer[] = [];
        for (const group of args.groups) {
            const first = servers.length;
            for (let ordinal = 1; ordinal <= group.count; ordinal++) {
                const key = `${group.key}-${ordinal}`;
                const droplet = new digitalocean.Droplet(
                    `${name}-${key}`,
                    {
                        name: dropletHostname(args.environmentName, group.key, ordinal),
                        region: args.region,
                        size: group.size,
                        image: args.image,
                        vpcUuid: args.vpcId,
                        monitoring: true,
                        backups: args.backups ?? false,
                        ipv6: true,
                        // Root gets the administrators' keys only. The deploy key CI holds reaches only the
                        // restricted deploy user (user data); DigitalOcean installs `sshKeys` for root
                        // (https://docs.digitalocean.com/reference/api/digitalocean/#tag/Droplets, `ssh_keys`).
                        sshKeys: [...(args.adminSshKeyFingerprints ?? [])],
                        tags: [envTag.name, ...group.services.map((service) => serviceTags[service].name)],
                        userData,
                    },
                    {
                        parent: this,
                        // DigitalOcean cannot add keys to a running droplet; a change would replace it
                        // (https://github.com/digitalocean/terraform-provider-digitalocean/issues/1019).
                        // New keys apply to droplets created later.
                        ignoreChanges: ["sshKeys"],
                    },
                );

                const sshReady = new command.local.Command(
                    `${name}-${key}-ssh-ready`,
                    {
                        create: localScriptCommand("bash", "wait-for-ssh.sh"),
                        environment: { HOST: droplet.ipv4Address, PORT: String(sshPort), DEADLINE_SECONDS: String(args.sshWaitSeconds ?? 300) },
                        logging: command.local.Logging.StdoutAndStderr,
                        addPreviousOutputInEnv: false,
                    },
                    { parent: this },
                );
                const connection: command.types.input.remote.ConnectionArgs = {
                    host: droplet.ipv4Address,
                    port: sshPort,
                    user: DEPLOY_USER,
                    privateKey: deployKey.privateKeyOpenssh,
                    dialErrorLimit: 10,
                    perDialTimeout: 15,
                };
                const login = new command.remote.Command(
                    `${name}-${key}-registry-login`,
                    {
                        connection,
                        create: registryLoginCommand(),
                        stdin: args.registryCredentials,
                        logging: command.remote.Logging.Stderr,
                        addPreviousOutputInEnv: false,
                    },
                    { parent: this, dependsOn: [sshReady] },
                );
                const proxy = new command.remote.Command(
                    `${name}-${key}-proxy`,
                    {
                        connection,
                        create: proxySitesCommand(group.services),
                        stdin: renderSites(group.services, args.hostnames, internal, sitesEdge(group.services)),
                        logging: command.remote.Logging.StdoutAndStderr,
                        addPreviousOutputInEnv: false,
                    },
                    { parent: this, dependsOn: [sshReady] },
                );
                servers.push({ key, services: group.services, droplet, connection, ready: [login, proxy] });
            }
            groups.push({ key: group.key, services: group.services, servers: servers.slice(first), tag: serviceTags[group.services[0]].name });
        }

        const rules = serverFirewallRules({
            sshAllowedCidrs: args.sshAllowedCidrs,
            sshPort,
            vpcIpRange: args.vpcIpRange,
            services,
            http: edge === "loadBalancer" ? "edge" : "everywhere",
        });
        new digitalocean.Firewall(
            `${name}-firewall`,
            { name: `projectmeats-${args.environmentName}-servers`, tags: [envTag.name], inboundRules: rules.inbound, outboundRules: rules.outbound },
            { parent: this },
        );

        this.servers = servers;
        this.groups = groups;
        this.backendDropletIds = pulumi.all(servers.filter((s) => s.services.includes("backend")).map((s) => s.droplet.id));
        this.dropletUrns = pulumi.all(servers.map((s) => s.droplet.dropletUrn));
        this.publicAddresses = pulumi.all(servers.map((s) => s.droplet.ipv4Address)).apply((addresses) => Object.fromEntries(servers.map((s, i) => [s.key, addresses[i]])));
        this.deployPublicKey = deployKey.publicKeyOpenssh;
        this.environmentTag = envTag.name;
        this.registerOutputs({
            backendDropletIds: this.backendDropletIds,
            dropletUrns: this.dropletUrns,
            publicAddresses: this.publicAddresses,
            deployPublicKey: this.deployPublicKey,
            environmentTag: this.environmentTag,
        });
    }
}
