/** Naming and pinning of release images. */

/**
 * The tag the app's build pushes for a commit: `<prefix>-<sha>`; ProjectMeats' prefix is its environment,
 * `development`, `uat` or `production` (Meats-Central/ProjectMeats `.github/workflows/main-pipeline.yml`).
 */
export function releaseTag(prefix: string, sha: string): string {
    return `${prefix}-${sha}`;
}

/** `registry.digitalocean.com/<registry>/<repository>` */
export function repositoryOf(endpoint: string, repository: string): string {
    // A path component as the OCI distribution spec defines it: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*
    // (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests).
    if (!/^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/.test(repository)) throw new Error(`not an image repository name: ${JSON.stringify(repository)}`);
    return `${endpoint}/${repository}`;
}

/**
 * An image reference that cannot move: `repository@sha256:…`. `tagged` is the reference that was
 * looked up, for the message when the registry gave no digest.
 */
export function pinnedReference(repository: string, digest: string | undefined, tagged = repository): string {
    if (digest === undefined || digest === "") {
        throw new Error(`the registry has no digest for ${tagged}: push the image before deploying this SHA (README, "First deployment")`);
    }
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`not a sha256 digest: ${JSON.stringify(digest)}`);
    return `${repository}@${digest}`;
}

/**
 * Username and password for `server` from a Docker `config.json` (what DOCR credentials are), for
 * providers that take them apart.
 */
export function registryAuthFromDockerConfig(dockerConfig: string, server: string): { address: string; username: string; password: string } {
    const auths = (JSON.parse(dockerConfig) as { auths?: Record<string, { auth?: string }> }).auths ?? {};
    const encoded = auths[server]?.auth;
    if (encoded === undefined) throw new Error(`the Docker config has no credentials for ${server} (it has: ${Object.keys(auths).join(", ") || "none"})`);
    const decoded = Buffer.from(encoded, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) throw new Error(`the credentials for ${server} are not user:password`);
    return { address: server, username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
