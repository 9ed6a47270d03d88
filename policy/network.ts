import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { TYPES, isProductionStack, strings } from "./walk";

/** True when a TCP rule's port range covers `port` (an absent range, "all" or "0" means every port). */
export function coversPort(rule: Record<string, unknown>, port: number): boolean {
    if (rule.protocol !== "tcp") return false;
    const range = rule.portRange === undefined ? "all" : String(rule.portRange).trim();
    if (range === "all" || range === "0") return true;
    const [low, high] = range.split("-").map(Number);
    return low <= port && port <= (high ?? low);
}

function isWholeInternet(address: string): boolean {
    return /\/0$/.test(address.trim());
}

/**
 * The ports sshd listens on in a stack: the `Port` lines its droplets' user data gives sshd (the
 * program writes one when the SSH port is not 22), and the pack's `sshPorts` (default [22]). A
 * firewall rule's port alone does not say it is SSH; what the droplets behind it run does.
 */
export function sshPorts(resources: readonly Pick<PolicyResource, "type" | "props">[], configured: readonly number[]): number[] {
    const ports = new Set(configured);
    for (const droplet of resources.filter((r) => r.type === TYPES.droplet)) {
        for (const [, text] of strings(droplet.props.userData)) {
            for (const match of text.matchAll(/^[ \t]*Port[ \t]+(\d{1,5})[ \t]*$/gm)) ports.add(Number(match[1]));
        }
    }
    return [...ports].sort((a, b) => a - b);
}

export const prodSshNotOpen: StackValidationPolicy = {
    name: "prod-ssh-not-open",
    description: "Checks whether a production stack's firewalls keep SSH — on the port its droplets' sshd listens on, or the ports configured — closed to 0.0.0.0/0 and ::/0.",
    configSchema: { properties: { sshPorts: { type: "array", items: { type: "integer", minimum: 1, maximum: 65535 }, default: [22] } } },
    validateStack: (args, reportViolation) => {
        if (!isProductionStack(args.resources)) return;
        const ports = sshPorts(args.resources, args.getConfig<{ sshPorts: number[] }>().sshPorts ?? [22]);
        for (const firewall of args.resources.filter((r) => r.type === TYPES.firewall)) {
            const rules = (firewall.props.inboundRules ?? []) as Array<Record<string, unknown>>;
            for (const rule of rules) {
                const covered = ports.filter((port) => coversPort(rule, port));
                if (covered.length === 0) continue;
                for (const address of ((rule.sourceAddresses ?? []) as string[]).filter(isWholeInternet)) {
                    reportViolation(
                        `Production firewall (${firewall.name}) must not open SSH (port ${covered.join(", ")}) to ${address}: list the deploy runner's address in projectmeats:sshAllowedCidrs.`,
                        firewall.urn,
                    );
                }
            }
        }
    },
};
