import * as crypto from "crypto";

/**
 * The rehearsal's answers to the cloud: what DigitalOcean, the TLS and random providers and the
 * registry would answer, pointing at the local stand-ins. Pure: the values come from the site file the
 * rehearsal writes once its services run.
 */

export interface Site {
    readonly stack: string;
    /** Configuration set on top of Pulumi.<stack>.yaml, keyed `projectmeats:<key>`. */
    readonly config: Record<string, string>;
    /** Values set as `pulumi config set --secret` would. */
    readonly secretConfig: Record<string, string>;
    /** The droplet the cloud holds (or creates, when the program replaces it): its id and its address on the local host. */
    readonly droplet: { readonly id: string; readonly address: string };
    /**
     * With more than one droplet: each one's id and address by its server key (`backend-1`, the end of
     * its resource name); a droplet not named here is `droplet`.
     */
    readonly droplets?: Readonly<Record<string, { readonly id: string; readonly address: string }>>;
    /** The address a load balancer gets (its `ip`), when the stack has one. */
    readonly loadBalancerAddress?: string;
    /** The PostgreSQL stand-in: its address (in its certificate), passwords, and the CA that signed its certificate (PEM). */
    readonly database: { readonly privateHost: string; readonly port: number; readonly password: string; readonly adminPassword: string; readonly caCertificate: string };
    /** The registry: `server` (host:port), `endpoint` (server/name), read credentials as Docker config.json. */
    readonly registry: { readonly server: string; readonly endpoint: string; readonly dockerConfig: string };
    /** The deploy key the TLS provider generated once (kept in state, as it would be). */
    readonly deployKey: { readonly publicKeyOpenssh: string; readonly privateKeyOpenssh: string };
    /** Seed of the random provider's values: each resource's value is generated once per rehearsal. */
    readonly randomSeed: string;
    /** Digests the registry holds, by `repository:tag`. */
    readonly digests: Record<string, string>;
}

/**
 * Docker's config.json granting `user:password` at registry `server`, as DigitalOcean's registry
 * credentials resource gives it (`auths.<server>.auth`, base64 of `user:password`).
 */
export function dockerConfigJson(server: string, user: string, password: string): string {
    return JSON.stringify({ auths: { [server]: { auth: Buffer.from(`${user}:${password}`).toString("base64") } } });
}

/** The droplet the resource `name` is: the one whose server key ends the name, else the site's one droplet. */
export function siteDroplet(site: Site, name: string): { readonly id: string; readonly address: string } {
    const key = Object.keys(site.droplets ?? {}).find((k) => name.endsWith(`-${k}`));
    return key === undefined ? site.droplet : site.droplets![key];
}

/** The id DigitalOcean gives a new resource, or undefined to keep the harness's default. */
export function siteId(site: Site, type: string, name: string): string | undefined {
    return type === "digitalocean:index/droplet:Droplet" ? siteDroplet(site, name).id : undefined;
}

/** Computed outputs of a new resource, or undefined to keep the harness's default. */
export function siteState(site: Site, type: string, name: string): Record<string, unknown> | undefined {
    switch (type) {
        case "digitalocean:index/droplet:Droplet": {
            const droplet = siteDroplet(site, name);
            return { ipv4Address: droplet.address, ipv4AddressPrivate: droplet.address };
        }
        case "digitalocean:index/loadBalancer:LoadBalancer":
            return site.loadBalancerAddress === undefined ? undefined : { ip: site.loadBalancerAddress, status: "active" };
        case "digitalocean:index/databaseCluster:DatabaseCluster":
            return { privateHost: site.database.privateHost, host: site.database.privateHost, port: site.database.port, password: site.database.adminPassword };
        case "digitalocean:index/databaseUser:DatabaseUser":
            return { password: site.database.password };
        case "digitalocean:index/containerRegistry:ContainerRegistry":
            return { endpoint: site.registry.endpoint, serverUrl: site.registry.server };
        case "digitalocean:index/containerRegistryDockerCredentials:ContainerRegistryDockerCredentials":
            return { dockerCredentials: site.registry.dockerConfig };
        case "tls:index/privateKey:PrivateKey":
            return { ...site.deployKey };
        case "random:index/randomPassword:RandomPassword":
            return { result: crypto.createHmac("sha256", site.randomSeed).update(name).digest("hex") };
        default:
            return undefined;
    }
}

/** Answers to provider functions, or undefined to keep the harness's default. */
export function siteCalls(site: Site, token: string, inputs: Record<string, unknown>): Record<string, unknown> | undefined {
    switch (token) {
        case "digitalocean:index/getContainerRegistry:getContainerRegistry":
            return { id: inputs.name, name: inputs.name, endpoint: site.registry.endpoint, serverUrl: site.registry.server, region: "nyc3", subscriptionTierSlug: "basic" };
        case "docker:index/getRegistryImage:getRegistryImage": {
            const digest = site.digests[String(inputs.name)];
            // As the provider does when the registry has no such tag.
            if (!digest) throw new Error(`Got error getting registry image digest for '${inputs.name}': manifest unknown`);
            return { id: inputs.name, name: inputs.name, sha256Digest: digest };
        }
        case "digitalocean:index/getDatabaseCa:getDatabaseCa":
            // The stand-in's real CA, so the release's `sslmode=verify-full` checks a real chain and host.
            return { id: inputs.clusterId, clusterId: inputs.clusterId, certificate: site.database.caCertificate };
        default:
            return undefined;
    }
}
