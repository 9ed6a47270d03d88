import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import type { Service } from "../../model/services";
import { edgeFirewallRules } from "../server/firewallRules";
import { DNS_TTL_SECONDS, balancerAdmissionSeconds, certificateName, dnsRecordName, forwardingRules, loadBalancerHealthcheck } from "./edgeRules";

/** The load balancers' certificate: issued and renewed by DigitalOcean, or the stack's own. */
export type LoadBalancerCertificate =
    | { readonly source: "letsEncrypt" }
    | {
          readonly source: "custom";
          /** PEM leaf certificate naming every hostname. */
          readonly leafCertificate: string;
          /** PEM intermediates. Default none. */
          readonly certificateChain?: string;
          /** PEM private key (secret). */
          readonly privateKey: pulumi.Input<string>;
      };

/** One group of identical droplets behind one load balancer. */
export interface LoadBalancerGroup {
    /** Stable key in resource names, e.g. `backend`. */
    readonly key: string;
    readonly services: readonly Service[];
    /**
     * The tag that exactly this group's droplets carry. The balancer serves every droplet carrying it
     * ("All Droplets with this tag applied will be assigned to the load balancer. Additional Droplets
     * will be automatically assigned as they are tagged", API reference, "Create a New Load Balancer",
     * docs.digitalocean.com/reference/pydo/reference/load_balancers/create/), so a droplet that replaces
     * another joins it (down until it passes the health check) while the one it replaces still serves,
     * until the engine deletes that one at the end of the update. By ids, the balancer would be switched
     * to the new droplets the moment they exist, before any of them runs the app (the load-balancer
     * rehearsal's scenario 4 measured that).
     */
    readonly dropletTag: pulumi.Input<string>;
    /** How many droplets carry the tag; at least one. */
    readonly dropletCount: number;
    /** The path the balancer health-checks over HTTP on port 80, e.g. `/api/v1/health/`. */
    readonly healthPath: string;
}

export interface LoadBalancerEdgeArgs {
    /** Short environment name, in the balancers', certificate's and firewall's names. */
    readonly environmentName: string;
    readonly region: string;
    /** The environment's VPC: the balancers reach the droplets over it. */
    readonly vpcId: pulumi.Input<string>;
    /** The tag every droplet of the environment carries: the edge firewall applies to it. */
    readonly dropletTag: pulumi.Input<string>;
    readonly groups: readonly LoadBalancerGroup[];
    /** Public hostname of each service. */
    readonly hostnames: Readonly<Record<Service, string>>;
    readonly certificate: LoadBalancerCertificate;
    /** The DigitalOcean DNS domain of the hostnames; set, their A records point at the balancers. Default: not managed. */
    readonly dnsDomain?: string;
}

/**
 * edge loadBalancer: one DigitalOcean load balancer per server group in the VPC, HTTPS ended there with
 * one certificate referenced by name, HTTP redirected, the app's health path checked; a firewall that
 * admits HTTP to the droplets from these balancers only; and the hostnames' A records, when the domain
 * is managed.
 */
export class LoadBalancerEdge extends pulumi.ComponentResource {
    /** The balancers' public IPv4 addresses by group key. */
    public readonly addresses: pulumi.Output<Record<string, string>>;
    /** The balancers by group key. */
    public readonly loadBalancers: Readonly<Record<string, digitalocean.LoadBalancer>>;
    /** Seconds the slowest balancer may take to send traffic to a droplet that has just become healthy. */
    public readonly admissionSeconds: number;

    constructor(name: string, args: LoadBalancerEdgeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("projectmeats:edge:LoadBalancerEdge", name, {}, opts);

        if (args.groups.length === 0) throw new pulumi.ResourceError("`groups` must name at least one group of droplets to balance.", this);
        for (const group of args.groups) {
            if (group.dropletCount < 1) throw new pulumi.ResourceError(`\`groups\` entry ${group.key} has no droplets: a load balancer needs at least one.`, this);
        }
        const domains = [...new Set(args.groups.flatMap((group) => group.services.map((service) => args.hostnames[service])))].sort();

        // One certificate for every hostname, shared by the balancers.
        const certificate =
            args.certificate.source === "letsEncrypt"
                ? new digitalocean.Certificate(
                      `${name}-certificate`,
                      { name: certificateName(args.environmentName, { type: "lets_encrypt", domains }), type: "lets_encrypt", domains },
                      { parent: this },
                  )
                : new digitalocean.Certificate(
                      `${name}-certificate`,
                      {
                          name: certificateName(args.environmentName, { type: "custom", leafCertificate: args.certificate.leafCertificate }),
                          type: "custom",
                          leafCertificate: args.certificate.leafCertificate,
                          certificateChain: args.certificate.certificateChain,
                          privateKey: pulumi.secret(args.certificate.privateKey),
                      },
                      { parent: this },
                  );

        const loadBalancers: Record<string, digitalocean.LoadBalancer> = {};
        for (const group of args.groups) {
            loadBalancers[group.key] = new digitalocean.LoadBalancer(
                `${name}-${group.key}`,
                {
                    name: `projectmeats-${args.environmentName}-${group.key}`,
                    region: args.region,
                    vpcUuid: args.vpcId,
                    dropletTag: group.dropletTag,
                    // By name: the id of a Let's Encrypt certificate changes when DigitalOcean renews it (edgeRules.ts).
                    forwardingRules: forwardingRules(certificate.name),
                    redirectHttpToHttps: true,
                    healthcheck: loadBalancerHealthcheck(group.healthPath),
                    // DigitalOcean would otherwise add A records of its own for a Let's Encrypt certificate's
                    // domains ("automatic DNS record creation for Let's Encrypt certificates that are added to the
                    // load balancer", docs/resources/loadbalancer.md `disable_lets_encrypt_dns_records`): with one
                    // certificate on two balancers they would point a hostname at the wrong one. The records are ours.
                    disableLetsEncryptDnsRecords: true,
                },
                { parent: this },
            );
        }

        new digitalocean.Firewall(
            `${name}-firewall`,
            {
                name: `projectmeats-${args.environmentName}-edge`,
                tags: [args.dropletTag],
                inboundRules: edgeFirewallRules(args.groups.map((group) => loadBalancers[group.key].id)),
            },
            { parent: this },
        );

        if (args.dnsDomain !== undefined) {
            const domain = args.dnsDomain;
            for (const group of args.groups) {
                for (const service of group.services) {
                    new digitalocean.DnsRecord(
                        `${name}-dns-${service}`,
                        { domain, type: "A", name: dnsRecordName(args.hostnames[service], domain), value: loadBalancers[group.key].ip, ttl: DNS_TTL_SECONDS },
                        { parent: this },
                    );
                }
            }
        }

        this.loadBalancers = loadBalancers;
        this.admissionSeconds = Math.max(...args.groups.map((group) => balancerAdmissionSeconds(loadBalancerHealthcheck(group.healthPath))));
        this.addresses = pulumi.all(args.groups.map((group) => loadBalancers[group.key].ip)).apply((ips) => Object.fromEntries(args.groups.map((group, i) => [group.key, ips[i]])));
        this.registerOutputs({ addresses: this.addresses });
    }
}
