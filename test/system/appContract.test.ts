/**
 * The app's deploy contract, against real components: the release scripts (host/droplet/) run with
 * bash, as the release chain runs them, against Docker Engine, a registry with auth, nginx and a
 * PostgreSQL set up as DigitalOcean sets one up (TLS with its own CA, passwords; the app database owned
 * by a non-superuser `doadmin`, the app user created with no grants), with a real Django app built to
 * ProjectMeats' contract (test/system/contractApp.ts). The env files are rendered by the program's own
 * code (components/release/appFiles.ts) from ProjectMeats' defaults (model/app.ts). Numbered scenarios
 * share one host, in order, as successive releases would.
 */
import * as fs from "fs";
import * as path from "path";
import { renderBackendEnv, verifiedDatabaseUrl } from "../../components/release/appFiles";
import { renderProxySites } from "../../components/server/hostCommands";
import { NGINX_DIR } from "../../model/layout";
import { PROJECTMEATS_ENV, PROJECTMEATS_PRE_MIGRATE } from "../../model/app";
import { httpRequest } from "../../tools/http";
import { freePort, run as runCommand, Supervisor } from "../../tools/processes";
import { Postgres, startPostgres } from "../../tools/standins/postgres";
import { Services, startServices } from "../../tools/standins/services";
import { makeCertificates } from "../../tools/standins/tls";
import { CONTRACT_COMMAND, IMAGE_CMD, buildContractImage } from "./contractApp";

jest.setTimeout(900_000);

const SCRIPTS = path.resolve(__dirname, "../../host/droplet");
const HOST = "api.contract.test";
const SHA = { a: "a1a1a1a", b: "b2b2b2b", crash: "c3c3c3c", degraded: "d4d4d4d" };
const PASSWORDS = { doadmin: "doadmin-s3cret", app: "app-s3cret", superuser: "superuser-s3cret", secretKey: "contract-secret-key-".padEnd(60, "x") };
/** Where the CA certificate is inside the containers (and, here, on the host): DB_CA_PATH's role. */
const CA_IN_CONTAINER = "/srv/projectmeats/db-ca.crt";

let services: Services;
let supervisor: Supervisor;
let postgres: Postgres;
let dir: string;
const images: Record<string, string> = {};
const files = { ca: "", otherCa: "", migrateEnv: "", appEnv: "", degradedEnv: "", socket: "" };
let ports: { app: [number, number] };

interface Result {
    readonly status: number | null;
    readonly output: string;
    readonly stderr: string;
    readonly seconds: number;
}

async function script(name: string, args: readonly string[], input?: string): Promise<Result> {
    const started = Date.now();
    const result = await runCommand("bash", [path.join(SCRIPTS, name), ...args], { deadlineMs: 300_000, env: services.env, allowFailure: true, input });
    return { status: result.status, output: result.output, stderr: result.stderr, seconds: (Date.now() - started) / 1000 };
}

async function docker(...args: string[]): Promise<string> {
    return (await runCommand("docker", args, { deadlineMs: 60_000, env: services.env, allowFailure: true })).stdout.trim();
}

const tcpUrl = (user: string, password: string, database = "projectmeats") => `postgresql://${user}:${password}@127.0.0.1:${postgres.port}/${database}?sslmode=require`;

function rights(admin: string, password: string, extra: string[] = [], ca = files.ca): Promise<Result> {
    return script(
        "db-rights.sh",
        ["--image", images.a, "--app-user", "projectmeats", "--python", "python", "--mount-file", `${ca}:${CA_IN_CONTAINER}`, ...extra],
        `${verifiedDatabaseUrl(tcpUrl(admin, password), CA_IN_CONTAINER)}\n`,
    );
}

function migrate(extra: string[], envFile = files.migrateEnv): Promise<Result> {
    return script("migrate.sh", ["--image", images.a, "--env-file", envFile, "--manage", "python /app/manage.py", "--mount-file", `${files.ca}:${CA_IN_CONTAINER}`, ...extra]);
}

function deploy(release: string, image: string, options: { envFile?: string; command?: readonly string[]; deadline?: number } = {}): Promise<Result> {
    return script("deploy.sh", [
        "--service",
        "backend",
        "--release",
        release,
        "--image",
        image,
        "--container-port",
        "8000",
        "--ports",
        ports.app.join(","),
        "--env-file",
        options.envFile ?? files.appEnv,
        "--health-path",
        "/api/v1/health/",
        "--ready-path",
        "/api/v1/ready/",
        "--json-field",
        "status",
        "--json-value",
        "healthy",
        "--health-host",
        HOST,
        "--health-deadline",
        String(options.deadline ?? 60),
        "--persist",
        `${path.join(dir, "data/media")}:/app/media`,
        "--persist-owner",
        "1000:1000",
        "--mount-file",
        `${files.ca}:${CA_IN_CONTAINER}`,
        // The app reaches PostgreSQL on its Unix socket: here PostgreSQL listens on loopback only, which a
        // container on Docker's bridge cannot reach. Migrations and the rights step use TCP with TLS.
        "--mount-file",
        `${files.socket}:/run/postgresql/.s.PGSQL.${postgres.port}`,
        "--drain",
        "1",
        "--state-dir",
        path.join(dir, "state/backend"),
        "--upstream",
        path.join(services.nginx.upstreamDir, "backend.upstream"),
        "--nginx",
        services.nginx.command,
        "--",
        ...(options.command ?? CONTRACT_COMMAND),
    ]);
}

/** Through nginx, with the public hostname, from 127.0.0.1. */
async function viaNginx(pathname: string, method = "GET", body?: string): Promise<{ status: number; body: string }> {
    const response = await httpRequest({ host: "127.0.0.1", port: services.nginx.port, path: pathname, method, body, headers: { Host: HOST }, deadlineMs: 10_000 });
    return { status: response.status, body: response.body };
}

const psql = (sql: string) => postgres.psql("projectmeats", sql);
const live = async () => (await docker("ps", "--filter", "label=projectmeats.service=backend", "--filter", "status=running", "--format", "{{.Names}}")).split("\n").filter(Boolean);

beforeAll(async () => {
    services = await startServices();
    dir = services.dir;
    supervisor = new Supervisor(path.join(dir, "contract-logs"));
    const certificates = await makeCertificates(path.join(dir, "tls"), ["127.0.0.1"]);
    files.ca = certificates.caFile;
    files.otherCa = (await makeCertificates(path.join(dir, "tls-other"), ["127.0.0.1"])).caFile;
    fs.chmodSync(files.ca, 0o644);
    fs.chmodSync(files.otherCa, 0o644);
    // As DigitalOcean runs a managed cluster: TLS over TCP, passwords, and doadmin no superuser.
    postgres = await startPostgres(supervisor, {
        dir: path.join(dir, "pg-tls"),
        port: await freePort(),
        listen: ["127.0.0.1"],
        superuser: "postgres",
        tls: { certFile: certificates.certFile, keyFile: certificates.keyFile },
    });
    files.socket = path.join(dir, "pg-tls", `.s.PGSQL.${postgres.port}`);
    await postgres.psql(
        "postgres",
        [
            `CREATE ROLE doadmin LOGIN CREATEDB CREATEROLE PASSWORD '${PASSWORDS.doadmin}'`,
            `CREATE ROLE projectmeats LOGIN PASSWORD '${PASSWORDS.app}'`,
            `CREATE ROLE rlsadmin LOGIN BYPASSRLS PASSWORD '${PASSWORDS.doadmin}'`,
            `CREATE ROLE superadmin LOGIN SUPERUSER PASSWORD '${PASSWORDS.doadmin}'`,
            "CREATE DATABASE projectmeats OWNER doadmin",
        ].join(";\n") + ";",
    );

    const values = {
        secretKey: PASSWORDS.secretKey,
        superuserPassword: PASSWORDS.superuser,
        backendHostname: HOST,
        frontendHostname: "contract.test",
        settingsModule: "contract.production",
        djangoEnv: "production",
    };
    const lines = PROJECTMEATS_ENV.map((line) => ({ name: line.slice(0, line.indexOf("=")), value: line.slice(line.indexOf("=") + 1) }));
    const envFile = (name: string, databaseUrl: string) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, renderBackendEnv(lines, { ...values, databaseUrl }), { mode: 0o600 });
        return file;
    };
    files.migrateEnv = envFile("migrate.env", verifiedDatabaseUrl(tcpUrl("projectmeats", PASSWORDS.app), CA_IN_CONTAINER));
    files.appEnv = envFile("backend.env", `postgresql://projectmeats@/projectmeats?host=/run/postgresql&port=${postgres.port}`);
    files.degradedEnv = envFile("degraded.env", `postgresql://projectmeats@/projectmeats?host=/run/postgresql&port=${postgres.port + 1}`);

    images.a = await buildContractImage(services, { repository: "backend", tag: `contract-${SHA.a}` });
    images.b = await buildContractImage(services, { repository: "backend", tag: `contract-${SHA.b}` });
    ports = { app: [await freePort(), await freePort()] };
    fs.writeFileSync(path.join(services.nginx.upstreamDir, "backend.upstream"), `server 127.0.0.1:${ports.app[0]};\n`);
    const site = renderProxySites(["backend"], { backend: HOST, frontend: "contract.test" }, [`127.0.0.1:${services.nginx.port}`], {
        paths: { backend: ["/api/v1/health/", "/api/v1/ready/"] },
        allow: ["127.0.0.1", "::1", "10.110.16.0/20"],
    })
        .split(NGINX_DIR)
        .join(services.nginx.upstreamDir);
    await services.startNginx(site);
});

afterAll(async () => {
    await supervisor?.stopAll();
    await services?.stop();
});

describe("database rights, as DigitalOcean gives them", () => {
    test("1. the app user cannot create in schema public of a database doadmin owns (PostgreSQL 15+), so migrate fails", async () => {
        const result = await migrate([]);
        expect(result.status).toBe(1);
        expect(result.output).toContain("permission denied for schema public");
        expect(result.output).toContain("migrate: migrations failed; nothing was deployed");
    });

    test("2. doadmin without BYPASSRLS cannot give it: the step stops with the error naming the middleware, and changes nothing", async () => {
        const result = await rights("doadmin", PASSWORDS.doadmin, ["--bypass-rls"]);
        expect(result.status).toBe(3);
        expect(result.stderr).toContain(
            "db-rights: the app's role projectmeats needs BYPASSRLS (projectmeats:appBypassRowLevelSecurity is on), and doadmin cannot give it: doadmin has no BYPASSRLS itself " +
                "(pg_roles.rolbypassrls = false) and is no superuser, and PostgreSQL lets only such roles change that attribute. Connecting the app as doadmin would fail the same way",
        );
        expect(result.stderr).toContain("apps/tenants/middleware.py sets app.current_tenant_id with SET LOCAL outside a transaction");
        expect(result.stderr).toContain("The release stopped here: nothing was changed in the database or on the servers.");
        expect(result.output).toContain("db-rights: connected to projectmeats (PostgreSQL 15.");
        expect(await psql("SELECT has_schema_privilege('projectmeats', 'public', 'CREATE')")).toBe("f");
        // The admin's password is in no output.
        expect(result.output).not.toContain(PASSWORDS.doadmin);
    });

    test("3. on PostgreSQL before 16 a role with BYPASSRLS but no superuser cannot give it either", async () => {
        const result = await rights("rlsadmin", PASSWORDS.doadmin, ["--bypass-rls"]);
        expect(result.status).toBe(3);
        expect(result.stderr).toContain("rlsadmin cannot give it: rlsadmin is no superuser, and PostgreSQL before 16 lets only superusers change that attribute.");
    });

    test("4. a server certificate signed by another CA is refused (sslmode=verify-full)", async () => {
        const result = await rights("doadmin", PASSWORDS.doadmin, [], files.otherCa);
        expect(result.status).toBe(2);
        expect(result.stderr).toContain("db-rights: could not connect as the cluster's admin:");
        expect(result.stderr).toContain("certificate verify failed");
        expect(result.output).not.toContain(PASSWORDS.doadmin);
    });

    test("5. without BYPASSRLS asked, doadmin grants CREATE on schema public, twice with the same result, and states the role's attributes", async () => {
        for (let i = 0; i < 2; i++) {
            const result = await rights("doadmin", PASSWORDS.doadmin);
            expect(result.status).toBe(0);
            expect(result.output).toContain("db-rights: connected to projectmeats (PostgreSQL 15.");
            expect(result.output).toContain("db-rights: projectmeats may create in schema public of projectmeats\n");
            expect(result.output).toContain("db-rights: the app's role projectmeats: rolsuper=false rolbypassrls=false\n");
        }
        expect(await psql("SELECT has_schema_privilege('projectmeats', 'public', 'CREATE')")).toBe("t");
    });
});

describe("migrations", () => {
    test("6. the full migrate on an empty database fails on the app's ordering defect", async () => {
        const result = await migrate([]);
        expect(result.status).toBe(1);
        expect(result.output).toContain('column "tenant_id" does not exist');
    });

    test("7. the pre-migrate steps make it pass, then setup_superuser runs; as the app user, over TLS checked against the CA", async () => {
        const result = await migrate(["--pre-migrate", "suppliers 0002", "--post-migrate", "setup_superuser"]);
        expect(result.status).toBe(0);
        expect(result.output).toContain("migrate: migrating suppliers to 0002 first");
        expect(result.output).toContain("superuser admin created");
        expect(result.output).toContain("migrate: migrations applied");
        // The tables are in PostgreSQL, owned by the app user: production settings, not development's SQLite.
        expect(await psql("SELECT tableowner FROM pg_tables WHERE tablename = 'suppliers_supplier'")).toBe("projectmeats");
        expect(await psql("SELECT username || ' ' || is_superuser FROM auth_user")).toBe("admin true");
        expect(await psql("SELECT relforcerowsecurity FROM pg_class WHERE relname = 'suppliers_supplier'")).toBe("t");
    });

    test("8. a second run finds nothing to apply: the pre-migrate step is skipped, never run backwards", async () => {
        const result = await migrate(["--pre-migrate", "suppliers 0002", "--post-migrate", "setup_superuser"]);
        expect(result.status).toBe(0);
        expect(result.output).toContain("migrate: suppliers 0002 is applied");
        expect(result.output).toContain("No migrations to apply.");
        expect(result.output).toContain("superuser admin updated");
        expect(PROJECTMEATS_PRE_MIGRATE).toContain("suppliers 0002");
    });
});

describe("releases", () => {
    test("9. a release runs the contract's command, not the image's CMD, with production settings and the media folder owned by the container's user", async () => {
        const result = await deploy(SHA.a, images.a);
        expect(result.status).toBe(0);
        expect(result.output).toMatch(
            /healthy: http:\/\/127\.0\.0\.1:\d+\/api\/v1\/health\/ answered 200 with status "healthy", http:\/\/127\.0\.0\.1:\d+\/api\/v1\/ready\/ ready,/,
        );
        const name = `projectmeats-backend-${SHA.a}`;
        expect(JSON.parse(await docker("inspect", "--format", "{{json .Config.Cmd}}", name))).toEqual(CONTRACT_COMMAND);
        expect(JSON.parse(await docker("image", "inspect", "--format", "{{json .Config.Cmd}}", images.a))).toEqual(IMAGE_CMD);
        expect(await docker("exec", name, "sh", "-c", "test -e /tmp/seeded-by-the-image-cmd && echo seeded || echo not-seeded")).toBe("not-seeded");
        expect(await docker("exec", name, "printenv", "DJANGO_SETTINGS_MODULE")).toBe("contract.production");
        expect(await docker("exec", name, "printenv", "SECRET_KEY")).toBe(PASSWORDS.secretKey);
        expect(fs.statSync(path.join(dir, "data/media")).uid).toBe(1000);
        expect(await docker("exec", name, "sh", "-c", "id -u && echo uploaded-before-release-b > /app/media/logo.png && echo written")).toBe("1000\nwritten");
    });

    test("10. the public hostname answers through nginx; health and readiness require a healthy status", async () => {
        expect(await viaNginx("/api/v1/health/")).toEqual({ status: 200, body: '{"status": "healthy", "database": "healthy"}' });
        expect(await viaNginx("/api/v1/ready/")).toEqual({ status: 200, body: '{"status": "ready"}' });
        const check = await script("health-check.sh", [
            "--url",
            `http://127.0.0.1:${services.nginx.port}/api/v1/health/`,
            "--ready-url",
            `http://127.0.0.1:${services.nginx.port}/api/v1/ready/`,
            "--json-field",
            "status",
            "--json-value",
            "healthy",
            "--host",
            HOST,
            "--deadline",
            "5",
        ]);
        expect(check.status).toBe(0);
    });

    test("11. health and readiness through nginx answer only the droplet itself and the VPC", async () => {
        const outside = renderProxySites(["backend"], { backend: "outside.contract.test", frontend: "contract.test" }, [`127.0.0.1:${services.nginx.port}`], {
            paths: { backend: ["/api/v1/health/", "/api/v1/ready/"] },
            allow: ["10.110.16.0/20"],
        })
            .split(NGINX_DIR)
            .join(services.nginx.upstreamDir)
            .replace("upstream projectmeats_backend {", "upstream projectmeats_backend_outside {")
            .split("http://projectmeats_backend;")
            .join("http://projectmeats_backend_outside;");
        fs.writeFileSync(path.join(services.nginx.upstreamDir, "outside.conf"), outside);
        await runCommand(services.nginx.command.split(" ")[0], [...services.nginx.command.split(" ").slice(1), "-s", "reload"], { deadlineMs: 30_000 });
        const from = async (host: string, pathname: string) =>
            (await httpRequest({ host: "127.0.0.1", port: services.nginx.port, path: pathname, headers: { Host: host }, deadlineMs: 10_000 })).status;
        // Poll briefly: the reload finishes in the background.
        let status = 0;
        for (let i = 0; i < 50 && status !== 403; i++) {
            status = await from("outside.contract.test", "/api/v1/health/");
            if (status !== 403) await new Promise((r) => setTimeout(r, 100));
        }
        expect(status).toBe(403);
        expect(await from("outside.contract.test", "/api/v1/ready/")).toBe(403);
        expect(await from(HOST, "/api/v1/health/")).toBe(200);
    });

    test("12. row-level security: a write through the app fails without BYPASSRLS, and succeeds once an admin that may gives it", async () => {
        const before = await viaNginx("/api/v1/suppliers/", "POST", "acme");
        expect(before.status).toBe(500);
        expect(before.body).toContain("new row violates row-level security policy");
        const granted = await rights("superadmin", PASSWORDS.doadmin, ["--bypass-rls"]);
        expect(granted.status).toBe(0);
        expect(granted.output).toContain("db-rights: gave projectmeats BYPASSRLS\n");
        expect(granted.output).toContain("db-rights: the app's role projectmeats: rolsuper=false rolbypassrls=true\n");
        expect((await viaNginx("/api/v1/suppliers/", "POST", "acme")).status).toBe(201);
        // Idempotent: asked again, nothing more to give.
        const again = await rights("superadmin", PASSWORDS.doadmin, ["--bypass-rls"]);
        expect(again.status).toBe(0);
        expect(again.output).not.toContain("gave projectmeats BYPASSRLS");
    });

    test("13. a file uploaded before a release is served after it, and after a rollback", async () => {
        const result = await deploy(SHA.b, images.b);
        expect(result.status).toBe(0);
        expect(await docker("exec", `projectmeats-backend-${SHA.b}`, "cat", "/app/media/logo.png")).toBe("uploaded-before-release-b");
        const rollback = await deploy(SHA.a, images.a);
        expect(rollback.status).toBe(0);
        expect(await docker("exec", `projectmeats-backend-${SHA.a}`, "cat", "/app/media/logo.png")).toBe("uploaded-before-release-b");
        expect(await live()).toEqual([`projectmeats-backend-${SHA.a}`]);
    });

    test("14. a container that exits at start is declared failed within 5 s, with its last log lines; the old one keeps serving", async () => {
        const result = await deploy(SHA.crash, images.b, { command: ["sh", "-c", "echo 'ImproperlyConfigured: the settings say no' >&2; exit 3"], deadline: 60 });
        expect(result.status).not.toBe(0);
        expect(result.seconds).toBeLessThan(5);
        expect(result.output).toMatch(new RegExp(`deploy\\[backend\\]: projectmeats-backend-${SHA.crash} (exited with code 3|is restarting in a loop \\(last exit code 3\\))`));
        expect(result.output).toContain(`deploy[backend]: last 30 log lines of projectmeats-backend-${SHA.crash}:`);
        expect(result.output).toContain("    | ImproperlyConfigured: the settings say no");
        expect(result.output).toContain(`deploy[backend]: release ${SHA.crash} failed; removing projectmeats-backend-${SHA.crash}, projectmeats-backend-${SHA.a} keeps serving`);
        expect(await live()).toEqual([`projectmeats-backend-${SHA.a}`]);
        expect((await viaNginx("/api/v1/health/")).status).toBe(200);
    });

    test("15. with the database unreachable, health says degraded and readiness 503: the release fails and the old one keeps serving", async () => {
        const result = await deploy(SHA.degraded, images.b, { envFile: files.degradedEnv, deadline: 4 });
        expect(result.status).toBe(2);
        expect(result.output).toMatch(/unhealthy: http:\/\/127\.0\.0\.1:\d+\/api\/v1\/ready\/ answered 503, expected 2xx, after /);
        expect(result.output).toContain(`projectmeats-backend-${SHA.a} keeps serving`);
        expect(await live()).toEqual([`projectmeats-backend-${SHA.a}`]);
        expect(await viaNginx("/api/v1/health/")).toEqual({ status: 200, body: '{"status": "healthy", "database": "healthy"}' });
    });

    test("16. health-check.sh refuses a 200 whose status is degraded", async () => {
        const name = `contract-degraded-${Date.now()}`;
        const port = await freePort();
        await docker(
            "run",
            "-d",
            "--name",
            name,
            "--env-file",
            files.degradedEnv,
            "-v",
            `${files.socket}:/run/postgresql/.s.PGSQL.${postgres.port}:ro`,
            "-p",
            `127.0.0.1:${port}:8000`,
            images.b,
            ...CONTRACT_COMMAND,
        );
        try {
            const check = await script("health-check.sh", [
                "--url",
                `http://127.0.0.1:${port}/api/v1/health/`,
                "--json-field",
                "status",
                "--json-value",
                "healthy",
                "--host",
                HOST,
                "--deadline",
                "8",
            ]);
            expect(check.status).toBe(2);
            expect(check.stderr).toMatch(
                /^unhealthy: http:\/\/127\.0\.0\.1:\d+\/api\/v1\/health\/ answered 200 with status "degraded", expected "healthy", after [\d.]+s \(\d+ attempts\); body: \{"status": "degraded", "database": "unhealthy: /,
            );
        } finally {
            await docker("rm", "-f", name);
        }
    });
});
