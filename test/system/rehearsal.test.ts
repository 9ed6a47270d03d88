/**
 * `npm run rehearse` as part of `npm test`: the rehearsal stack's release chain end to end against a
 * local droplet (rehearsal/). Its scenarios check themselves; this test holds it to passing
 * all of them with zero failed requests, and prints its figures.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SCENARIOS } from "../../rehearsal/scenarios";

jest.setTimeout(30 * 60 * 1000);

interface Summary {
    setup: Record<string, number | string>;
    results: { number: number; title: string; passed: boolean; problems: string[]; figures: Record<string, number | string> }[];
}

const rehearsalDirs = () => fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith("pm-rehearsal-"));

test("npm run rehearse passes every scenario with zero failed requests, and leaves no folder behind", async () => {
    const before = new Set(rehearsalDirs());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pm-rehearse-test-"));
    const summaryFile = path.join(dir, "summary.json");
    const log = path.join(dir, "rehearse.log");
    const root = path.resolve(__dirname, "../..");
    const status = await new Promise<number | null>((resolve) => {
        const out = fs.openSync(log, "w");
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(root, "rehearsal/main.ts")], {
            cwd: root,
            env: { ...process.env, PM_REHEARSAL_SUMMARY: summaryFile },
            stdio: ["ignore", out, out],
        });
        child.on("close", resolve);
    });
    const output = fs.readFileSync(log, "utf8");
    try {
        if (status !== 0) throw new Error(`npm run rehearse exited ${status}:\n${output.split("\n").slice(-120).join("\n")}`);
        const summary = JSON.parse(fs.readFileSync(summaryFile, "utf8")) as Summary;
        expect(summary.results.map((r) => [r.number, r.passed, r.problems])).toEqual(SCENARIOS.map((s) => [s.number, true, []]));
        // Every scenario that counts requests (under the steady stream, or after a droplet's replacement) served some and failed none.
        const counted = summary.results.flatMap((r) =>
            Object.keys(r.figures)
                .filter((k) => k.startsWith("requests failed"))
                .map((k) => ({ number: r.number, failed: r.figures[k], served: r.figures[k.replace("failed", "served")] })),
        );
        expect(counted.map((c) => c.number)).toEqual(expect.arrayContaining([2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16]));
        expect(counted.filter((c) => c.failed !== 0 || !(Number(c.served) > 0))).toEqual([]);
        expect(rehearsalDirs().filter((d) => !before.has(d))).toEqual([]);
        console.log(output.slice(output.indexOf("\nFigures")));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
