/**
 * The stacks this project deploys, and where each one's configuration lives.
 *
 * What differs between dev, uat and prod is data in `Pulumi.<stack>.yaml`; this module
 * only names the stacks so that tests, the offline policy gate and cross-stack checks
 * iterate over the same list, and reads a stack file the way the Pulumi CLI does — refusing,
 * with the file, line and column, what the CLI could not read.
 */
import * as fs from "fs";
import * as path from "path";
import { LineCounter, Node, Pair, Scalar, YAMLMap, isMap, isScalar, parseDocument } from "yaml";

/** The stacks that exist, in promotion order. */
export const STACK_NAMES = ["dev", "uat", "prod"] as const;
export type StackName = (typeof STACK_NAMES)[number];

/**
 * The stack `npm run rehearse` runs against a local stand-in droplet (rehearsal/); never
 * deployed, but held to the same configuration checks as the others.
 */
export const REHEARSAL_STACK = "rehearsal";

/** The folder that holds `Pulumi.yaml` and the stack files. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

/** The Pulumi project name, as declared in `Pulumi.yaml` (the configuration namespace). */
export const PROJECT_NAME = "projectmeats";

export function stackFilePath(stack: string): string {
    return path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`);
}

/** Every stack that has a stack file, deployed ones first in promotion order, then the others by name. */
export function stacksWithFiles(dir = PROJECT_DIR): string[] {
    const found = fs
        .readdirSync(dir)
        .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined);
    const deployed = STACK_NAMES.filter((stack) => found.includes(stack));
    return [...deployed, ...found.filter((stack) => !(STACK_NAMES as readonly string[]).includes(stack)).sort()];
}

/** What the CLI could not read in a stack file: where, and why. */
export interface StackFileProblem {
    /** The file's name, e.g. `Pulumi.dev.yaml`. */
    readonly file: string;
    /** 1-based line and column of the offending text. */
    readonly line: number;
    readonly column: number;
    readonly message: string;
}

export function formatStackFileProblem(problem: StackFileProblem): string {
    return `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`;
}

/** Thrown when a stack file cannot be read; lists every problem in it at once. */
export class StackFileError extends Error {
    constructor(readonly problems: readonly StackFileProblem[]) {
        super(
            `${problems[0].file} has ${problems.length === 1 ? "1 problem" : `${problems.length} problems`}; nothing was run or checked. Fix the file:\n` +
                problems.map((p) => `  - ${formatStackFileProblem(p)}`).join("\n"),
        );
        this.name = "StackFileError";
    }
}

export interface StackFile {
    /** Every plain value under `config:`, keyed by its full name, as the CLI hands it to the program. */
    readonly config: Record<string, string>;
    /** Keys whose value is `secure:` ciphertext: present and secret, readable only with the stack's secrets provider. */
    readonly secureKeys: string[];
    /**
     * Keys given with no value (`key:` alone, `~` or `null`). The CLI hands the program the text "null"
     * for them (pulumi/pulumi `sdk/go/common/resource/config/object.go`: a nil object marshals to JSON);
     * so does this reader, and the configuration loader treats that text as an empty value.
     */
    readonly emptyKeys: string[];
    /** The passphrase provider's salt (`encryptionsalt: v1:…`), when the file has one. */
    readonly encryptionSalt?: string;
}

/** The top-level keys of a stack file (pulumi/pulumi `sdk/go/common/workspace/project.go`, `ProjectStack`). */
export const STACK_FILE_KEYS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"] as const;

/**
 * Reads `Pulumi.<stack>.yaml` the way the Pulumi CLI hands it to a program: every value
 * under `config:` becomes a string keyed by its full name — strings as they are, numbers, booleans,
 * lists and maps as JSON, an empty value as "null". Values under `secure:` are returned in
 * `secureKeys` without a plain value.
 *
 * @param file another file to read instead, as the CLI's `--config-file` does.
 * @throws StackFileError naming the file, line and column of every problem: YAML the CLI cannot
 * parse (bad indentation, a tab, a duplicate key), or a file not shaped like a stack file.
 */
export function readStackFile(stack: string, file?: string): StackFile {
    // Named as given (`--config-file`), or by its name in the project folder.
    const shown = file ?? path.basename(stackFilePath(stack));
    let text: string;
    try {
        text = fs.readFileSync(file ?? stackFilePath(stack), "utf8");
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const message =
            code === "ENOENT" ? (file === undefined ? `no such file: the stacks are ${stacksWithFiles().join(", ")}` : "no such file") : `cannot be read (${code ?? String(e)})`;
        throw new StackFileError([{ file: shown, line: 1, column: 1, message }]);
    }
    return parseStackFile(text, shown);
}

/** `readStackFile` on text: pure, for tests. */
export function parseStackFile(text: string, file: string): StackFile {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
    const problems: StackFileProblem[] = [];
    const at = (offset: number | undefined, message: string) => {
        const { line, col } = lines.linePos(offset ?? 0);
        problems.push({ file, line, column: col, message });
    };
    // A tab throws the parser off for the rest of the block: the tabs are the problems to fix.
    const tabs = doc.errors.some((error) => error.code === "TAB_AS_INDENT");
    for (const error of doc.errors.filter((e) => !tabs || e.code === "TAB_AS_INDENT")) {
        // The yaml package appends " at line L, column C:" and an excerpt; the position is ours to print.
        const message = error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, "");
        const duplicate = error.code === "DUPLICATE_KEY" ? duplicateKeyAt(text, error.pos[0]) : undefined;
        let offset = error.pos[0];
        if (DEEPER.has(error.code)) {
            // Reported where the line above ends; the line to fix is the next one, at its first character.
            const next = text.indexOf("\n", offset);
            if (next >= 0) offset = next + 1 + (/^[ \t]*/.exec(text.slice(next + 1))?.[0].length ?? 0);
        }
        const { line } = lines.linePos(offset);
        if (problems.some((p) => p.line === line)) continue; // one answer per line
        at(offset, duplicate ? `${message}: ${duplicate} is given twice; keep one` : `${message}${YAML_HINTS[error.code] ?? ""}`);
    }
    if (problems.length > 0) throw new StackFileError(problems);

    const result: StackFile = { config: {}, secureKeys: [], emptyKeys: [] };
    const root = doc.contents;
    if (root === null || (isScalar(root) && root.value === null)) return result;
    if (!isMap(root)) {
        at(root.range?.[0], "expected a mapping with a config: block (config: then one indented namespace:key: value per line)");
        throw new StackFileError(problems);
    }
    let configMap: YAMLMap | undefined;
    let salt: string | undefined;
    for (const pair of root.items as Pair<Node, Node | null>[]) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === "config") {
            if (isMap(pair.value)) configMap = pair.value;
            else if (!isEmpty(pair.value)) at(pair.value?.range?.[0], "config: must be a mapping of namespace:key to value, e.g. projectmeats:region: nyc3");
        } else if (key === "encryptionsalt") {
            if (isScalar(pair.value) && typeof pair.value.value === "string") salt = pair.value.value;
            else at(offsetOf(pair), "encryptionsalt: must be the passphrase provider's salt string (v1:…), as `pulumi stack init` writes it");
        } else if (key === undefined || !(STACK_FILE_KEYS as readonly string[]).includes(key)) {
            const near = key === undefined ? undefined : STACK_FILE_KEYS.find((known) => editDistance(key.toLowerCase(), known) <= 2);
            at(offsetOf(pair), `unknown top-level key ${key ?? "(not a string)"}; ${near ? `did you mean ${near}? ` : ""}a stack file has ${STACK_FILE_KEYS.join(", ")}`);
        }
    }
    for (const pair of (configMap?.items ?? []) as Pair<Node, Node | null>[]) {
        if (!isScalar(pair.key) || typeof pair.key.value !== "string") {
            at(offsetOf(pair), "a configuration key must be a plain namespace:key string, e.g. projectmeats:region");
            continue;
        }
        const key = pair.key.value;
        const value = pair.value;
        if (value === null || isEmpty(value)) {
            result.config[key] = "null";
            result.emptyKeys.push(key);
        } else if (isMap(value) && value.items.length === 1 && isScalar(value.items[0].key) && value.items[0].key.value === "secure") {
            const ciphertext = (value.items[0] as Pair<Node, Node | null>).value;
            if (isScalar(ciphertext) && typeof ciphertext.value === "string" && ciphertext.value !== "") result.secureKeys.push(key);
            else at(ciphertext?.range?.[0] ?? offsetOf(pair), `${key}: secure: must hold the ciphertext \`pulumi config set --secret ${key} <value>\` writes`);
        } else if (isScalar(value)) {
            result.config[key] = scalarText(value);
        } else {
            result.config[key] = JSON.stringify(value.toJSON());
        }
    }
    if (problems.length > 0) throw new StackFileError(problems);
    return salt === undefined ? result : { ...result, encryptionSalt: salt };
}

/** Levenshtein distance, for suggesting a top-level key. */
function editDistance(a: string, b: string): number {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const next = [i];
        for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        row = next;
    }
    return row[b.length];
}

/** How to fix what the yaml package reports, by its error code. */
const YAML_HINTS: Record<string, string> = {
    TAB_AS_INDENT: ": indent with spaces",
    BAD_INDENT: ": indent every key under config: by the same number of spaces",
    BLOCK_AS_IMPLICIT_KEY: ": this line is indented deeper than the key above it; indent every key under config: by the same number of spaces",
    MULTILINE_IMPLICIT_KEY: ": this line is indented deeper than the key above it; indent every key under config: by the same number of spaces",
};
/** Errors the yaml package reports on the line above one indented too deep. */
const DEEPER = new Set(["BLOCK_AS_IMPLICIT_KEY", "MULTILINE_IMPLICIT_KEY"]);

function isEmpty(node: Node | null | undefined): boolean {
    return node === null || node === undefined || (isScalar(node) && node.value === null);
}

function offsetOf(pair: Pair<Node, Node | null>): number | undefined {
    return pair.key?.range?.[0];
}

/** A scalar as the CLI hands it to the program: strings as they are, numbers and booleans as JSON. */
function scalarText(node: Scalar): string {
    return typeof node.value === "string" ? node.value : JSON.stringify(node.value);
}

/** The key written at `offset` (where the yaml package reports a duplicate). */
function duplicateKeyAt(text: string, offset: number): string | undefined {
    const match = /^\s*(?:"([^"]*)"|'([^']*)'|([^:#\s][^:#\n]*?(?::[^\s:#][^:#\n]*?)*))\s*:(?:\s|$)/.exec(text.slice(offset));
    return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}
