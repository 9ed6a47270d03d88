/**
 * The stacks this project deploys, and where each one's configuration lives.
 *
 * What differs between dev, uat and prod is data in `Pulumi.<stack>.yaml`; this module
 * only names the stacks so that tests, the offline policy gate and cross-stack checks
 * iterate over the same list.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

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

/**
 * Reads `Pulumi.<stack>.yaml` the way the Pulumi CLI hands it to a program: every value
 * under `config:` becomes a string (lists and maps as JSON), keyed by its full name.
 * Values under `secure:` are returned in `secureKeys` without a plain value.
 */
export function readStackFile(stack: string): { config: Record<string, string>; secureKeys: string[] } {
    const doc = parse(fs.readFileSync(stackFilePath(stack), "utf8")) as { config?: Record<string, unknown> } | null;
    const config: Record<string, string> = {};
    const secureKeys: string[] = [];
    for (const [key, value] of Object.entries(doc?.config ?? {})) {
        if (value !== null && typeof value === "object" && "secure" in (value as object)) {
            secureKeys.push(key);
            continue;
        }
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return { config, secureKeys };
}
