/** The release chain's remote commands, rendered from argument arrays. */
import type { Service } from "../../model/services";
import { and, render } from "../shell";
import { waitForCloudInit, writePrivateFileFromStdin } from "../server/hostCommands";
import { CONTAINER_PORTS, HEALTH_PATHS, SERVICE_PORTS } from "../../model/layout";
import { envFilePath, remoteScript } from "./hostFiles";

/** Writes a service's env file from stdin (0600). */
export function envFileCommand(service: Service): string {
    return render(and(waitForCloudInit(), writePrivateFileFromStdin(envFilePath(service))));
}

/** Runs the backend image's migrations against the database. */
export function migrateCommand(image: string): string {
    return render(["bash", remoteScript("migrate.sh"), "--image", image, "--env-file", envFilePath("backend")]);
}

export interface DeployCommandArgs {
    readonly service: Service;
    readonly release: string;
    readonly image: string;
    /** The service's public hostname, sent as Host to the direct health check. */
    readonly hostname: string;
    /** Whether the service has an env file (the backend does). */
    readonly withEnvFile: boolean;
}

/** Starts the release beside the live one, checks it, switches nginx, stops the old one. */
export function deployCommand(args: DeployCommandArgs): string {
    const ports = SERVICE_PORTS[args.service];
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
        String(CONTAINER_PORTS[args.service]),
        "--ports",
        `${ports.first},${ports.first + 1}`,
        "--health-path",
        HEALTH_PATHS[args.service],
        "--health-host",
        args.hostname,
        ...(args.withEnvFile ? ["--env-file", envFilePath(args.service)] : []),
        ...(args.service === "backend" ? ["--collectstatic"] : []),
    ]);
}

/** Checks the service through nginx with its public hostname: proves traffic reached the release. */
export function healthCommand(service: Service, hostname: string): string {
    return render(["bash", remoteScript("health-check.sh"), "--url", `http://127.0.0.1${HEALTH_PATHS[service]}`, "--host", hostname, "--deadline", "30"]);
}
