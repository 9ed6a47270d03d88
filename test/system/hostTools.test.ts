/**
 * Checks that need Debian's tools (`shellcheck`, `cloud-init`, `curl`): part of `npm run test:system`,
 * which `npm run setup:system` provides for.
 */
import { execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { renderSites, renderTlsSites } from "../../components/server/edgeSites";
import { ofType, runProgram } from "../../tools/programRunner";
import { STACK_NAMES } from "../../tools/stackFiles";

const ROOT = path.resolve(__dirname, "../..");
const SHELL_SCRIPTS = ["host/local", "host/droplet", "host/root", ".ci"].flatMap((dir) =>
    fs
        .readdirSync(path.join(ROOT, dir))
        .filter((f) => f.endsWith(".sh") || f === "run")
        .map((f) => path.join(dir, f)),
);

test("every shell script is shellcheck-clean", () => {
    expect(SHELL_SCRIPTS.length).toBeGreaterThanOrEqual(6);
    const result = spawnSync("shellcheck", ["-x", "--shell=bash", ...SHELL_SCRIPTS], { cwd: ROOT, encoding: "utf8" });
    expect(result.error).toBeUndefined();
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
});

test("health-check.sh exits 3 when nothing ever answers", () => {
    const result = spawnSync("bash", ["host/droplet/health-check.sh", "--url", "http://127.0.0.1:9/health", "--deadline", "0.3"], { cwd: ROOT, encoding: "utf8" });
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/^unhealthy: http:\/\/127\.0\.0\.1:9\/health never answered \(connection failed or timed out\) in 0\.\d{3}s \(\d+ attempts\)\n$/);
});

test.each(STACK_NAMES)("stack %s: the user data passes `cloud-init schema`", async (stack) => {
    const run = await runProgram(stack);
    expect(run.error).toBeUndefined();
    const userData = [...new Set(ofType(run, "digitalocean:index/droplet:Droplet").map((d) => String(d.inputs.userData)))];
    expect(userData).toHaveLength(1);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloud-init-"));
    try {
        const file = path.join(dir, "user-data.yaml");
        fs.writeFileSync(file, userData[0]);
        expect(execFileSync("cloud-init", ["schema", "--config-file", file], { encoding: "utf8" })).toContain("Valid cloud-config");
    } finally {
        fs.rmSync(dir, { recursive: true });
    }
});

test("health-check.sh --resolve reaches the public hostname at the address given, with that Host", async () => {
    const hosts: string[] = [];
    const server = http.createServer((req, res) => {
        hosts.push(String(req.headers.host));
        res.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
        const result = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
            const child = spawn(
                "bash",
                ["host/droplet/health-check.sh", "--url", `http://api.projectmeats.invalid:${port}/`, "--resolve", `api.projectmeats.invalid:${port}:127.0.0.1`, "--deadline", "5"],
                { cwd: ROOT },
            );
            let stdout = "";
            child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
            child.on("close", (status) => resolve({ status, stdout }));
        });
        expect(result.status).toBe(0);
        expect(result.stdout).toMatch(new RegExp(`^healthy: http://api\\.projectmeats\\.invalid:${port}/ answered 200 after `));
        expect(hosts[0]).toBe(`api.projectmeats.invalid:${port}`);
    } finally {
        server.close();
    }
});

describe("the edge's nginx sites pass `nginx -t` (components/server/edgeSites.ts)", () => {
    const HOSTS = { backend: "api.dev.projectmeats.com", frontend: "dev.projectmeats.com" };
    const INTERNAL = { paths: { backend: ["/api/v1/health/", "/api/v1/ready/"] }, allow: ["127.0.0.1", "::1", "10.110.16.0/20"] };
    const SERVICES = ["backend", "frontend"] as const;

    test.each(["none", "loadBalancer", "droplet"] as const)("edge %s", (mode) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pm-edge-nginx-"));
        try {
            // The droplet's paths, moved under the temporary folder; a self-signed certificate stands in for certbot's.
            const moved = (text: string) => text.replace(/\/etc\/projectmeats\/nginx\//g, `${dir}/`).replace(/\/etc\/letsencrypt\/live\//g, `${dir}/live/`);
            fs.mkdirSync(path.join(dir, "live", "projectmeats-app-1"), { recursive: true });
            execFileSync(
                "openssl",
                [
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "1",
                    "-subj",
                    "/CN=dev.projectmeats.com",
                    "-keyout",
                    path.join(dir, "live/projectmeats-app-1/privkey.pem"),
                    "-out",
                    path.join(dir, "live/projectmeats-app-1/fullchain.pem"),
                ],
                { stdio: "ignore" },
            );
            for (const service of SERVICES) fs.writeFileSync(path.join(dir, `${service}.upstream`), "server 127.0.0.1:8000;\n");
            const edge = mode === "loadBalancer" ? { mode, health: { service: "backend" as const, path: "/api/v1/health/" } } : { mode };
            const sites = renderSites(SERVICES, HOSTS, INTERNAL, edge) + (mode === "droplet" ? renderTlsSites(SERVICES, HOSTS, INTERNAL, "projectmeats-app-1") : "");
            fs.writeFileSync(path.join(dir, "sites.conf"), moved(sites));
            fs.writeFileSync(
                path.join(dir, "nginx.conf"),
                `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n    access_log off;\n    include ${dir}/sites.conf;\n}\n`,
            );
            const result = spawnSync("nginx", ["-t", "-c", path.join(dir, "nginx.conf")], { encoding: "utf8" });
            expect({ status: result.status, stderr: result.stderr.split("\n").filter((line) => line !== "" && !/syntax is ok|test is successful/.test(line)) }).toEqual({
                status: 0,
                stderr: [],
            });
        } finally {
            fs.rmSync(dir, { recursive: true });
        }
    });
});
