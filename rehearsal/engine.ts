/**
 * A small stand-in for the Pulumi engine and the command provider, for the rehearsal: it takes the
 * resources the real program registered (under mocks) and the state of the previous run, decides
 * each resource's step as the engine would, and carries the steps out for the resource types that
 * act on a host: `command:remote:Command`, `command:remote:CopyToRemote`, `command:local:Command`,
 * and the droplet (whose creation provisions the local stand-in from its user data).
 *
 * Each rule follows a source, `@pulumi/command` at the version package.json pins (1.2.1):
 * - Only `triggers` replace a command or a copy. The SDK constructors merge
 *   `replaceOnChanges: ["triggers[*]"]` (sdk/nodejs/remote/command.ts, copyToRemote.ts, local/command.ts),
 *   and in the provider only `Triggers` carries `provider:"replaceOnChanges"`
 *   (provider/pkg/provider/common/inputs.go). Every other change, `connection` included, is an update.
 * - `Command.Update` runs `update`, or `create` when there is none
 *   (provider/pkg/provider/remote/commandController.go `Update`); `CopyToRemote.Update` copies only
 *   when the source's content or `remotePath` changed (remote/copyController.go `Update`), which
 *   ./operator.ts decides as it runs the step.
 * - A replacement creates the new resource first and deletes the old one (running its `delete`)
 *   after every other step, unless the resource says `deleteBeforeReplace` (pulumi/pulumi
 *   pkg/resource/deploy/step_generator.go: create-before-replace is the default).
 * - A failed create leaves no state: the command's `Create` returns a plain error, and
 *   pulumi-go-provider's infer `Create` answers such an error with an empty response (only a
 *   `ResourceInitFailedError` carries partial state, infer/resource.go), so the engine records
 *   nothing and the next run creates the resource again. A failed update or replacement keeps
 *   the previous state.
 * - `environment` goes as SSH setenv requests, `stdin` as the session's input, `logging` says which
 *   streams are shown; a non-zero exit fails the step with the command and its output.
 * - The first failed step ends the deployment: nothing that has not started yet runs.
 * The droplet follows terraform-provider-digitalocean (digitalocean/droplet/resource_droplet.go):
 * the inputs whose schema says `ForceNew` replace it; the others update it in place. So does the load
 * balancer (digitalocean/loadbalancer/resource_loadbalancer.go: `ForceNew` on region, vpc_uuid, type,
 * network and network_stack; every other change, forwarding rules and droplets included, is one
 * `LoadBalancers.Update` with the whole request), whose creation and updates configure the
 * rehearsal's balancer stand-in.
 */
import type { RecordedResource } from "../tools/programRunner";
import { reveal } from "../tools/programRunner";

export const EXECUTED_TYPES = {
    "command:remote:Command": { replaceOnChanges: ["triggers"] },
    "command:remote:CopyToRemote": { replaceOnChanges: ["triggers"] },
    "command:local:Command": { replaceOnChanges: ["triggers"] },
    // The schema's `ForceNew` inputs (image, region, ssh_keys, user_data, monitoring, droplet_agent,
    // vpc_uuid), by their Pulumi names.
    "digitalocean:index/droplet:Droplet": { replaceOnChanges: ["image", "region", "sshKeys", "userData", "monitoring", "dropletAgent", "vpcUuid"] },
    "digitalocean:index/loadBalancer:LoadBalancer": { replaceOnChanges: ["region", "vpcUuid", "type", "network", "networkStack"] },
} as const;
export type ExecutedType = keyof typeof EXECUTED_TYPES;

export function isExecuted(type: string): type is ExecutedType {
    return type in EXECUTED_TYPES;
}

export interface StateEntry {
    readonly type: ExecutedType;
    readonly name: string;
    /** Inputs as the provider last applied them, secrets revealed (the state file is private). */
    readonly inputs: Record<string, unknown>;
    readonly outputs: { readonly stdout?: string; readonly stderr?: string };
}

export interface State {
    readonly resources: Record<string, StateEntry>;
}

export type Action = "create" | "update" | "replace" | "same" | "delete";

export interface Step {
    readonly urn: string;
    readonly name: string;
    readonly type: ExecutedType;
    readonly action: Action;
    /** Input keys whose change caused the step. */
    readonly changed: readonly string[];
    readonly inputs: Record<string, unknown>;
    readonly old?: StateEntry;
    readonly deleteBeforeReplace: boolean;
}

/** Keys whose values differ, top level, compared as JSON; `ignoreChanges` keys never count. */
export function changedKeys(oldInputs: Record<string, unknown>, newInputs: Record<string, unknown>, ignore: readonly string[] = []): string[] {
    const keys = [...new Set([...Object.keys(oldInputs), ...Object.keys(newInputs)])].filter((k) => !ignore.includes(k) && !k.startsWith("__"));
    return keys.filter((k) => JSON.stringify(oldInputs[k]) !== JSON.stringify(newInputs[k])).sort();
}

/** Orders resources so every dependency (and parent) comes first, keeping registration order otherwise. */
export function dependencyOrder(resources: readonly RecordedResource[]): RecordedResource[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const done = new Set<string>();
    const visiting = new Set<string>();
    const ordered: RecordedResource[] = [];
    const visit = (r: RecordedResource) => {
        if (done.has(r.urn)) return;
        if (visiting.has(r.urn)) throw new Error(`dependency cycle through ${r.urn}`);
        visiting.add(r.urn);
        for (const dep of [...r.dependencies, r.parent]) {
            const d = byUrn.get(dep);
            if (d) visit(d);
        }
        visiting.delete(r.urn);
        done.add(r.urn);
        ordered.push(r);
    };
    resources.forEach(visit);
    return ordered;
}

/** The input a `replaceOnChanges` path names: `triggers[*]` → `triggers`, `connection.host` → `connection`. */
export function topLevelKey(path: string): string {
    return /^[^.[]+/.exec(path)?.[0] ?? path;
}

/** The steps `pulumi up` would take for the executed resources, in the order it may take them. */
export function plan(resources: readonly RecordedResource[], state: State): Step[] {
    const steps: Step[] = [];
    const present = new Set<string>();
    for (const r of dependencyOrder(resources)) {
        if (!isExecuted(r.type)) continue;
        present.add(r.urn);
        const inputs = reveal(r.inputs) as Record<string, unknown>;
        const old = state.resources[r.urn];
        const base = { urn: r.urn, name: r.name, type: r.type, inputs, old, deleteBeforeReplace: r.deleteBeforeReplace };
        if (!old) {
            steps.push({ ...base, action: "create", changed: [] });
            continue;
        }
        const changed = changedKeys(old.inputs, inputs, r.ignoreChanges);
        const replaceKeys: readonly string[] = [...EXECUTED_TYPES[r.type].replaceOnChanges, ...r.replaceOnChanges.map(topLevelKey)];
        const replaces = changed.filter((k) => replaceKeys.includes(k));
        if (replaces.length > 0) steps.push({ ...base, action: "replace", changed: replaces });
        else if (changed.length > 0) steps.push({ ...base, action: "update", changed });
        else steps.push({ ...base, action: "same", changed: [] });
    }
    for (const [urn, old] of Object.entries(state.resources)) {
        if (!present.has(urn)) steps.push({ urn, name: old.name, type: old.type, action: "delete", changed: [], inputs: old.inputs, old, deleteBeforeReplace: false });
    }
    return steps;
}

/** What running one resource's command produced. */
export interface RunResult {
    readonly stdout: string;
    readonly stderr: string;
}

/** Carries out one resource operation against the real host. */
export interface Operator {
    create(step: Step): Promise<RunResult>;
    update(step: Step): Promise<RunResult>;
    delete(type: ExecutedType, name: string, inputs: Record<string, unknown>): Promise<void>;
}

export interface StepRecord {
    readonly name: string;
    readonly type: ExecutedType;
    readonly action: Action;
    readonly changed: readonly string[];
    readonly status: "ok" | "failed" | "skipped";
    readonly seconds: number;
    readonly error?: string;
}

export interface Deployment {
    readonly ok: boolean;
    readonly steps: StepRecord[];
    readonly state: State;
    /** The first failure, as `pulumi up` would report it. */
    readonly error?: string;
}

/** Runs the plan: steps in order, deletes of replaced resources last, stopping at the first failure. */
export async function deploy(steps: readonly Step[], state: State, operator: Operator): Promise<Deployment> {
    const next: Record<string, StateEntry> = { ...state.resources };
    const records: StepRecord[] = [];
    // Removed resources carry their URN: their state goes with them.
    const pendingDeletes: { type: ExecutedType; name: string; inputs: Record<string, unknown>; urn?: string }[] = [];
    let error: string | undefined;

    for (const step of steps) {
        if (step.action === "delete") {
            pendingDeletes.push({ type: step.type, name: step.name, inputs: step.inputs, urn: step.urn });
            continue;
        }
        if (error !== undefined) {
            if (step.action !== "same") records.push({ name: step.name, type: step.type, action: step.action, changed: step.changed, status: "skipped", seconds: 0 });
            continue;
        }
        if (step.action === "same") {
            records.push({ name: step.name, type: step.type, action: "same", changed: [], status: "ok", seconds: 0 });
            continue;
        }
        const started = Date.now();
        try {
            if (step.action === "replace" && step.deleteBeforeReplace && step.old) await operator.delete(step.type, step.name, step.old.inputs);
            const result = step.action === "update" ? await operator.update(step) : await operator.create(step);
            next[step.urn] = { type: step.type, name: step.name, inputs: step.inputs, outputs: { stdout: result.stdout, stderr: result.stderr } };
            if (step.action === "replace" && !step.deleteBeforeReplace && step.old) pendingDeletes.push({ type: step.type, name: step.name, inputs: step.old.inputs });
            records.push({ name: step.name, type: step.type, action: step.action, changed: step.changed, status: "ok", seconds: (Date.now() - started) / 1000 });
        } catch (e) {
            error = `${step.name}: ${(e as Error).message}`;
            records.push({
                name: step.name,
                type: step.type,
                action: step.action,
                changed: step.changed,
                status: "failed",
                seconds: (Date.now() - started) / 1000,
                error: (e as Error).message,
            });
        }
    }
    if (error === undefined) {
        for (const d of pendingDeletes) {
            await operator.delete(d.type, d.name, d.inputs);
            if (d.urn) delete next[d.urn];
        }
    }
    return { ok: error === undefined, steps: records, state: { resources: next }, error };
}
