import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { TYPES, isProductionStack } from "./walk";

/** Trusted-source types that name app servers rather than addresses. */
const APP_SOURCE_TYPES = new Set(["droplet", "tag", "k8s", "app"]);

export const databaseNotPublic: ResourceValidationPolicy = {
    name: "database-not-public",
    description: "Checks whether a database firewall admits only app servers (droplets, tags, clusters, apps), never an address range such as 0.0.0.0/0.",
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPES.dbFirewall) return;
        const rules = Array.isArray(args.props.rules) ? (args.props.rules as Array<Record<string, unknown>>) : [];
        if (rules.length === 0) reportViolation(`Database firewall (${args.name}) must admit the app servers: an empty rule list leaves the cluster open to every address.`);
        for (const rule of rules) {
            if (!APP_SOURCE_TYPES.has(String(rule.type))) {
                reportViolation(
                    `Database firewall (${args.name}) must admit only app servers: the ${String(rule.type)} rule for "${String(rule.value)}" admits addresses; use droplet rules for the backend servers.`,
                );
            }
        }
    },
};

function guards(firewall: PolicyResource, cluster: PolicyResource): boolean {
    const byProperty = firewall.propertyDependencies?.clusterId ?? [];
    return [...byProperty, ...firewall.dependencies].some((dependency) => dependency.urn === cluster.urn);
}

export const databaseHasFirewall: StackValidationPolicy = {
    name: "database-has-firewall",
    description: "Checks whether every database cluster has a database firewall: without trusted sources DigitalOcean accepts connections from any address.",
    validateStack: (args, reportViolation) => {
        const firewalls = args.resources.filter((r) => r.type === TYPES.dbFirewall);
        for (const cluster of args.resources.filter((r) => r.type === TYPES.cluster)) {
            if (!firewalls.some((firewall) => guards(firewall, cluster))) {
                reportViolation(`Database cluster (${cluster.name}) must have a database firewall: add one whose rules admit the backend servers.`, cluster.urn);
            }
        }
    },
};

export const prodDatabaseStandby: StackValidationPolicy = {
    name: "prod-database-standby",
    description: "Checks whether every database cluster of a production stack has a standby node.",
    configSchema: { properties: { minNodes: { type: "integer", default: 2, minimum: 2, maximum: 3 } } },
    validateStack: (args, reportViolation) => {
        if (!isProductionStack(args.resources)) return;
        const { minNodes } = args.getConfig<{ minNodes: number }>();
        for (const cluster of args.resources.filter((r) => r.type === TYPES.cluster)) {
            const nodes = Number(cluster.props.nodeCount ?? 1);
            if (nodes < minNodes) {
                reportViolation(
                    `Production database cluster (${cluster.name}) must have at least ${minNodes} nodes (a standby) but has ${nodes}: set projectmeats:dbNodeCount to ${minNodes} with a plan of 2 GB or more.`,
                    cluster.urn,
                );
            }
        }
    },
};
