/** The only code that reads the Pulumi engine's configuration: everything else takes it as arguments. */
import * as pulumi from "@pulumi/pulumi";
import { StackConfig, parseStackConfig } from "./stackConfig";

/** Reads the running stack's configuration from the Pulumi engine and validates it. */
export function loadStackConfig(): StackConfig {
    const raw = pulumi.runtime.allConfig();
    // `isConfigSecret` is exported by the SDK's runtime but missing from its type declarations.
    const isSecret = (pulumi.runtime as unknown as { isConfigSecret(key: string): boolean }).isConfigSecret;
    return parseStackConfig(
        pulumi.getStack(),
        raw,
        Object.keys(raw).filter((key) => isSecret(key)),
    );
}

/**
 * The GitHub token from the provider's own configuration (`pulumi config set --secret github:token …`),
 * or undefined, in which case the provider reads `GITHUB_TOKEN` from the environment.
 */
export function githubTokenFromConfig(): pulumi.Output<string> | undefined {
    const config = new pulumi.Config("github");
    return config.get("token") === undefined ? undefined : config.requireSecret("token");
}
