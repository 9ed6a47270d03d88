/**
 * Runs one component (or a few) on its own under Pulumi's mocks, apart from the program: a fresh SDK
 * per run, mocks set before the component is imported, every registration recorded as the engine
 * receives it (tools/programRunner.ts `record`, plus the explicit provider). The harness of the
 * component tests; the whole program runs under tools/programRunner.ts `runProgram`.
 *
 * The component must be imported inside `build` (`await import("./Network")`): under Jest each run
 * gets a fresh module registry, and only a component loaded in it registers with this run's mocks.
 */
import type * as pulumiType from "@pulumi/pulumi";
import { named as namedInRun, record, type RecordedCall, type RecordedResource } from "./programRunner";

/** One registration as the engine receives it; inputs keep their secret markers (programRunner `isSecret`). */
export interface ComponentResource extends RecordedResource {
    /** The explicit provider the resource names (`urn::id`), or "" for the default provider. */
    readonly provider: string;
}

/** One provider function call: its token, inputs and explicit provider (`urn::id`, or "" for the default). */
export type ComponentCall = Pick<RecordedCall, "token" | "inputs" | "provider">;

/** What the mock providers answer. Neither is required: a run without mocks only registers. */
export interface ComponentMocks {
    /** Computed outputs the provider would add to a new resource's inputs. Default: none. */
    readonly state?: (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown>;
    /**
     * The answer to a provider function; undefined for a token the test does not know, which fails the
     * call. Default: every call fails.
     */
    readonly call?: (token: string, inputs: Record<string, unknown>) => Record<string, unknown> | undefined;
}

export interface ComponentRun<T> {
    /** Every registration, in the order the mock monitor finished them. */
    readonly resources: ComponentResource[];
    /** Every provider function call, known or not, in the order they were made. */
    readonly calls: ComponentCall[];
    /** What `build` returned. */
    readonly value: T;
}

/** The request the mock monitor receives: what `record` reads, and the provider reference. */
type RegisterRequest = Parameters<typeof record>[0] & { getProvider(): string };
type RegisterResponse = Parameters<typeof record>[1];
type Callback = (err: unknown, res: RegisterResponse | undefined) => void;

/**
 * Runs `build` in a fresh module registry (under Jest; a plain Node process runs once): the SDK is
 * loaded and mocked first and handed to `build`, so the component that `build` imports registers with
 * the mock monitor. Resolves when every registration has finished; rejects with what `build` throws.
 *
 * A new resource's ID is `<name>-id` (a component's is ""); its outputs are its inputs plus
 * `mocks.state`. The stack is `test` in the project `projectmeats-infra`, and the run is not a preview.
 */
export async function runComponent<T>(build: (sdk: typeof pulumiType) => Promise<T>, mocks: ComponentMocks = {}): Promise<ComponentRun<T>> {
    const resources: ComponentResource[] = [];
    const calls: ComponentCall[] = [];
    let value!: T;
    const isolate = typeof jest === "undefined" ? (fn: () => Promise<void>) => fn() : (fn: () => Promise<void>) => jest.isolateModulesAsync(fn);
    await isolate(async () => {
        const pulumi = await import("@pulumi/pulumi");
        pulumi.runtime.setMocks(
            {
                newResource: (args) => ({ id: args.custom ? `${args.name}-id` : "", state: { ...args.inputs, ...mocks.state?.(args.type, args.name, args.inputs) } }),
                call: (args) => {
                    calls.push({ token: args.token, inputs: args.inputs, provider: args.provider ?? "" });
                    const answer = mocks.call?.(args.token, args.inputs);
                    if (answer === undefined) throw new Error(`the test mocks do not know the provider function ${args.token}`);
                    return answer;
                },
            },
            "projectmeats-infra",
            "test",
            false,
        );
        const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: RegisterRequest, callback: Callback): Promise<void> };
        const original = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req, callback) =>
            original(req, (err, res) => {
                if (!err && res) resources.push({ ...record(req, res), provider: req.getProvider() });
                callback(err, res);
            });
        value = await build(pulumi);
        await pulumi.runtime.disconnect();
    });
    return { resources, calls, value };
}

/** The one resource with this name; fails loudly when there is none or several. */
export function named<R extends RecordedResource>(resources: readonly R[], name: string): R {
    return namedInRun({ resources: [...resources], calls: [], outputs: {} }, name) as R;
}

/** Type, name, URN and parent of each registration, sorted by name (registrations finish in any order). */
export function summary(resources: readonly RecordedResource[]): { type: string; name: string; urn: string; parent: string }[] {
    return resources.map(({ type, name, urn, parent }) => ({ type, name, urn, parent })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The value of an output once the run has finished. */
export function valueOf<T>(output: unknown): Promise<T> {
    return (output as { promise(): Promise<T> }).promise();
}
