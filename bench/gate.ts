/**
 * Benchmark (not a test): how long the offline policy gate takes for one stack, beside the time to
 * load the Pulumi SDKs alone, so the gate's own cost is visible.
 *
 *   npm run bench:gate [-- --stack prod --runs 5]
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
    const result = spawnSync(process.execPath, command, { cwd: ROOT, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${command.join(" ")} failed (${result.status}):\n${result.stderr}`);
    return Number(process.hrtime.bigint() - start) / 1e6;
}

function summary(samples: number[]): string {
    const sorted = [...samples].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    return `median ${median.toFixed(0)} ms, min ${sorted[0].toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms`;
}

const stack = arg("stack", "prod");
const runs = Number(arg("runs", "5"));
const loadSdks = [
    "-e",
    "require('@pulumi/pulumi'); require('@pulumi/digitalocean'); require('@pulumi/github'); require('@pulumi/command'); require('@pulumi/tls'); require('@pulumi/policy')",
];
const gate = ["-r", "ts-node/register/transpile-only", "tools/gate/cli.ts", "--stack", stack];

const sdk = Array.from({ length: runs }, () => time(loadSdks));
const full = Array.from({ length: runs }, () => time(gate));
console.log(`runs: ${runs}, stack: ${stack}`);
console.log(`load the Pulumi SDKs alone:   ${summary(sdk)}`);
console.log(`policy gate for one stack:    ${summary(full)}`);
console.log(
    `gate beyond loading the SDKs: ${(full.sort((a, b) => a - b)[Math.floor(runs / 2)] - sdk.sort((a, b) => a - b)[Math.floor(runs / 2)]).toFixed(0)} ms (median difference)`,
);
