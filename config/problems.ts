/**
 * Configuration problems: how they are collected, worded and thrown.
 *
 * Every validator adds to one `Problems` collector; `parseStackConfig` throws a single
 * `ConfigValidationError` listing them all, each naming the stack, the key, the value given and the
 * form expected.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEY_NAMES, ConfigKey } from "./keys";

export const CONFIG_NAMESPACE = "projectmeats";

/** A configuration value after conversion to its declared type. */
export type Typed = string | number | boolean | readonly string[];

export interface ConfigProblem {
    readonly key: string;
    /** The value as given, or undefined when the key is missing. */
    readonly value: string | undefined;
    readonly expected: string;
    /** True when the stack file gives the key an empty value (`key:` with nothing after it). */
    readonly empty?: boolean;
}

/** Collects problems in the order they are found; that order is the order of the error message. */
export class Problems {
    readonly list: ConfigProblem[] = [];
    add(key: string, value: Typed | undefined, expected: string): void {
        const shown = value === undefined ? undefined : typeof value === "string" ? value : JSON.stringify(value);
        this.list.push({ key: fullKey(key), value: shown, expected });
    }
    /** A key the stack file gives an empty value. */
    addEmpty(key: string, expected: string): void {
        this.list.push({ key: fullKey(key), value: "", expected, empty: true });
    }
}

/** Thrown before any resource is declared; lists every problem in the stack's configuration. */
export class ConfigValidationError extends pulumi.RunError {
    constructor(
        readonly stack: string,
        readonly problems: readonly ConfigProblem[],
    ) {
        super(formatProblems(stack, problems));
        this.name = "ConfigValidationError";
    }
}

export function formatProblem(stack: string, problem: ConfigProblem): string {
    const given = problem.empty ? "got an empty value" : problem.value === undefined ? "missing" : `got ${JSON.stringify(problem.value)}`;
    return `stack "${stack}", key ${problem.key}: ${given}; expected ${problem.expected}`;
}

export function formatProblems(stack: string, problems: readonly ConfigProblem[]): string {
    const count = problems.length === 1 ? "1 configuration problem" : `${problems.length} configuration problems`;
    return [
        `Stack "${stack}" has ${count}; nothing was created or changed. Fix them in Pulumi.${stack}.yaml or with \`pulumi config set --stack ${stack} <key> <value>\`:`,
        ...problems.map((problem) => `  - ${formatProblem(stack, problem)}`),
    ].join("\n");
}

/** `imageSha` → `projectmeats:imageSha`; a key that already names its namespace is kept. */
export function fullKey(key: string): string {
    return key.includes(":") ? key : `${CONFIG_NAMESPACE}:${key}`;
}

export function oneOf(values: readonly string[]): string {
    return `one of ${values.join(", ")}`;
}

export function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let diagonal = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const above = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
            diagonal = above;
        }
    }
    return row[b.length];
}

/**
 * The name closest to a mistyped one, when one is close enough to be a likely typo (compared without
 * case). A name that starts with what was typed comes first (`dbNode` → `dbNodeCount`), then the one
 * sharing the longest start with it when that is most of it (`dbNodes` → `dbNodeCount`, not `dbName`),
 * then the nearest by edit distance, up to 3.
 */
export function suggestName<T extends string>(unknown: string, names: readonly T[]): T | undefined {
    const typed = unknown.toLowerCase();
    if (typed === "" || names.length === 0) return undefined;
    const prefixed = names.filter((name) => name.toLowerCase().startsWith(typed) || typed.startsWith(name.toLowerCase()));
    if (prefixed.length === 1) return prefixed[0];
    const shared = (name: string) => {
        let n = 0;
        while (n < typed.length && n < name.length && typed[n] === name[n]) n++;
        return n;
    };
    const ranked = names
        .map((name) => ({ name, shared: shared(name.toLowerCase()), distance: editDistance(typed, name.toLowerCase()) }))
        .sort((a, b) => b.shared - a.shared || a.distance - b.distance);
    if (ranked[0].shared >= Math.max(3, Math.ceil(typed.length / 2))) return ranked[0].name;
    const nearest = [...ranked].sort((a, b) => a.distance - b.distance)[0];
    return nearest.distance <= 3 ? nearest.name : undefined;
}

/** The declared key closest to a mistyped one (`suggestName` over the declared keys). */
export function suggestKey(unknown: string): ConfigKey | undefined {
    return suggestName(unknown, CONFIG_KEY_NAMES);
}

/** Reports a whole number outside `min`..`max`; undefined (missing or not a number) is already reported. */
export function checkCount(problems: Problems, key: string, value: number | undefined, min: number, max: number): void {
    if (value !== undefined && (value < min || value > max)) problems.add(key, value, `a whole number from ${min} to ${max}`);
}
