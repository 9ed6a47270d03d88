/** What the gate answers: the text a person reads, or one JSON document; the same facts in both. */
import { RecordedResource, SECRET_SIG, isSecret } from "../programRunner";
import type { Violation } from "./policyPack";

/** One bad input or failure. The fields present say where: a file position, a stack's key, or both. */
export interface GateError {
    readonly kind: "arguments" | "stack-file" | "configuration" | "program" | "plant" | "cross-stack" | "policy-pack" | "gate";
    readonly message: string;
    readonly stacks?: readonly string[];
    readonly file?: string;
    readonly line?: number;
    readonly column?: number;
    readonly key?: string;
    /** The value as given (secrets are never shown); null when the key is missing. */
    readonly value?: string | null;
    readonly expected?: string;
}

/** A group of errors with the text that explains them together (a stack file's, a stack's configuration's). */
export interface GateFailure {
    readonly text: string;
    readonly errors: readonly GateError[];
}

/** Something true of a stack that the gate could not check, said so that nobody assumes it did. */
export interface GateNote {
    readonly stack: string;
    readonly key: string;
    readonly message: string;
}

export interface StackReport {
    readonly stack: string;
    readonly resources: readonly RecordedResource[];
    readonly violations: readonly Violation[];
}

export interface GateReport {
    readonly all: boolean;
    /** The stacks asked for (empty when the command line named none). */
    readonly requested: readonly string[];
    readonly exitCode: 0 | 1 | 2;
    readonly failures: readonly GateFailure[];
    readonly notes: readonly GateNote[];
    readonly stacks: readonly StackReport[];
}

/** 2 for any bad input or failure, 1 for a mandatory violation, else 0. */
export function exitCodeOf(failures: readonly GateFailure[], stacks: readonly StackReport[]): 0 | 1 | 2 {
    if (failures.length > 0) return 2;
    return stacks.some((s) => s.violations.some((v) => v.enforcementLevel === "mandatory")) ? 1 : 0;
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

export function tree(resources: readonly RecordedResource[]): string[] {
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

function stackText(report: StackReport, notes: readonly GateNote[]): string[] {
    const out = [`Stack ${report.stack}: ${report.resources.length} resources`, ...tree(report.resources), ""];
    for (const note of notes.filter((n) => n.stack === report.stack)) out.push(`Note: ${note.key} ${note.message}`);
    out.push(report.violations.length === 0 ? "No policy violations." : `${report.violations.length} policy violation(s):`);
    for (const v of report.violations) out.push(`  [${v.enforcementLevel}] ${v.policy}: ${v.message}${v.urn ? `\n      at ${v.urn}` : ""}`);
    return out;
}

/** The text answer: the stacks' trees and violations on stdout, every failure on stderr. */
export function renderText(report: GateReport): { stdout: string; stderr: string } {
    const sections = report.stacks.map((s) => stackText(s, report.notes).join("\n"));
    if (report.all && report.stacks.length > 0) {
        const count = report.stacks.reduce((n, s) => n + s.violations.length, 0);
        const verdict = report.failures.length > 0 ? "see the problems above" : count === 0 ? "no policy violations" : `${count} policy violation(s)`;
        sections.push(`Checked ${report.stacks.length} stacks (${report.stacks.map((s) => s.stack).join(", ")}): ${verdict}.`);
    }
    return {
        stdout: sections.length > 0 ? `${sections.join("\n\n")}\n` : "",
        stderr: report.failures.map((f) => `${f.text}\n`).join(""),
    };
}

function resourceJson(r: RecordedResource): Record<string, unknown> {
    return { type: r.type, name: r.name, urn: r.urn, parent: r.parent, inputs: redact(r.inputs), dependencies: r.dependencies };
}

/** The JSON answer: always one document, errors included. One stack keeps `stack`, `resources` and `violations` at the top. */
export function renderJson(report: GateReport): string {
    const errors = report.failures.flatMap((f) => f.errors);
    const common = { exitCode: report.exitCode, errors, notes: report.notes };
    const stacks = report.stacks.map((s) => ({ stack: s.stack, resources: s.resources.map(resourceJson), violations: s.violations }));
    const document = report.all
        ? { ...common, stacks }
        : { stack: report.requested[0] ?? null, ...common, resources: stacks[0]?.resources ?? [], violations: stacks[0]?.violations ?? [] };
    return `${JSON.stringify(document, null, 2)}\n`;
}
