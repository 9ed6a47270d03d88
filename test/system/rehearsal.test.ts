/**
 * `npm run rehearse` as part of `npm run test:system`: the rehearsal stack's release chain end to end
 * against a local droplet (rehearsal/). Its scenarios check themselves; this test holds it to passing
 * all of them with zero failed requests, and prints its figures.
 */
import { SCENARIOS } from "../../rehearsal/scenarios";
import { lastLines, runRehearsal } from "./runRehearsal";

jest.setTimeout(30 * 60 * 1000);

test("npm run rehearse passes every scenario with zero failed requests, and leaves no folder behind", async () => {
    const run = await runRehearsal("rehearsal/main.ts");
    if (run.status !== 0 || !run.summary) throw new Error(`npm run rehearse exited ${run.status}:\n${lastLines(run, 120)}`);
    expect(run.summary.results.map((r) => [r.number, r.passed, r.problems])).toEqual(SCENARIOS.map((s) => [s.number, true, []]));
    // Every scenario that counts requests (under the steady stream, or after a droplet's replacement) served some and failed none.
    const counted = run.summary.results.flatMap((r) =>
        Object.keys(r.figures)
            .filter((k) => k.startsWith("requests failed"))
            .map((k) => ({ number: r.number, failed: r.figures[k], served: r.figures[k.replace("failed", "served")] })),
    );
    expect(counted.map((c) => c.number)).toEqual(expect.arrayContaining([2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16]));
    expect(counted.filter((c) => c.failed !== 0 || !(Number(c.served) > 0))).toEqual([]);
    expect(run.leftBehind).toEqual([]);
    console.log(run.output.slice(run.output.indexOf("\nFigures")));
});
