import type * as digitalocean from "@pulumi/digitalocean";
import type * as pulumi from "@pulumi/pulumi";
import type { Service } from "../../model/services";
import { SERVICE_PORTS } from "../../model/layout";

type InboundRule = digitalocean.types.input.FirewallInboundRule;
type OutboundRule = digitalocean.types.input.FirewallOutboundRule;

const EVERYWHERE = ["0.0.0.0/0", "::/0"];

export interface ServerFirewallRuleArgs {
    /** Blocks allowed to reach SSH. */
    readonly sshAllowedCidrs: readonly string[];
    /** The port sshd listens on. */
    readonly sshPort: number;
    /** The environment's VPC range: the only source allowed to reach app ports directly. */
    readonly vpcIpRange: string;
    /** Services whose app ports are opened inside the VPC. */
    readonly services: readonly Service[];
    /**
     * Who reaches nginx on ports 80 and 443. `everywhere` (default): the public (edge none and droplet).
     * `edge`: nobody through this firewall: edge loadBalancer's own firewall admits port 80 from its load
     * balancers only, and DigitalOcean applies the union of every firewall's rules to a droplet ("How to
     * Manage Droplets and Firewalls", docs.digitalocean.com: "the union of all of the Firewalls' rules").
     */
    readonly http?: "everywhere" | "edge";
}

/**
 * Inbound: SSH from the configured blocks only, HTTP and HTTPS from anywhere (nginx) unless an edge's own firewall admits them, each
 * service's app ports from inside the VPC only. Outbound: everything (apt, registry pulls, webhooks).
 */
export function serverFirewallRules(args: ServerFirewallRuleArgs): { inbound: InboundRule[]; outbound: OutboundRule[] } {
    const inbound: InboundRule[] = [
        { protocol: "tcp", portRange: String(args.sshPort), sourceAddresses: [...args.sshAllowedCidrs] },
        ...((args.http ?? "everywhere") === "everywhere"
            ? [
                  { protocol: "tcp", portRange: "80", sourceAddresses: EVERYWHERE },
                  { protocol: "tcp", portRange: "443", sourceAddresses: EVERYWHERE },
              ]
            : []),
        ...[...new Set(args.services)].sort().map(
            (service): InboundRule => ({
                protocol: "tcp",
                portRange: `${SERVICE_PORTS[service].first}-${SERVICE_PORTS[service].last}`,
                sourceAddresses: [args.vpcIpRange],
            }),
        ),
        { protocol: "icmp", sourceAddresses: EVERYWHERE },
    ];
    const outbound: OutboundRule[] = [
        { protocol: "tcp", portRange: "1-65535", destinationAddresses: EVERYWHERE },
        { protocol: "udp", portRange: "1-65535", destinationAddresses: EVERYWHERE },
        { protocol: "icmp", destinationAddresses: EVERYWHERE },
    ];
    return { inbound, outbound };
}

/**
 * edge loadBalancer: the droplets' nginx takes HTTP from their load balancers only (a firewall rule's
 * `sourceLoadBalancerUids`, @pulumi/digitalocean 4.80.1 `FirewallInboundRule`); TLS ended at the balancer.
 */
export function edgeFirewallRules(loadBalancerUids: readonly pulumi.Input<string>[]): InboundRule[] {
    if (loadBalancerUids.length === 0) throw new Error("the edge firewall needs at least one load balancer");
    return [{ protocol: "tcp", portRange: "80", sourceLoadBalancerUids: [...loadBalancerUids] }];
}
