import type * as digitalocean from "@pulumi/digitalocean";
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
}

/**
 * Inbound: SSH from the configured blocks only, HTTP and HTTPS from anywhere (nginx), each
 * service's app ports from inside the VPC only. Outbound: everything (apt, registry pulls, webhooks).
 */
export function serverFirewallRules(args: ServerFirewallRuleArgs): { inbound: InboundRule[]; outbound: OutboundRule[] } {
    const inbound: InboundRule[] = [
        { protocol: "tcp", portRange: String(args.sshPort), sourceAddresses: [...args.sshAllowedCidrs] },
        { protocol: "tcp", portRange: "80", sourceAddresses: EVERYWHERE },
        { protocol: "tcp", portRange: "443", sourceAddresses: EVERYWHERE },
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
