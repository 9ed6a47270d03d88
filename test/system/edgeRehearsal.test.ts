/**
 * `npm run rehearse:edge` (rehearsal/edge/): the rehearsal stack with edge droplet, end to end on a local
 * droplet, with Debian's pebble as Let's Encrypt and certbot on the droplet. Its scenarios check
 * themselves; this test holds it to passing all three, renewing under traffic with zero failed
 * requests, and leaving no folder behind; it prints the figures.
 */
import { lastLines, runRehearsal } from "./runRehearsal";

jest.setTimeout(15 * 60 * 1000);

test("npm run rehearse:edge: a certificate issued through nginx, served with HSTS, HTTP redirected, renewed under traffic with zero failed requests", async () => {
    const run = await runRehearsal("rehearsal/edge/main.ts");
    if (run.status !== 0 || !run.summary) throw new Error(`npm run rehearse:edge exited ${run.status}:\n${lastLines(run, 80)}`);
    expect(run.summary.results.map((r) => [r.number, r.passed, r.problems])).toEqual([1, 2, 3].map((n) => [n, true, []]));
    const renewal = run.summary.results[2].figures;
    expect(renewal["requests failed"]).toBe(0);
    expect(Number(renewal["requests served"])).toBeGreaterThan(100);
    expect(renewal["serial after"]).not.toBe(renewal["serial before"]);
    expect(run.leftBehind).toEqual([]);
    console.log(run.output.slice(run.output.indexOf("\nFigures")));
});
