import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { Service } from "../../model/services";
import { pinnedReference, registryAuthFromDockerConfig, releaseTag, repositoryOf } from "./images";

export interface ReleaseImagesArgs {
    /** Tags are `<tagPrefix>-<sha>`, as the app's build pushes them (ProjectMeats: `development`, `uat`, `production`). */
    readonly tagPrefix: string;
    /** Commit SHA of the release. */
    readonly imageSha: string;
    /** e.g. `registry.digitalocean.com/projectmeats`. */
    readonly registryEndpoint: pulumi.Input<string>;
    /** e.g. `registry.digitalocean.com`. */
    readonly registryServer: pulumi.Input<string>;
    /** Docker `config.json` that can read the registry (secret). */
    readonly registryCredentials: pulumi.Input<string>;
    /** The image repository of each service in the registry, e.g. `projectmeats-backend`. */
    readonly repositories: Readonly<Record<Service, string>>;
}

/**
 * Resolves each service's `<prefix>-<sha>` tag to its digest through the registry, so the release
 * deploys `repository@sha256:…` and a re-pushed tag cannot slip a different image in.
 */
export class ReleaseImages extends pulumi.ComponentResource {
    /** Pinned references, `repository@sha256:…`, by service. */
    public readonly images: Readonly<Record<Service, pulumi.Output<string>>>;
    /** `sha256:…` digests by service. */
    public readonly digests: Readonly<Record<Service, pulumi.Output<string>>>;

    constructor(name: string, args: ReleaseImagesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("projectmeats:release:ReleaseImages", name, {}, opts);

        // Only reads the registry's API: no Docker daemon is needed where `pulumi up` runs.
        const registryAuth = pulumi.secret(pulumi.all([args.registryCredentials, args.registryServer]).apply(([config, server]) => registryAuthFromDockerConfig(config, server)));
        const provider = new docker.Provider(`${name}-registry`, { disableDockerDaemonCheck: true, registryAuth: [registryAuth] }, { parent: this });

        const tag = releaseTag(args.tagPrefix, args.imageSha);
        const services: Service[] = ["backend", "frontend"];
        const digests = {} as Record<Service, pulumi.Output<string>>;
        const images = {} as Record<Service, pulumi.Output<string>>;
        for (const service of services) {
            const repository = pulumi.output(args.registryEndpoint).apply((endpoint) => repositoryOf(endpoint, args.repositories[service]));
            // The engine does not configure a provider whose configuration holds unknowns (the read
            // credentials at the first preview), and an invoke through it answers with nothing
            // (pulumi/pulumi pkg/resource/plugin/provider_plugin.go `Invoke`). The lookup's input
            // therefore depends on those same credentials: while they are unknown, so is the lookup,
            // and the SDK does not invoke at all.
            const reference = pulumi.all([repository, registryAuth]).apply(([repo]) => `${repo}:${tag}`);
            const found = docker.getRegistryImageOutput({ name: reference }, { parent: this, provider });
            digests[service] = found.sha256Digest;
            images[service] = pulumi.all([repository, reference, found.sha256Digest]).apply(([repo, ref, digest]) => pinnedReference(repo, digest, ref));
        }

        this.images = images;
        this.digests = digests;
        this.registerOutputs({ images, digests });
    }
}
