/**
 * The ReleaseChain component on its own, under Pulumi's mocks: its steps, their order, their triggers
 * and where the secrets go. The whole program's release is covered by test/release.test.ts.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
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
const SCRIPTS = ["lib.sh", "health-check.sh", "migrate.sh", "deploy.sh"] as const;
const SHA = "1111111aaaaaaa";
const DIGESTS: Record<Service, string> = { backend: `sha256:${"b".repeat(64)}`, frontend: `sha256:${"f".repeat(64)}` };
const IMAGES: Record<Service, string> = {
    backend: `registry.digitalocean.com/meatscentral/projectmeats-backend@${DIGESTS.backend}`,
    frontend: `registry.digitalocean.com/meatscentral/projectmeats-frontend@${DIGESTS.frontend}`,
};
const HOSTNAMES: Record<Service, string> = { backend: "api.dev.projectmeats.com", frontend: "dev.projectmeats.com" };
const DATABASE_URL = "postgresql://projectmeats:db-s3cret@private-db.example:25060/projectmeats?sslmode=require";
const SLACK = "https://hooks.slack.com/services/T0/B0/slack-s3cret";
const TEAMS = "https://example.webhook.office.com/teams-s3cret";
const DJANGO_KEY = "django-key-from-random-password";
const PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nmock\n-----END OPENSSH PRIVATE KEY-----\n";
const ADDRESSES: Record<string, string> = {
    "droplet-backend-1": "203.0.113.11",
    "droplet-backend-2": "203.0.113.12",
    "droplet-frontend-1": "203.0.113.21",
    "droplet-app-1": "203.0.113.31",
};

const ENV_FILE = `DATABASE_URL=${DATABASE_URL}\nDJANGO_SECRET_KEY=${DJANGO_KEY}\nDJANGO_ALLOWED_HOSTS=api.dev.projectmeats.com\nDJANGO_DEBUG=False\n`;
const sha256 = (content: string | Buffer) => crypto.createHash("sha256").update(content).digest("hex");
const ENV_DIGEST = sha256(ENV_FILE);
const SCRIPT_DIGESTS = Object.fromEntries(SCRIPTS.map((script) => [script, sha256(fs.readFileSync(path.join(__dirname, "..", "..", "host", "droplet", script)))]));

function state(type: string, name: string): Record<string, unknown> {
    if (type === T.droplet) return { ipv4Address: ADDRESSES[name] };
    if (type === T.password) return { result: DJANGO_KEY };
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
                        databaseReady: spec.databaseReady ? [firewall] : undefined,
                        slackWebhookUrl: spec.slack ? pulumi.secret(SLACK) : undefined,
                        teamsWebhookUrl: spec.teams ? pulumi.secret(TEAMS) : undefined,
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

describe("registrations", () => {
    test("every step is parented to the component and named `<chain>-<role>` or `<chain>-<server>-<role>`", () => {
        const parent = `urn:pulumi:test::projectmeats-infra::${T.component}::release-dev`;
        const child = (type: string, name: string) => ({ type, name, urn: `urn:pulumi:test::projectmeats-infra::${T.component}$${type}::${name}`, parent });
        expect(summary(chainResources(split, "release-dev"))).toEqual(
            [
                { type: T.component, name: "release-dev", urn: parent, parent: "" },
                child(T.password, "release-dev-django-secret-key"),
                ...["backend-1", "backend-2", "frontend-1"].flatMap((key) => scripts("release-dev", key).map((name) => child(T.copy, name))),
                child(T.remote, "release-dev-backend-1-env-backend"),
                child(T.remote, "release-dev-backend-2-env-backend"),
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
            "release-app-app-1-deploy-backend",
            "release-app-app-1-deploy-frontend",
            "release-app-app-1-env-backend",
            "release-app-app-1-health-backend",
            "release-app-app-1-health-frontend",
            "release-app-app-1-script-deploy.sh",
            "release-app-app-1-script-health-check.sh",
            "release-app-app-1-script-lib.sh",
            "release-app-app-1-script-migrate.sh",
            "release-app-django-secret-key",
            "release-app-migrate",
            "release-app-notify",
        ]);
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
        ...["backend-1", "backend-2", "frontend-1"].flatMap((key) =>
            scripts("release-dev", key).map((name): [string, string[]] => [name, [`droplet-${key}`, `${key}-login`, `${key}-proxy`]]),
        ),
        ...["backend-1", "backend-2"].map((key): [string, string[]] => [
            `release-dev-${key}-env-backend`,
            [`droplet-${key}`, `${key}-login`, `${key}-proxy`, "release-dev-django-secret-key"],
        ]),
        ["release-dev-migrate", ["database-firewall", "droplet-backend-1", "release-dev-backend-1-env-backend", ...scripts("release-dev", "backend-1")]],
        ...["backend-1", "backend-2"].flatMap((key): [string, string[]][] => [
            [
                `release-dev-${key}-deploy-backend`,
                [`droplet-${key}`, "release-dev-django-secret-key", `release-dev-${key}-env-backend`, "release-dev-migrate", ...scripts("release-dev", key)],
            ],
            [`release-dev-${key}-health-backend`, [`droplet-${key}`, "release-dev-django-secret-key", `release-dev-${key}-deploy-backend`]],
        ]),
        [
            "release-dev-frontend-1-deploy-frontend",
            ["droplet-frontend-1", "release-dev-backend-1-health-backend", "release-dev-backend-2-health-backend", ...scripts("release-dev", "frontend-1")],
        ],
        ["release-dev-frontend-1-health-frontend", ["droplet-frontend-1", "release-dev-frontend-1-deploy-frontend"]],
        ["release-dev-notify", ["release-dev-backend-1-health-backend", "release-dev-backend-2-health-backend", "release-dev-frontend-1-health-frontend"]],
    ])("%s waits for exactly %j", (name, expected) => {
        expect(dependencies(split, name)).toEqual([...expected].sort());
    });

    test.each([
        [["release-dev-backend-1-env-backend", "release-dev-migrate", "release-dev-backend-1-deploy-backend", "release-dev-backend-1-health-backend"]],
        [["release-dev-backend-1-script-migrate.sh", "release-dev-migrate"]],
        [["release-dev-migrate", "release-dev-backend-2-deploy-backend", "release-dev-backend-2-health-backend"]],
        [["release-dev-backend-2-env-backend", "release-dev-backend-2-deploy-backend"]],
        [["release-dev-backend-1-health-backend", "release-dev-frontend-1-deploy-frontend", "release-dev-frontend-1-health-frontend", "release-dev-notify"]],
        [["release-dev-backend-2-health-backend", "release-dev-frontend-1-deploy-frontend"]],
    ])("env file/scripts → migrate → deploy backend → health backend → deploy frontend → health frontend → notify: %j", (steps) => {
        for (let i = 1; i < steps.length; i++)
            expect({ step: steps[i], waitsFor: dependencies(split, steps[i]).includes(steps[i - 1]) }).toEqual({ step: steps[i], waitsFor: true });
    });

    test("without `databaseReady`, migrate waits only for the first backend's env file, scripts and droplet", () => {
        expect(dependencies(single, "release-app-migrate")).toEqual(["droplet-app-1", "release-app-app-1-env-backend", ...scripts("release-app", "app-1")].sort());
    });

    test("on one server, the frontend's deploy waits for the backend's health check there", () => {
        expect(dependencies(single, "release-app-app-1-deploy-frontend")).toEqual(["droplet-app-1", "release-app-app-1-health-backend", ...scripts("release-app", "app-1")].sort());
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

    test("Django's signing key is generated once: 64 letters and digits", () => {
        expect(inputs(split, "release-dev-django-secret-key")).toEqual({ length: 64, special: false });
    });

    test.each(["backend-1", "backend-2"])("the env file of %s is written from stdin, and stderr only is logged", (key) => {
        expect(inputs(split, `release-dev-${key}-env-backend`)).toEqual({
            connection: connection(key),
            create: "{ cloud-init status --wait >/dev/null || [ $? -eq 2 ]; } && { (umask 077 && cat > /srv/projectmeats/backend.env.new) && mv -f /srv/projectmeats/backend.env.new /srv/projectmeats/backend.env; }",
            stdin: ENV_FILE,
            logging: "stderr",
            addPreviousOutputInEnv: false,
        });
    });

    test("migrate runs once, on the first backend server, with the pinned backend image", () => {
        expect(inputs(split, "release-dev-migrate")).toEqual({
            connection: connection("backend-1"),
            create: `bash /srv/projectmeats/bin/migrate.sh --image ${IMAGES.backend} --env-file /srv/projectmeats/backend.env`,
            triggers: [SHA, DIGESTS.backend],
            logging: "stdoutAndStderr",
            addPreviousOutputInEnv: false,
        });
    });

    test.each(["backend-1", "backend-2"])("the backend on %s is deployed from its pinned image, then checked through nginx; the env file's digest is a trigger", (key) => {
        expect(inputs(split, `release-dev-${key}-deploy-backend`)).toEqual({
            connection: connection(key),
            create:
                `bash /srv/projectmeats/bin/deploy.sh --service backend --release ${SHA} --image ${IMAGES.backend} --container-port 8000 --ports 8000,8001 ` +
                "--health-path /api/v1/health/ --health-host api.dev.projectmeats.com --env-file /srv/projectmeats/backend.env --collectstatic",
            triggers: [SHA, DIGESTS.backend, ENV_DIGEST],
            logging: "stdoutAndStderr",
            addPreviousOutputInEnv: false,
        });
        expect(inputs(split, `release-dev-${key}-health-backend`)).toEqual({
            connection: connection(key),
            create: "bash /srv/projectmeats/bin/health-check.sh --url http://127.0.0.1/api/v1/health/ --host api.dev.projectmeats.com --deadline 30",
            triggers: [SHA, DIGESTS.backend, ENV_DIGEST],
            logging: "stdoutAndStderr",
            addPreviousOutputInEnv: false,
        });
    });

    test("the frontend is deployed from its pinned image without an env file, then checked through nginx", () => {
        expect(inputs(split, "release-dev-frontend-1-deploy-frontend")).toEqual({
            connection: connection("frontend-1"),
            create: `bash /srv/projectmeats/bin/deploy.sh --service frontend --release ${SHA} --image ${IMAGES.frontend} --container-port 80 --ports 8080,8081 --health-path / --health-host dev.projectmeats.com`,
            triggers: [SHA, DIGESTS.frontend],
            logging: "stdoutAndStderr",
            addPreviousOutputInEnv: false,
        });
        expect(inputs(split, "release-dev-frontend-1-health-frontend")).toEqual({
            connection: connection("frontend-1"),
            create: "bash /srv/projectmeats/bin/health-check.sh --url http://127.0.0.1/ --host dev.projectmeats.com --deadline 30",
            triggers: [SHA, DIGESTS.frontend],
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

    test("has no delete or update command and ignores the previous step's output", () => {
        expect(steps().length).toBe(10 + 3 * 7);
        for (const step of steps()) {
            expect({ name: step.name, delete: step.inputs.delete, update: step.inputs.update, addPreviousOutputInEnv: step.inputs.addPreviousOutputInEnv }).toEqual({
                name: step.name,
                delete: undefined,
                update: undefined,
                addPreviousOutputInEnv: false,
            });
        }
    });

    test("on a server, but for the env file, carries the SHA and its service's digest first in `triggers`", () => {
        const service = (name: string) => (/-(migrate|deploy-backend|health-backend)$/.test(name) ? "backend" : "frontend");
        for (const step of steps().filter((r) => !r.name.endsWith("-env-backend") && r.type === T.remote)) {
            expect({ name: step.name, first: (reveal(step.inputs.triggers) as string[]).slice(0, 2) }).toEqual({ name: step.name, first: [SHA, DIGESTS[service(step.name)]] });
        }
    });
});

describe("secrets", () => {
    const SECRETS = { DATABASE_URL, SLACK, TEAMS, DJANGO_KEY, "the database password": "db-s3cret" };

    test("the database URL, Django's key and the webhooks reach no input but stdin", () => {
        const leaks = [...split.resources, ...single.resources].flatMap((r) => {
            const rest = Object.fromEntries(Object.entries(reveal(r.inputs) as Record<string, unknown>).filter(([key]) => key !== "stdin"));
            return Object.entries(SECRETS)
                .filter(([, value]) => JSON.stringify(rest).includes(value))
                .map(([label]) => `${r.name}: ${label}`);
        });
        expect(leaks).toEqual([]);
    });

    test("every stdin, and the env file's digest, is marked secret", () => {
        const withStdin = [...split.resources, ...single.resources].filter((r) => r.inputs.stdin !== undefined);
        expect(withStdin.map((r) => [r.name, isSecret(r.inputs.stdin)])).toEqual(withStdin.map((r) => [r.name, true]));
        expect(withStdin.map((r) => r.name).sort()).toEqual(
            [
                "release-dev-backend-1-env-backend",
                "release-dev-backend-2-env-backend",
                "release-dev-notify",
                ...["release-app", "release-slack", "release-teams"].flatMap((chain) => [`${chain}-app-1-env-backend`, `${chain}-notify`]),
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
});
