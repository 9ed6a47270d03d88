/**
 * Runs the real program (infra/index.ts) for a stack under Pulumi's mocks and records every resource
 * registration as the engine would receive it: type, name, parent, inputs (secrets still marked),
 * dependencies and options. Used by the stack tests, the SHA diff test and the offline policy gate.
 */
import type * as pulumiType from "@pulumi/pulumi";
import { CONFIG_KEYS, ConfigKey, ConfigKeySpec } from "../config/keys";
import { PROGRAM_DIR } from "../model/paths";
import { PROJECT_NAME, readStackFile } from "./stackFiles";

/** How the mock monitor marks a secret value (the engine's wire format). */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_MARK = "1b47061264138c4ac30d75fd1eb44270";

export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** The ID the mock provider gave the resource ("" for components). */
    readonly id: string;
    readonly parent: string;
    readonly custom: boolean;
    /** Inputs as sent to the engine; secret values are `{[SECRET_SIG]: SECRET_MARK, value}`. */
    readonly inputs: Record<string, unknown>;
    readonly dependencies: readonly string[];
    readonly protect: boolean;
    readonly ignoreChanges: readonly string[];
    readonly replaceOnChanges: readonly string[];
    readonly deleteBeforeReplace: boolean;
    readonly additionalSecretOutputs: readonly string[];
    /** The `import` option's ID ("" when the resource is created, not adopted). */
    readonly importId: string;
}

export interface RecordedCall {
    readonly token: string;
    readonly inputs: Record<string, unknown>;
    /** The explicit provider the call went through (`urn::id`), or "" for the default provider. */
    readonly provider: string;
    /** True when that provider was not configured (its configuration held unknowns): the answer was empty. */
    readonly unconfigured: boolean;
}

/**
 * How the engine runs the program.
 * - `up`: every value is known; new resources get the ids and computed outputs their providers give.
 * - `firstPreview`: `pulumi preview` against an empty account. A dry run; a new resource's id and its
 *   computed outputs are unknown (the SDK resolves an output the engine did not return as unknown in a
 *   dry run: `@pulumi/pulumi` runtime/resource.ts `resolveOutputs`, "mark the value as known if we are
 *   not running a preview"); a provider whose configuration holds unknowns is not configured, and an
 *   invoke through it returns an empty result (pulumi/pulumi `pkg/resource/plugin/provider_plugin.go`
 *   `Invoke`: "If the provider is not fully configured, return an empty property map").
 */
export type EngineMode = "up" | "firstPreview";

/** How the engine marks an unknown value on the wire (`@pulumi/pulumi` runtime/rpc.ts `unknownValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when a serialized value holds an unknown anywhere inside it. */
export function holdsUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(holdsUnknown);
    if (typeof value === "object" && value !== null) return Object.values(value).some(holdsUnknown);
    return false;
}

export interface ProgramRun {
    readonly resources: RecordedResource[];
    readonly calls: RecordedCall[];
    readonly outputs: Record<string, unknown>;
    /** The error the program failed with, if it did. */
    readonly error?: Error;
}

export interface RunOptions {
    /** How the engine runs the program. Default `up`. */
    readonly mode?: EngineMode;
    /** Values to set or replace, keyed `projectmeats:<key>` (or another namespace). */
    readonly config?: Record<string, string>;
    /** Keys to remove from the stack file's configuration. */
    readonly unset?: readonly string[];
    /** Replaces the answer to a provider function call; throw to simulate a provider error. */
    readonly call?: (args: pulumiType.runtime.MockCallArgs) => Record<string, unknown> | undefined;
    /**
     * Replaces or adds to what the mock provider answers for a new resource (its computed outputs),
     * e.g. to point droplets at a local host; undefined keeps the default answer.
     */
    readonly state?: (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown> | undefined;
    /** Replaces the id the mock provider gives a new resource, e.g. a replaced droplet's new id. */
    readonly id?: (type: string, name: string) => string | undefined;
    /** Values for secure keys absent from a fresh clone. Default: a placeholder per key. */
    readonly secrets?: Record<string, string>;
    /** Secret values to set, as `pulumi config set --secret` would. */
    readonly secretConfig?: Record<string, string>;
    /** Called with each resource as it is registered (the engine analyzes each one then). */
    readonly onResource?: (resource: RecordedResource) => void;
    /** Another stack file to read instead of `Pulumi.<stack>.yaml`, as the CLI's `--config-file`. */
    readonly stackFile?: string;
}

export function isSecret(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG] === SECRET_MARK;
}

/** The inputs with secret markers removed, for asserting on plain values. */
export function reveal(value: unknown): unknown {
    if (isSecret(value)) return reveal(value.value);
    if (Array.isArray(value)) return value.map(reveal);
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
    }
    return value;
}

/** Deterministic outputs the providers would compute, by resource type. */
function computedState(type: string, name: string, id: string, inputs: Record<string, unknown>, ordinal: number): Record<string, unknown> {
    switch (type) {
        case "digitalocean:index/droplet:Droplet":
            return { ipv4Address: `203.0.113.${10 + ordinal}`, ipv4AddressPrivate: `10.99.0.${10 + ordinal}`, dropletUrn: `do:droplet:${id}` };
        case "digitalocean:index/databaseCluster:DatabaseCluster":
            return {
                host: `${inputs.name}-do-user-1.db.ondigitalocean.com`,
                privateHost: `private-${inputs.name}-do-user-1.db.ondigitalocean.com`,
                port: 25060,
                clusterUrn: `do:dbaas:${id}`,
                user: "doadmin",
                password: "mock-admin-password",
            };
        case "digitalocean:index/databaseUser:DatabaseUser":
            return { password: `mock-password-for-${inputs.name}` };
        case "digitalocean:index/containerRegistry:ContainerRegistry":
            return { endpoint: `registry.digitalocean.com/${inputs.name}`, serverUrl: "registry.digitalocean.com" };
        case "digitalocean:index/containerRegistryDockerCredentials:ContainerRegistryDockerCredentials":
            return { dockerCredentials: JSON.stringify({ auths: { "registry.digitalocean.com": { auth: Buffer.from(`mock-${name}:token`).toString("base64") } } }) };
        case "tls:index/privateKey:PrivateKey":
            return {
                publicKeyOpenssh: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${Buffer.from(name).toString("base64").replace(/=/g, "")}\n`,
                privateKeyOpenssh: `-----BEGIN OPENSSH PRIVATE KEY-----\nmock-${name}\n-----END OPENSSH PRIVATE KEY-----\n`,
            };
        case "random:index/randomPassword:RandomPassword":
            return { result: `mock-random-${name}` };
        case "digitalocean:index/loadBalancer:LoadBalancer":
            return { ip: `198.51.100.${10 + ordinal}` };
        case "digitalocean:index/reservedIp:ReservedIp":
            return { ipAddress: `192.0.2.${10 + ordinal}` };
        case "digitalocean:index/sshKey:SshKey":
            return { fingerprint: "3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa" };
        default:
            return {};
    }
}

/** The digest the mock registry gives a tag: stable for a tag, different between tags. */
export function mockDigest(reference: string): string {
    return `sha256:${require("crypto").createHash("sha256").update(reference).digest("hex")}`;
}

/** The CA certificate the mock DigitalOcean API gives a cluster: a PEM-shaped text naming it. */
export function mockCaCertificate(clusterId: string): string {
    return `-----BEGIN CERTIFICATE-----\nmock-ca-of-${clusterId}\n-----END CERTIFICATE-----\n`;
}

function defaultCall(args: pulumiType.runtime.MockCallArgs): Record<string, unknown> {
    switch (args.token) {
        case "digitalocean:index/getContainerRegistry:getContainerRegistry":
            return {
                id: args.inputs.name,
                name: args.inputs.name,
                endpoint: `registry.digitalocean.com/${args.inputs.name}`,
                serverUrl: "registry.digitalocean.com",
                region: "nyc3",
                subscriptionTierSlug: "basic",
            };
        case "docker:index/getRegistryImage:getRegistryImage":
            return { id: args.inputs.name, name: args.inputs.name, sha256Digest: mockDigest(String(args.inputs.name)) };
        case "digitalocean:index/getDatabaseCa:getDatabaseCa":
            return { id: args.inputs.clusterId, clusterId: args.inputs.clusterId, certificate: mockCaCertificate(String(args.inputs.clusterId)) };
        case "github:index/getUser:getUser":
            return { id: String(5000 + [...String(args.inputs.username)].reduce((a, c) => a + c.charCodeAt(0), 0)), login: args.inputs.username };
        case "github:index/getTeam:getTeam":
            return { id: String(9000 + [...String(args.inputs.slug)].reduce((a, c) => a + c.charCodeAt(0), 0)), slug: args.inputs.slug, name: args.inputs.slug };
        default:
            throw new Error(`the test mocks do not know the provider function ${args.token}; add it to tools/programRunner.ts`);
    }
}

/**
 * What a `secure:` key holds in a run without the stack's secrets provider (a fresh clone, CI without
 * the passphrase): its ciphertext cannot be read, so its form cannot be checked offline. The run gets
 * a placeholder of the form the key declares (config/keys.ts), so the program builds what a real value
 * builds and marks it secret; the real value is checked when the program runs with it. A URL key
 * (`…Url`) gets an https URL on the reserved `.invalid` domain (RFC 2606, never resolves); a list key
 * an empty list (its entries cannot be known); a number or switch its default; any other key a marker.
 */
export function securePlaceholder(key: string): string {
    const name = key.slice(key.indexOf(":") + 1);
    const spec: ConfigKeySpec | undefined = key.startsWith(`${PROJECT_NAME}:`) && name in CONFIG_KEYS ? CONFIG_KEYS[name as ConfigKey] : undefined;
    if (spec?.type === "array") return "[]";
    if ((spec?.type === "integer" || spec?.type === "boolean") && spec.default !== undefined) return String(spec.default);
    return /Url$/.test(name) ? `https://secure-placeholder.invalid/${name}` : `placeholder-secret-for-${key}`;
}

/** The stack file's configuration with the run's changes applied, as the CLI would pass it. */
export function stackConfig(stack: string, options: RunOptions = {}): { config: Record<string, string>; secretKeys: string[] } {
    const file = readStackFile(stack, options.stackFile);
    const config: Record<string, string> = { ...file.config };
    for (const key of file.secureKeys) config[key] = options.secrets?.[key] ?? securePlaceholder(key);
    for (const key of options.unset ?? []) delete config[key];
    Object.assign(config, options.config ?? {}, options.secretConfig ?? {});
    return { config, secretKeys: [...file.secureKeys, ...Object.keys(options.secretConfig ?? {})] };
}

/** Runs infra/index.ts for `stack` under mocks and returns what it registered. */
export async function runProgram(stack: string, options: RunOptions = {}): Promise<ProgramRun> {
    const resources: RecordedResource[] = [];
    const calls: RecordedCall[] = [];
    let error: Error | undefined;
    let exports: Record<string, unknown> = {};
    let pulumi!: typeof pulumiType;
    let waitForRPCs!: () => Promise<void>;
    // Read before the listener below is installed: a stack file that cannot be read is the run's error.
    let stackFile: ReturnType<typeof stackConfig>;
    try {
        stackFile = stackConfig(stack, options);
    } catch (e) {
        return { resources, calls, outputs: {}, error: e instanceof Error ? e : new Error(String(e)) };
    }
    const { config, secretKeys } = stackFile;
    // The Pulumi language host ends a run at the first unhandled rejection (a failed invoke, say);
    // so does the harness, since registrations waiting on that value would never finish.
    const rejections: Error[] = [];
    let failed!: (error: Error) => void;
    const firstFailure = new Promise<void>((resolve) => (failed = () => resolve()));
    const onRejection = (reason: unknown) => {
        rejections.push(reason instanceof Error ? reason : new Error(String(reason)));
        failed(rejections[0]);
    };
    process.on("unhandledRejection", onRejection);

    const preview = options.mode === "firstPreview";
    /** Provider URNs whose configuration held unknowns: the engine does not configure them. */
    const unconfiguredProviders = new Set<string>();
    let ordinal = 0;
    // The engine runs the program in the folder of Pulumi.yaml's `main` (model/paths.ts).
    const cwd = process.cwd();
    process.chdir(PROGRAM_DIR);
    try {
        // Under Jest each run gets a fresh module registry; a plain Node process runs one program.
        const isolate = typeof jest === "undefined" ? (fn: () => void) => fn() : jest.isolateModules;
        isolate(() => {
            pulumi = require("@pulumi/pulumi");
            waitForRPCs = require("@pulumi/pulumi/runtime/settings").waitForRPCs;
            pulumi.runtime.setMocks(
                {
                    newResource: (args) => {
                        // At the first preview every resource is new: no id, no computed output.
                        if (preview) return { id: "", state: { ...args.inputs } };
                        const id = options.id?.(args.type, args.name) ?? (args.type.startsWith("digitalocean:") ? String(1000 + ordinal) : `${args.name}-id`);
                        const state = { ...args.inputs, ...computedState(args.type, args.name, id, args.inputs, ordinal++), ...options.state?.(args.type, args.name, args.inputs) };
                        return { id, state };
                    },
                    call: (args) => {
                        const provider = args.provider ?? "";
                        const unconfigured = unconfiguredProviders.has(provider.slice(0, provider.lastIndexOf("::")));
                        calls.push({ token: args.token, inputs: args.inputs, provider, unconfigured });
                        if (unconfigured) return {};
                        return options.call?.(args) ?? defaultCall(args);
                    },
                },
                PROJECT_NAME,
                stack,
                preview,
            );
            pulumi.runtime.setAllConfig(config, secretKeys);
            const monitor = pulumi.runtime.getMonitor() as unknown as {
                registerResource: (req: RegisterRequest, callback: (err: unknown, res: unknown) => void) => Promise<void>;
            };
            const original = monitor.registerResource.bind(monitor);
            monitor.registerResource = (req, callback) =>
                original(req, (err, res) => {
                    if (!err) {
                        const recorded = record(req, res as { getUrn(): string; getId(): string });
                        resources.push(recorded);
                        options.onResource?.(recorded);
                        if (preview && recorded.type.startsWith("pulumi:providers:") && holdsUnknown(recorded.inputs)) unconfiguredProviders.add(recorded.urn);
                    }
                    callback(err, res);
                });
            try {
                exports = require("../infra/index");
            } catch (e) {
                error = e as Error;
            }
        });
        if (!error) {
            const program = exports;
            const outputs = waitForRPCs().then(() => (pulumi.output(program) as unknown as { promise(): Promise<Record<string, unknown>> }).promise());
            const settled = await Promise.race([
                outputs.then(
                    (values) => ({ values }),
                    (e: Error) => ({ error: e }),
                ),
                firstFailure.then(() => ({})),
            ]);
            if ("values" in settled) exports = settled.values;
            if ("error" in settled) error = settled.error;
        }
        await new Promise((resolve) => setImmediate(resolve));
    } finally {
        process.off("unhandledRejection", onRejection);
        process.chdir(cwd);
    }
    return { resources, calls, outputs: error || rejections.length ? {} : exports, error: rejections[0] ?? error };
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
    getDependenciesList(): string[];
    getProtect(): boolean;
    getIgnorechangesList(): string[];
    getReplaceonchangesList(): string[];
    getDeletebeforereplace(): boolean;
    getAdditionalsecretoutputsList(): string[];
    getImportid(): string;
}

export function record(req: RegisterRequest, res: { getUrn(): string; getId(): string }): RecordedResource {
    return {
        type: req.getType(),
        name: req.getName(),
        urn: res.getUrn(),
        id: res.getId(),
        parent: req.getParent(),
        custom: req.getCustom(),
        inputs: req.getObject()?.toJavaScript() ?? {},
        dependencies: req.getDependenciesList(),
        protect: req.getProtect(),
        ignoreChanges: req.getIgnorechangesList(),
        replaceOnChanges: req.getReplaceonchangesList(),
        deleteBeforeReplace: req.getDeletebeforereplace(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        importId: req.getImportid(),
    };
}

/** Resources of one type. */
export function ofType(run: ProgramRun, type: string): RecordedResource[] {
    return run.resources.filter((r) => r.type === type);
}

/** The one resource with this name; fails loudly when there is none or several. */
export function named(run: ProgramRun, name: string): RecordedResource {
    const found = run.resources.filter((r) => r.name === name);
    if (found.length !== 1) throw new Error(`expected one resource named ${name}, found ${found.length}: ${run.resources.map((r) => r.name).join(", ")}`);
    return found[0];
}
