/**
 * The ReleaseChain component on its own, under Pulumi's mocks: its steps, their order, their triggers
 * and where the secrets go. The whole program's release is covered by test/release.test.ts.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as APP from "../../model/app";
import type { Service } from "../../model/services";
import { named, runComponent, summary, valueOf } from "../../tools/componentRunner";
import { isSecret, reveal } from "../../tools/programRunner";

const T = {
    component: "projectmeats:release:ReleaseChain",
    copy: "command:remote:CopyToRemote",
    remote: "command:remote:Command",
    local: "command:local:Command",
    password: "random:index/randomPassword:RandomPassword",
    droplet: "digitalocean:index/droplet:Droplet",
    ready: "test:index:Ready",
};
const SCRIPTS = ["lib.sh", "health-check.sh", "migrate.sh", "deploy.sh", "db-rights.sh", "db-rights.py"] as const;
const SHA = "1111111aaaaaaa";
const DIGESTS: Record<Service, string> = { backend: `sha256:${"b".repeat(64)}`, frontend: `sha256:${"f".repeat(64)}` };
const IMAGES: Record<Service, string> = {
    backend: `registry.digitalocean.com/meatscentral/projectmeats-backend@${DIGESTS.backend}`,
    frontend: `registry.digitalocean.com/meatscentral/projectmeats-frontend@${DIGESTS.frontend}`,
};
const HOSTNAMES: Record<Service, string> = { backend: "api.dev.projectmeats.com", frontend: "dev.projectmeats.com" };
const DATABASE_URL = "postgresql://projectmeats:db-s3cret@private-db.example:25060/projectmeats?sslmode=require";
const ADMIN_URL = "postgresql://doadmin:adm1n-s3cret@private-db.example:25060/projectmeats?sslmode=require";
const CA_CERTIFICATE = "-----BEGIN CERTIFICATE-----\nthe cluster's CA\n-----END CERTIFICATE-----\n";
/** The URLs as the app and the rights step use them: the server's certificate checked against the cluster's CA. */
const VERIFIED = (url: string) => url.replace("sslmode=require", "sslmode=verify-full&sslrootcert=%2Fsrv%2Fprojectmeats%2Fdb-ca.crt");
const lines = (raw: readonly string[]) => raw.map((line) => ({ name: line.slice(0, line.indexOf("=")), value: line.slice(line.indexOf("=") + 1) }));
/** ProjectMeats' contract, as the configuration's defaults give it (config/sections/app.test.ts). */
const APP_ARGS = {
    manageCommand: APP.PROJECTMEATS_MANAGE_COMMAND,
    command: APP.PROJECTMEATS_COMMAND,
    containerPort: 8000,
    readyPath: "/api/v1/ready/",
    healthPath: "/api/v1/health/",
    healthJson: { field: "status", value: "healthy" },
    settingsModule: "projectmeats.settings.production",
    djangoEnv: "development",
    env: lines(APP.PROJECTMEATS_ENV),
    secretEnv: [{ name: "SENDGRID_API_KEY", value: "sendgrid-s3cret" }],
    preMigrate: APP.PROJECTMEATS_PRE_MIGRATE.map((line) => ({ app: line.split(" ")[0], target: line.split(" ")[1] })),
    postMigrate: [["setup_superuser"]],
    bypassRowLevelSecurity: true,
    persistentDirectories: [{ name: "media", containerPath: "/app/media" }],
    containerUser: "1000:1000",
    frontendConfigPath: "/usr/share/nginx/html/env-config.js",
    frontendConfig: lines(APP.PROJECTMEATS_FRONTEND_CONFIG),
};
const SLACK = "https://hooks.slack.com/services/T0/B0/slack-s3cret";
const TEAMS = "https://example.webhook.office.com/teams-s3cret";
const DJANGO_KEY = "django-key-from-random-password";
const SUPERUSER_PASSWORD = "superuser-password-from-random-password";
const PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nmock\n-----END OPENSSH PRIVATE KEY-----\n";
const ADDRESSES: Record<string, string> = {
    "droplet-backend-1": "203.0.113.11",
    "droplet-backend-2": "203.0.113.12",
    "droplet-frontend-1": "203.0.113.21",
    "droplet-app-1": "203.0.113.31",
};

/** The env file under the names ProjectMeats reads (settings/production.py, setup_superuser.py). */
const ENV_FILE =
    `SECRET_KEY=${DJANGO_KEY}\nALLOWED_HOSTS=api.dev.projectmeats.com\nDATABASE_URL=${VERIFIED(DATABASE_URL)}\n` +
    "DJANGO_SETTINGS_MODULE=projectmeats.settings.production\nDJANGO_ENV=development\n" +
    "CORS_ALLOWED_ORIGINS=https://dev.projectmeats.com\nCSRF_TRUSTED_ORIGINS=https://dev.projectmeats.com,https://api.dev.projectmeats.com\nFRONTEND_URL=https://dev.projectmeats.com\n" +
    ["DJANGO_SUPERUSER", "SUPERUSER", "DEVELOPMENT_SUPERUSER", "STAGING_SUPERUSER", "PRODUCTION_SUPERUSER"]
        .map((prefix) => `${prefix}_USERNAME=admin\n${prefix}_EMAIL=admin@meatscentral.com\n${prefix}_PASSWORD=${SUPERUSER_PASSWORD}\n`)
        .join("") +
    "SENDGRID_API_KEY=sendgrid-s3cret\n";
const FRONTEND_CONFIG = 'window.ENV = {\n  "API_BASE_URL": "https://api.dev.projectmeats.com/api/v1",\n  "ENVIRONMENT": "development"\n};\n';
const sha256 = (content: string | Buffer) => crypto.createHash("sha256").update(content).digest("hex");
/** The backend's env file and the CA certificate it mounts: a change to either swaps the container. */
const ENV_DIGEST = sha256(`${ENV_FILE}\0${CA_CERTIFICATE}`);
const FRONTEND_DIGEST = sha256(FRONTEND_CONFIG);
const SCRIPT_DIGESTS = Object.fromEntries(SCRIPTS.map((script) => [script, sha256(fs.readFileSync(path.join(__dirname, "..", "..", "host", "droplet", script)))]));

function state(type: string, name: string): Record<string, unknown> {
    if (type === T.droplet) return { ipv4Address: ADDRESSES[name] };
    if (type === T.password) return { result: name.endsWith("-superuser-password") ? SUPERUSER_PASSWORD : DJANGO_KEY };
    return {};
}

interface ServerSpec {
    readonly key: string;
    readonly services: readonly Service[];
}
interface ChainSpec {
    readonly name: string;
    readonly servers: readonly string[];
    readonly databaseReady?: boolean;
    readonly slack?: boolean;
    readonly teams?: boolean;
    readonly app?: Partial<typeof APP_ARGS>;
    readonly secretKey?: string;
    readonly batchSize?: number;
    readonly healthScheme?: "http" | "https";
    readonly edgeAddresses?: Partial<Record<Service, string>>;
    readonly edgeAdmissionSeconds?: number;
}

/**
 * Droplets with their stand-in readiness resources (`<key>-login`, `<key>-proxy`), a stand-in
 * database firewall, then each chain over the servers it names. Returns each chain's health checks
 * (names), or the error it was refused with.
 */
async function chains(servers: readonly ServerSpec[], specs: readonly ChainSpec[]) {
    return runComponent(
        async () => {
            const pulumi = await import("@pulumi/pulumi");
            const digitalocean = await import("@pulumi/digitalocean");
            const { ReleaseChain } = await import("./ReleaseChain");
            /** A stand-in for whatever a chain must wait for: a login, a proxy, a firewall. */
            class Ready extends pulumi.CustomResource {
                constructor(name: string) {
                    super(T.ready, name, {});
                }
            }
            const appServers = servers.map(({ key, services }) => {
                const droplet = new digitalocean.Droplet(`droplet-${key}`, { image: "ubuntu-24-04-x64", region: "nyc3", size: "s-1vcpu-2gb" });
                const ready = ["login", "proxy"].map((role) => new Ready(`${key}-${role}`));
                return { key, services, droplet, connection: { host: droplet.ipv4Address, user: "deploy", privateKey: pulumi.secret(PRIVATE_KEY) }, ready };
            });
            const firewall = new Ready("database-firewall");
            const outcomes: Record<string, string[] | { resourceError: boolean; message: string }> = {};
            for (const spec of specs) {
                try {
                    const chain = new ReleaseChain(spec.name, {
                        environmentName: "dev",
                        imageSha: SHA,
                        images: IMAGES,
                        digests: DIGESTS,
                        servers: appServers.filter((s) => spec.servers.includes(s.key)),
                        hostnames: HOSTNAMES,
                        databaseUrl: pulumi.secret(DATABASE_URL),
                        databaseAdminUrl: pulumi.secret(ADMIN_URL),
                        databaseUser: "projectmeats",
                        databaseCaCertificate: CA_CERTIFICATE,
                        databaseReady: spec.databaseReady ? [firewall] : undefined,
                        app: { ...APP_ARGS, ...spec.app },
                        secretKey: spec.secretKey === undefined ? undefined : pulumi.secret(spec.secretKey),
                        slackWebhookUrl: spec.slack ? pulumi.secret(SLACK) : undefined,
                        teamsWebhookUrl: spec.teams ? pulumi.secret(TEAMS) : undefined,
                        batchSize: spec.batchSize,
                        healthScheme: spec.healthScheme,
                        edgeAddresses: spec.edgeAddresses,
                        edgeAdmissionSeconds: spec.edgeAdmissionSeconds,
                    });
                    outcomes[spec.name] = (await Promise.all(chain.healthChecks.map((check) => valueOf<string>(check.urn)))).map((urn) => urn.split("::").pop()!);
                } catch (error) {
                    outcomes[spec.name] = { resourceError: error instanceof pulumi.ResourceError, message: (error as Error).message };
                }
            }
            return outcomes;
        },
        { state },
    );
}

const SERVERS: ServerSpec[] = [
    { key: "backend-1", services: ["backend"] },
    { key: "backend-2", services: ["backend"] },
    { key: "frontend-1", services: ["frontend"] },
    { key: "app-1", services: ["backend", "frontend"] },
];

let split: Awaited<ReturnType<typeof chains>>;
let single: Awaited<ReturnType<typeof chains>>;
beforeAll(async () => {
    split = await chains(SERVERS.slice(0, 3), [{ name: "release-dev", servers: ["backend-1", "backend-2", "frontend-1"], databaseReady: true, slack: true, teams: true }]);
    single = await chains(SERVERS.slice(3), [
        { name: "release-app", servers: ["app-1"] },
        { name: "release-slack", servers: ["app-1"], slack: true },
        { name: "release-teams", servers: ["app-1"], teams: true },
        // Another app's contract: its own key, no superuser, no BYPASSRLS, the image's CMD, no persistent folder.
        {
            name: "release-own",
            servers: ["app-1"],
            secretKey: "the-stack's-own-django-key",
            app: {
                env: lines(["DJANGO_SECRET_KEY={secretKey}", "DB={databaseUrl}"]),
                secretEnv: [],
                command: [],
                bypassRowLevelSecurity: false,
                persistentDirectories: [],
                preMigrate: [],
                postMigrate: [],
                manageCommand: ["python3", "manage.py"],
            },
        },
    ]);
});

const inputs = (run: typeof split, name: string) => reveal(named(run.resources, name).inputs) as Record<string, unknown>;
/** The names of the resources a registration depends on, sorted. */
function dependencies(run: typeof split, name: string): string[] {
    const names = new Map(run.resources.map((r) => [r.urn, r.name]));
    return named(run.resources, name)
        .dependencies.map((urn) => names.get(urn) ?? urn)
        .sort();
}
const scripts = (chain: string, key: string) => SCRIPTS.map((script) => `${chain}-${key}-script-${script}`);
const connection = (key: string) => ({ host: ADDRESSES[`droplet-${key}`], port: 22, user: "deploy", privateKey: PRIVATE_KEY, dialErrorLimit: 10, perDialTimeout: 15 });
const chainResources = (run: typeof split, chain: string) => run.resources.filter((r) => r.name === chain || r.name.startsWith(`${chain}-`));
const WAIT = "{ cloud-init status --wait >/dev/null || [ $? -eq 2 ]; }";
const CA_MOUNT = "--mount-file /srv/projectmeats/db-ca.crt:/srv/projectmeats/db-ca.crt";
const PRE_MIGRATE = APP.PROJECTMEATS_PRE_MIGRATE.map((step) => `--pre-migrate '${step}'`).join(" ");
const COMMAND = `-- sh -c '${APP.PROJECTMEATS_COMMAND[2]}'`;

describe("registrations", () => {
    test("every step is parented to the component and named `<chain>-<role>` or `<chain>-<server>-<role>`", () => {
        const parent = `urn:pulumi:test::projectmeats-infra::${T.component}::release-dev`;
        const child = (type: string, name: string) => ({ type, name, urn: `urn:pulumi:test::projectmeats-infra::${T.component}$${type}::${name}`, parent });
        expect(summary(chainResources(split, "release-dev"))).toEqual(
            [
                { type: T.component, name: "release-dev", urn: parent, parent: "" },
                child(T.password, "release-dev-django-secret-key"),
                child(T.password, "release-dev-superuser-password"),
                ...["backend-1", "backend-2", "frontend-1"].flatMap((key) => scripts("release-dev", key).map((name) => child(T.copy, name))),
                child(T.remote, "release-dev-backend-1-env-backend"),
                child(T.remote, "release-dev-backend-2-env-backend"),
                child(T.remote, "release-dev-backend-1-db-ca"),
                child(T.remote, "release-dev-backend-2-db-ca"),
                child(T.remote, "release-dev-frontend-1-env-frontend"),
                child(T.remote, "release-dev-db-rights"),
                child(T.remote, "release-dev-migrate"),
                child(T.remote, "release-dev-backend-1-deploy-backend"),
                child(T.remote, "release-dev-backend-1-health-backend"),
                child(T.remote, "release-dev-backend-2-deploy-backend"),
                child(T.remote, "release-dev-backend-2-health-backend"),
                child(T.remote, "release-dev-frontend-1-deploy-frontend"),
                child(T.remote, "release-dev-frontend-1-health-frontend"),
                child(T.local, "release-dev-notify"),
            ].sort((a, b) => (a.name < b.name ? -1 : 1)),
        );
        // Nothing else was registered besides the test's own stand-ins.
        expect(split.resources.filter((r) => !r.name.startsWith("release-dev") && r.type !== T.droplet && r.type !== T.ready)).toEqual([]);
    });

    test("one server running both services gets one set of scripts and both services' steps", () => {
        expect(summary(chainResources(single, "release-app")).map((r) => r.name)).toEqual([
            "release-app",
            "release-app-app-1-db-ca",
            "release-app-app-1-deploy-backend",
            "release-app-app-1-deploy-frontend",
            "release-app-app-1-env-backend",
            "release-app-app-1-env-frontend",
            "release-app-app-1-health-backend",
            "release-app-app-1-health-frontend",
            ...scripts("release-app", "app-1").sort(),
            "release-app-db-rights",
            "release-app-django-secret-key",
            "release-app-migrate",
            "release-app-notify",
            "release-app-superuser-password",
        ]);
    });

    test("a stack's own Django key generates none; an env without {superuserPassword} generates no password", () => {
        expect(chainResources(single, "release-own").filter((r) => r.type === T.password)).toEqual([]);
    });

    test("exposes the health checks: the backends' first, then the frontends'", () => {
        expect(split.value).toEqual({
            "release-dev": ["release-dev-backend-1-health-backend", "release-dev-backend-2-health-backend", "release-dev-frontend-1-health-frontend"],
        });
    });
});

describe("order", () => {
    test.each([
        ["release-dev-django-secret-key", []],
        ["release-dev-superuser-password", []],
        ...["backend-1", "backend-2", "frontend-1"].flatMap((key) =>
            scripts("release-dev", key).map((name): [string, string[]] => [name, [`droplet-${key}`, `${key}-login`, `${key}-proxy`]]),
        ),
        ...["backend-1", "backend-2"].flatMap((key): [string, string[]][] => [
            [`release-dev-${key}-env-backend`, [`droplet-${key}`, `${key}-login`, `${key}-proxy`, "release-dev-django-secret-key", "release-dev-superuser-password"]],
            [`release-dev-${key}-db-ca`, [`droplet-${key}`, `${key}-login`, `${key}-proxy`]],
        ]),
        ["release-dev-frontend-1-env-frontend", ["droplet-frontend-1", "frontend-1-login", "frontend-1-proxy"]],
        ["release-dev-db-rights", ["database-firewall", "droplet-backend-1", "release-dev-backend-1-db-ca", ...scripts("release-dev", "backend-1")]],
        [
            "release-dev-migrate",
            [
                "database-firewall",
                "droplet-backend-1",
                "release-dev-backend-1-env-backend",
                "release-dev-backend-1-db-ca",
                "release-dev-db-rights",
                ...scripts("release-dev", "backend-1"),
            ],
        ],
        ...["backend-1", "backend-2"]
            .flatMap((key): [string, string[]][] => [
                [
                    `release-dev-${key}-deploy-backend`,
                    [
                        `droplet-${key}`,
                        "release-dev-django-secret-key",
                        "release-dev-superuser-password",
                        `release-dev-${key}-env-backend`,
                        `release-dev-${key}-db-ca`,
                        "release-dev-migrate",
                        ...scripts("release-dev", key),
                    ],
                ],
                [`release-dev-${key}-health-backend`, [`droplet-${key}`, "release-dev-django-secret-key", "release-dev-superuser-password", `release-dev-${key}-deploy-backend`]],
            ])
            .map(([name, deps]): [string, string[]] =>
                // One droplet at a time (the default batch size): backend-2 waits for backend-1 to be healthy.
                [name, name === "release-dev-backend-2-deploy-backend" ? [...deps, "release-dev-backend-1-health-backend"] : deps],
            ),
        [
            "release-dev-frontend-1-deploy-frontend",
            [
                "droplet-frontend-1",
                "release-dev-backend-1-health-backend",
                "release-dev-backend-2-health-backend",
                "release-dev-frontend-1-env-frontend",
                ...scripts("release-dev", "frontend-1"),
            ],
        ],
        ["release-dev-frontend-1-health-frontend", ["droplet-frontend-1", "release-dev-frontend-1-deploy-frontend"]],
        ["release-dev-notify", ["release-dev-backend-1-health-backend", "release-dev-backend-2-health-backend", "release-dev-frontend-1-health-frontend"]],
    ])("%s waits for exactly %j", (name, expected) => {
        expect(dependencies(split, name)).toEqual([...expected].sort());
    });

    test.each([
        [["release-dev-backend-1-db-ca", "release-dev-db-rights", "release-dev-migrate", "release-dev-backend-1-deploy-backend", "release-dev-backend-1-health-backend"]],
        [["release-dev-backend-1-env-backend", "release-dev-migrate"]],
        [["release-dev-backend-1-script-db-rights.sh", "release-dev-db-rights"]],
        [["release-dev-backend-1-script-migrate.sh", "release-dev-migrate"]],
        [["release-dev-migrate", "release-dev-backend-2-deploy-backend", "release-dev-backend-2-health-backend"]],
        [["release-dev-backend-2-env-backend", "release-dev-backend-2-deploy-backend"]],
        [["release-dev-frontend-1-env-frontend", "release-dev-frontend-1-deploy-frontend"]],
        [["release-dev-backend-1-health-backend", "release-dev-frontend-1-deploy-frontend", "release-dev-frontend-1-health-frontend", "release-dev-notify"]],
        [["release-dev-backend-2-health-backend", "release-dev-frontend-1-deploy-frontend"]],
    ])("files/scripts → database rights → migrate → deploy backend → health backend → deploy frontend → health frontend → notify: %j", (steps) => {
        for (let i = 1; i < steps.length; i++)
            expect({ step: steps[i], waitsFor: dependencies(split, steps[i]).includes(steps[i - 1]) }).toEqual({ step: steps[i], waitsFor: true });
    });

    test("without `databaseReady`, the rights step waits only for the first backend's CA file, scripts and droplet", () => {
        expect(dependencies(single, "release-app-db-rights")).toEqual(["droplet-app-1", "release-app-app-1-db-ca", ...scripts("release-app", "app-1")].sort());
    });

    test("on one server, the frontend's deploy waits for the backend's health check there", () => {
        expect(dependencies(single, "release-app-app-1-deploy-frontend")).toEqual(
            ["droplet-app-1", "release-app-app-1-health-backend", "release-app-app-1-env-frontend", ...scripts("release-app", "app-1")].sort(),
        );
    });
});

describe("inputs", () => {
    test.each(["backend-1", "frontend-1"].flatMap((key) => SCRIPTS.map((script) => [key, script] as const)))(
        "%s gets %s from the program's folder, re-shipped when its content changes or the droplet is replaced",
        (key, script) => {
            expect(inputs(split, `release-dev-${key}-script-${script}`)).toEqual({
                connection: connection(key),
                // How the SDK sends a FileAsset (@pulumi/pulumi runtime/rpc.ts `specialAssetSig`).
                source: { "4dabf18193072939515e22adb298388d": "c44067f5952c0a294b673a41bacd8c17", __pulumiAsset: true, path: `../host/droplet/${script}` },
                remotePath: `/srv/projectmeats/bin/${script}`,
                triggers: [SCRIPT_DIGESTS[script], `droplet-${key}-id`],
            });
        },
    );

    test("Django's signing key and the superuser's password are generated once: letters and digits", () => {
        expect(inputs(split, "release-dev-django-secret-key")).toEqual({ length: 64, special: false });
        expect(inputs(split, "release-dev-superuser-password")).toEqual({ length: 32, special: false });
    });

    test.each(["backend-1", "backend-2"])("the env file of %s, under the names the app reads, is written from stdin, and stderr only is logged", (key) => {
        expect(inputs(split, `release-dev-${key}-env-backend`)).toEqual({
            connection: connection(key),
            create: `${WAIT} && { (umask 077 && cat > /srv/projectmeats/backend.env.new) && mv -f /srv/projectmeats/backend.env.new /srv/projectmeats/backend.env; }`,
            stdin: ENV_FILE,
            logging: "stderr",
            addPreviousOutputInEnv: false,
        });
    });

    test("a stack's own key and another app's names reach its env file", () => {
        expect(inputs(single, "release-own-app-1-env-backend").stdin).toBe(`DJANGO_SECRET_KEY=the-stack's-own-django-key\nDB=${VERIFIED(DATABASE_URL)}\n`);
    });

    test.each(["backend-1", "backend-2"])("the cluster's CA certificate is written to %s, readable by the container's user", (key) => {
        expect(inputs(split, `release-dev-${key}-db-ca`)).toEqual({
            connection: connection(key),
            create: `${WAIT} && { (umask 022 && cat > /srv/projectmeats/db-ca.crt.new) && mv -f /srv/projectmeats/db-ca.crt.new /srv/projectmeats/db-ca.crt; }`,
            stdin: CA_CERTIFICATE,
            logging: "stderr",
            addPreviousOutputInEnv: false,
        });
    });

    test("the frontend's runtime configuration is written to its droplet", () => {
        expect(inputs(split, "release-dev-frontend-1-env-frontend")).toEqual({
            connection: connection("frontend-1"),
            create: `${WAIT} && { (umask 022 && cat > /srv/projectmeats/frontend-config.js.new) && mv -f /srv/projectmeats/frontend-config.js.new /srv/projectmeats/frontend-config.js; }`,
            stdin: FRONTEND_CONFIG,
            logging: "stderr",
            addPreviousOutputInEnv: false,
        });
    });

    test("the database rights are given once a release, on the first backend server, as the cluster's admin whose URI is on stdin", () => {
        expect(inputs(split, "release-dev-db-rights")).toEqual({
            connection: connection("backend-1"),
            create: `bash /srv/projectmeats/bin/db-rights.sh --image ${IMAGES.backend} --app-user projectmeats --python python ${CA_MOUNT} --bypass-rls`,
            stdin: `${VERIFIED(ADMIN_URL)}\n`,
            triggers: [SHA, DIGESTS.backend],
            logging: "stdoutAndStderr",
            addPreviousOutputInEnv: false,
        });
        expect(isSecret(named(split.resources, "release-dev-db-rights").inputs.stdin)).toBe(true);
    });

    test("without bypassRowLevelSecurity, with another manage command: only the schema right, with that Python", () => {
        expect(inputs(single, "release-own-db-rights").create).toBe(
            `bash /srv/projectmeats/bin/db-rights.sh --image ${IMAGES.backend} --app-user projectmeats --python python3 ${CA_MOUNT}`,
        );
    });

    test("migrate runs once, on the first backend server, with the pinned backend image: pre-migrate steps, migrate, setup_superuser", () => {
        expect(inputs(split, "release-dev-migrate")).toEqual({
            connection: connection("backend-1"),
            create:
                `bash /srv/projectmeats/bin/migrate.sh --image ${IMAGES.backend} --env-file /srv/projectmeats/backend.env --manage 'python /app/manage.py' ${CA_MOUNT} ` +
                `${PRE_MIGRATE} --post-migrate setup_superuser`,
            triggers: [SHA, DIGESTS.backend],
            logging: "stdoutAndStderr",
            addPreviousOutputInEnv: false,
        });
    });

    test.each(["backend-1", "backend-2"])(
        "the backend on %s: its own command, media folder, CA certificate; checked for readiness and a healthy JSON status, directly and through nginx",
        (key) => {
            expect(inputs(split, `release-dev-${key}-deploy-backend`)).toEqual({
                connection: connection(key),
                create:
                    `bash /srv/projectmeats/bin/deploy.sh --service backend --release ${SHA} --image ${IMAGES.backend} --container-port 8000 --ports 8000,8001 ` +
                    "--health-path /api/v1/health/ --ready-path /api/v1/ready/ --json-field status --json-value healthy --health-host api.dev.projectmeats.com " +
                    `--env-file /srv/projectmeats/backend.env --persist /srv/projectmeats/data/media:/app/media --persist-owner 1000:1000 ${CA_MOUNT} ${COMMAND}`,
                triggers: [SHA, DIGESTS.backend, ENV_DIGEST],
                logging: "stdoutAndStderr",
                addPreviousOutputInEnv: false,
            });
            expect(inputs(split, `release-dev-${key}-health-backend`)).toEqual({
                connection: connection(key),
                create:
                    "bash /srv/projectmeats/bin/health-check.sh --url http://127.0.0.1/api/v1/health/ --ready-url http://127.0.0.1/api/v1/ready/ " +
                    `--json-field status --json-value healthy --host api.dev.projectmeats.com --deadline 30 && echo 'pm-dev-${key} serves backend release ${SHA} (batch ${key.slice(-1)} of 2)'`,
                triggers: [SHA, DIGESTS.backend, ENV_DIGEST],
                logging: "stdoutAndStderr",
                addPreviousOutputInEnv: false,
            });
        },
    );

    test("another app's backend: the image's CMD and no persistent folder", () => {
        expect(inputs(single, "release-own-app-1-deploy-backend").create).toBe(
            `bash /srv/projectmeats/bin/deploy.sh --service backend --release ${SHA} --image ${IMAGES.backend} --container-port 8000 --ports 8000,8001 ` +
                "--health-path /api/v1/health/ --ready-path /api/v1/ready/ --json-field status --json-value healthy --health-host api.dev.projectmeats.com " +
                `--env-file /srv/projectmeats/backend.env ${CA_MOUNT}`,
        );
    });

    test("the frontend is deployed from its pinned image with its runtime configuration mounted, then checked through nginx", () => {
        expect(inputs(split, "release-dev-frontend-1-deploy-frontend")).toEqual({
            connection: connection("frontend-1"),
            create:
                `bash /srv/projectmeats/bin/deploy.sh --service frontend --release ${SHA} --image ${IMAGES.frontend} --container-port 80 --ports 8080,8081 --health-path / ` +
                "--health-host dev.projectmeats.com --mount-file /srv/projectmeats/frontend-config.js:/usr/share/nginx/html/env-config.js",
            triggers: [SHA, DIGESTS.frontend, FRONTEND_DIGEST],
            logging: "stdoutAndStderr",
            addPreviousOutputInEnv: false,
        });
        expect(inputs(split, "release-dev-frontend-1-health-frontend")).toEqual({
            connection: connection("frontend-1"),
            create: `bash /srv/projectmeats/bin/health-check.sh --url http://127.0.0.1/ --host dev.projectmeats.com --deadline 30 && echo 'pm-dev-frontend-1 serves frontend release ${SHA} (batch 1 of 1)'`,
            triggers: [SHA, DIGESTS.frontend, FRONTEND_DIGEST],
            logging: "stdoutAndStderr",
            addPreviousOutputInEnv: false,
        });
    });

    test("the notification runs where `pulumi up` runs, with the release in its environment and the webhooks on stdin", () => {
        expect(inputs(split, "release-dev-notify")).toEqual({
            create: "node ../host/local/notify.mjs",
            stdin: `slack ${SLACK}\nteams ${TEAMS}\n`,
            environment: { PM_ENVIRONMENT: "dev", PM_SHA: SHA, PM_COMPONENT: "backend, frontend", PM_STATUS: "success" },
            triggers: [SHA, DIGESTS.backend, DIGESTS.frontend],
            logging: "stdoutAndStderr",
            addPreviousOutputInEnv: false,
        });
    });

    test.each([
        ["release-app", ""],
        ["release-slack", `slack ${SLACK}\n`],
        ["release-teams", `teams ${TEAMS}\n`],
    ])("%s: the notification's stdin names only the webhooks given (%j)", (chain, stdin) => {
        expect(inputs(single, `${chain}-notify`).stdin).toBe(stdin);
        expect(isSecret(named(single.resources, `${chain}-notify`).inputs.stdin)).toBe(true);
    });
});

describe("every step", () => {
    const steps = () => [...split.resources, ...single.resources].filter((r) => r.type === T.remote || r.type === T.local);
    /** Steps that write a file from stdin: rewritten when their content changes, with no trigger. */
    const FILES = /-(env-backend|env-frontend|db-ca)$/;

    test("has no delete or update command and ignores the previous step's output", () => {
        expect(steps().length).toBe(14 + 4 * 10);
        for (const step of steps()) {
            expect({ name: step.name, delete: step.inputs.delete, update: step.inputs.update, addPreviousOutputInEnv: step.inputs.addPreviousOutputInEnv }).toEqual({
                name: step.name,
                delete: undefined,
                update: undefined,
                addPreviousOutputInEnv: false,
            });
        }
    });

    test("on a server, but for the files, carries the SHA and its service's digest first in `triggers`", () => {
        const service = (name: string) => (/-(db-rights|migrate|deploy-backend|health-backend)$/.test(name) ? "backend" : "frontend");
        for (const step of steps().filter((r) => !FILES.test(r.name) && r.type === T.remote)) {
            expect({ name: step.name, first: (reveal(step.inputs.triggers) as string[]).slice(0, 2) }).toEqual({ name: step.name, first: [SHA, DIGESTS[service(step.name)]] });
        }
    });
});

describe("secrets", () => {
    const SECRETS = {
        DATABASE_URL,
        SLACK,
        TEAMS,
        DJANGO_KEY,
        SUPERUSER_PASSWORD,
        "the stack's Django key": "the-stack's-own-django-key",
        "the database password": "db-s3cret",
        "the admin's password": "adm1n-s3cret",
        "a secret env value": "sendgrid-s3cret",
    };

    test("the database URLs, Django's key, the passwords, secret env values and the webhooks reach no input but stdin", () => {
        const leaks = [...split.resources, ...single.resources].flatMap((r) => {
            const rest = Object.fromEntries(Object.entries(reveal(r.inputs) as Record<string, unknown>).filter(([key]) => key !== "stdin"));
            return Object.entries(SECRETS)
                .filter(([, value]) => JSON.stringify(rest).includes(value))
                .map(([label]) => `${r.name}: ${label}`);
        });
        expect(leaks).toEqual([]);
    });

    test("every stdin that carries a secret, and the backend's content digest, is marked secret; the CA certificate and the frontend's configuration are public", () => {
        const withStdin = [...split.resources, ...single.resources].filter((r) => r.inputs.stdin !== undefined);
        const secret = withStdin.filter((r) => !/-(db-ca|env-frontend)$/.test(r.name));
        expect(secret.map((r) => [r.name, isSecret(r.inputs.stdin)])).toEqual(secret.map((r) => [r.name, true]));
        expect(secret.map((r) => r.name).sort()).toEqual(
            [
                "release-dev-backend-1-env-backend",
                "release-dev-backend-2-env-backend",
                "release-dev-db-rights",
                "release-dev-notify",
                ...["release-app", "release-slack", "release-teams", "release-own"].flatMap((chain) => [`${chain}-app-1-env-backend`, `${chain}-db-rights`, `${chain}-notify`]),
            ].sort(),
        );
        for (const name of ["release-dev-backend-1-deploy-backend", "release-dev-backend-1-health-backend"]) {
            expect((named(split.resources, name).inputs.triggers as unknown[]).map(isSecret)).toEqual([false, false, true]);
        }
    });
});

describe("validation", () => {
    test.each([
        ["no server at all", [], "`servers` must include at least one server that runs the backend."],
        ["no backend server", ["frontend-1"], "`servers` must include at least one server that runs the backend."],
        ["no frontend server", ["backend-1", "backend-2"], "`servers` must include at least one server that runs the frontend."],
    ])("%s is refused with a ResourceError naming `servers`, before any step is declared", async (_, servers, message) => {
        const run = await chains(SERVERS.slice(0, 3), [{ name: "release-bad", servers }]);
        expect(run.value).toEqual({ "release-bad": { resourceError: true, message } });
        expect(chainResources(run, "release-bad").map((r) => r.name)).toEqual(["release-bad"]);
    });

    test.each([0, 1.5])("a batch size of %p is refused with a ResourceError naming `batchSize`", async (batchSize) => {
        const run = await chains(SERVERS.slice(3), [{ name: "release-bad", servers: ["app-1"], batchSize }]);
        expect(run.value).toEqual({ "release-bad": { resourceError: true, message: `\`batchSize\` must be a whole number of at least 1, got ${batchSize}.` } });
    });

    test("an empty manage command is refused with a ResourceError naming `app.manageCommand`", async () => {
        const run = await chains(SERVERS.slice(3), [{ name: "release-bad", servers: ["app-1"], app: { manageCommand: [] } }]);
        expect(run.value).toEqual({
            "release-bad": { resourceError: true, message: "`app.manageCommand` must name at least the image's Python, e.g. [python, /app/manage.py]." },
        });
    });
});

describe("rolling releases and HTTPS health checks", () => {
    const keys = ["backend-1", "backend-2", "frontend-1"];
    let wide: Awaited<ReturnType<typeof chains>>;
    let https: Awaited<ReturnType<typeof chains>>;
    beforeAll(async () => {
        wide = await chains(SERVERS.slice(0, 3), [{ name: "release-wide", servers: keys, batchSize: 2 }]);
        https = await chains(SERVERS.slice(3), [{ name: "release-tls", servers: ["app-1"], healthScheme: "https" }]);
    });

    test("one at a time (the default): each backend's deploy waits for the one before to be healthy, the frontend for every backend", () => {
        expect(dependencies(split, "release-dev-backend-1-deploy-backend")).not.toContain("release-dev-backend-2-health-backend");
        expect(dependencies(split, "release-dev-backend-2-deploy-backend")).toContain("release-dev-backend-1-health-backend");
        expect(dependencies(split, "release-dev-frontend-1-deploy-frontend")).toEqual(
            expect.arrayContaining(["release-dev-backend-1-health-backend", "release-dev-backend-2-health-backend"]),
        );
    });

    test("a batch of two releases both backends at once, and says so in the step output", () => {
        expect(dependencies(wide, "release-wide-backend-2-deploy-backend").filter((name) => name.endsWith("-health-backend"))).toEqual([]);
        expect(dependencies(wide, "release-wide-backend-1-deploy-backend").filter((name) => name.endsWith("-health-backend"))).toEqual([]);
        for (const key of ["backend-1", "backend-2"]) {
            expect(String(inputs(wide, `release-wide-${key}-health-backend`).create)).toMatch(
                new RegExp(` && echo 'pm-dev-${key} serves backend release ${SHA} \\(batch 1 of 1\\)'$`),
            );
        }
    });

    test("where nginx ends TLS, the health steps go through HTTPS with the public hostname resolved to the droplet itself", () => {
        expect(inputs(https, "release-tls-app-1-health-backend").create).toBe(
            "bash /srv/projectmeats/bin/health-check.sh --url https://api.dev.projectmeats.com/api/v1/health/ --ready-url https://api.dev.projectmeats.com/api/v1/ready/ " +
                "--json-field status --json-value healthy --resolve api.dev.projectmeats.com:443:127.0.0.1 --deadline 30 && " +
                `echo 'pm-dev-app-1 serves backend release ${SHA} (batch 1 of 1)'`,
        );
        expect(inputs(https, "release-tls-app-1-health-frontend").create).toBe(
            "bash /srv/projectmeats/bin/health-check.sh --url https://dev.projectmeats.com/ --resolve dev.projectmeats.com:443:127.0.0.1 --deadline 30 && " +
                `echo 'pm-dev-app-1 serves frontend release ${SHA} (batch 1 of 1)'`,
        );
    });
});

describe("through the load balancers (edge loadBalancer)", () => {
    let balanced: Awaited<ReturnType<typeof chains>>;
    beforeAll(async () => {
        balanced = await chains(SERVERS.slice(0, 3), [
            {
                name: "release-lb",
                servers: ["backend-1", "backend-2", "frontend-1"],
                edgeAddresses: { backend: "198.51.100.1", frontend: "198.51.100.2" },
                edgeAdmissionSeconds: 35,
            },
        ]);
    });

    test("after every rollout, a step on each service's first droplet checks it at its balancer over HTTPS; it is exposed with the health checks", () => {
        expect(balanced.value).toEqual({
            "release-lb": [
                "release-lb-backend-1-health-backend",
                "release-lb-backend-2-health-backend",
                "release-lb-frontend-1-health-frontend",
                "release-lb-edge-health-backend",
                "release-lb-edge-health-frontend",
            ],
        });
        expect(inputs(balanced, "release-lb-edge-health-backend")).toEqual({
            connection: connection("backend-1"),
            create:
                "bash /srv/projectmeats/bin/health-check.sh --url https://api.dev.projectmeats.com/api/v1/health/ --ready-url https://api.dev.projectmeats.com/api/v1/ready/ " +
                "--json-field status --json-value healthy --resolve api.dev.projectmeats.com:443:198.51.100.1 --deadline 65 && " +
                `echo 'https://api.dev.projectmeats.com (198.51.100.1) serves backend release ${SHA}'`,
            triggers: [SHA, DIGESTS.backend, ENV_DIGEST],
            logging: "stdoutAndStderr",
            addPreviousOutputInEnv: false,
        });
    });

    test("each droplet, once every service it runs is healthy, lets its balancer's check pass there, then waits where pulumi up runs for the balancer to admit it: once per droplet id", () => {
        expect(inputs(balanced, "release-lb-backend-2-in-rotation")).toEqual({
            connection: connection("backend-2"),
            create:
                "mkdir -p /etc/projectmeats/nginx/in-rotation && printf '%s\\n' 'set $projectmeats_in_rotation 1;' > /etc/projectmeats/nginx/in-rotation/droplet.conf && " +
                "sudo /usr/sbin/nginx -t && sudo /usr/sbin/nginx -s reload && echo 'pm-dev-backend-2 runs every service: its balancer'\"'\"'s health check may pass'",
            triggers: [named(balanced.resources, "droplet-backend-2").id],
            logging: "stdoutAndStderr",
            addPreviousOutputInEnv: false,
        });
        expect(dependencies(balanced, "release-lb-backend-2-in-rotation")).toEqual(["droplet-backend-2", "release-lb-backend-2-health-backend"]);
        expect(inputs(balanced, "release-lb-backend-2-admitted")).toEqual({
            create: "sleep 35 && echo 'pm-dev-backend-2 has passed the balancer'\"'\"'s health checks for 35s: in rotation'",
            triggers: [named(balanced.resources, "droplet-backend-2").id],
            logging: "stdoutAndStderr",
            addPreviousOutputInEnv: false,
        });
        expect(dependencies(balanced, "release-lb-backend-2-admitted")).toEqual(["droplet-backend-2", "release-lb-backend-2-in-rotation"]);
        expect(dependencies(balanced, "release-lb-frontend-1-admitted")).toEqual(["droplet-frontend-1", "release-lb-frontend-1-in-rotation"]);
        // Without a balancer, no such step.
        expect(split.resources.filter((r) => r.name.endsWith("-admitted") || r.name.endsWith("-in-rotation"))).toEqual([]);
    });

    test("it waits for every droplet of its service to be in the rotation; the notification waits for it", () => {
        expect(dependencies(balanced, "release-lb-edge-health-backend")).toEqual(
            [
                "droplet-backend-1",
                "release-lb-backend-1-admitted",
                "release-lb-backend-1-health-backend",
                "release-lb-backend-2-admitted",
                "release-lb-backend-2-health-backend",
                "release-lb-django-secret-key",
                "release-lb-superuser-password",
            ].sort(),
        );
        expect(dependencies(balanced, "release-lb-frontend-1-deploy-frontend")).not.toContain("release-lb-edge-health-backend");
        expect(dependencies(balanced, "release-lb-edge-health-frontend")).toEqual([
            "droplet-frontend-1",
            "release-lb-frontend-1-admitted",
            "release-lb-frontend-1-health-frontend",
        ]);
        expect(dependencies(balanced, "release-lb-notify")).toEqual(
            [
                "release-lb-backend-1-health-backend",
                "release-lb-backend-2-health-backend",
                "release-lb-edge-health-backend",
                "release-lb-frontend-1-health-frontend",
                "release-lb-edge-health-frontend",
            ].sort(),
        );
    });
});
