/** Shell scripts: strict mode, argument checks, and the local SSH wait behaves as documented (shellcheck: test/system/hostTools.test.ts). */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const SHELL_SCRIPTS = ["host/local", "host/droplet", "host/root", ".ci"].flatMap((dir) =>
    fs
        .readdirSync(path.join(ROOT, dir))
        .filter((f) => f.endsWith(".sh") || f === "run")
        .map((f) => path.join(dir, f)),
);

test("every shell script runs with set -euo pipefail", () => {
    for (const script of SHELL_SCRIPTS.filter((s) => !s.endsWith("lib.sh"))) {
        expect({ script, strict: /^set -euo pipefail$/m.test(fs.readFileSync(path.join(ROOT, script), "utf8")) }).toEqual({ script, strict: true });
    }
});

function waitForSsh(port: number, deadline: number) {
    return spawnSync("bash", ["host/local/wait-for-ssh.sh"], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), DEADLINE_SECONDS: String(deadline) },
    });
}

test("wait-for-ssh returns as soon as the port accepts connections", async () => {
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
        const result = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
            const child = spawn("bash", ["host/local/wait-for-ssh.sh"], { cwd: ROOT, env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), DEADLINE_SECONDS: "5" } });
            let stdout = "";
            child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
            child.on("close", (status: number | null) => resolve({ status, stdout }));
        });
        expect(result.status).toBe(0);
        expect(result.stdout).toMatch(new RegExp(`^ssh port 127\\.0\\.0\\.1:${port} open after \\d+s\\n$`));
    } finally {
        server.close();
    }
});

test("wait-for-ssh gives up after its deadline with an actionable message", () => {
    const result = waitForSsh(9, 2);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
        "ssh port 127.0.0.1:9 still closed after 2s; is the droplet up and port 9 open to this machine (projectmeats:sshAllowedCidrs, projectmeats:sshPort)?\n",
    );
});

test("health-check.sh refuses bad arguments with exit 64", () => {
    const result = spawnSync("bash", ["host/droplet/health-check.sh", "--url", "http://127.0.0.1:9/", "--deadline", "soon"], { cwd: ROOT, encoding: "utf8" });
    expect(result.status).toBe(64);
    expect(result.stderr.split("\n")[0]).toBe("health-check: not a number of seconds: soon");
});

test("deploy.sh refuses an image that is not pinned by digest, before touching anything", () => {
    const result = spawnSync(
        "bash",
        [
            "host/droplet/deploy.sh",
            "--service",
            "backend",
            "--release",
            "3f9c2ab",
            "--image",
            "registry.digitalocean.com/projectmeats/backend:dev-latest",
            "--container-port",
            "8000",
            "--ports",
            "8000,8001",
        ],
        { cwd: ROOT, encoding: "utf8" },
    );
    expect(result.status).toBe(64);
    expect(result.stderr).toBe("deploy[backend]: --image must be pinned by digest (repository@sha256:...), got 'registry.digitalocean.com/projectmeats/backend:dev-latest'\n");
});

// --- The release scripts' own logic, with a stand-in `docker` that records what it is asked (the real
// --- Docker Engine, registry, nginx and PostgreSQL: test/system/appContract.test.ts).

const IMAGE = `registry.example/backend@sha256:${"ab".repeat(32)}`;

interface Stub {
    readonly dir: string;
    /** Runs a script with the stand-in first on PATH; resolves its status, stderr and the docker calls. */
    run(script: string, args: readonly string[], input?: string): Promise<{ status: number | null; stderr: string; calls: string[]; argv: string[][]; stdin: string }>;
}

/**
 * A `docker` that records each call's arguments and answers `showmigrations` with
 * a listing; `run ... migrate <app> ...` fails for the app named in STUB_FAIL. Stdin of `run -i` is kept.
 */
function stubDocker(listing: string, fail = ""): Stub {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pm-stub-"));
    fs.writeFileSync(path.join(dir, "listing"), listing);
    fs.writeFileSync(
        path.join(dir, "docker"),
        [
            "#!/usr/bin/env bash",
            // Each argument ends with a unit separator, each call with a record separator: arguments may hold newlines.
            "{ printf '%s\\037' \"$@\"; printf '\\036'; } >>\"$STUB_DIR/calls\"",
            'if [[ " $* " == *" -i "* ]]; then cat >>"$STUB_DIR/stdin"; fi',
            'if [[ " $* " == *" showmigrations"* ]]; then cat "$STUB_DIR/listing"; fi',
            'if [[ -n "$STUB_FAIL" && " $* " == *" migrate $STUB_FAIL "* ]]; then echo "migration of $STUB_FAIL failed" >&2; exit 1; fi',
            "exit 0",
            "",
        ].join("\n"),
        { mode: 0o755 },
    );
    return {
        dir,
        run: (script, args, input) =>
            new Promise((resolve) => {
                const child = spawn("bash", [script, ...args], {
                    cwd: ROOT,
                    env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, STUB_DIR: dir, STUB_FAIL: fail },
                });
                let stderr = "";
                child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
                child.stdin.end(input ?? "");
                const read = (file: string) => (fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file), "utf8") : "");
                const calls = () =>
                    read("calls")
                        .split("\x1e")
                        .filter(Boolean)
                        .map((call) => call.split("\x1f").slice(0, -1));
                child.on("close", (status) => {
                    const recorded = calls();
                    resolve({ status, stderr, calls: recorded.map((args) => args.join(" ")), argv: recorded, stdin: read("stdin") });
                });
            }),
    };
}

describe("migrate.sh", () => {
    const ENV_FILE = path.join(ROOT, "package.json"); // any readable file
    const CA = path.join(ROOT, "README.md");
    const RUN = `run --rm --network host --env-file ${ENV_FILE} --volume ${CA}:/srv/ca.crt:ro ${IMAGE} python /app/manage.py`;
    const ARGS = ["host/droplet/migrate.sh", "--image", IMAGE, "--env-file", ENV_FILE, "--manage", "python /app/manage.py", "--mount-file", `${CA}:/srv/ca.crt`];
    const PRE = ["--pre-migrate", "suppliers 0002", "--pre-migrate", "customers 0002", "--post-migrate", "setup_superuser", "--post-migrate", "loaddata initial.json"];
    /** `showmigrations` as Django prints it: an app label, then ` [X] name` or ` [ ] name`. */
    const EMPTY =
        "customers\n [ ] 0001_initial\n [ ] 0002_add_tenant\nsuppliers\n [ ] 0001_initial\n [ ] 0002_supplier_tenant\ntenants\n [ ] 0001_initial\n [ ] 0002_enable_rls_policies\n";
    const MIGRATED = EMPTY.replace(/\[ \]/g, "[X]");
    const HALF = "customers\n [X] 0001_initial\n [ ] 0002_add_tenant\nsuppliers\n [X] 0001_initial\n [X] 0002_supplier_tenant\n [ ] 0003_later\n";

    test("on an empty database: pre-migrate steps, then migrate --fake-initial --noinput, then the post-migrate commands, in order", async () => {
        const result = await stubDocker(EMPTY).run(ARGS[0], [...ARGS.slice(1), ...PRE]);
        expect(result.status).toBe(0);
        expect(result.calls).toEqual([
            `pull --quiet ${IMAGE}`,
            `${RUN} showmigrations`,
            `${RUN} migrate suppliers 0002 --fake-initial --noinput`,
            `${RUN} migrate customers 0002 --fake-initial --noinput`,
            `${RUN} migrate --fake-initial --noinput`,
            `${RUN} setup_superuser`,
            `${RUN} loaddata initial.json`,
        ]);
    });

    test("a migration already applied is skipped, so a step never migrates backwards; a prefix matches as migrate takes it", async () => {
        const result = await stubDocker(HALF).run(ARGS[0], [...ARGS.slice(1), ...PRE]);
        expect(result.status).toBe(0);
        expect(result.calls.filter((call) => call.includes(" migrate "))).toEqual([
            `${RUN} migrate customers 0002 --fake-initial --noinput`,
            `${RUN} migrate --fake-initial --noinput`,
        ]);
        expect(result.stderr).toContain("migrate: suppliers 0002 is applied\n");
    });

    test("a second release: every step applied, only the full migrate and the post-migrate commands run", async () => {
        const result = await stubDocker(MIGRATED).run(ARGS[0], [...ARGS.slice(1), ...PRE]);
        expect(result.calls.filter((call) => call.includes(" migrate "))).toEqual([`${RUN} migrate --fake-initial --noinput`]);
    });

    test("without pre-migrate steps, no showmigrations", async () => {
        const result = await stubDocker(EMPTY).run(ARGS[0], ARGS.slice(1));
        expect(result.calls).toEqual([`pull --quiet ${IMAGE}`, `${RUN} migrate --fake-initial --noinput`]);
    });

    test("a failing step stops the release: nothing after it runs", async () => {
        const result = await stubDocker(EMPTY, "customers").run(ARGS[0], [...ARGS.slice(1), ...PRE]);
        expect(result.status).toBe(1);
        expect(result.calls[result.calls.length - 1]).toBe(`${RUN} migrate customers 0002 --fake-initial --noinput`);
        expect(result.stderr).toContain("migrate: migrating customers to 0002 failed; nothing was deployed\n");
    });

    test.each([
        [["--pre-migrate", "suppliers zero"], 64, "migrate: --pre-migrate takes 'APP MIGRATION' (never zero), got 'suppliers zero'\n"],
        [["--pre-migrate", "suppliers"], 64, "migrate: --pre-migrate takes 'APP MIGRATION' (never zero), got 'suppliers'\n"],
        [["--mount-file", "ca.crt:/srv/ca.crt"], 64, "migrate: --mount-file takes HOST_FILE:CONTAINER_FILE, both absolute, got 'ca.crt:/srv/ca.crt'\n"],
        [["--mount-file", "/nonexistent/ca.crt:/srv/ca.crt"], 65, "migrate: file /nonexistent/ca.crt is missing; nothing was migrated\n"],
    ])("refuses %j with exit %d before calling docker", async (extra, status, message) => {
        const result = await stubDocker(EMPTY).run("host/droplet/migrate.sh", ["--image", IMAGE, "--env-file", ENV_FILE, ...extra]);
        expect({ status: result.status, stderr: result.stderr, calls: result.calls }).toEqual({ status, stderr: message, calls: [] });
    });
});

describe("db-rights.sh", () => {
    const CA = path.join(ROOT, "README.md");
    const URI = "postgresql://doadmin:adm1n-s3cret@db.example:25060/projectmeats?sslmode=verify-full\n";

    test("runs db-rights.py in the image with the image's Python; the admin URI goes on stdin only", async () => {
        const result = await stubDocker("").run(
            "host/droplet/db-rights.sh",
            ["--image", IMAGE, "--app-user", "projectmeats", "--python", "python", "--mount-file", `${CA}:/srv/ca.crt`, "--bypass-rls"],
            URI,
        );
        expect(result.status).toBe(0);
        const program = fs.readFileSync(path.join(ROOT, "host/droplet/db-rights.py"), "utf8");
        expect(result.argv).toEqual([
            ["pull", "--quiet", IMAGE],
            // The program's text whole, as one argument after -c (command substitution drops the final newline).
            [
                "run",
                "--rm",
                "-i",
                "--network",
                "host",
                "--volume",
                `${CA}:/srv/ca.crt:ro`,
                "--entrypoint",
                "python",
                IMAGE,
                "-c",
                program.trimEnd(),
                "--app-user",
                "projectmeats",
                "--bypass-rls",
            ],
        ]);
        expect(result.stdin).toBe(URI);
        expect(result.calls.join("\n")).not.toContain("adm1n-s3cret");
    });

    test.each([
        [["--image", IMAGE, "--app-user", "Project Meats"], 64, "db-rights: --app-user takes a PostgreSQL role name, got 'Project Meats'\n"],
        [["--image", IMAGE, "--app-user", "pm", "--python", "python; rm"], 64, "db-rights: --python takes an interpreter, got 'python; rm'\n"],
        [["--image", IMAGE, "--app-user", "pm", "--mount-file", "/nonexistent:/srv/ca.crt"], 65, "db-rights: file /nonexistent is missing; nothing was changed\n"],
    ])("refuses %j with exit %d before calling docker", async (args, status, message) => {
        const result = await stubDocker("").run("host/droplet/db-rights.sh", args, URI);
        expect({ status: result.status, stderr: result.stderr, calls: result.calls }).toEqual({ status, stderr: message, calls: [] });
    });
});

describe("deploy.sh refuses bad arguments before touching anything", () => {
    const BASE = ["--service", "backend", "--release", "3f9c2ab", "--image", IMAGE, "--container-port", "8000", "--ports", "8000,8001"];
    test.each([
        [["--persist", "media:/app/media"], 64, "deploy[backend]: --persist and --mount-file take HOST_PATH:CONTAINER_PATH, both absolute, got 'media:/app/media'\n"],
        [["--persist-owner", "appuser"], 64, "deploy[backend]: --persist-owner takes a numeric uid:gid, got 'appuser'\n"],
        [["--mount-file", "/nonexistent/ca.crt:/srv/ca.crt"], 65, "deploy[backend]: file /nonexistent/ca.crt is missing; nothing was changed\n"],
        [["--env-file", "/nonexistent/backend.env"], 65, "deploy[backend]: env file /nonexistent/backend.env is missing; nothing was changed\n"],
    ])("%j: exit %d", async (extra, status, message) => {
        const result = await stubDocker("").run("host/droplet/deploy.sh", [...BASE, ...extra]);
        expect({ status: result.status, stderr: result.stderr, calls: result.calls }).toEqual({ status, stderr: message, calls: [] });
    });
});

describe("health-check.sh argument checks", () => {
    test.each([
        [["--json-field", "status"], "health-check: --json-field needs --json-value"],
        [["--json-value", "healthy"], "health-check: --json-value needs --json-field"],
        [["--json-field", "db-status", "--json-value", "ok"], "health-check: --json-field takes a field name (a.b for a nested one), got db-status"],
        [["--expect", "2x"], "health-check: --expect takes an HTTP status or a class like 2xx, got 2x"],
        [["--resolve", "api.example.com:443"], "health-check: --resolve takes HOST:PORT:ADDRESS, got api.example.com:443"],
        [["--resolve", "api.example.com:443:127.0.0.1 --insecure"], "health-check: --resolve takes HOST:PORT:ADDRESS, got api.example.com:443:127.0.0.1 --insecure"],
    ])("%j is refused with exit 64", (extra, message) => {
        const result = spawnSync("bash", ["host/droplet/health-check.sh", "--url", "http://127.0.0.1:9/", ...extra], { cwd: ROOT, encoding: "utf8" });
        expect(result.status).toBe(64);
        expect(result.stderr.split("\n")[0]).toBe(message);
    });

    test("--json-field on a host without python3 is refused, not misread", () => {
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), "pm-nopython-"));
        const result = spawnSync("/bin/bash", ["host/droplet/health-check.sh", "--url", "http://127.0.0.1:9/", "--json-field", "status", "--json-value", "healthy"], {
            cwd: ROOT,
            encoding: "utf8",
            env: { PATH: empty },
        });
        expect(result.status).toBe(64);
        expect(result.stderr.split("\n")[0]).toBe("health-check: --json-field needs python3 on this host");
    });
});

describe("obtain-certificate.sh (root's, edge droplet): the certbot command it runs, and the arguments it refuses", () => {
    const script = "host/root/obtain-certificate.sh";
    const run = (...args: string[]) => spawnSync("bash", [script, ...args], { cwd: ROOT, encoding: "utf8" });

    test("webroot HTTP-01, non-interactive, kept until it is due, expanded to new names, without an email unless given", () => {
        const result = run("--print-certbot-args", "--cert-name", "projectmeats-app-1", "--domain", "dev.projectmeats.com", "--domain", "api.dev.projectmeats.com");
        expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
            status: 0,
            stdout:
                "certonly\n--webroot\n--webroot-path\n/var/www/letsencrypt\n--cert-name\nprojectmeats-app-1\n--non-interactive\n--agree-tos\n--keep-until-expiring\n--expand\n" +
                "--register-unsafely-without-email\n--domain\ndev.projectmeats.com\n--domain\napi.dev.projectmeats.com\n",
            stderr: "",
        });
    });

    test("an email and another ACME directory (a test server's) when given", () => {
        const result = run("--print-certbot-args", "--cert-name", "pm", "--domain", "a.example.test", "--email", "ops@example.com", "--server", "https://127.0.0.1:14000/dir");
        expect(result.stdout.split("\n").slice(10, 14)).toEqual(["--email", "ops@example.com", "--server", "https://127.0.0.1:14000/dir"]);
    });

    test.each([
        [["--domain", "a.example.com"], "obtain-certificate: --cert-name takes lowercase letters, digits, dots and dashes, got nothing"],
        [["--cert-name", "pm"], "obtain-certificate: at least one --domain is required"],
        [
            ["--cert-name", "pm", "--domain", "a.example.com --deploy-hook=sh"],
            "obtain-certificate: --domain takes a lowercase fully qualified hostname, got a.example.com --deploy-hook=sh",
        ],
        [["--cert-name", "pm", "--domain", "localhost"], "obtain-certificate: --domain takes a lowercase fully qualified hostname, got localhost"],
        [["--cert-name", "../etc", "--domain", "a.example.com"], "obtain-certificate: --cert-name takes lowercase letters, digits, dots and dashes, got ../etc"],
        [["--cert-name", "pm", "--domain", "a.example.com", "--webroot", "relative"], "obtain-certificate: --webroot takes an absolute path, got relative"],
        [
            ["--cert-name", "pm", "--domain", "a.example.com", "--server", "http://acme.example"],
            "obtain-certificate: --server takes an https:// ACME directory URL, got http://acme.example",
        ],
        [["--cert-name", "pm", "--domain", "a.example.com", "--deploy-hook", "sh"], "obtain-certificate: unknown argument --deploy-hook"],
    ])("%j is refused with exit 64", (args, message) => {
        const result = run(...args);
        expect({ status: result.status, first: result.stderr.split("\n")[0] }).toEqual({ status: 64, first: message });
    });
});
