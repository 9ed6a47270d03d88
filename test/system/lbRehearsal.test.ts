/**
 * `npm run rehearse:lb` (rehearsal/loadBalancer/): the rehearsal stack with edge loadBalancer, end to end:
 * two droplets, each in namespaces of its own on a VPC bridge, behind an HAProxy stand-in configured
 * from the program's own LoadBalancer inputs. Its scenarios check themselves; this test holds it to
 * passing all four, the rolling release, the bad image and the droplets' replacement under traffic with
 * zero failed requests, and leaving no folder behind; it prints the figures.
 */
import { lastLines, runRehearsal } from "./runRehearsal";

jest.setTimeout(25 * 60 * 1000);

test("npm run rehearse:lb: a rolling release across two droplets behind the balancer, a bad image stopped on the first, and both droplets replaced, with zero failed requests", async () => {
    const run = await runRehearsal("rehearsal/loadBalancer/main.ts");
    if (run.status !== 0 || !run.summary) throw new Error(`npm run rehearse:lb exited ${run.status}:\n${lastLines(run, 80)}`);
    expect(run.summary.results.map((r) => [r.number, r.passed, r.problems])).toEqual([1, 2, 3, 4].map((n) => [n, true, []]));
    for (const scenario of run.summary.results.slice(1)) {
        expect(scenario.figures["requests failed"]).toBe(0);
        expect(Number(scenario.figures["requests served"])).toBeGreaterThan(200);
    }
    expect(run.leftBehind).toEqual([]);
    console.log(run.output.slice(run.output.indexOf("\nFigures")));
});
