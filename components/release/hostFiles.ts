/** Where the release chain keeps its files on a droplet, and the scripts it ships there. */
import * as crypto from "crypto";
import * as fs from "fs";
import type { Service } from "../../model/services";
import { APP_ROOT, SCRIPT_DIR } from "../../model/layout";
import { DROPLET_SCRIPTS_DIR, fromProgramDir } from "../../model/paths";
import * as path from "path";

/**
 * The scripts shipped to every droplet, from `host/droplet/` in this repository. `db-rights.py` runs
 * inside the backend image (db-rights.sh hands it over as `python -c`).
 */
export const HOST_SCRIPTS = ["lib.sh", "health-check.sh", "migrate.sh", "deploy.sh", "db-rights.sh", "db-rights.py"] as const;
export type HostScript = (typeof HOST_SCRIPTS)[number];

export const REMOTE_SCRIPT_DIR = SCRIPT_DIR;

export function localScript(script: HostScript): string {
    return path.join(DROPLET_SCRIPTS_DIR, script);
}

/** The script's path as the engine reads a `FileAsset`: from the program's folder (see model/paths). */
export function scriptAssetPath(script: HostScript): string {
    return fromProgramDir(localScript(script));
}

export function remoteScript(script: HostScript): string {
    return `${REMOTE_SCRIPT_DIR}/${script}`;
}

/** SHA-256 of a script's content: a change re-ships it. */
export function scriptDigest(script: HostScript): string {
    return crypto
        .createHash("sha256")
        .update(fs.readFileSync(localScript(script)))
        .digest("hex");
}

/** The env file of a service on the host (mode 0600, written from stdin). */
export function envFilePath(service: Service): string {
    return `${APP_ROOT}/${service}.env`;
}

/**
 * Renders a Docker env file. Docker reads it line by line with no quoting, so a value holding a
 * newline would split into a second variable: refuse it rather than write a wrong file.
 */
export function renderEnvFile(variables: Readonly<Record<string, string>>): string {
    return Object.entries(variables)
        .map(([key, value]) => {
            if (!/^[A-Z_][A-Z0-9_]*$/.test(key)) throw new Error(`env file key must be UPPER_SNAKE_CASE, got ${JSON.stringify(key)}`);
            if (/[\r\n\0]/.test(value)) throw new Error(`env file value of ${key} must be one line`);
            return `${key}=${value}\n`;
        })
        .join("");
}

/** The SHA-256 of an env file's content, as `sha256sum` prints it: what deploy.sh compares. */
export function envFileDigest(content: string): string {
    return crypto.createHash("sha256").update(content, "utf8").digest("hex");
}
