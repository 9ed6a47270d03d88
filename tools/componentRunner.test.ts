/** The component runner: what it records, what its mocks answer, and that every run starts afresh. */
import type * as pulumiType from "@pulumi/pulumi";
import { named, runComponent, summary, valueOf, type ComponentResource } from "./componentRunner";
import { isSecret, reveal } from "./programRunner";

const PREFIX = "urn:pulumi:test::projectmeats-infra::";
const T = { component: "test:index:Box", thing: "test:index:Thing", provider: "pulumi:providers:test", lookup: "test:index/lookup:lookup" };

/** A custom resource of type `test:index:Thing`, made with the run's SDK (CustomResource is abstract). */
function thing(pulumi: typeof pulumiType, name: string, props: pulumiType.Inputs = {}, opts: pulumiType.CustomResourceOptions = {}): pulumiType.CustomResource {
    class Thing extends pulumi.CustomResource {
        constructor() {
            super(T.thing, name, props, opts);
        }
    }
    return new Thing();
}

/** A component with one custom child, built with the run's SDK. */
async function box(options: { state?: boolean } = {}) {
    return runComponent(
        async (pulumi) => {
            const parent = new pulumi.ComponentResource(T.component, "box", {});
            const child = thing(pulumi, "box-thing", { size: 3, password: pulumi.secret("s3cret"), address: undefined }, { parent });
            return { id: await valueOf<string>(child.id), address: await valueOf<string | undefined>((child as unknown as { address: unknown }).address) };
        },
        options.state ? { state: (type, name, inputs) => (type === T.thing ? { address: `${name}.example:${inputs.size}` } : {}) } : {},
    );
}

let plain: Awaited<ReturnType<typeof box>>;
let computed: Awaited<ReturnType<typeof box>>;
beforeAll(async () => {
    plain = await box();
    computed = await box({ state: true });
});

test("records the component and its child with type, name, URN and parent", () => {
    expect(summary(plain.resources)).toEqual([
        { type: T.component, name: "box", urn: `${PREFIX}${T.component}::box`, parent: "" },
        { type: T.thing, name: "box-thing", urn: `${PREFIX}${T.component}$${T.thing}::box-thing`, parent: `${PREFIX}${T.component}::box` },
    ]);
});

test("a custom resource gets the ID `<name>-id`, a component none", () => {
    expect(plain.resources.map((r) => [r.name, r.custom, r.id]).sort()).toEqual([
        ["box", false, ""],
        ["box-thing", true, "box-thing-id"],
    ]);
    expect(plain.value.id).toBe("box-thing-id");
});

test("inputs are recorded as sent, secrets still marked", () => {
    const recorded = named(plain.resources, "box-thing");
    expect(isSecret(recorded.inputs.password)).toBe(true);
    expect(reveal(recorded.inputs)).toEqual({ size: 3, password: "s3cret" });
});

test("`state` adds computed outputs to a new resource; without it there are none", () => {
    expect(computed.value.address).toBe("box-thing.example:3");
    expect(plain.value.address).toBeUndefined();
});

test("records the options the engine receives: provider, protect, import, dependencies", async () => {
    const { resources } = await runComponent(async (pulumi) => {
        class Provider extends pulumi.ProviderResource {
            constructor() {
                super("test", "explicit", {});
            }
        }
        const provider = new Provider();
        const first = thing(pulumi, "first");
        thing(pulumi, "second", {}, { provider, protect: true, import: "existing-1", dependsOn: [first] });
    });
    const providerUrn = `${PREFIX}${T.provider}::explicit`;
    const pick = ({ provider, protect, importId, dependencies }: ComponentResource) => ({ provider, protect, importId, dependencies });
    expect(pick(named(resources, "first"))).toEqual({ provider: "", protect: false, importId: "", dependencies: [] });
    expect(pick(named(resources, "second"))).toEqual({
        provider: `${providerUrn}::explicit-id`,
        protect: true,
        importId: "existing-1",
        dependencies: [`${PREFIX}${T.thing}::first`],
    });
});

test("a provider function gets the mock's answer, and every call is recorded", async () => {
    const { calls, value } = await runComponent(async (pulumi) => pulumi.runtime.invoke(T.lookup, { key: "a" }), { call: (token, inputs) => ({ token, found: inputs.key }) });
    expect(value).toEqual({ token: T.lookup, found: "a" });
    expect(calls).toEqual([{ token: T.lookup, inputs: { key: "a" }, provider: "" }]);
});

test("a provider function the mocks do not know fails, and is still recorded", async () => {
    // The SDK passes on only a gRPC error's `details`, so the program sees the failure, not the mock's text.
    const { calls, value } = await runComponent(async (pulumi) =>
        pulumi.runtime.invoke(T.lookup, { key: "a" }).then(
            () => "answered",
            () => "failed",
        ),
    );
    expect(value).toBe("failed");
    expect(calls).toEqual([{ token: T.lookup, inputs: { key: "a" }, provider: "" }]);
});

test("each run has its own SDK and records only its own registrations", async () => {
    const first = await runComponent(async (pulumi) => (thing(pulumi, "again"), pulumi));
    const second = await runComponent(async (pulumi) => (thing(pulumi, "again"), pulumi));
    expect(second.value).not.toBe(first.value);
    expect([first, second].map((run) => run.resources.map((r) => r.name))).toEqual([["again"], ["again"]]);
});

test("what `build` throws rejects the run", async () => {
    await expect(
        runComponent(async () => {
            throw new Error("bad args");
        }),
    ).rejects.toThrow("bad args");
});

test("named fails loudly when there is no resource of that name, or several", () => {
    const { resources } = plain;
    expect(() => named(resources, "missing")).toThrow(`expected one resource named missing, found 0: ${resources.map((r) => r.name).join(", ")}`);
    expect(() => named([...resources, ...resources], "box")).toThrow("expected one resource named box, found 2");
});
