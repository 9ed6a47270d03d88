/**
 * The release steps' commands from the app's deploy contract: which health contract, command, mounts
 * and folders each service's steps get. Pure functions over `ReleaseAppArgs`.
 */
import { CONTAINER_PORTS, DB_CA_PATH, FRONTEND_CONFIG_FILE, HEALTH_PATHS, persistentDirectoryPath } from "../../model/layout";
import type { Service } from "../../model/services";
import type { TemplateLine } from "./appFiles";
import { HealthContract, MountedFile, dbRightsCommand, deployCommand, migrateCommand } from "./commands";

/** The app's deploy contract as a release needs it (the configuration's `app` section fits it). */
export interface ReleaseAppArgs {
    /** How manage.py is started in the backend image; its first argument is the image's Python. */
    readonly manageCommand: readonly string[];
    /** The backend container's command; empty keeps the image's CMD. */
    readonly command: readonly string[];
    readonly containerPort: number;
    readonly readyPath: string;
    readonly healthPath: string;
    readonly healthJson: { readonly field: string; readonly value: string };
    readonly settingsModule: string;
    readonly djangoEnv: string;
    /** The backend's environment, `{placeholder}`s filled by the chain (appFiles.ts). */
    readonly env: readonly TemplateLine[];
    /** Secret lines, written as they are. */
    readonly secretEnv: readonly TemplateLine[];
    readonly preMigrate: readonly { readonly app: string; readonly target: string }[];
    readonly postMigrate: readonly (readonly string[])[];
    readonly bypassRowLevelSecurity: boolean;
    readonly persistentDirectories: readonly { readonly name: string; readonly containerPath: string }[];
    /** `uid:gid` the backend container runs as. */
    readonly containerUser: string;
    readonly frontendConfigPath: string;
    readonly frontendConfig: readonly TemplateLine[];
}

/** The cluster's CA certificate, mounted read-only at the same path in every backend container (`sslrootcert`). */
export const CA_MOUNT: MountedFile = { host: DB_CA_PATH, container: DB_CA_PATH };

/**
 * What makes a service healthy: the backend's contract (readiness 2xx and the JSON field's value);
 * ProjectMeats' frontend is nginx serving its build, so `/` answering 200 means it is up.
 */
export function healthContract(service: Service, app: ReleaseAppArgs): HealthContract {
    return service === "backend" ? { healthPath: app.healthPath, readyPath: app.readyPath, healthJson: app.healthJson } : { healthPath: HEALTH_PATHS.frontend };
}

/** The deploy of a service: the backend with its env file, command, persistent folders and CA; the frontend with its runtime configuration. */
export function appDeployCommand(service: Service, app: ReleaseAppArgs, release: { readonly release: string; readonly image: string; readonly hostname: string }): string {
    const common = { ...release, service, health: healthContract(service, app) };
    if (service === "frontend") {
        return deployCommand({
            ...common,
            containerPort: CONTAINER_PORTS.frontend,
            withEnvFile: false,
            mountFiles: [{ host: FRONTEND_CONFIG_FILE, container: app.frontendConfigPath }],
        });
    }
    return deployCommand({
        ...common,
        containerPort: app.containerPort,
        withEnvFile: true,
        persistentFolders: app.persistentDirectories.map((d) => ({ host: persistentDirectoryPath(d.name), container: d.containerPath })),
        persistentOwner: app.containerUser,
        mountFiles: [CA_MOUNT],
        command: app.command,
    });
}

/** The database rights step, in the backend image with its own Python (the manage command's first argument). */
export function appDbRightsCommand(app: ReleaseAppArgs, image: string, appUser: string): string {
    return dbRightsCommand({ image, appUser, python: app.manageCommand[0], mountFiles: [CA_MOUNT], bypassRowLevelSecurity: app.bypassRowLevelSecurity });
}

/** The migrations: pre-migrate steps, migrate, post-migrate commands, with the CA mounted for `verify-full`. */
export function appMigrateCommand(app: ReleaseAppArgs, image: string): string {
    return migrateCommand({ image, manageCommand: app.manageCommand, mountFiles: [CA_MOUNT], preMigrate: app.preMigrate, postMigrate: app.postMigrate });
}
