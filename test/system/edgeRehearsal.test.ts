/**
 * `npm run rehearse:edge` (rehearsal/edge/): the rehearsal stack with edge droplet, end to end on a local
 * droplet, with Debian's pebble as Let's Encrypt and certbot on the droplet. Its scenarios check
 * themselves; this test holds it to passing all three, renewing under traffic with zero failed
 * requests, and leaving no folder behind; it prints the figures.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Summary } from "../../rehearsal/report";

jest.setTimeout(15 * 60 * 1000);

const rehearsalDirs = () => fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith("pm-rehearsal-"));

test("npm run rehearse:edge: a certificate issued through nginx, served with HSTS, HTTP redirected, renewed under traffic with zero failed requests", async () => {
    const before = new Set(rehearsalDirs());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pm-rehearse-edge-test-"));
    const summaryFile = path.join(dir, "summary.json");
    const log = path.join(dir, "rehearse.log");
    const root = path.resolve(__dirname, "../..");
    const status = await new Promise<number | null>((resolve) => {
        const out = fs.openSync(log, "w");
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(root, "rehearsal/edge/main.ts")], {
            cwd: root,
            env: { ...process.env, PM_REHEARSAL_SUMMARY: summaryFile },
            stdio: ["ignore", out, out],
        });
        child.on("close", resolve);
    });
    const output = fs.readFileSync(log, "utf8");
    try {
        if (status !== 0) throw new Error(`npm run rehearse:edge exited ${status}:\n${output.split("\n").slice(-80).join("\n")}`);
        const summary = JSON.parse(fs.readFileSync(summaryFile, "utf8")) as Summary;
        expect(summary.results.map((r) => [r.number, r.passed, r.problems])).toEqual([1, 2, 3].map((n) => [n, true, []]));
        const renewal = summary.results[2].figures;
        expect(renewal["requests failed"]).toBe(0);
        expect(Number(renewal["requests served"])).toBeGreaterThan(100);
        expect(renewal["serial after"]).not.toBe(renewal["serial before"]);
        expect(rehearsalDirs().filter((d) => !before.has(d))).toEqual([]);
        console.log(output.slice(output.indexOf("\nFigures")));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
