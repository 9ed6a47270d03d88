/**
 * Benchmark (not a test): how long the offline policy gate takes — for one stack, and for every stack
 * with `--all` — beside the time to load the Pulumi SDKs alone, and the two ratios the gate is held to
 * (one stack at most 1.5×, `--all` at most 2×). The three commands take turns, run after run, so that
 * a busy machine slows them alike; each figure is a median.
 *
 *   npm run bench:gate [-- --stack prod --runs 7]
 */
import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

function arg(name: string, fallback: string): string {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : fallback;
}

function time(command: string[]): number {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, command, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (result.status !== 0) throw new Error(`${command.join(" ")} failed (${result.status}):\n${result.stderr}`);
    return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(samples: readonly number[]): number {
    const sorted = [...samples].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

function summary(samples: readonly number[]): string {
    const sorted = [...samples].sort((a, b) => a - b);
    return `median ${median(samples).toFixed(0)} ms, min ${sorted[0].toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms`;
}

const stack = arg("stack", "prod");
const runs = Number(arg("runs", "7"));
const loadSdks = [
    "-e",
    "require('@pulumi/pulumi'); require('@pulumi/digitalocean'); require('@pulumi/github'); require('@pulumi/command'); require('@pulumi/tls'); require('@pulumi/policy')",
];
// As `npm run check` runs it (package.json), without npm's own start-up.
const gate = ["-r", "./tools/gate/register.js", "tools/gate/cli.ts"];

// One unmeasured run of each: the transpile cache and the compiled pack are built once per change.
time([...gate, "--stack", stack]);
time([...gate, "--all"]);

// The gate keeps Node's compile cache (tools/gate/register.js); the SDKs loaded with that same cache
// are shown too, so that the cache's share of the gain is plain.
const loadSdksCached = ["-e", `require("module").enableCompileCache(${JSON.stringify(path.join(ROOT, "node_modules/.cache/projectmeats-v8"))}); ${loadSdks[1]}`];
time(loadSdksCached);

const sdk: number[] = [];
const sdkCached: number[] = [];
const one: number[] = [];
const all: number[] = [];
for (let i = 0; i < runs; i++) {
    sdk.push(time(loadSdks));
    sdkCached.push(time(loadSdksCached));
    one.push(time([...gate, "--stack", stack]));
    all.push(time([...gate, "--all"]));
}
const pad = (label: string) => label.padEnd(44);
console.log(`runs: ${runs}, stack: ${stack}`);
console.log(`${pad("load the Pulumi SDKs alone:")}${summary(sdk)}`);
console.log(`${pad("load the Pulumi SDKs, Node's compile cache:")}${summary(sdkCached)}`);
console.log(`${pad(`policy gate, --stack ${stack}:`)}${summary(one)}`);
console.log(`${pad("policy gate, --all:")}${summary(all)}`);
console.log(
    `ratio, one stack / SDKs alone: ${(median(one) / median(sdk)).toFixed(2)} (at most 1.5); against the SDKs with the same cache: ${(median(one) / median(sdkCached)).toFixed(2)}`,
);
console.log(
    `ratio, --all / SDKs alone:     ${(median(all) / median(sdk)).toFixed(2)} (at most 2); against the SDKs with the same cache: ${(median(all) / median(sdkCached)).toFixed(2)}`,
);
