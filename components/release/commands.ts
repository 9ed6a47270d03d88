/** The release chain's remote commands, rendered from argument arrays. */
import type { Service } from "../../model/services";
import { Command, and, render, toFile } from "../shell";
import { waitForCloudInit, writePrivateFileFromStdin, writePublicFileFromStdin } from "../server/hostCommands";
import { IN_ROTATION_DIR, IN_ROTATION_FILE, SERVICE_PORTS } from "../../model/layout";
import { envFilePath, remoteScript } from "./hostFiles";

/** A host file mounted read-only into a container, at `container` (often the same path). */
export interface MountedFile {
    readonly host: string;
    readonly container: string;
}

/** A host folder that outlives releases, mounted read-write at `container`. */
export interface PersistentFolder {
    readonly host: string;
    readonly container: string;
}

const mountArgs = (files: readonly MountedFile[] = []) => files.flatMap((file) => ["--mount-file", `${file.host}:${file.container}`]);

/** Writes a service's env file from stdin (0600). */
export function envFileCommand(service: Service): string {
    return render(and(waitForCloudInit(), writePrivateFileFromStdin(envFilePath(service))));
}

/** Writes a file that is not secret from stdin (0644), e.g. the database's CA certificate. */
export function publicFileCommand(path: string): string {
    return render(and(waitForCloudInit(), writePublicFileFromStdin(path)));
}

export interface DbRightsCommandArgs {
    readonly image: string;
    /** The app's database role. */
    readonly appUser: string;
    /** The image's Python interpreter (the first argument of the manage command). */
    readonly python: string;
    readonly mountFiles?: readonly MountedFile[];
    readonly bypassRowLevelSecurity: boolean;
}

/** Gives the app's database user its rights as the cluster's admin, whose URI arrives on stdin. */
export function dbRightsCommand(args: DbRightsCommandArgs): string {
    return render([
        "bash",
        remoteScript("db-rights.sh"),
        "--image",
        args.image,
        "--app-user",
        args.appUser,
        "--python",
        args.python,
        ...mountArgs(args.mountFiles),
        ...(args.bypassRowLevelSecurity ? ["--bypass-rls"] : []),
    ]);
}

export interface MigrateCommandArgs {
    readonly image: string;
    /** How manage.py is started in the image, e.g. `python /app/manage.py`. */
    readonly manageCommand: readonly string[];
    readonly mountFiles?: readonly MountedFile[];
    /** Migrations applied first while not applied yet. */
    readonly preMigrate?: readonly { readonly app: string; readonly target: string }[];
    /** Management commands after `migrate`, each as its arguments. */
    readonly postMigrate?: readonly (readonly string[])[];
}

/** Runs the backend image's migrations against the database: pre-migrate steps, migrate, post-migrate commands. */
export function migrateCommand(args: MigrateCommandArgs): string {
    return render([
        "bash",
        remoteScript("migrate.sh"),
        "--image",
        args.image,
        "--env-file",
        envFilePath("backend"),
        "--manage",
        args.manageCommand.join(" "),
        ...mountArgs(args.mountFiles),
        ...(args.preMigrate ?? []).flatMap((step) => ["--pre-migrate", `${step.app} ${step.target}`]),
        ...(args.postMigrate ?? []).flatMap((step) => ["--post-migrate", step.join(" ")]),
    ]);
}

/** What makes a service healthy: a path answering 2xx, optionally a readiness path and a JSON field. */
export interface HealthContract {
    readonly healthPath: string;
    readonly readyPath?: string;
    readonly healthJson?: { readonly field: string; readonly value: string };
}

function healthArgs(contract: HealthContract): string[] {
    return [
        ...(contract.readyPath === undefined ? [] : ["--ready-path", contract.readyPath]),
        ...(contract.healthJson === undefined ? [] : ["--json-field", contract.healthJson.field, "--json-value", contract.healthJson.value]),
    ];
}

export interface DeployCommandArgs {
    readonly service: Service;
    readonly release: string;
    readonly image: string;
    /** The port the app listens on inside its container. */
    readonly containerPort: number;
    readonly health: HealthContract;
    /** The service's public hostname, sent as Host to the direct health check. */
    readonly hostname: string;
    /** Whether the service has an env file (the backend does). */
    readonly withEnvFile: boolean;
    readonly persistentFolders?: readonly PersistentFolder[];
    /** `uid:gid` of the container's user, the owner of its persistent folders. */
    readonly persistentOwner?: string;
    readonly mountFiles?: readonly MountedFile[];
    /** The container's command; empty or undefined keeps the image's CMD. */
    readonly command?: readonly string[];
}

/** Starts the release beside the live one, checks it, switches nginx, stops the old one. */
export function deployCommand(args: DeployCommandArgs): string {
    const ports = SERVICE_PORTS[args.service];
    const command = args.command ?? [];
    return render([
        "bash",
        remoteScript("deploy.sh"),
        "--service",
        args.service,
        "--release",
        args.release,
        "--image",
        args.image,
        "--container-port",
        String(args.containerPort),
        "--ports",
        `${ports.first},${ports.first + 1}`,
        "--health-path",
        args.health.healthPath,
        ...healthArgs(args.health),
        "--health-host",
        args.hostname,
        ...(args.withEnvFile ? ["--env-file", envFilePath(args.service)] : []),
        ...(args.persistentFolders ?? []).flatMap((folder) => ["--persist", `${folder.host}:${folder.container}`]),
        ...(args.persistentOwner === undefined || (args.persistentFolders ?? []).length === 0 ? [] : ["--persist-owner", args.persistentOwner]),
        ...mountArgs(args.mountFiles),
        ...(command.length === 0 ? [] : ["--", ...command]),
    ]);
}

/**
 * How the health step reaches the app. `http` (default): plain HTTP to nginx on 127.0.0.1 with the
 * public hostname as Host. `https`: HTTPS to the public hostname resolved to `address` (curl's
 * `--resolve`): the droplet itself where nginx ends TLS (edge droplet), or a load balancer's address
 * (edge loadBalancer), so the certificate and its name are checked the way users reach the app.
 */
export type HealthScheme = "http" | "https";

/** Checks the service with its public hostname: proves traffic reached the release. */
/** Seconds a health step waits for a healthy answer, unless told otherwise. */
export const HEALTH_DEADLINE_SECONDS = 30;

export function healthScript(hostname: string, health: HealthContract, scheme: HealthScheme = "http", address = "127.0.0.1", deadlineSeconds = HEALTH_DEADLINE_SECONDS): Command {
    if (!/^[0-9A-Fa-f.:]+$/.test(address)) throw new Error(`a health check's address must be an IP address, got ${JSON.stringify(address)}`);
    const origin = scheme === "https" ? `https://${hostname}` : "http://127.0.0.1";
    return [
        "bash",
        remoteScript("health-check.sh"),
        "--url",
        `${origin}${health.healthPath}`,
        ...(health.readyPath === undefined ? [] : ["--ready-url", `${origin}${health.readyPath}`]),
        ...(health.healthJson === undefined ? [] : ["--json-field", health.healthJson.field, "--json-value", health.healthJson.value]),
        ...(scheme === "https" ? ["--resolve", `${hostname}:443:${address}`] : ["--host", hostname]),
        "--deadline",
        String(deadlineSeconds),
    ];
}

export function healthCommand(hostname: string, health: HealthContract, scheme: HealthScheme = "http"): string {
    return render(healthScript(hostname, health, scheme));
}

/**
 * edge loadBalancer, after a service's last batch: the service through its load balancer over HTTPS
 * with the public hostname, from one of its droplets (the balancer's TLS, certificate and forwarding
 * the way users reach them), then a line saying so. `deadlineSeconds` (default HEALTH_DEADLINE_SECONDS)
 * must cover the time the balancer takes to admit a droplet on the first `up` (edgeRules.ts
 * `balancerAdmissionSeconds`).
 */
export function edgeHealthCommand(service: Service, hostname: string, health: HealthContract, address: string, release: string, deadlineSeconds = HEALTH_DEADLINE_SECONDS): string {
    return render(and(healthScript(hostname, health, "https", address, deadlineSeconds), ["echo", `https://${hostname} (${address}) serves ${service} release ${release}`]));
}

/**
 * edge loadBalancer, on a droplet once every service it runs is healthy: lets the balancer's health
 * check pass there (components/server/edgeSites.ts), so the balancer admits the droplet only when it
 * serves all of them; nginx reloaded gracefully, as the proxy step does.
 */
export function inRotationCommand(droplet: string): string {
    return render(
        and(
            ["mkdir", "-p", IN_ROTATION_DIR],
            toFile(["printf", "%s\\n", "set $projectmeats_in_rotation 1;"], IN_ROTATION_FILE),
            ["sudo", "/usr/sbin/nginx", "-t"],
            ["sudo", "/usr/sbin/nginx", "-s", "reload"],
            ["echo", `${droplet} runs every service: its balancer's health check may pass`],
        ),
    );
}

/**
 * Where `pulumi up` runs: waits `seconds` for a balancer to admit the droplet `droplet` (named as in the
 * steps' output), then says so. `seconds` is a whole number of at least 1.
 */
export function admissionCommand(droplet: string, seconds: number): string {
    if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`an admission wait is a whole number of seconds of at least 1, got ${seconds}`);
    return render(and(["sleep", String(seconds)], ["echo", `${droplet} has passed the balancer's health checks for ${seconds}s: in rotation`]));
}

/** Where a release's step stands in a rolling release: the droplet, and its batch. */
export interface RolloutPosition {
    readonly droplet: string;
    readonly release: string;
    readonly batch: number;
    readonly batches: number;
}

/**
 * The health check, then a line in the step's output saying which droplet now serves which release; the
 * droplets of later batches keep the previous one until theirs is healthy.
 */
export function healthAndReportCommand(service: Service, hostname: string, health: HealthContract, position: RolloutPosition, scheme: HealthScheme = "http"): string {
    const report = `${position.droplet} serves ${service} release ${position.release} (batch ${position.batch} of ${position.batches})`;
    return render(and(healthScript(hostname, health, scheme), ["echo", report]));
}
