/** The ReleaseImages component on its own, under Pulumi's mocks. */
import { named, runComponent, summary, valueOf, type ComponentRun } from "../../tools/componentRunner";
import { isSecret, reveal } from "../../tools/programRunner";

const T = { component: "projectmeats:release:ReleaseImages", provider: "pulumi:providers:docker", lookup: "docker:index/getRegistryImage:getRegistryImage" };
const SHA = "1111111aaaaaaa";
const UAT_SHA = "2222222bbbbbbb";
const REGISTRY = "registry.digitalocean.com/meatscentral";
const digest = (hex: string) => `sha256:${hex.repeat(64)}`;
/** The tags the registry holds, and their digests. */
const DIGESTS: Record<string, string> = {
    [`${REGISTRY}/projectmeats-backend:dev-${SHA}`]: digest("b"),
    [`${REGISTRY}/projectmeats-frontend:dev-${SHA}`]: digest("f"),
    [`${REGISTRY}/pm-api:uat2-${UAT_SHA}`]: digest("1"),
    [`${REGISTRY}/pm-web:uat2-${UAT_SHA}`]: digest("2"),
};
const dockerConfig = (user: string) => JSON.stringify({ auths: { "registry.digitalocean.com": { auth: Buffer.from(`${user}:${user}-token`).toString("base64") } } });

/** The registry answers each tag it holds with its digest. */
function call(token: string, inputs: Record<string, unknown>): Record<string, unknown> | undefined {
    const found = DIGESTS[String(inputs.name)];
    if (token !== T.lookup || found === undefined) return undefined;
    return { id: inputs.name, name: inputs.name, sha256Digest: found };
}

type Exposed = Record<"images" | "digests", Record<"backend" | "frontend", string>>;
let run: ComponentRun<Record<string, Exposed>>;
beforeAll(async () => {
    run = await runComponent(
        async () => {
            const pulumi = await import("@pulumi/pulumi");
            const { ReleaseImages } = await import("./ReleaseImages");
            const dev = new ReleaseImages("images-dev", {
                tagPrefix: "dev",
                imageSha: SHA,
                registryEndpoint: REGISTRY,
                registryServer: "registry.digitalocean.com",
                registryCredentials: pulumi.secret(dockerConfig("dev-reader")),
                repositories: { backend: "projectmeats-backend", frontend: "projectmeats-frontend" },
            });
            // Credentials given as a plain string: they must still reach the provider as a secret.
            const uat = new ReleaseImages("images-uat", {
                tagPrefix: "uat2",
                imageSha: UAT_SHA,
                registryEndpoint: REGISTRY,
                registryServer: "registry.digitalocean.com",
                registryCredentials: dockerConfig("uat-reader"),
                repositories: { backend: "pm-api", frontend: "pm-web" },
            });
            const exposed = async (component: typeof dev): Promise<Exposed> => ({
                images: { backend: await valueOf<string>(component.images.backend), frontend: await valueOf<string>(component.images.frontend) },
                digests: { backend: await valueOf<string>(component.digests.backend), frontend: await valueOf<string>(component.digests.frontend) },
            });
            return { "images-dev": await exposed(dev), "images-uat": await exposed(uat) };
        },
        { call },
    );
});

const urnOf = (name: string) => `urn:pulumi:test::projectmeats-infra::${T.component}::${name}`;
const providerRef = (name: string) => `${named(run.resources, `${name}-registry`).urn}::${name}-registry-id`;

test.each(["images-dev", "images-uat"])("%s registers only its read-only registry provider, parented to it and named after it", (name) => {
    expect(summary(run.resources.filter((r) => r.name.startsWith(name)))).toEqual([
        { type: T.component, name, urn: urnOf(name), parent: "" },
        { type: T.provider, name: `${name}-registry`, urn: `urn:pulumi:test::projectmeats-infra::${T.component}$${T.provider}::${name}-registry`, parent: urnOf(name) },
    ]);
});

test.each([
    ["images-dev", "dev-reader", "given as a secret"],
    ["images-uat", "uat-reader", "given in plain text"],
])("the provider of %s needs no Docker daemon and logs in as %s with the read credentials taken apart, as a secret (%s)", (name, user) => {
    const provider = named(run.resources, `${name}-registry`);
    // Provider configuration reaches the engine as strings: objects JSON-encoded.
    const inputs = reveal(provider.inputs) as Record<string, string>;
    expect({ ...inputs, registryAuth: JSON.parse(inputs.registryAuth) }).toEqual({
        disableDockerDaemonCheck: "true",
        registryAuth: [{ address: "registry.digitalocean.com", username: user, password: `${user}-token` }],
    });
    expect(isSecret(provider.inputs.registryAuth)).toBe(true);
});

test("looks up each service's `<env>-<sha>` tag in its repository, through the component's own provider", () => {
    // Lookups run concurrently: compared in a fixed order.
    expect(run.calls.map((c) => JSON.stringify(c)).sort()).toEqual(
        [
            { token: T.lookup, inputs: { name: `${REGISTRY}/pm-api:uat2-${UAT_SHA}` }, provider: providerRef("images-uat") },
            { token: T.lookup, inputs: { name: `${REGISTRY}/pm-web:uat2-${UAT_SHA}` }, provider: providerRef("images-uat") },
            { token: T.lookup, inputs: { name: `${REGISTRY}/projectmeats-backend:dev-${SHA}` }, provider: providerRef("images-dev") },
            { token: T.lookup, inputs: { name: `${REGISTRY}/projectmeats-frontend:dev-${SHA}` }, provider: providerRef("images-dev") },
        ].map((c) => JSON.stringify(c)),
    );
});

test("exposes each service's digest and its image pinned to it", () => {
    expect(run.value).toEqual({
        "images-dev": {
            images: { backend: `${REGISTRY}/projectmeats-backend@${digest("b")}`, frontend: `${REGISTRY}/projectmeats-frontend@${digest("f")}` },
            digests: { backend: digest("b"), frontend: digest("f") },
        },
        "images-uat": {
            images: { backend: `${REGISTRY}/pm-api@${digest("1")}`, frontend: `${REGISTRY}/pm-web@${digest("2")}` },
            digests: { backend: digest("1"), frontend: digest("2") },
        },
    });
});
