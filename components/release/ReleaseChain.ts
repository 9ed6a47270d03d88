import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { DB_CA_PATH, FRONTEND_CONFIG_FILE, serverDropletName } from "../../model/layout";
import type { Service } from "../../model/services";
import { localScriptCommand } from "../localScripts";
import type { AppServer } from "../server/AppServers";
import { contentDigest, renderBackendEnv, renderFrontendConfig, verifiedDatabaseUrl } from "./appFiles";
import { ReleaseAppArgs, appDbRightsCommand, appDeployCommand, appMigrateCommand, healthContract } from "./appSteps";
import { inBatches } from "./batches";
import {
    HEALTH_DEADLINE_SECONDS,
    HealthScheme,
    admissionCommand,
    edgeHealthCommand,
    inRotationCommand,
    envFileCommand,
    healthAndReportCommand,
    publicFileCommand,
} from "./commands";
import { HOST_SCRIPTS, remoteScript, scriptAssetPath, scriptDigest } from "./hostFiles";

export type { ReleaseAppArgs } from "./appSteps";

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
    /** The app user's `DATABASE_URL` (secret); the chain makes it verify the server (`sslmode=verify-full`). */
    readonly databaseUrl: pulumi.Input<string>;
    /** The cluster admin's URI on the app database (secret): only the rights step uses it, on stdin. */
    readonly databaseAdminUrl: pulumi.Input<string>;
    /** The app's database role, given its rights by the admin. */
    readonly databaseUser: string;
    /** The cluster's CA certificate (PEM), written to the backend droplets. */
    readonly databaseCaCertificate: pulumi.Input<string>;
    /**
     * Resources that must exist before anything connects to the database, e.g. the database firewall:
     * until it admits the backend droplets, nothing can connect. Default none.
     */
    readonly databaseReady?: pulumi.Resource[];
    readonly app: ReleaseAppArgs;
    /** Django's signing key (secret). Default: generated once and kept in the state as a secret. */
    readonly secretKey?: pulumi.Input<string>;
    /** The superuser's password (secret). Default: generated once and kept in the state, when the env uses it. */
    readonly superuserPassword?: pulumi.Input<string>;
    /** Webhook URLs for the notification; each optional (secrets). */
    readonly slackWebhookUrl?: pulumi.Input<string>;
    readonly teamsWebhookUrl?: pulumi.Input<string>;
    /**
     * Droplets of a service released at once. Each batch's deploys wait for every health check of the
     * batch before, so a failure stops the release with the later droplets on the previous release.
     * Default 1: one droplet at a time.
     */
    readonly batchSize?: number;
    /**
     * How the health steps reach nginx: `https` where nginx on the droplet ends TLS (edge droplet), with
     * the public hostname resolved to the droplet. Default `http`, with the hostname as Host.
     */
    readonly healthScheme?: HealthScheme;
    /**
     * edge loadBalancer: the address of each service's load balancer. After the service's last batch, a
     * step on its first droplet checks it there over HTTPS with the public hostname, before the next
     * service's release (and the notification). Default none.
     */
    readonly edgeAddresses?: Partial<Readonly<Record<Service, pulumi.Input<string>>>>;
    /**
     * Seconds a balancer may take to send traffic to a droplet that has just become healthy
     * (LoadBalancerEdge `admissionSeconds`): the check through it waits that much longer than a health
     * step, since on the first `up` it runs while the balancer is still admitting the droplets. Default 0.
     */
    readonly edgeAdmissionSeconds?: number;
}

const CHAIN = { addPreviousOutputInEnv: false } as const;

/**
 * One release: env file, CA certificate and runtime configuration → database rights → migrate →
 * deploy backend → health check backend → deploy frontend → health check frontend → notify. Every step
 * carries the SHA and digest in `triggers`, so a new SHA replaces exactly this chain. No step has a
 * `delete` command: a replacement creates the new step before deleting the old one, and deleting must
 * never touch the release that just went live.
 */
export class ReleaseChain extends pulumi.ComponentResource {
    public readonly healthChecks: readonly command.remote.Command[];

    constructor(name: string, args: ReleaseChainArgs, opts?: pulumi.ComponentResourceOptions) {
        super("projectmeats:release:ReleaseChain", name, {}, opts);

        const backends = args.servers.filter((s) => s.services.includes("backend"));
        const frontends = args.servers.filter((s) => s.services.includes("frontend"));
        if (backends.length === 0) throw new pulumi.ResourceError("`servers` must include at least one server that runs the backend.", this);
        if (frontends.length === 0) throw new pulumi.ResourceError("`servers` must include at least one server that runs the frontend.", this);
        if (args.app.manageCommand.length === 0) throw new pulumi.ResourceError("`app.manageCommand` must name at least the image's Python, e.g. [python, /app/manage.py].", this);
        const batchSize = args.batchSize ?? 1;
        if (!Number.isInteger(batchSize) || batchSize < 1) throw new pulumi.ResourceError(`\`batchSize\` must be a whole number of at least 1, got ${batchSize}.`, this);
        const app = args.app;
        const triggers = (service: Service) => [args.imageSha, args.digests[service]];

        // Generated once and kept in state as secrets, unless the stack holds them.
        const secretKey = args.secretKey ?? new random.RandomPassword(`${name}-django-secret-key`, { length: 64, special: false }, { parent: this }).result;
        const usesPassword = app.env.some((line) => line.value.includes("{superuserPassword}"));
        const superuserPassword =
            args.superuserPassword ?? (usesPassword ? new random.RandomPassword(`${name}-superuser-password`, { length: 32, special: false }, { parent: this }).result : "");
        const plainValues = { backendHostname: args.hostnames.backend, frontendHostname: args.hostnames.frontend, settingsModule: app.settingsModule, djangoEnv: app.djangoEnv };
        const backendEnv = pulumi.secret(
            pulumi
                .all([args.databaseUrl, secretKey, superuserPassword])
                .apply(([url, key, password]) =>
                    renderBackendEnv(app.env, { ...plainValues, databaseUrl: verifiedDatabaseUrl(url, DB_CA_PATH), secretKey: key, superuserPassword: password }, app.secretEnv),
                ),
        );
        const frontendConfig = renderFrontendConfig(app.frontendConfig, plainValues);
        const caCertificate = pulumi.output(args.databaseCaCertificate);

        // A running container never rereads its env file or mounted files: a changed one must swap in a
        // new container. This digest of them is a trigger of the service's deploy and health steps
        // (secret for the backend: it is derived from secrets); deploy.sh keeps its own of the same.
        const backendTriggers = [...triggers("backend"), pulumi.secret(pulumi.all([backendEnv, caCertificate]).apply(([env, ca]) => contentDigest(env, ca)))];
        const frontendTriggers = [...triggers("frontend"), contentDigest(frontendConfig)];
        const stepTriggers = (service: Service) => (service === "backend" ? backendTriggers : frontendTriggers);

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

        // Files from stdin, without triggers: a changed content is an update that writes them again.
        const file = (server: AppServer, role: string, create: string, stdin: pulumi.Input<string>, logging: command.remote.Logging) =>
            new command.remote.Command(
                `${name}-${server.key}-${role}`,
                { connection: server.connection, create, stdin, logging, ...CHAIN },
                { parent: this, dependsOn: server.ready },
            );
        const envFiles = new Map(backends.map((s) => [s.key, file(s, "env-backend", envFileCommand("backend"), backendEnv, command.remote.Logging.Stderr)]));
        const caFiles = new Map(backends.map((s) => [s.key, file(s, "db-ca", publicFileCommand(DB_CA_PATH), caCertificate, command.remote.Logging.Stderr)]));
        const configFiles = new Map(frontends.map((s) => [s.key, file(s, "env-frontend", publicFileCommand(FRONTEND_CONFIG_FILE), frontendConfig, command.remote.Logging.Stderr)]));

        // The database rights, as the cluster's admin, from the first backend droplet (the only address
        // the database trusts): before any migration or container change. Its output names no secret.
        const first = backends[0];
        const firstReady = [...scripts.get(first.key)!, caFiles.get(first.key)!, ...(args.databaseReady ?? [])];
        const rights = new command.remote.Command(
            `${name}-db-rights`,
            {
                connection: first.connection,
                create: pulumi.output(args.images.backend).apply((image) => appDbRightsCommand(app, image, args.databaseUser)),
                stdin: pulumi.secret(pulumi.output(args.databaseAdminUrl).apply((url) => `${verifiedDatabaseUrl(url, DB_CA_PATH)}\n`)),
                triggers: triggers("backend"),
                logging: command.remote.Logging.StdoutAndStderr,
                ...CHAIN,
            },
            { parent: this, dependsOn: firstReady },
        );
        const migrate = new command.remote.Command(
            `${name}-migrate`,
            {
                connection: first.connection,
                create: pulumi.output(args.images.backend).apply((image) => appMigrateCommand(app, image)),
                triggers: triggers("backend"),
                logging: command.remote.Logging.StdoutAndStderr,
                ...CHAIN,
            },
            { parent: this, dependsOn: [envFiles.get(first.key)!, rights, ...firstReady] },
        );

        const healthOf = new Map<string, command.remote.Command>();
        const step = (server: AppServer, service: Service, after: pulumi.Resource[], batch: number, batches: number) => {
            const deploy = new command.remote.Command(
                `${name}-${server.key}-deploy-${service}`,
                {
                    connection: server.connection,
                    create: pulumi
                        .output(args.images[service])
                        .apply((image) => appDeployCommand(service, app, { release: args.imageSha, image, hostname: args.hostnames[service] })),
                    triggers: stepTriggers(service),
                    logging: command.remote.Logging.StdoutAndStderr,
                    ...CHAIN,
                },
                { parent: this, dependsOn: [...after, ...scripts.get(server.key)!] },
            );
            const position = { droplet: serverDropletName(args.environmentName, server.key), release: args.imageSha, batch, batches };
            const health = new command.remote.Command(
                `${name}-${server.key}-health-${service}`,
                {
                    connection: server.connection,
                    create: healthAndReportCommand(service, args.hostnames[service], healthContract(service, app), position, args.healthScheme),
                    triggers: stepTriggers(service),
                    logging: command.remote.Logging.StdoutAndStderr,
                    ...CHAIN,
                },
                { parent: this, dependsOn: [deploy] },
            );
            healthOf.set(`${server.key} ${service}`, health);
            return health;
        };

        // A rolling release: each batch's deploys wait for the previous batch's health checks.
        const rollOut = (service: Service, servers: readonly AppServer[], first: (server: AppServer) => pulumi.Resource[]) => {
            const batches = inBatches(servers, batchSize);
            const checks: command.remote.Command[] = [];
            let previous: pulumi.Resource[] = [];
            batches.forEach((batch, i) => {
                const done = batch.map((server) => step(server, service, [...first(server), ...previous], i + 1, batches.length));
                checks.push(...done);
                previous = done;
            });
            return checks;
        };
        const backendChecks = rollOut("backend", backends, (server) => [migrate, envFiles.get(server.key)!, caFiles.get(server.key)!]);
        const frontendChecks = rollOut("frontend", frontends, (server) => [...backendChecks, configFiles.get(server.key)!]);

        // edge loadBalancer. A droplet new to its balancer (the first up, a replacement, one more droplet)
        // joins it down and is sent traffic once it passes the balancer's health check
        // `edgeAdmissionSeconds` long (components/edge/edgeRules.ts balancerAdmissionSeconds). Once every
        // service it runs is healthy, a step lets that check pass there (`-in-rotation`; before, nginx
        // answers it 503, components/server/edgeSites.ts), so a droplet running two services never gets
        // traffic for the one not deployed yet. DigitalOcean's API does not report a droplet's health, so
        // where `pulumi up` runs a step then waits that long (`-admitted`). Both run once per droplet (its
        // id is their trigger). The checks through the balancers, the notification, and the deletion of a
        // replaced droplet (the engine does it last) come after: the droplet replaced keeps serving until
        // the one replacing it is in rotation.
        const admitted = new Map<string, command.local.Command>();
        const admission = (server: AppServer) => {
            if (!admitted.has(server.key)) {
                const droplet = serverDropletName(args.environmentName, server.key);
                const inRotation = new command.remote.Command(
                    `${name}-${server.key}-in-rotation`,
                    {
                        connection: server.connection,
                        create: inRotationCommand(droplet),
                        triggers: [server.droplet.id],
                        logging: command.remote.Logging.StdoutAndStderr,
                        ...CHAIN,
                    },
                    { parent: this, dependsOn: server.services.map((service) => healthOf.get(`${server.key} ${service}`)!) },
                );
                admitted.set(
                    server.key,
                    new command.local.Command(
                        `${name}-${server.key}-admitted`,
                        {
                            create: admissionCommand(droplet, args.edgeAdmissionSeconds ?? 0),
                            triggers: [server.droplet.id],
                            logging: command.local.Logging.StdoutAndStderr,
                            ...CHAIN,
                        },
                        { parent: this, dependsOn: [inRotation] },
                    ),
                );
            }
            return admitted.get(server.key)!;
        };
        // Through the load balancer, once every droplet of the service is in its rotation.
        const throughEdge = (service: Service, servers: readonly AppServer[], checks: readonly command.remote.Command[]) => {
            const address = args.edgeAddresses?.[service];
            if (address === undefined) return [];
            const admissions = (args.edgeAdmissionSeconds ?? 0) > 0 ? servers.map((server) => admission(server)) : [];
            return [
                new command.remote.Command(
                    `${name}-edge-health-${service}`,
                    {
                        connection: servers[0].connection,
                        create: pulumi
                            .output(address)
                            .apply((ip) =>
                                edgeHealthCommand(
                                    service,
                                    args.hostnames[service],
                                    healthContract(service, app),
                                    ip,
                                    args.imageSha,
                                    HEALTH_DEADLINE_SECONDS + (args.edgeAdmissionSeconds ?? 0),
                                ),
                            ),
                        triggers: stepTriggers(service),
                        logging: command.remote.Logging.StdoutAndStderr,
                        ...CHAIN,
                    },
                    { parent: this, dependsOn: [...checks, ...admissions] },
                ),
            ];
        };
        const edgeChecks = [...throughEdge("backend", backends, backendChecks), ...throughEdge("frontend", frontends, frontendChecks)];
        this.healthChecks = [...backendChecks, ...frontendChecks, ...edgeChecks];

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
