/**
 * From the CLI's raw strings to typed values.
 *
 * The Pulumi CLI hands the program every configuration value as a string keyed
 * `<namespace>:<key>`. `readValues` reports keys the program does not read (unknown namespaces and
 * keys, with a suggestion), converts each declared key to its type in `keys.ts` (applying defaults;
 * an empty value is "not set" only where the default is empty; a list gives each entry once), and
 * returns one typed record for the section validators to read.
 */
import * as digitalocean from "@pulumi/digitalocean";
import * as docker from "@pulumi/docker";
import * as github from "@pulumi/github";
import * as tls from "@pulumi/tls";
import { CONFIG_KEYS, CONFIG_KEY_NAMES, ConfigKey, ConfigKeySpec, ConfigKeyType } from "./keys";
import { CONFIG_NAMESPACE, Problems, Typed, editDistance, fullKey, suggestKey, suggestName } from "./problems";

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

/**
 * The CLI's text for an empty value in a stack file (`key:` with nothing after it, `~` or `null`): the
 * CLI marshals the nil object to JSON (pulumi/pulumi `sdk/go/common/resource/config/object.go`).
 */
export const EMPTY_VALUE = "null";

/** How a secret value is shown in a problem: never. */
export const SECRET_SHOWN = "(secret, not shown)";

/**
 * The other namespaces a stack file may set, with their keys: the providers this program uses, each
 * provider's keys as its SDK declares them (`<provider>.config`). `pulumi:` keys configure the engine
 * and are left to it.
 */
export const PROVIDER_KEYS: Readonly<Record<string, readonly string[]>> = {
    digitalocean: Object.keys(digitalocean.config),
    github: Object.keys(github.config),
    docker: Object.keys(docker.config),
    tls: Object.keys(tls.config),
    command: [],
    random: [],
};
const ENGINE_NAMESPACE = "pulumi";
const NAMESPACES = [CONFIG_NAMESPACE, ...Object.keys(PROVIDER_KEYS), ENGINE_NAMESPACE];

/**
 * Reports every key the program does not read, with the likely intended one: a key without a
 * namespace, a namespace no provider of this program has, a `projectmeats:` key that is not declared,
 * or a provider key its SDK does not declare. Secret values are not shown.
 */
export function reportUnknownKeys(raw: Readonly<Record<string, string>>, problems: Problems, secretKeys: readonly string[] = []): void {
    const refer = "see the configuration reference in README.md";
    for (const key of Object.keys(raw)) {
        const shown = secretKeys.includes(key) ? SECRET_SHOWN : raw[key];
        const colon = key.indexOf(":");
        if (colon < 0) {
            const suggestion = suggestKey(key);
            problems.list.push({ key, value: shown, expected: `a key with its namespace, e.g. ${fullKey(suggestion ?? "region")}: every key in a stack file is namespace:key` });
            continue;
        }
        const [namespace, name] = [key.slice(0, colon), key.slice(colon + 1)];
        if (namespace === CONFIG_NAMESPACE) {
            if (name in CONFIG_KEYS) continue;
            const suggestion = suggestKey(name);
            problems.add(key, shown, `no such key; ${suggestion ? `did you mean ${fullKey(suggestion)}?` : refer}`);
        } else if (namespace === ENGINE_NAMESPACE) {
            continue;
        } else if (namespace in PROVIDER_KEYS) {
            const known = PROVIDER_KEYS[namespace];
            if (known.includes(name)) continue;
            const suggestion = suggestName(name, known);
            problems.list.push({
                key,
                value: secretKeys.includes(key) ? SECRET_SHOWN : "(not shown)",
                expected: `a key of the ${namespace} provider${known.length > 0 ? ` (${known.join(", ")})` : ", which takes none"}${suggestion ? `; did you mean ${namespace}:${suggestion}?` : ""}`,
            });
        } else {
            // Namespaces are short: suggest one only for a slip of a letter or two (not aws → tls).
            const candidate = suggestName(namespace, NAMESPACES);
            const near = candidate !== undefined && editDistance(namespace.toLowerCase(), candidate) <= Math.max(1, Math.floor(candidate.length / 4)) ? candidate : undefined;
            const nearKey = near === CONFIG_NAMESPACE ? suggestKey(name) : near !== undefined && near in PROVIDER_KEYS ? suggestName(name, PROVIDER_KEYS[near]) : undefined;
            problems.list.push({
                key,
                value: shown,
                expected: `a namespace this program reads (${NAMESPACES.join(", ")})${near ? `; did you mean ${near}:${nearKey ?? name}?` : ""}`,
            });
        }
    }
}

/** Reports every entry a list gives twice, compared without case (GitHub compares names so). */
function reportRepeats(key: string, list: readonly string[], problems: Problems, secret: boolean): void {
    const seen = new Map<string, string>();
    for (const item of list) {
        const first = seen.get(item.toLowerCase());
        if (first === undefined) {
            seen.set(item.toLowerCase(), item);
        } else if (secret) {
            problems.add(key, SECRET_SHOWN, "each entry once: an entry is given twice");
        } else {
            problems.add(key, item, `each entry once: ${JSON.stringify(item)} repeats ${JSON.stringify(first)}${first === item ? "" : " (compared without case)"}`);
        }
    }
}

/** Converts the CLI's string form of one key to its declared type, or records why it cannot. */
export function typedValue(spec: ConfigKeySpec, key: string, raw: string | undefined, problems: Problems, secret = false): Typed | undefined {
    if (raw === undefined) {
        if (spec.default === undefined) {
            problems.add(key, undefined, `${spec.description} (set it with \`pulumi config set ${key} <value>\`)`);
        }
        return spec.default;
    }
    if (raw === EMPTY_VALUE) {
        // Empty means "not set" only where the default is itself empty.
        const unset = spec.default === "" || (Array.isArray(spec.default) && spec.default.length === 0);
        if (unset) return spec.default;
        if (spec.default === undefined) {
            problems.addEmpty(key, `${spec.description} (give it a value, or set it with \`pulumi config set ${key} <value>\`)`);
        } else {
            const form = { string: "a value", integer: "a whole number", boolean: "true or false", array: "a YAML list of strings, e.g. [a, b]" }[spec.type];
            problems.addEmpty(key, `${form}, or no line at all for the default, ${JSON.stringify(spec.default)}`);
        }
        return undefined;
    }
    const shown = secret ? SECRET_SHOWN : raw;
    switch (spec.type) {
        case "string":
            return raw;
        case "integer":
            if (/^-?\d+$/.test(raw.trim())) return Number(raw.trim());
            problems.add(key, shown, "a whole number");
            return undefined;
        case "boolean":
            if (raw === "true" || raw === "false") return raw === "true";
            problems.add(key, shown, "true or false");
            return undefined;
        case "array": {
            let parsed: unknown;
            try {
                parsed = JSON.parse(raw);
            } catch {
                parsed = undefined;
            }
            if (Array.isArray(parsed) && parsed.every((item) => typeof item === "string")) {
                reportRepeats(key, parsed as string[], problems, secret);
                return parsed as string[];
            }
            problems.add(key, shown, "a YAML list of strings, e.g. [a, b]");
            return undefined;
        }
    }
}

/**
 * Reports unknown keys, then converts every declared key in the order `keys.ts` declares them.
 *
 * @param raw every configuration value the CLI passes, keyed `<namespace>:<key>`.
 * @param secretKeys the keys whose values are secret: never shown in a problem.
 */
export function readValues(raw: Readonly<Record<string, string>>, problems: Problems, secretKeys: readonly string[] = []): ConfigValues {
    reportUnknownKeys(raw, problems, secretKeys);
    const values: Partial<Record<ConfigKey, Typed>> = {};
    for (const name of CONFIG_KEY_NAMES) {
        values[name] = typedValue(CONFIG_KEYS[name], name, raw[fullKey(name)], problems, secretKeys.includes(fullKey(name)));
    }
    // typedValue returns each key's declared type (keys.ts declares the default with the same type).
    return values as ConfigValues;
}
