/** Helpers shared by the policies: walking property trees, and spotting production stacks. */

/** Every string in a property tree, with its dotted path (`inboundRules[0].sourceAddresses[1]`). */
export function* strings(value: unknown, path = ""): Generator<[string, string]> {
    if (typeof value === "string") {
        yield [path, value];
    } else if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) yield* strings(value[i], `${path}[${i}]`);
    } else if (value !== null && typeof value === "object") {
        for (const [key, child] of Object.entries(value)) yield* strings(child, path ? `${path}.${key}` : key);
    }
}

export const TYPES = {
    project: "digitalocean:index/project:Project",
    cluster: "digitalocean:index/databaseCluster:DatabaseCluster",
    dbFirewall: "digitalocean:index/databaseFirewall:DatabaseFirewall",
    firewall: "digitalocean:index/firewall:Firewall",
    droplet: "digitalocean:index/droplet:Droplet",
    environment: "github:index/repositoryEnvironment:RepositoryEnvironment",
    envSecret: "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
    repoSecret: "github:index/actionsSecret:ActionsSecret",
    actionsPermissions: "github:index/actionsRepositoryPermissions:ActionsRepositoryPermissions",
    repositoryFile: "github:index/repositoryFile:RepositoryFile",
    remoteCommand: "command:remote:Command",
    localCommand: "command:local:Command",
} as const;

interface Typed {
    readonly type: string;
    readonly props: Record<string, unknown>;
}

/**
 * A stack is a production stack when it groups its resources in a DigitalOcean project whose
 * environment is Production — a fact of the stack's own resources, not of its name.
 */
export function isProductionStack(resources: readonly Typed[]): boolean {
    return resources.some((r) => r.type === TYPES.project && r.props.environment === "Production");
}
