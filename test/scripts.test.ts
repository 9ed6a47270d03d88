/** Shell scripts: strict mode, argument checks, and the local SSH wait behaves as documented (shellcheck: test/system/hostTools.test.ts). */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const SHELL_SCRIPTS = ["host/local", "host/droplet", ".ci"].flatMap((dir) =>
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
