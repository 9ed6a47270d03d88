import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";

export interface ContainerRegistryArgs {
    /** Name of the account's registry; DigitalOcean allows one registry per account. */
    readonly registryName: string;
    /**
     * True in the one stack that owns account-wide resources: it creates the registry (protected).
     * Every other stack looks the registry up by name.
     */
    readonly create: boolean;
    /** The owner stack's name, for the message shown when the registry does not exist yet. */
    readonly ownerStack: string;
    /** Subscription tier slug (`basic`, `professional`); used only when `create` is true. */
    readonly subscriptionTierSlug: string;
    /** Region slug of the registry; used only when `create` is true. */
    readonly region: string;
    /**
     * With `create`: adopt the existing registry of this name (Pulumi's `import` option, by name as
     * terraform-provider-digitalocean imports `digitalocean_container_registry`) instead of creating
     * one. Default false.
     */
    readonly adopt?: boolean;
}

/** What a stack that does not own the registry sees when the owner has not created it yet. */
export function registryMissingMessage(registryName: string, ownerStack: string, cause: string): string {
    return (
        `Container registry "${registryName}" was not found. It is created by stack "${ownerStack}" ` +
        `(projectmeats:accountOwnerStack); run \`pulumi up --stack ${ownerStack}\` first. Provider said: ${cause}`
    );
}

/**
 * The DigitalOcean container registry, created by the owner stack or looked up by the others, with
 * read credentials for the droplets and write credentials for CI, both as secrets.
 */
export class ContainerRegistry extends pulumi.ComponentResource {
    public readonly registryName: pulumi.Output<string>;
    /** e.g. `registry.digitalocean.com/projectmeats`: the prefix of every image reference. */
    public readonly endpoint: pulumi.Output<string>;
    /** e.g. `registry.digitalocean.com`: the host `docker login` talks to. */
    public readonly serverUrl: pulumi.Output<string>;
    /** Docker `config.json` that can pull (secret). */
    public readonly readCredentials: pulumi.Output<string>;
    /** Docker `config.json` that can push, for the build job (secret). */
    public readonly writeCredentials: pulumi.Output<string>;

    constructor(name: string, args: ContainerRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("projectmeats:registry:ContainerRegistry", name, {}, opts);

        let registry: { name: pulumi.Output<string>; endpoint: pulumi.Output<string>; serverUrl: pulumi.Output<string> };
        if (args.create) {
            // One registry per account: deleting it would delete every image of every environment.
            registry = new digitalocean.ContainerRegistry(
                `${name}-registry`,
                { name: args.registryName, subscriptionTierSlug: args.subscriptionTierSlug, region: args.region },
                { parent: this, protect: true, import: args.adopt === true ? args.registryName : undefined },
            );
        } else {
            const found = digitalocean.getContainerRegistry({ name: args.registryName }, { parent: this }).catch((error: unknown) => {
                // Invoke failures arrive as gRPC errors whose text is in `details`.
                const cause = (error as { details?: string }).details || (error instanceof Error && error.message) || "no details";
                throw new pulumi.ResourceError(registryMissingMessage(args.registryName, args.ownerStack, cause), this);
            });
            const lookup = pulumi.output(found);
            registry = { name: lookup.name, endpoint: lookup.endpoint, serverUrl: lookup.serverUrl };
        }

        const read = new digitalocean.ContainerRegistryDockerCredentials(`${name}-read`, { registryName: registry.name, write: false }, { parent: this });
        const write = new digitalocean.ContainerRegistryDockerCredentials(`${name}-write`, { registryName: registry.name, write: true }, { parent: this });

        this.registryName = registry.name;
        this.endpoint = registry.endpoint;
        this.serverUrl = registry.serverUrl;
        this.readCredentials = pulumi.secret(read.dockerCredentials);
        this.writeCredentials = pulumi.secret(write.dockerCredentials);
        this.registerOutputs({
            registryName: this.registryName,
            endpoint: this.endpoint,
            serverUrl: this.serverUrl,
            readCredentials: this.readCredentials,
            writeCredentials: this.writeCredentials,
        });
    }
}
