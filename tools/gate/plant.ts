/**
 * Plant files (`npm run check -- --plant FILE`): resources to add, or inputs to change in the program's
 * own resources, before analysis — to see a policy fire. A plant file that is missing, not JSON, or
 * not shaped like one is refused with every problem, each naming the file.
 *
 *   { "add": [{ "type": "command:remote:Command", "name": "planted", "inputs": { … } }],
 *     "patch": [{ "name": "database-prod-firewall", "inputs": { … } }] }
 */
import * as fs from "fs";
import type { RecordedResource } from "../programRunner";

export interface Plant {
    /** Resources to add: type, name, inputs, and optionally parent and dependencies (URNs). */
    readonly add?: Array<Pick<RecordedResource, "type" | "name" | "inputs"> & Partial<RecordedResource>>;
    /** Inputs to merge into existing resources, by name. */
    readonly patch?: Array<{ readonly name: string; readonly inputs: Record<string, unknown> }>;
}

/** Thrown for a plant file that cannot be used; every message names the file. */
export class PlantError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(problems.join("\n"));
        this.name = "PlantError";
    }
}

const ADD_KEYS = ["type", "name", "inputs", "parent", "dependencies"];
const PATCH_KEYS = ["name", "inputs"];
/** A Pulumi type token: `package:module:Type`. */
const TYPE_TOKEN = /^[A-Za-z][\w-]*:[\w/-]*:[A-Za-z][\w]*$/;

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What is wrong with a parsed plant file's shape; empty when it is a plant. */
export function plantShapeProblems(value: unknown): string[] {
    if (!isObject(value)) return [`expected an object with "add" and/or "patch" lists, got ${Array.isArray(value) ? "a list" : JSON.stringify(value)}`];
    const problems: string[] = [];
    for (const key of Object.keys(value).filter((k) => k !== "add" && k !== "patch")) problems.push(`${key}: unknown key; a plant file has "add" and "patch"`);
    const list = (key: "add" | "patch", allowed: string[], check: (item: Record<string, unknown>, at: string) => void) => {
        const items = value[key];
        if (items === undefined) return;
        if (!Array.isArray(items)) {
            problems.push(`${key}: expected a list, got ${JSON.stringify(items)}`);
            return;
        }
        items.forEach((item, i) => {
            const at = `${key}[${i}]`;
            if (!isObject(item)) {
                problems.push(`${at}: expected an object with ${allowed.slice(0, key === "add" ? 3 : 2).join(", ")}`);
                return;
            }
            for (const k of Object.keys(item).filter((k) => !allowed.includes(k))) problems.push(`${at}.${k}: unknown key; expected ${allowed.join(", ")}`);
            if (key === "add" && (typeof item.type !== "string" || !TYPE_TOKEN.test(item.type)))
                problems.push(`${at}.type: expected a resource type token such as "command:remote:Command", got ${JSON.stringify(item.type) ?? "nothing"}`);
            if (typeof item.name !== "string" || item.name === "") problems.push(`${at}.name: expected a resource name, got ${JSON.stringify(item.name) ?? "nothing"}`);
            if (!isObject(item.inputs)) problems.push(`${at}.inputs: expected an object of input properties, got ${JSON.stringify(item.inputs) ?? "nothing"}`);
            check(item, at);
        });
    };
    list("add", ADD_KEYS, (item, at) => {
        if (item.parent !== undefined && typeof item.parent !== "string") problems.push(`${at}.parent: expected the parent's URN, got ${JSON.stringify(item.parent)}`);
        if (item.dependencies !== undefined && !(Array.isArray(item.dependencies) && item.dependencies.every((d) => typeof d === "string")))
            problems.push(`${at}.dependencies: expected a list of URNs, got ${JSON.stringify(item.dependencies)}`);
    });
    list("patch", PATCH_KEYS, () => undefined);
    return problems;
}

/** Reads and checks a plant file. @throws PlantError naming the file. */
export function readPlant(file: string): Plant {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder, not a file" : `cannot be read (${code ?? (e as Error).message})`;
        throw new PlantError([`--plant ${file}: ${why}`]);
    }
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (e) {
        throw new PlantError([`--plant ${file}: not valid JSON: ${(e as Error).message}`]);
    }
    const problems = plantShapeProblems(value);
    if (problems.length > 0) throw new PlantError(problems.map((p) => `--plant ${file}: ${p}`));
    return value as Plant;
}

/** Patches naming no resource of the stack: a plant that would silently change nothing. */
export function unknownPatchTargets(resources: readonly RecordedResource[], plant: Plant, stack: string, file: string): string[] {
    const names = new Set(resources.map((r) => r.name));
    return (plant.patch ?? []).flatMap((p, i) => (names.has(p.name) ? [] : [`--plant ${file}: patch[${i}].name: no resource named ${JSON.stringify(p.name)} in stack ${stack}`]));
}

/** Applies a plant file to the recorded resources. */
export function plantViolations(resources: RecordedResource[], plant: Plant, stack: string): RecordedResource[] {
    const patched = resources.map((r) => {
        const change = plant.patch?.find((p) => p.name === r.name);
        return change ? { ...r, inputs: { ...r.inputs, ...change.inputs } } : r;
    });
    const added = (plant.add ?? []).map(
        (r): RecordedResource => ({
            urn: `urn:pulumi:${stack}::projectmeats::${r.type}::${r.name}`,
            id: `${r.name}-id`,
            parent: "",
            custom: true,
            dependencies: [],
            protect: false,
            ignoreChanges: [],
            replaceOnChanges: [],
            deleteBeforeReplace: false,
            additionalSecretOutputs: [],
            importId: "",
            ...r,
        }),
    );
    return [...patched, ...added];
}
