import { StackValidationPolicy } from "@pulumi/policy";
import { TYPES, isProductionStack } from "./walk";

/** True when a firewall rule's port range covers port 22 (an absent range means every port). */
function coversSsh(rule: Record<string, unknown>): boolean {
    if (rule.protocol !== "tcp") return false;
    const range = rule.portRange === undefined ? "all" : String(rule.portRange);
    if (range === "all" || range === "0") return true;
    const [low, high] = range.split("-").map(Number);
    return low <= 22 && 22 <= (high ?? low);
}

function isWholeInternet(address: string): boolean {
    return /\/0$/.test(address.trim());
}

export const prodSshNotOpen: StackValidationPolicy = {
    name: "prod-ssh-not-open",
    description: "Checks whether a production stack's firewalls keep SSH closed to 0.0.0.0/0 and ::/0.",
    validateStack: (args, reportViolation) => {
        if (!isProductionStack(args.resources)) return;
        for (const firewall of args.resources.filter((r) => r.type === TYPES.firewall)) {
            const rules = (firewall.props.inboundRules ?? []) as Array<Record<string, unknown>>;
            for (const rule of rules.filter(coversSsh)) {
                for (const address of ((rule.sourceAddresses ?? []) as string[]).filter(isWholeInternet)) {
                    reportViolation(
                        `Production firewall (${firewall.name}) must not open SSH to ${address}: list the deploy runner's address in projectmeats:sshAllowedCidrs.`,
                        firewall.urn,
                    );
                }
            }
        }
    },
};
