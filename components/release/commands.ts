/** The release chain's remote commands, rendered from argument arrays. */
import type { Service } from "../../model/services";
import { and, render } from "../shell";
import { waitForCloudInit, writePrivateFileFromStdin, writePublicFileFromStdin } from "../server/hostCommands";
import { SERVICE_PORTS } from "../../model/layout";
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

/** Checks the service through nginx with its public hostname: proves traffic reached the release. */
export function healthCommand(hostname: string, health: HealthContract): string {
    return render([
        "bash",
        remoteScript("health-check.sh"),
        "--url",
        `http://127.0.0.1${health.healthPath}`,
        ...(health.readyPath === undefined ? [] : ["--ready-url", `http://127.0.0.1${health.readyPath}`]),
        ...(health.healthJson === undefined ? [] : ["--json-field", health.healthJson.field, "--json-value", health.healthJson.value]),
        "--host",
        hostname,
        "--deadline",
        "30",
    ]);
}
