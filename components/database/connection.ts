/** Pure helpers for the managed PostgreSQL component. */

/** A database firewall rule admitting exactly one droplet. */
export interface TrustedSource {
    readonly type: "droplet";
    readonly value: string;
}

/**
 * Trusted sources for the database: the backend droplets and nothing else. No address ranges, no
 * tags (anyone could tag a droplet), so the database is never reachable from the internet.
 */
export function backendTrustedSources(backendDropletIds: readonly string[], extraDropletIds: readonly string[] = []): TrustedSource[] {
    if (backendDropletIds.length === 0) {
        throw new Error("the database needs at least one backend droplet to trust; an empty firewall would admit nothing the app can use");
    }
    return [...new Set([...backendDropletIds, ...extraDropletIds])].sort().map((id) => ({ type: "droplet", value: id }));
}

export interface ConnectionParts {
    readonly user: string;
    readonly password: string;
    readonly host: string;
    readonly port: number;
    readonly database: string;
}

/** A libpq/Django `DATABASE_URL` that requires TLS, as DigitalOcean managed databases do. */
export function connectionUri(parts: ConnectionParts): string {
    const user = encodeURIComponent(parts.user);
    const password = encodeURIComponent(parts.password);
    return `postgresql://${user}:${password}@${parts.host}:${parts.port}/${encodeURIComponent(parts.database)}?sslmode=require`;
}
