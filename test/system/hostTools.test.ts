/**
 * Checks that need Debian's tools (`shellcheck`, `cloud-init`, `curl`): part of `npm run test:system`,
 * which `npm run setup:system` provides for.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ofType, runProgram } from "../../tools/programRunner";
import { STACK_NAMES } from "../../tools/stackFiles";

const ROOT = path.resolve(__dirname, "../..");
const SHELL_SCRIPTS = ["host/local", "host/droplet", ".ci"].flatMap((dir) =>
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
