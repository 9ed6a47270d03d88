/**
 * From the CLI's raw strings to typed values.
 *
 * The Pulumi CLI hands the program every configuration value as a string keyed
 * `projectmeats:<key>`. `readValues` reports keys that are not declared, converts each declared key
 * to its type in `keys.ts` (applying defaults), and returns one typed record for the section
 * validators to read.
 */
import { CONFIG_KEYS, CONFIG_KEY_NAMES, ConfigKey, ConfigKeySpec, ConfigKeyType } from "./keys";
import { CONFIG_NAMESPACE, Problems, Typed, fullKey, suggestKey } from "./problems";

type TypeOf<T extends ConfigKeyType> = T extends "string" ? string : T extends "integer" ? number : T extends "boolean" ? boolean : readonly string[];

/**
 * Every declared key as its declared type, defaults applied. A key is undefined when it is missing
 * or its value could not be converted; that problem is already reported.
 */
export type ConfigValues = { readonly [K in ConfigKey]?: TypeOf<(typeof CONFIG_KEYS)[K]["type"]> };

/**
 * Keys whose default is "" treat the empty string as not set (their descriptions say so): "" becomes
 * undefined, so a fallback can follow with `??`.
 */
export function unsetIfEmpty(value: string | undefined): string | undefined {
    return value === "" ? undefined : value;
}

/** Reports every `projectmeats:` key that is not declared, suggesting the likely intended one. */
export function reportUnknownKeys(raw: Readonly<Record<string, string>>, problems: Problems): void {
    for (const key of Object.keys(raw)) {
        if (!key.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
        const short = key.slice(CONFIG_NAMESPACE.length + 1);
        if (short in CONFIG_KEYS) continue;
        const suggestion = suggestKey(short);
        problems.add(key, raw[key], `no such key; ${suggestion ? `did you mean ${fullKey(suggestion)}?` : "see the configuration reference in README.md"}`);
    }
}

/** Converts the CLI's string form of one key to its declared type, or records why it cannot. */
export function typedValue(spec: ConfigKeySpec, key: string, raw: string | undefined, problems: Problems): Typed | undefined {
    if (raw === undefined) {
        if (spec.default === undefined) {
            problems.add(key, undefined, `${spec.description} (set it with \`pulumi config set ${key} <value>\`)`);
        }
        return spec.default;
    }
    switch (spec.type) {
        case "string":
            return raw;
        case "integer":
            if (/^-?\d+$/.test(raw.trim())) return Number(raw.trim());
            problems.add(key, raw, "a whole number");
            return undefined;
        case "boolean":
            if (raw === "true" || raw === "false") return raw === "true";
            problems.add(key, raw, "true or false");
            return undefined;
        case "array": {
            let parsed: unknown;
            try {
                parsed = JSON.parse(raw);
            } catch {
                parsed = undefined;
            }
            if (Array.isArray(parsed) && parsed.every((item) => typeof item === "string")) return parsed as string[];
            problems.add(key, raw, "a YAML list of strings, e.g. [a, b]");
            return undefined;
        }
    }
}

/**
 * Reports unknown keys, then converts every declared key in the order `keys.ts` declares them.
 *
 * @param raw every configuration value the CLI passes, keyed `projectmeats:<key>` (others are ignored).
 */
export function readValues(raw: Readonly<Record<string, string>>, problems: Problems): ConfigValues {
    reportUnknownKeys(raw, problems);
    const values: Partial<Record<ConfigKey, Typed>> = {};
    for (const name of CONFIG_KEY_NAMES) {
        values[name] = typedValue(CONFIG_KEYS[name], name, raw[fullKey(name)], problems);
    }
    // typedValue returns each key's declared type (keys.ts declares the default with the same type).
    return values as ConfigValues;
}
