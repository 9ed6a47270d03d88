import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Service } from "../../model/services";
import { localScriptCommand } from "../localScripts";
import type { AppServer } from "../server/AppServers";
import { deployCommand, envFileCommand, healthCommand, migrateCommand } from "./commands";
import { HOST_SCRIPTS, envFileDigest, remoteScript, renderEnvFile, scriptAssetPath, scriptDigest } from "./hostFiles";

export interface ReleaseChainArgs {
    readonly environmentName: string;
    /** Commit SHA of the release; with the digests, the trigger of every step. */
    readonly imageSha: string;
    /** Pinned image references (`repository@sha256:…`) by service. */
    readonly images: Readonly<Record<Service, pulumi.Input<string>>>;
    readonly digests: Readonly<Record<Service, pulumi.Input<string>>>;
    /** The droplets, with their connections and the resources that make them ready. */
    readonly servers: readonly AppServer[];
    readonly hostnames: Readonly<Record<Service, string>>;
    /** The backend's `DATABASE_URL` (secret). */
    readonly databaseUrl: pulumi.Input<string>;
    /**
     * Resources that must exist before anything connects to the database, e.g. the database firewall:
     * until it admits the backend droplets, `migrate` cannot connect. Default none.
     */
    readonly databaseReady?: pulumi.Resource[];
    /** Webhook URLs for the notification; each optional (secrets). */
    readonly slackWebhookUrl?: pulumi.Input<string>;
    readonly teamsWebhookUrl?: pulumi.Input<string>;
}

const CHAIN = { addPreviousOutputInEnv: false } as const;

/**
 * One release: env file → migrate → deploy backend → health check backend → deploy frontend →
 * health check frontend → notify. Every step carries the SHA and digest in `triggers`, so a new SHA
 * replaces exactly this chain. No step has a `delete` command: a replacement creates the new step
 * before deleting the old one, and deleting must never touch the release that just went live.
 */
export class ReleaseChain extends pulumi.ComponentResource {
    public readonly healthChecks: readonly command.remote.Command[];

    constructor(name: string, args: ReleaseChainArgs, opts?: pulumi.ComponentResourceOptions) {
        super("projectmeats:release:ReleaseChain", name, {}, opts);

        const backends = args.servers.filter((s) => s.services.includes("backend"));
        const frontends = args.servers.filter((s) => s.services.includes("frontend"));
        if (backends.length === 0) throw new pulumi.ResourceError("`servers` must include at least one server that runs the backend.", this);
        if (frontends.length === 0) throw new pulumi.ResourceError("`servers` must include at least one server that runs the frontend.", this);
        const triggers = (service: Service) => [args.imageSha, args.digests[service]];

        // Generated once and kept in state as a secret: Django's signing key.
        const secretKey = new random.RandomPassword(`${name}-django-secret-key`, { length: 64, special: false }, { parent: this });
        const backendEnv = pulumi.secret(
            pulumi
                .all([args.databaseUrl, secretKey.result])
                .apply(([url, key]) => renderEnvFile({ DATABASE_URL: url, DJANGO_SECRET_KEY: key, DJANGO_ALLOWED_HOSTS: args.hostnames.backend, DJANGO_DEBUG: "False" })),
        );

        // A running container never rereads its env file: a changed one must swap in a new container.
        // deploy.sh compares the file's SHA-256 with the live release's; this is the same digest, so a
        // change replaces the backend's deploy and health steps (secret: it is derived from secrets).
        const backendTriggers = [...triggers("backend"), pulumi.secret(backendEnv.apply(envFileDigest))];
        const stepTriggers = (service: Service) => (service === "backend" ? backendTriggers : triggers(service));

        // Ship the scripts to every server; a content change re-ships them.
        const scripts = new Map<string, pulumi.Resource[]>();
        for (const server of args.servers) {
            scripts.set(
                server.key,
                HOST_SCRIPTS.map(
                    (script) =>
                        new command.remote.CopyToRemote(
                            `${name}-${server.key}-script-${script}`,
                            {
                                connection: server.connection,
                                source: new pulumi.asset.FileAsset(scriptAssetPath(script)),
                                remotePath: remoteScript(script),
                                // In @pulumi/command 1.2.1 a changed connection is an update, and a copy's
                                // update copies only when its source or remote path changed
                                // (provider/pkg/provider/remote/copyController.go `Update`). The droplet's id in
                                // the triggers makes a replaced droplet get its scripts again.
                                triggers: [scriptDigest(script), server.droplet.id],
                            },
                            { parent: this, dependsOn: server.ready },
                        ),
                ),
            );
        }

        const envFiles = new Map<string, command.remote.Command>();
        for (const server of backends) {
            envFiles.set(
                server.key,
                new command.remote.Command(
                    `${name}-${server.key}-env-backend`,
                    { connection: server.connection, create: envFileCommand("backend"), stdin: backendEnv, logging: command.remote.Logging.Stderr, ...CHAIN },
                    { parent: this, dependsOn: server.ready },
                ),
            );
        }

        const first = backends[0];
        const migrate = new command.remote.Command(
            `${name}-migrate`,
            {
                connection: first.connection,
                create: pulumi.output(args.images.backend).apply(migrateCommand),
                triggers: triggers("backend"),
                logging: command.remote.Logging.StdoutAndStderr,
                ...CHAIN,
            },
            { parent: this, dependsOn: [envFiles.get(first.key)!, ...scripts.get(first.key)!, ...(args.databaseReady ?? [])] },
        );

        const step = (server: AppServer, service: Service, after: pulumi.Resource[]) => {
            const deploy = new command.remote.Command(
                `${name}-${server.key}-deploy-${service}`,
                {
                    connection: server.connection,
                    create: pulumi
                        .output(args.images[service])
                        .apply((image) => deployCommand({ service, release: args.imageSha, image, hostname: args.hostnames[service], withEnvFile: service === "backend" })),
                    triggers: stepTriggers(service),
                    logging: command.remote.Logging.StdoutAndStderr,
                    ...CHAIN,
                },
                { parent: this, dependsOn: [...after, ...scripts.get(server.key)!] },
            );
            return new command.remote.Command(
                `${name}-${server.key}-health-${service}`,
                {
                    connection: server.connection,
                    create: healthCommand(service, args.hostnames[service]),
                    triggers: stepTriggers(service),
                    logging: command.remote.Logging.StdoutAndStderr,
                    ...CHAIN,
                },
                { parent: this, dependsOn: [deploy] },
            );
        };

        const backendHealth = backends.map((server) => step(server, "backend", [migrate, envFiles.get(server.key)!]));
        const frontendHealth = frontends.map((server) => step(server, "frontend", backendHealth));
        this.healthChecks = [...backendHealth, ...frontendHealth];

        // Runs where `pulumi up` runs; never fails the release (see host/local/notify.mjs).
        const webhooks = pulumi.secret(
            pulumi.all([args.slackWebhookUrl, args.teamsWebhookUrl]).apply(([slack, teams]) => `${slack ? `slack ${slack}\n` : ""}${teams ? `teams ${teams}\n` : ""}`),
        );
        new command.local.Command(
            `${name}-notify`,
            {
                create: localScriptCommand("node", "notify.mjs"),
                stdin: webhooks,
                environment: { PM_ENVIRONMENT: args.environmentName, PM_SHA: args.imageSha, PM_COMPONENT: "backend, frontend", PM_STATUS: "success" },
                triggers: [args.imageSha, args.digests.backend, args.digests.frontend],
                logging: command.local.Logging.StdoutAndStderr,
                ...CHAIN,
            },
            { parent: this, dependsOn: [...this.healthChecks] },
        );

        this.registerOutputs({});
    }
}
