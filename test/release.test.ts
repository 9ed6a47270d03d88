/** The release chain as the program declares it, under mocks, for every stack. */
import { contentDigest } from "../components/release/appFiles";
import { COMMAND_TYPES, CommandType, plannedChange } from "../tools/commandProvider";
import { STACK_NAMES, readStackFile } from "../tools/stackFiles";
import { ProgramRun, RecordedResource, isSecret, mockCaCertificate, mockDigest, named, ofType, reveal, runProgram } from "../tools/programRunner";

const SHA_1 = "1111111aaaaaaa";
const SHA_2 = "2222222bbbbbbb";
/** A release of uat or prod needs the superuser's password from the stack's secrets (config/sections/app.ts). */
const SUPERUSER = { "projectmeats:appSuperuserPassword": "operators-chosen-password" };

const runs = new Map<string, ProgramRun>();
beforeAll(async () => {
    for (const stack of STACK_NAMES) runs.set(stack, await runProgram(stack, { config: { "projectmeats:imageSha": SHA_1 }, secretConfig: SUPERUSER }));
});

const plain = (r: RecordedResource) => reveal(r.inputs) as Record<string, unknown>;
const env = (stack: string) => (stack === "dev" ? "dev" : stack);
/** The tag prefix ProjectMeats' build uses for each environment (its main-pipeline.yml), set in each stack file. */
const TAG_PREFIX: Record<string, string> = { dev: "development", uat: "uat", prod: "production" };
const HOSTNAMES: Record<string, { backend: string; frontend: string }> = {
    dev: { backend: "api.dev.projectmeats.com", frontend: "dev.projectmeats.com" },
    uat: { backend: "api.uat.projectmeats.com", frontend: "uat.projectmeats.com" },
    prod: { backend: "api.projectmeats.com", frontend: "app.projectmeats.com" },
};
/** The DJANGO_ENV each stack file sets (development by default). */
const DJANGO_ENV: Record<string, string> = { dev: "development", uat: "uat", prod: "production" };
/** Steps that write a file from stdin: no triggers, rewritten when their content changes. */
const FILE_STEP = /-(env-backend|env-frontend|db-ca)$/;
/** Steps that run once per droplet (edge loadBalancer): their trigger is the droplet's id. */
const DROPLET_STEP = /-(in-rotation|admitted)$/;

function byUrn(run: ProgramRun): Map<string, RecordedResource> {
    return new Map(run.resources.map((r) => [r.urn, r]));
}

function isInRelease(run: ProgramRun, resource: RecordedResource): boolean {
    const all = byUrn(run);
    for (let r: RecordedResource | undefined = resource; r; r = all.get(r.parent)) if (r.type === "projectmeats:release:ReleaseChain") return true;
    return false;
}

describe.each(STACK_NAMES)("stack %s", (stack) => {
    test("a new SHA changes only release-chain resources; droplets, database, registry, firewalls and GitHub are untouched", async () => {
        const first = runs.get(stack)!;
        const second = await runProgram(stack, { config: { "projectmeats:imageSha": SHA_2 }, secretConfig: SUPERUSER });
        expect(second.error).toBeUndefined();
        const before = byUrn(first);
        const changed = second.resources.filter((r) => JSON.stringify(r.inputs) !== JSON.stringify(before.get(r.urn)?.inputs)).map((r) => r.name);
        expect([...before.keys()].sort()).toEqual(second.resources.map((r) => r.urn).sort());
        expect(changed.length).toBeGreaterThan(0);
        for (const name of changed) expect({ name, release: isInRelease(second, named(second, name)) }).toEqual({ name, release: true });
        const kinds = new Set(changed.map((name) => named(second, name).type));
        expect([...kinds].sort()).toEqual(["command:local:Command", "command:remote:Command"]);
        // And every step of the chain did change: nothing of the old release is left to run.
        const chainSteps = second.resources
            .filter((r) => isInRelease(second, r) && /^command:(remote|local):Command$/.test(r.type) && !FILE_STEP.test(r.name) && !DROPLET_STEP.test(r.name))
            .map((r) => r.name);
        expect(changed.sort()).toEqual(chainSteps.sort());
        // A droplet's entry into its balancer's rotation runs once per droplet, never again for a new SHA.
        for (const step of second.resources.filter((r) => DROPLET_STEP.test(r.name)))
            expect({ step: step.name, changed: changed.includes(step.name) }).toEqual({ step: step.name, changed: false });
    });

    test("a changed env file (the database password rotated) rewrites it and swaps the backend in again; nothing else of the release runs", async () => {
        const first = runs.get(stack)!;
        const rotated = await runProgram(stack, {
            config: { "projectmeats:imageSha": SHA_1 },
            secretConfig: SUPERUSER,
            state: (type) => (type === "digitalocean:index/databaseUser:DatabaseUser" ? { password: "rotated-password" } : undefined),
        });
        expect(rotated.error).toBeUndefined();
        const before = byUrn(first);
        const planned = rotated.resources
            .filter((r) => (COMMAND_TYPES as readonly string[]).includes(r.type))
            .map((r) => ({ name: r.name, change: plannedChange(r.type as CommandType, plain(before.get(r.urn)!), plain(r)).action }))
            .filter((r) => r.change !== "same");
        const backends = ofType(rotated, "command:remote:Command")
            .filter((r) => r.name.endsWith("-deploy-backend"))
            .map((r) => r.name.slice(0, -"-deploy-backend".length));
        expect(planned.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
            backends
                .flatMap((prefix) => [
                    { name: `${prefix}-deploy-backend`, change: "replace" },
                    { name: `${prefix}-env-backend`, change: "update" },
                    { name: `${prefix}-health-backend`, change: "replace" },
                ])
                // edge loadBalancer: the backend is checked through its balancer again.
                .concat(
                    rotated.resources.some((r) => r.name === `release-${env(stack)}-edge-health-backend`)
                        ? [{ name: `release-${env(stack)}-edge-health-backend`, change: "replace" }]
                        : [],
                )
                .sort((a, b) => a.name.localeCompare(b.name)),
        );
        // The digest in the triggers is that of the env file and the CA certificate the container mounts, and a secret.
        const deploy = ofType(rotated, "command:remote:Command").find((r) => r.name.endsWith("-deploy-backend"))!;
        const envFile = ofType(rotated, "command:remote:Command").find((r) => r.name.endsWith("-env-backend"))!;
        const caFile = ofType(rotated, "command:remote:Command").find((r) => r.name.endsWith("-db-ca"))!;
        expect(isSecret((deploy.inputs.triggers as unknown[])[2])).toBe(true);
        expect((plain(deploy).triggers as string[])[2]).toBe(contentDigest(String(plain(envFile).stdin), String(plain(caFile).stdin)));
    });

    test("the same SHA again changes nothing", async () => {
        const again = await runProgram(stack, { config: { "projectmeats:imageSha": SHA_1 }, secretConfig: SUPERUSER });
        expect(again.resources.map((r) => JSON.stringify(r.inputs))).toEqual(runs.get(stack)!.resources.map((r) => JSON.stringify(r.inputs)));
    });

    test("images are resolved from <prefix>-<sha> tags, as ProjectMeats' build pushes them, and deployed by digest; SHA and digest are the triggers", () => {
        const run = runs.get(stack)!;
        const tag = (service: string) => `registry.digitalocean.com/projectmeats/projectmeats-${service}:${TAG_PREFIX[stack]}-${SHA_1}`;
        expect(run.calls.filter((c) => c.token === "docker:index/getRegistryImage:getRegistryImage").map((c) => c.inputs.name)).toEqual([tag("backend"), tag("frontend")]);
        for (const deploy of ofType(run, "command:remote:Command").filter((r) => /-deploy-(backend|frontend)$/.test(r.name))) {
            const service = deploy.name.endsWith("backend") ? "backend" : "frontend";
            const digest = mockDigest(tag(service));
            expect(plain(deploy).triggers).toEqual([SHA_1, digest, expect.stringMatching(/^[0-9a-f]{64}$/)]);
            expect(String(plain(deploy).create)).toContain(`--image registry.digitalocean.com/projectmeats/projectmeats-${service}@${digest}`);
            expect(String(plain(deploy).create)).toContain(`--release ${SHA_1}`);
        }
        expect(plain(named(run, `release-${env(stack)}-migrate`))).toMatchObject({
            create:
                `bash /srv/projectmeats/bin/migrate.sh --image registry.digitalocean.com/projectmeats/projectmeats-backend@${mockDigest(tag("backend"))} --env-file /srv/projectmeats/backend.env ` +
                "--manage 'python /app/manage.py' --mount-file /srv/projectmeats/db-ca.crt:/srv/projectmeats/db-ca.crt " +
                "--pre-migrate 'suppliers 0002' --pre-migrate 'customers 0002' --pre-migrate 'products 0002' --pre-migrate 'purchase_orders 0002' --pre-migrate 'sales_orders 0002' " +
                "--pre-migrate 'invoices 0002' --pre-migrate 'carriers 0002' --pre-migrate 'contacts 0002' --pre-migrate 'plants 0002' --post-migrate setup_superuser",
            triggers: [SHA_1, mockDigest(tag("backend"))],
        });
    });

    test("the chain runs env file → migrate → deploy backend → health backend → deploy frontend → health frontend → notify", () => {
        const run = runs.get(stack)!;
        const e = env(stack);
        const urn = (name: string) => named(run, name).urn;
        const deps = (name: string) => named(run, name).dependencies;
        const steps = ofType(run, "command:remote:Command").map((r) => r.name);
        const backendKeys = steps.filter((n) => n.endsWith("-deploy-backend")).map((n) => n.slice(`release-${e}-`.length, -"-deploy-backend".length));
        const frontendKeys = steps.filter((n) => n.endsWith("-deploy-frontend")).map((n) => n.slice(`release-${e}-`.length, -"-deploy-frontend".length));
        expect(deps(`release-${e}-migrate`)).toContain(urn(`release-${e}-${backendKeys[0]}-env-backend`));
        // Until the database firewall admits the backend droplets, migrate cannot connect (first up).
        expect(deps(`release-${e}-migrate`)).toContain(urn(`database-${e}-firewall`));
        for (const key of backendKeys) {
            expect(deps(`release-${e}-${key}-deploy-backend`)).toContain(urn(`release-${e}-migrate`));
            expect(deps(`release-${e}-${key}-deploy-backend`)).toContain(urn(`release-${e}-${key}-script-deploy.sh`));
            expect(deps(`release-${e}-${key}-health-backend`)).toContain(urn(`release-${e}-${key}-deploy-backend`));
        }
        for (const key of frontendKeys) {
            for (const backend of backendKeys) expect(deps(`release-${e}-${key}-deploy-frontend`)).toContain(urn(`release-${e}-${backend}-health-backend`));
            expect(deps(`release-${e}-${key}-health-frontend`)).toContain(urn(`release-${e}-${key}-deploy-frontend`));
        }
        const health = steps
            .filter((n) => /-health-(backend|frontend)$/.test(n))
            .map(urn)
            .sort();
        // Besides the health checks, only data dependencies (the digests come from the registry).
        const commandDeps = deps(`release-${e}-notify`).filter((d) => d.includes("command:"));
        expect([...commandDeps].sort()).toEqual(health);
    });

    test("secrets reach the host on stdin only; no command text, environment or log setting exposes them", () => {
        const run = runs.get(stack)!;
        const commands = run.resources.filter((r) => r.type.startsWith("command:"));
        for (const c of commands) {
            expect(c.inputs.delete).toBeUndefined();
            expect(c.inputs.environment === undefined || c.type === "command:local:Command").toBe(true);
            expect(JSON.stringify([c.inputs.create, c.inputs.environment ?? null, c.inputs.triggers ?? null])).not.toMatch(
                /mock-password|mock-random|postgresql:\/\/|"auths"|hooks\.slack/,
            );
            if (c.type !== "command:remote:CopyToRemote") expect(c.inputs.addPreviousOutputInEnv).toBe(false);
        }
        const hosts = HOSTNAMES[stack];
        const verified = (user: string, password: string) =>
            `postgresql://${user}:${password}@private-projectmeats-${env(stack)}-do-user-1.db.ondigitalocean.com:25060/projectmeats?sslmode=verify-full&sslrootcert=%2Fsrv%2Fprojectmeats%2Fdb-ca.crt`;
        for (const envFile of commands.filter((c) => c.name.endsWith("-env-backend"))) {
            expect(isSecret(envFile.inputs.stdin)).toBe(true);
            // The names ProjectMeats reads (settings/production.py, setup_superuser.py), the stack's DJANGO_ENV,
            // and the URL that checks the server's certificate against the cluster's CA.
            expect(plain(envFile).stdin).toBe(
                `SECRET_KEY=mock-random-release-${env(stack)}-django-secret-key\nALLOWED_HOSTS=${hosts.backend}\n` +
                    `DATABASE_URL=${verified("projectmeats", "mock-password-for-projectmeats")}\n` +
                    `DJANGO_SETTINGS_MODULE=projectmeats.settings.production\nDJANGO_ENV=${DJANGO_ENV[stack]}\n` +
                    `CORS_ALLOWED_ORIGINS=https://${hosts.frontend}\nCSRF_TRUSTED_ORIGINS=https://${hosts.frontend},https://${hosts.backend}\nFRONTEND_URL=https://${hosts.frontend}\n` +
                    ["DJANGO_SUPERUSER", "SUPERUSER", "DEVELOPMENT_SUPERUSER", "STAGING_SUPERUSER", "PRODUCTION_SUPERUSER"]
                        .map((prefix) => `${prefix}_USERNAME=admin\n${prefix}_EMAIL=admin@meatscentral.com\n${prefix}_PASSWORD=operators-chosen-password\n`)
                        .join(""),
            );
            expect(plain(envFile).logging).toBe("stderr");
            expect(plain(envFile).create).toBe(
                "{ cloud-init status --wait >/dev/null || [ $? -eq 2 ]; } && { (umask 077 && cat > /srv/projectmeats/backend.env.new) && mv -f /srv/projectmeats/backend.env.new /srv/projectmeats/backend.env; }",
            );
        }
        // The stack holds the superuser's password: none is generated.
        expect(ofType(run, "random:index/randomPassword:RandomPassword").map((r) => r.name)).toEqual([`release-${env(stack)}-django-secret-key`]);
        // The cluster's admin only in the rights step, on stdin, as a secret, checking the server too.
        const rights = named(run, `release-${env(stack)}-db-rights`);
        expect(isSecret(rights.inputs.stdin)).toBe(true);
        expect(plain(rights).stdin).toBe(`${verified("doadmin", "mock-admin-password")}\n`);
        expect(commands.filter((c) => JSON.stringify(reveal(c.inputs)).includes("mock-admin-password")).map((c) => c.name)).toEqual([rights.name]);
    });

    test("the database rights are given before migrate, as the cluster's admin, from the first backend droplet, with BYPASSRLS", () => {
        const run = runs.get(stack)!;
        const e = env(stack);
        const rights = named(run, `release-${e}-db-rights`);
        const firstBackend = ofType(run, "command:remote:Command").find((c) => c.name.endsWith("-deploy-backend"))!;
        expect(plain(rights).connection).toEqual(plain(firstBackend).connection);
        expect(String(plain(rights).create)).toMatch(
            /^bash \/srv\/projectmeats\/bin\/db-rights\.sh --image registry\.digitalocean\.com\/projectmeats\/projectmeats-backend@sha256:[0-9a-f]{64} --app-user projectmeats --python python --mount-file \/srv\/projectmeats\/db-ca\.crt:\/srv\/projectmeats\/db-ca\.crt --bypass-rls$/,
        );
        expect(named(run, `release-${e}-migrate`).dependencies).toContain(rights.urn);
        expect(rights.dependencies).toContain(named(run, `database-${e}-firewall`).urn);
    });

    test("the cluster's CA certificate, asked of DigitalOcean for this cluster, is written to every backend droplet", () => {
        const run = runs.get(stack)!;
        const cluster = named(run, `database-${env(stack)}-cluster`);
        expect(run.calls.filter((c) => c.token === "digitalocean:index/getDatabaseCa:getDatabaseCa").map((c) => [c.inputs, c.provider])).toEqual([[{ clusterId: cluster.id }, ""]]);
        const caFiles = ofType(run, "command:remote:Command").filter((c) => c.name.endsWith("-db-ca"));
        expect(caFiles.length).toBe(ofType(run, "command:remote:Command").filter((c) => c.name.endsWith("-deploy-backend")).length);
        for (const ca of caFiles) expect(plain(ca).stdin).toBe(mockCaCertificate(cluster.id));
    });

    test("the backend's health and readiness paths answer only the droplet itself and the VPC", () => {
        const run = runs.get(stack)!;
        const vpc = readStackFile(stack).config["projectmeats:vpcIpRange"];
        // The sites that proxy the backend: nginx's HTTP sites, or with edge droplet its HTTPS sites (port 80 only redirects there).
        const proxies = ofType(run, "command:remote:Command").filter(
            (c) => /-(proxy|tls)$/.test(c.name) && String(plain(c).stdin).includes("proxy_pass http://projectmeats_backend;"),
        );
        expect(proxies.length).toBeGreaterThan(0);
        for (const proxy of proxies) {
            for (const path of ["/api/v1/health/", "/api/v1/ready/"]) {
                expect(String(plain(proxy).stdin)).toContain(`    location = ${path} {\n        allow 127.0.0.1;\n        allow ::1;\n        allow ${vpc};\n        deny all;\n`);
            }
        }
    });

    test("every server gets the six scripts, re-shipped when their content changes or the droplet is replaced", () => {
        const run = runs.get(stack)!;
        const copies = ofType(run, "command:remote:CopyToRemote");
        const servers = ofType(run, "digitalocean:index/droplet:Droplet").length;
        expect(copies).toHaveLength(servers * 6);
        for (const copy of copies) {
            expect(String(plain(copy).remotePath)).toMatch(/^\/srv\/projectmeats\/bin\/(lib\.sh|health-check\.sh|migrate\.sh|deploy\.sh|db-rights\.sh|db-rights\.py)$/);
            const droplet = ofType(run, "digitalocean:index/droplet:Droplet").find((d) =>
                copy.dependencies.some((dep) => run.resources.some((r) => r.urn === dep && r.name.startsWith(d.name))),
            );
            expect(plain(copy).triggers).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/), droplet!.id]);
        }
    });
});

test("the notification carries the webhooks on stdin as a secret, and is skipped quietly without them", async () => {
    const run = await runProgram("dev", {
        config: { "projectmeats:imageSha": SHA_1 },
        secretConfig: { "projectmeats:slackWebhookUrl": "https://hooks.slack.com/services/T0/B0/XYZ" },
    });
    const notify = named(run, "release-dev-notify");
    expect(isSecret(notify.inputs.stdin)).toBe(true);
    expect(plain(notify)).toMatchObject({
        create: "node ../host/local/notify.mjs",
        stdin: "slack https://hooks.slack.com/services/T0/B0/XYZ\n",
        environment: { PM_ENVIRONMENT: "dev", PM_SHA: SHA_1, PM_COMPONENT: "backend, frontend", PM_STATUS: "success" },
    });
    expect(plain(named(runs.get("dev")!, "release-dev-notify")).stdin).toBe("");
});
