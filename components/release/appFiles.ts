/**
 * The files a release writes for the app from its contract: the backend's env file under the names the
 * app reads, the frontend's runtime configuration, the database URL the app connects with, and the
 * digests that make a changed file swap in a new container. Pure functions.
 */
import * as crypto from "crypto";
import { renderEnvFile } from "./hostFiles";

/** One environment variable or frontend setting; its value may hold `{placeholder}`s. */
export interface TemplateLine {
    readonly name: string;
    readonly value: string;
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replaces each `{name}` with its value; a placeholder without a value is an error, never left as text. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
    return template.replace(PLACEHOLDER, (_, name: string) => {
        const value = values[name];
        if (value === undefined) throw new Error(`no value for the placeholder {${name}}`);
        return value;
    });
}

/**
 * The backend's env file: the contract's lines with their placeholders filled, then the secret lines
 * as they are. Secret: it holds the signing key, the database URL and passwords.
 */
export function renderBackendEnv(lines: readonly TemplateLine[], values: Readonly<Record<string, string>>, secretLines: readonly TemplateLine[] = []): string {
    const variables: Record<string, string> = {};
    for (const line of lines) variables[line.name] = fillTemplate(line.value, values);
    for (const line of secretLines) variables[line.name] = line.value;
    return renderEnvFile(variables);
}

/**
 * The frontend's runtime configuration file, `window.ENV = {...};`, as ProjectMeats' frontend reads it
 * (Meats-Central/ProjectMeats `frontend/public/env-config.js`, `frontend/docker-entrypoint.sh`). The
 * values are JSON strings, so no value can end the statement.
 */
export function renderFrontendConfig(lines: readonly TemplateLine[], values: Readonly<Record<string, string>>): string {
    const settings = Object.fromEntries(lines.map((line) => [line.name, fillTemplate(line.value, values)]));
    return `window.ENV = ${JSON.stringify(settings, null, 2)};\n`;
}

/**
 * The app's `DATABASE_URL` with the server's identity checked: `sslmode=verify-full` against the
 * cluster's CA certificate at `caPath` (libpq, "SSL Support": verify-full checks the chain and that the
 * host name matches the certificate; `require` checks neither). ProjectMeats reads it through
 * `dj_database_url`, which passes query parameters on to the driver as connection options.
 */
export function verifiedDatabaseUrl(url: string, caPath: string): string {
    const parsed = new URL(url);
    if (parsed.protocol !== "postgresql:" && parsed.protocol !== "postgres:") throw new Error(`not a PostgreSQL URL: ${parsed.protocol}`);
    parsed.searchParams.set("sslmode", "verify-full");
    parsed.searchParams.set("sslrootcert", caPath);
    return parsed.toString();
}

/**
 * SHA-256 over the contents a container is started with (env file, read-only files), in order and
 * separated: a change to any of them replaces the service's deploy and health steps.
 */
export function contentDigest(...contents: readonly string[]): string {
    const hash = crypto.createHash("sha256");
    contents.forEach((content, i) => hash.update(i === 0 ? content : `\0${content}`, "utf8"));
    return hash.digest("hex");
}
