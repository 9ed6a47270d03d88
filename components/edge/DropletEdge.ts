import * as command from "@pulumi/command";
import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import { certificateName } from "../../model/layout";
import type { Service } from "../../model/services";
import type { InternalPaths } from "../server/hostCommands";
import { renderTlsSites } from "../server/edgeSites";
import type { AppServer } from "../server/AppServers";
import { DNS_TTL_SECONDS, dnsRecordName } from "./edgeRules";
import { obtainCertificateCommand } from "./tlsCommands";

export interface DropletEdgeArgs {
    readonly region: string;
    /** The droplets, one per service at most (config/sections/edge.ts refuses more). */
    readonly servers: readonly AppServer[];
    /** Public hostname of each service. */
    readonly hostnames: Readonly<Record<Service, string>>;
    /** The DigitalOcean DNS domain of the hostnames; set, their A records point at the reserved IPs. Default: not managed. */
    readonly dnsDomain?: string;
    /** Paths the HTTPS servers answer only to the droplet itself and the VPC, as the HTTP ones did. */
    readonly internalPaths: InternalPaths;
    /** The ACME directory certbot asks, e.g. a test server's. Default: Let's Encrypt's production directory (certbot's own default). */
    readonly acmeServer?: string;
}

/**
 * edge droplet: per droplet, a reserved IP assigned to it (a replaced droplet gets the same address),
 * the A records of its hostnames pointing there when the domain is managed, and, once those exist, a
 * Let's Encrypt certificate certbot obtains through nginx (HTTP-01) and renews, and the HTTPS servers
 * with HSTS that use it. Port 80 already answers the challenge and redirects (components/server/edgeSites.ts).
 */
export class DropletEdge extends pulumi.ComponentResource {
    /** The reserved IPv4 address of each server, by server key. */
    public readonly addresses: pulumi.Output<Record<string, string>>;
    /** By server key: what must finish before a release reaches the droplet over HTTPS. */
    public readonly ready: Readonly<Record<string, pulumi.Resource[]>>;

    constructor(name: string, args: DropletEdgeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("projectmeats:edge:DropletEdge", name, {}, opts);

        const services = args.servers.flatMap((server) => server.services);
        const repeated = services.find((service, i) => services.indexOf(service) !== i);
        if (repeated !== undefined) {
            throw new pulumi.ResourceError(`\`servers\` must run each service on one droplet: ${repeated} runs on more; put a load balancer in front (edge loadBalancer).`, this);
        }

        const ready: Record<string, pulumi.Resource[]> = {};
        const ips: digitalocean.ReservedIp[] = [];
        for (const server of args.servers) {
            // A reserved IP created apart from its droplet and assigned to it is "not tied to the lifecycle of your
            // Droplet" (terraform-provider-digitalocean docs/resources/reserved_ip_assignment.md): a replaced droplet
            // gets a new assignment to the same address.
            const ip = new digitalocean.ReservedIp(`${name}-${server.key}-ip`, { region: args.region }, { parent: this });
            ips.push(ip);
            const assignment = new digitalocean.ReservedIpAssignment(
                `${name}-${server.key}-ip-assignment`,
                { ipAddress: ip.ipAddress, dropletId: server.droplet.id.apply(Number) },
                { parent: this },
            );
            const records =
                args.dnsDomain === undefined
                    ? []
                    : server.services.map(
                          (service) =>
                              new digitalocean.DnsRecord(
                                  `${name}-dns-${service}`,
                                  { domain: args.dnsDomain!, type: "A", name: dnsRecordName(args.hostnames[service], args.dnsDomain!), value: ip.ipAddress, ttl: DNS_TTL_SECONDS },
                                  { parent: this },
                              ),
                      );
            // Let's Encrypt reaches the hostnames where DNS points: after the address is assigned and the records exist.
            const tls = new command.remote.Command(
                `${name}-${server.key}-tls`,
                {
                    connection: server.connection,
                    create: obtainCertificateCommand(
                        certificateName(server.key),
                        server.services.map((service) => args.hostnames[service]),
                        args.acmeServer,
                    ),
                    stdin: renderTlsSites(server.services, args.hostnames, args.internalPaths, certificateName(server.key)),
                    logging: command.remote.Logging.StdoutAndStderr,
                    addPreviousOutputInEnv: false,
                },
                { parent: this, dependsOn: [...server.ready, assignment, ...records] },
            );
            ready[server.key] = [tls];
        }

        this.ready = ready;
        this.addresses = pulumi.all(ips.map((ip) => ip.ipAddress)).apply((addresses) => Object.fromEntries(args.servers.map((server, i) => [server.key, addresses[i]])));
        this.registerOutputs({ addresses: this.addresses });
    }
}
