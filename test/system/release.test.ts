/**
 * The release scripts (host/droplet/*.sh), run with bash against real components started here:
 * Docker Engine, a registry with auth, nginx and PostgreSQL. Numbered scenarios share one host, in
 * order, as successive releases would.
 */
import * as fs from "fs";
import * as path from "path";
import { renderProxySites } from "../../components/server/hostCommands";
import { NGINX_DIR } from "../../model/layout";
import { get as httpGet } from "../../tools/http";
import { run as runCommand } from "../../tools/processes";
import { buildAppImage } from "../../tools/standins/images";
import { Services, startServices } from "../../tools/standins/services";

jest.setTimeout(300000);

const SCRIPTS = path.resolve(__dirname, "../../host/droplet");
const HOST = "api.e2e.test";
const SECRET = "e2e-django-secret-key-0123456789";
const SHA = { a: "a1a1a1a", b: "b2b2b2b", bad: "c3c3c3c", d: "d4d4d4d", mig: "e5e5e5e" };

let services: Services;
let envFile: string;
const images: Record<string, string> = {};

interface Result {
    readonly status: number | null;
    readonly output: string;
}

async function run(script: string, args: string[]): Promise<Result> {
    const result = await runCommand("bash", [path.join(SCRIPTS, script), ...args], { deadlineMs: 180_000, env: services.env, allowFailure: true });
    return { status: result.status, output: result.output };
}

function deploy(release: string, image: string, extra: string[] = []): Promise<Result> {
    return run("deploy.sh", [
        "--service",
        "backend",
        "--release",
        release,
        "--image",
        image,
        "--container-port",
        "8000",
        "--ports",
        "18101,18102",
        "--env-file",
        envFile,
        "--health-path",
        "/api/v1/health/",
        "--health-deadline",
        "5",
        "--drain",
        "1",
        "--keep",
        "2",
        "--state-dir",
        path.join(services.dir, "state/backend"),
        "--upstream",
        path.join(services.nginx.upstreamDir, "backend.upstream"),
        "--nginx",
        services.nginx.command,
        ...extra,
    ]);
}

async function get(pathname: string): Promise<{ status: number; body: string }> {
    const { status, body } = await httpGet(services.nginx.port, pathname, { hostHeader: HOST, deadlineMs: 5000 });
    return { status, body };
}

async function docker(...args: string[]): Promise<string> {
    return (await runCommand("docker", args, { deadlineMs: 60_000, env: services.env, allowFailure: true })).stdout.trim();
}

/** A steady stream of requests (bounded in count and time) until `until` settles. */
async function steadyRequests(until: Promise<unknown>): Promise<{ served: number; failed: number; failures: string[]; seconds: number }> {
    let done = false;
    void until.finally(() => (done = true));
    let served = 0;
    const failures: string[] = [];
    const started = Date.now();
    // About 200 requests a second, so the stream spans the whole deploy, bounded in count and time.
    while (!done && served + failures.length < 30000 && Date.now() - started < 120000) {
        await new Promise((r) => setTimeout(r, 5));
        try {
            const res = await get("/");
            if (res.status === 200) served++;
            else failures.push(`status ${res.status}`);
        } catch (error) {
            failures.push(String(error));
        }
    }
    return { served, failed: failures.length, failures: failures.slice(0, 5), seconds: (Date.now() - started) / 1000 };
}

/** The stream ran until the deploy finished, not until its bound. */
function done(traffic: { served: number; failed: number; seconds: number }): boolean {
    return traffic.served + traffic.failed < 30000 && traffic.seconds < 120;
}

beforeAll(async () => {
    services = await startServices();
    envFile = path.join(services.dir, "backend.env");
    fs.writeFileSync(envFile, `DATABASE_URL=${services.postgres.url}\nDJANGO_SECRET_KEY=${SECRET}\n`, { mode: 0o600 });
    images.a = await buildAppImage(services, { repository: "backend", tag: `e2e-${SHA.a}` });
    images.b = await buildAppImage(services, { repository: "backend", tag: `e2e-${SHA.b}`, startDelay: 1 });
    images.bad = await buildAppImage(services, { repository: "backend", tag: `e2e-${SHA.bad}`, healthy: false });
    images.d = await buildAppImage(services, { repository: "backend", tag: `e2e-${SHA.d}` });
    images.mig = await buildAppImage(services, { repository: "backend", tag: `e2e-${SHA.mig}`, migrationFails: true });
    fs.writeFileSync(path.join(services.nginx.upstreamDir, "backend.upstream"), "server 127.0.0.1:18101;\n");
    const site = renderProxySites(["backend"], { backend: HOST, frontend: "unused.e2e.test" }, [`127.0.0.1:${services.nginx.port}`])
        .split(NGINX_DIR)
        .join(services.nginx.upstreamDir);
    await services.startNginx(site);
});

afterAll(async () => {
    await services?.stop();
});

test("0. the migration runs against the real PostgreSQL and succeeds", async () => {
    const result = await run("migrate.sh", ["--image", images.a, "--env-file", envFile]);
    expect(result.status).toBe(0);
    expect(result.output).toContain(`migrations applied to 127.0.0.1:${services.postgres.port}`);
});

test("1. first release of a healthy image: started, checked, switched, serving", async () => {
    const result = await deploy(SHA.a, images.a);
    expect(result.status).toBe(0);
    expect(result.output).toContain(`deploy[backend]: traffic switched to projectmeats-backend-${SHA.a} on port 18101`);
    expect(await get("/")).toEqual({ status: 200, body: `release e2e-${SHA.a}\n` });
    expect(fs.readFileSync(path.join(services.nginx.upstreamDir, "backend.upstream"), "utf8")).toBe("server 127.0.0.1:18101;\n");
});

test("2. the same SHA again is a no-op that succeeds", async () => {
    const before = await docker("inspect", "--format", "{{.Id}}", `projectmeats-backend-${SHA.a}`);
    const result = await deploy(SHA.a, images.a);
    expect(result.status).toBe(0);
    expect(result.output).toContain(`release ${SHA.a} is already live on port 18101; nothing to do`);
    expect(await docker("inspect", "--format", "{{.Id}}", `projectmeats-backend-${SHA.a}`)).toBe(before);
});

test("3. a new SHA swaps with zero failed requests under a steady stream", async () => {
    const deploying = deploy(SHA.b, images.b);
    const traffic = await steadyRequests(deploying);
    const result = await deploying;
    expect(result.status).toBe(0);
    expect(traffic.failures).toEqual([]);
    expect(traffic.served).toBeGreaterThan(50);
    expect(await get("/")).toEqual({ status: 200, body: `release e2e-${SHA.b}\n` });
    expect(await docker("inspect", "--format", "{{.State.Status}}", `projectmeats-backend-${SHA.a}`)).toBe("exited");
    expect(done(traffic)).toBe(true);
    console.log(`swap ${SHA.a} -> ${SHA.b}: ${traffic.served} requests served, ${traffic.failed} failed, over ${traffic.seconds}s`);
});

test("4. an unhealthy image: the new container is removed, the old keeps serving, exit non-zero", async () => {
    const result = await deploy(SHA.bad, images.bad);
    expect(result.status).toBe(2);
    expect(result.output).toMatch(/unhealthy: http:\/\/127\.0\.0\.1:18101\/api\/v1\/health\/ answered 404, expected 200, after \d+\.\d+s/);
    expect(result.output).toContain(`release ${SHA.bad} failed; removing projectmeats-backend-${SHA.bad}, projectmeats-backend-${SHA.b} keeps serving`);
    expect(await docker("ps", "-a", "--filter", `name=projectmeats-backend-${SHA.bad}`, "--format", "{{.Names}}")).toBe("");
    expect(await get("/")).toEqual({ status: 200, body: `release e2e-${SHA.b}\n` });
});

test("5. a transient pull failure is retried", async () => {
    await docker("rmi", images.d);
    await services.registry.stop();
    const deploying = deploy(SHA.d, images.d);
    await new Promise((r) => setTimeout(r, 2500));
    await services.registry.start();
    const result = await deploying;
    expect(result.status).toBe(0);
    expect(result.output).toMatch(/pull of .* failed \(attempt 1\); retrying in 1s/);
    expect(result.output).toMatch(/pulled .*\(attempt [2-9]\)/);
    expect(await get("/")).toEqual({ status: 200, body: `release e2e-${SHA.d}\n` });
});

test("6. a failing migration stops the chain: nothing is deployed", async () => {
    const migrate = await run("migrate.sh", ["--image", images.mig, "--env-file", envFile]);
    expect(migrate.status).toBe(1);
    expect(migrate.output).toContain("migration 0002_add_supplier failed: column already exists");
    expect(migrate.output).toContain("migrate: migrations failed; nothing was deployed");
    // The chain's deploy step depends on the migration; it never runs, so the live release stays.
    expect(await docker("ps", "-a", "--filter", `name=projectmeats-backend-${SHA.mig}`, "--format", "{{.Names}}")).toBe("");
    expect(await get("/")).toEqual({ status: 200, body: `release e2e-${SHA.d}\n` });
});

test("7. rollback to a kept release is one deploy of its SHA", async () => {
    const result = await deploy(SHA.b, images.b);
    expect(result.status).toBe(0);
    expect(await get("/")).toEqual({ status: 200, body: `release e2e-${SHA.b}\n` });
});

test("8. only the last --keep stopped releases stay on the host", async () => {
    const stopped = (await docker("ps", "-a", "--filter", "label=projectmeats.service=backend", "--filter", "status=exited", "--format", "{{.Names}}")).split("\n").filter(Boolean);
    expect(stopped.length).toBeLessThanOrEqual(2);
});

test("9. no secret value appears in any script output or container log", async () => {
    const outputs = [await deploy(SHA.b, images.b), await run("migrate.sh", ["--image", images.a, "--env-file", envFile])].map((r) => r.output).join("\n");
    expect(outputs).not.toContain(SECRET);
    const ids = (await docker("ps", "-aq")).split("\n").filter(Boolean);
    for (const id of ids) {
        const log = await runCommand("docker", ["logs", id], { deadlineMs: 30_000, env: services.env, allowFailure: true });
        expect(log.output).not.toContain(SECRET);
    }
    expect(fs.statSync(envFile).mode & 0o777).toBe(0o600);
});
