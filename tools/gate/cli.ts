/**
 * The offline policy gate: runs the real program for one stack under mocks (no cloud, no
 * credentials), serves the real policy pack as the Pulumi CLI does, and reports every violation.
 *
 *   npm run check -- --stack dev [--json] [--config KEY=VALUE]... [--plant FILE]
 *
 * Exits 1 on a mandatory violation, 2 when the program itself fails (bad configuration, say).
 * `--plant FILE` adds or changes resources before analysis (JSON: { add: [...], patch: [...] }), to
 * prove the gate catches what it should.
 */
import * as fs from "fs";
import * as path from "path";
import { STACK_NAMES, stackFilePath } from "../stackFiles";
import { RecordedResource, SECRET_SIG, isSecret, runProgram } from "../programRunner";
import { startPolicyPack, Violation } from "./policyPack";

interface Plant {
    /** Resources to add: type, name, inputs, and optionally parent and dependencies (URNs). */
    readonly add?: Array<Pick<RecordedResource, "type" | "name" | "inputs"> & Partial<RecordedResource>>;
    /** Inputs to merge into existing resources, by name. */
    readonly patch?: Array<{ readonly name: string; readonly inputs: Record<string, unknown> }>;
}

function usage(message: string): never {
    process.stderr.write(`${message}\nusage: npm run check -- --stack <dev|uat|prod> [--json] [--config KEY=VALUE]... [--plant FILE]\n`);
    process.exit(2);
}

function parseArgs(argv: string[]): { stack: string; json: boolean; plant?: string; config: Record<string, string> } {
    let stack: string | undefined;
    let json = false;
    let plant: string | undefined;
    const config: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--json") json = true;
        else if (arg === "--stack" || arg === "-s") stack = argv[++i];
        else if (arg.startsWith("--stack=")) stack = arg.slice("--stack=".length);
        else if (arg === "--plant") plant = argv[++i];
        else if (arg === "--config") {
            const [key, ...value] = (argv[++i] ?? "").split("=");
            if (!key || value.length === 0) usage("--config takes KEY=VALUE, e.g. projectmeats:dbNodeCount=2");
            config[key.includes(":") ? key : `projectmeats:${key}`] = value.join("=");
        } else usage(`unknown argument ${arg}`);
    }
    if (!stack) usage("--stack is required");
    if (!fs.existsSync(stackFilePath(stack))) usage(`no stack file ${path.basename(stackFilePath(stack))}: the stacks are ${STACK_NAMES.join(", ")}`);
    return { stack, json, plant, config };
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

/** Inputs with every secret replaced by "[secret]". */
export function redact(value: unknown): unknown {
    if (isSecret(value)) return "[secret]";
    if (Array.isArray(value)) return value.map(redact);
    if (typeof value === "object" && value !== null)
        return Object.fromEntries(
            Object.entries(value)
                .filter(([k]) => k !== SECRET_SIG)
                .map(([k, v]) => [k, redact(v)]),
        );
    return value;
}

function tree(resources: readonly RecordedResource[]): string[] {
    const children = new Map<string, RecordedResource[]>();
    for (const r of resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    const lines: string[] = [];
    const visit = (parent: string, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            lines.push(`${"  ".repeat(depth)}${r.type} ${r.name}`);
            visit(r.urn, depth + 1);
        }
    };
    const urns = new Set(resources.map((r) => r.urn));
    for (const root of [...children.keys()].filter((p) => !urns.has(p))) visit(root, 0);
    return lines;
}

async function main(): Promise<void> {
    const args = parseArgs(process.argv.slice(2));
    const run = await runProgram(args.stack, { config: args.config });
    if (run.error) {
        process.stderr.write(`The program failed for stack ${args.stack}:\n${run.error.message}\n`);
        process.exit(2);
    }
    const resources = args.plant ? plantViolations(run.resources, JSON.parse(fs.readFileSync(args.plant, "utf8")) as Plant, args.stack) : run.resources;
    const pack = await startPolicyPack();
    let violations: Violation[];
    try {
        violations = await pack.analyzeStack(resources);
    } finally {
        await pack.stop();
    }
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory");
    if (args.json) {
        const report = {
            stack: args.stack,
            resources: resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, parent: r.parent, inputs: redact(r.inputs), dependencies: r.dependencies })),
            violations,
        };
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
        const out = [`Stack ${args.stack}: ${resources.length} resources`, ...tree(resources), ""];
        out.push(violations.length === 0 ? "No policy violations." : `${violations.length} policy violation(s):`);
        for (const v of violations) out.push(`  [${v.enforcementLevel}] ${v.policy}: ${v.message}${v.urn ? `\n      at ${v.urn}` : ""}`);
        process.stdout.write(`${out.join("\n")}\n`);
    }
    process.exit(mandatory.length > 0 ? 1 : 0);
}

if (require.main === module) void main();
