/** The rehearsal's engine: the steps `pulumi up` takes and how it carries them out (rehearsal/engine.ts). */
import { changedKeys, deploy, plan, topLevelKey, type ExecutedType, type Operator, type State, type Step } from "./engine";
import type { RecordedResource } from "../tools/programRunner";

const CONNECTION = { host: "127.0.0.1", port: 2222, user: "deploy" };

function resource(name: string, type: string, inputs: Record<string, unknown>, options: Partial<RecordedResource> = {}): RecordedResource {
    return {
        type,
        name,
        urn: `urn:pulumi:rehearsal::projectmeats::${type}::${name}`,
        id: `${name}-id`,
        parent: "",
        custom: true,
        inputs,
        dependencies: [],
        protect: false,
        ignoreChanges: [],
        replaceOnChanges: [],
        deleteBeforeReplace: false,
        additionalSecretOutputs: [],
        importId: "",
        ...options,
    };
}

const remote = (name: string, inputs: Record<string, unknown>, options: Partial<RecordedResource> = {}) =>
    resource(name, "command:remote:Command", { connection: CONNECTION, ...inputs }, options);

/** Records what it was asked to do; fails the names listed. */
class FakeOperator implements Operator {
    public readonly calls: string[] = [];
    constructor(private readonly failing: string[] = []) {}
    async create(step: Step) {
        return this.act(`create ${step.name}`, step.name);
    }
    async update(step: Step) {
        return this.act(`update ${step.name}`, step.name);
    }
    async delete(_type: ExecutedType, name: string) {
        this.calls.push(`delete ${name}`);
    }
    private act(call: string, name: string) {
        this.calls.push(call);
        if (this.failing.includes(name)) throw new Error(`${name} exited 1`);
        return Promise.resolve({ stdout: `${name} out`, stderr: "" });
    }
}

async function applied(resources: RecordedResource[], state: State = { resources: {} }, operator = new FakeOperator()) {
    return deploy(plan(resources, state), state, operator);
}

describe("plan", () => {
    const first = [
        remote("migrate", { create: "migrate a", triggers: ["a"] }),
        resource("droplet", "digitalocean:index/droplet:Droplet", { userData: "#cloud-config\n" }),
        resource("vpc", "digitalocean:index/vpc:Vpc", {}),
    ];

    test("a first run creates every executed resource and ignores the rest (they are the cloud's)", () => {
        expect(plan(first, { resources: {} }).map((s) => `${s.action} ${s.name}`)).toEqual(["create migrate", "create droplet"]);
    });

    test("the same inputs again: nothing to do", async () => {
        const { state } = await applied(first);
        expect(plan(first, state).map((s) => s.action)).toEqual(["same", "same"]);
    });

    // @pulumi/command 1.2.1: only `triggers` replace (provider/pkg/provider/common/inputs.go); the SDK
    // records them as `replaceOnChanges: ["triggers[*]"]`.
    test("a trigger change replaces; any other change, a remote command's connection included, updates", async () => {
        const { state } = await applied([remote("a", { create: "x", triggers: [1] }), remote("b", { create: "x" }), remote("c", { create: "x" })]);
        const next = plan(
            [
                remote("a", { create: "x", triggers: [2] }),
                remote("b", { create: "y" }),
                resource("c", "command:remote:Command", { connection: { ...CONNECTION, host: "203.0.113.7" }, create: "x" }),
            ],
            state,
        );
        expect(next.map((s) => [s.action, s.name, s.changed])).toEqual([
            ["replace", "a", ["triggers"]],
            ["update", "b", ["create"]],
            ["update", "c", ["connection"]],
        ]);
    });

    test("a copy's connection change only updates it (only its triggers replace it)", async () => {
        const copy = (port: number) => resource("copy", "command:remote:CopyToRemote", { connection: { ...CONNECTION, port }, remotePath: "/srv/x", source: { path: "x" } });
        const { state } = await applied([copy(22)]);
        expect(plan([copy(2222)], state).map((s) => s.action)).toEqual(["update"]);
    });

    test("the replaceOnChanges the SDK records (`triggers[*]`) and the program's own replace on their top-level input", async () => {
        expect(["triggers[*]", "connection.host", "userData"].map(topLevelKey)).toEqual(["triggers", "connection", "userData"]);
        const local = (create: string, opts: Partial<RecordedResource>) => resource("notify", "command:local:Command", { create }, opts);
        const { state } = await applied([local("a", {})]);
        expect(plan([local("b", { replaceOnChanges: ["create"] })], state).map((s) => [s.action, s.changed])).toEqual([["replace", ["create"]]]);
        expect(plan([local("b", { replaceOnChanges: ["triggers[*]"] })], state).map((s) => [s.action, s.changed])).toEqual([["update", ["create"]]]);
    });

    // terraform-provider-digitalocean digitalocean/droplet/resource_droplet.go: image, region, ssh_keys,
    // user_data, monitoring, droplet_agent and vpc_uuid are ForceNew; size, name and tags update in place.
    test("a droplet is replaced by a change to a ForceNew input, updated by another, and ignored keys never count", async () => {
        const droplet = (inputs: Record<string, unknown>) =>
            resource(
                "droplet",
                "digitalocean:index/droplet:Droplet",
                { image: "ubuntu-24-04-x64", size: "s-1vcpu-2gb", userData: "a", sshKeys: ["k1"], ...inputs },
                { ignoreChanges: ["sshKeys"] },
            );
        const { state } = await applied([droplet({})]);
        const step = (inputs: Record<string, unknown>) => plan([droplet(inputs)], state).map((s) => [s.action, s.changed]);
        expect(step({ sshKeys: ["k1", "k2"] })).toEqual([["same", []]]);
        expect(step({ userData: "b" })).toEqual([["replace", ["userData"]]]);
        expect(step({ image: "ubuntu-22-04-x64" })).toEqual([["replace", ["image"]]]);
        expect(step({ vpcUuid: "vpc-2" })).toEqual([["replace", ["vpcUuid"]]]);
        expect(step({ size: "s-2vcpu-4gb", tags: ["x"] })).toEqual([["update", ["size", "tags"]]]);
    });

    // pulumi-go-provider infer `Create`: a plain error (what the command provider returns) answers an
    // empty CreateResponse, so the engine keeps no state for the resource.
    test("a failed create leaves no state: the next run creates the resource again", async () => {
        const { state } = await applied([remote("env", { create: "e" }), remote("migrate", { create: "m" })], undefined, new FakeOperator(["migrate"]));
        expect(Object.values(state.resources).map((r) => r.name)).toEqual(["env"]);
        expect(plan([remote("env", { create: "e" }), remote("migrate", { create: "m" })], state).map((s) => `${s.action} ${s.name}`)).toEqual(["same env", "create migrate"]);
    });

    test("a resource gone from the program is deleted", async () => {
        const { state } = await applied([remote("old", { create: "x", delete: "rm x" })]);
        expect(plan([], state).map((s) => `${s.action} ${s.name}`)).toEqual(["delete old"]);
    });

    test("dependencies come first whatever the registration order", () => {
        const b = remote("b", { create: "b" });
        const a = remote("a", { create: "a" }, { dependencies: [b.urn] });
        expect(plan([a, b], { resources: {} }).map((s) => s.name)).toEqual(["b", "a"]);
    });

    test("changedKeys compares values, not identity, and skips ignored and internal keys", () => {
        expect(changedKeys({ a: [1, { b: 2 }], c: 1, __defaults: [] }, { a: [1, { b: 2 }], c: 2, __defaults: ["x"] }, ["c"])).toEqual([]);
        expect(changedKeys({ a: 1 }, { a: 1, b: 2 })).toEqual(["b"]);
    });
});

describe("deploy", () => {
    test("the first failure ends the deployment: later steps are skipped, never run", async () => {
        const operator = new FakeOperator(["migrate"]);
        const result = await applied([remote("env", { create: "e" }), remote("migrate", { create: "m" }), remote("deploy", { create: "d" })], undefined, operator);
        expect(result.ok).toBe(false);
        expect(result.error).toBe("migrate: migrate exited 1");
        expect(operator.calls).toEqual(["create env", "create migrate"]);
        expect(result.steps.map((s) => `${s.status} ${s.name}`)).toEqual(["ok env", "failed migrate", "skipped deploy"]);
    });

    test("a replacement creates the new resource first and deletes the old one after every other step", async () => {
        const { state } = await applied([remote("a", { create: "a", triggers: [1], delete: "undo a" }), remote("b", { create: "b", triggers: [1] })]);
        const operator = new FakeOperator();
        await applied([remote("a", { create: "a", triggers: [2], delete: "undo a" }), remote("b", { create: "b", triggers: [2] })], state, operator);
        expect(operator.calls).toEqual(["create a", "create b", "delete a", "delete b"]);
    });

    test("deleteBeforeReplace deletes first", async () => {
        const options = { deleteBeforeReplace: true };
        const { state } = await applied([remote("a", { create: "a", triggers: [1] }, options)]);
        const operator = new FakeOperator();
        await applied([remote("a", { create: "a", triggers: [2] }, options)], state, operator);
        expect(operator.calls).toEqual(["delete a", "create a"]);
    });

    test("a failed replacement keeps the previous state, so the next run replaces again", async () => {
        const { state } = await applied([remote("deploy", { create: "d", triggers: ["good"] })]);
        const failed = await applied([remote("deploy", { create: "d", triggers: ["bad"] })], state, new FakeOperator(["deploy"]));
        expect(Object.values(failed.state.resources).map((r) => r.inputs.triggers)).toEqual([["good"]]);
        expect(plan([remote("deploy", { create: "d", triggers: ["good"] })], failed.state).map((s) => s.action)).toEqual(["same"]);
    });

    test("no deletes run when the deployment failed", async () => {
        const { state } = await applied([remote("a", { create: "a", triggers: [1] }), remote("b", { create: "b" })]);
        const operator = new FakeOperator(["b"]);
        await applied([remote("a", { create: "a", triggers: [2] }), remote("b", { create: "b2" })], state, operator);
        expect(operator.calls).toEqual(["create a", "update b"]);
    });
});
