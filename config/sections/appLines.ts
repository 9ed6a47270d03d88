/** `NAME=value` lines of the app section (environment, frontend configuration): parsing and merging. */
import { Problems } from "../problems";

/** One environment variable or frontend setting: its name and its value, which may hold placeholders. */
export interface EnvLine {
    readonly name: string;
    readonly value: string;
}

export const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
export const FRONTEND_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const ONE_LINE = /^[^\r\n\0]*$/;
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Parses `NAME=value` lines, reporting each bad one with its key. `placeholders` are the `{name}`s a
 * value may hold (none for literal lines); `shown` replaces the line in messages when it is secret.
 */
export function envLines(
    problems: Problems,
    key: string,
    lines: readonly string[] | undefined,
    rule: { name: RegExp; nameForm: string; placeholders: readonly string[]; shown?: string },
): EnvLine[] {
    const parsed: EnvLine[] = [];
    const seen = new Set<string>();
    for (const line of lines ?? []) {
        const shown = rule.shown ?? line;
        const equals = line.indexOf("=");
        const name = equals < 0 ? "" : line.slice(0, equals);
        const value = equals < 0 ? "" : line.slice(equals + 1);
        if (equals < 0 || !rule.name.test(name)) {
            problems.add(key, shown, `a ${rule.nameForm}=value line`);
            continue;
        }
        if (!ONE_LINE.test(value)) {
            problems.add(key, shown, `a value on one line for ${name} (an env file holds one variable per line)`);
            continue;
        }
        const unknown = [...value.matchAll(PLACEHOLDER)].map((m) => m[1]).filter((p) => !rule.placeholders.includes(p));
        if (unknown.length > 0) {
            const allowed = rule.placeholders.length === 0 ? "no placeholders" : `only the placeholders ${rule.placeholders.map((p) => `{${p}}`).join(", ")}`;
            problems.add(key, shown, `${allowed}; {${unknown[0]}} is not one`);
            continue;
        }
        if (seen.has(name)) {
            problems.add(key, shown, `each name once; ${name} is given again`);
            continue;
        }
        seen.add(name);
        parsed.push({ name, value });
    }
    return parsed;
}

/** appEnv, then appExtraEnv: a name given again replaces the earlier line where it stood. */
export function mergeEnv(base: readonly EnvLine[], extra: readonly EnvLine[]): EnvLine[] {
    const merged = [...base];
    for (const line of extra) {
        const at = merged.findIndex((l) => l.name === line.name);
        if (at >= 0) merged[at] = line;
        else merged.push(line);
    }
    return merged;
}
