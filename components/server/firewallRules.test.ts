import { edgeFirewallRules, serverFirewallRules } from "./firewallRules";

const EVERYWHERE = ["0.0.0.0/0", "::/0"];

describe("serverFirewallRules", () => {
    test("admits SSH from the configured blocks only, HTTP(S) from anywhere and app ports from the VPC only", () => {
        const rules = serverFirewallRules({ sshAllowedCidrs: ["198.51.100.7/32"], sshPort: 22, vpcIpRange: "10.130.16.0/20", services: ["frontend", "backend"] });
        expect(rules.inbound).toEqual([
            { protocol: "tcp", portRange: "22", sourceAddresses: ["198.51.100.7/32"] },
            { protocol: "tcp", portRange: "80", sourceAddresses: EVERYWHERE },
            { protocol: "tcp", portRange: "443", sourceAddresses: EVERYWHERE },
            { protocol: "tcp", portRange: "8000-8009", sourceAddresses: ["10.130.16.0/20"] },
            { protocol: "tcp", portRange: "8080-8089", sourceAddresses: ["10.130.16.0/20"] },
            { protocol: "icmp", sourceAddresses: EVERYWHERE },
        ]);
    });

    test("opens only the app ports of the services present", () => {
        const rules = serverFirewallRules({ sshAllowedCidrs: ["0.0.0.0/0"], sshPort: 22, vpcIpRange: "10.110.16.0/20", services: ["frontend"] });
        expect(rules.inbound.filter((rule) => rule.portRange?.toString().startsWith("80") && rule.portRange !== "80")).toEqual([
            { protocol: "tcp", portRange: "8080-8089", sourceAddresses: ["10.110.16.0/20"] },
        ]);
    });

    test("lets the droplets reach anything outbound (packages, registry, webhooks)", () => {
        const rules = serverFirewallRules({ sshAllowedCidrs: ["0.0.0.0/0"], sshPort: 22, vpcIpRange: "10.110.16.0/20", services: ["backend"] });
        expect(rules.outbound).toEqual([
            { protocol: "tcp", portRange: "1-65535", destinationAddresses: EVERYWHERE },
            { protocol: "udp", portRange: "1-65535", destinationAddresses: EVERYWHERE },
            { protocol: "icmp", destinationAddresses: EVERYWHERE },
        ]);
    });
});

test("SSH is opened on the configured port", () => {
    const rules = serverFirewallRules({ sshAllowedCidrs: ["198.51.100.7/32"], sshPort: 2222, vpcIpRange: "10.130.16.0/20", services: ["backend"] });
    expect(rules.inbound[0]).toEqual({ protocol: "tcp", portRange: "2222", sourceAddresses: ["198.51.100.7/32"] });
    expect(rules.inbound.some((rule) => rule.portRange === "22")).toBe(false);
});

describe("edge loadBalancer", () => {
    test("the servers' firewall opens neither HTTP nor HTTPS: the edge firewall admits HTTP from the load balancers", () => {
        const rules = serverFirewallRules({ sshAllowedCidrs: ["198.51.100.7/32"], sshPort: 22, vpcIpRange: "10.130.16.0/20", services: ["backend"], http: "edge" });
        expect(rules.inbound).toEqual([
            { protocol: "tcp", portRange: "22", sourceAddresses: ["198.51.100.7/32"] },
            { protocol: "tcp", portRange: "8000-8009", sourceAddresses: ["10.130.16.0/20"] },
            { protocol: "icmp", sourceAddresses: EVERYWHERE },
        ]);
    });

    test("the edge firewall admits port 80 from the load balancers' uids only", () => {
        expect(edgeFirewallRules(["lb-1", "lb-2"])).toEqual([{ protocol: "tcp", portRange: "80", sourceLoadBalancerUids: ["lb-1", "lb-2"] }]);
        expect(() => edgeFirewallRules([])).toThrow("the edge firewall needs at least one load balancer");
    });

    test("everywhere is the default: edge none and droplet open 80 and 443 to all", () => {
        const explicit = serverFirewallRules({ sshAllowedCidrs: ["198.51.100.7/32"], sshPort: 22, vpcIpRange: "10.130.16.0/20", services: ["backend"], http: "everywhere" });
        expect(explicit).toEqual(serverFirewallRules({ sshAllowedCidrs: ["198.51.100.7/32"], sshPort: 22, vpcIpRange: "10.130.16.0/20", services: ["backend"] }));
    });
});
