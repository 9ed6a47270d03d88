import * as command from "@pulumi/command";
import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { Service } from "../../model/services";
import { localScriptCommand } from "../localScripts";
import { renderCloudInit } from "./cloudInit";
import { serverFirewallRules } from "./firewallRules";
import { proxySitesCommand, registryLoginCommand, renderProxySites } from "./hostCommands";
import { DEPLOY_USER, dropletHostname, environmentTag, serviceTag } from "../../model/layout";

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
    /** Droplet IDs of the servers that run the backend (the database's trusted sources). */
    public readonly backendDropletIds: pulumi.Output<string[]>;
    /** `do:droplet:…` URNs, for the DigitalOcean project. */
    public readonly dropletUrns: pulumi.Output<string[]>;
    /** Public IPv4 addresses by server key. */
    public readonly publicAddresses: pulumi.Output<Record<string, string>>;
    public readonly deployPublicKey: pulumi.Output<string>;

    constructor(name: string, args: AppServersArgs, opts?: pulumi.ComponentResourceOptions) {
        super("projectmeats:server:AppServers", name, {}, opts);

        // Generated once and kept in state (secret): the public half is baked into user data, so it
        // must never change for the life of the droplets.
        const deployKey = new tls.PrivateKey(`${name}-deploy-key`, { algorithm: "ED25519" }, { parent: this });

        const sshPort = args.sshPort ?? 22;
        const services = [...new Set(args.groups.flatMap((group) => group.services))].sort();
        const envTag = new digitalocean.Tag(`${name}-tag-env`, { name: environmentTag(args.environmentName) }, { parent: this });
        const serviceTags = Object.fromEntries(
            services.map((service) => [service, new digitalocean.Tag(`${name}-tag-${service}`, { name: serviceTag(args.environmentName, service) }, { parent: this })]),
        ) as Record<Service, digitalocean.Tag>;

        const userData = deployKey.publicKeyOpenssh.apply((publicKey) => renderCloudInit({ deployPublicKey: publicKey, sshPort }));

        const servers: AppServer[] = [];
        for (const group of args.groups) {
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
                        stdin: renderProxySites(group.services, args.hostnames, undefined, {
                            paths: args.internalPaths ?? {},
                            allow: ["127.0.0.1", "::1", args.vpcIpRange],
                        }),
                        logging: command.remote.Logging.StdoutAndStderr,
                        addPreviousOutputInEnv: false,
                    },
                    { parent: this, dependsOn: [sshReady] },
                );
                servers.push({ key, services: group.services, droplet, connection, ready: [login, proxy] });
            }
        }

        const rules = serverFirewallRules({ sshAllowedCidrs: args.sshAllowedCidrs, sshPort, vpcIpRange: args.vpcIpRange, services });
        new digitalocean.Firewall(
            `${name}-firewall`,
            { name: `projectmeats-${args.environmentName}-servers`, tags: [envTag.name], inboundRules: rules.inbound, outboundRules: rules.outbound },
            { parent: this },
        );

        this.servers = servers;
        this.backendDropletIds = pulumi.all(servers.filter((s) => s.services.includes("backend")).map((s) => s.droplet.id));
        this.dropletUrns = pulumi.all(servers.map((s) => s.droplet.dropletUrn));
        this.publicAddresses = pulumi.all(servers.map((s) => s.droplet.ipv4Address)).apply((addresses) => Object.fromEntries(servers.map((s, i) => [s.key, addresses[i]])));
        this.deployPublicKey = deployKey.publicKeyOpenssh;
        this.registerOutputs({
            backendDropletIds: this.backendDropletIds,
            dropletUrns: this.dropletUrns,
            publicAddresses: this.publicAddresses,
            deployPublicKey: this.deployPublicKey,
        });
    }
}
