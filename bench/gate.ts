/**
 * Benchmark (not a test): how long the offline policy gate takes — for one stack, and for every stack
 * with `--all` — beside the time to load the Pulumi SDKs alone, and the two ratios the gate is held to
 * (one stack at most 1.5×, `--all` at most 2×). The commands take turns, run after run, so that a busy
 * machine slows them alike; each figure is a median.
 *
 *   npm run bench:gate [-- --stack prod --runs 7]
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string>; scripts: Record<string, string> };

function arg(name: string, fallback: string): string {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : fallback;
}

function run(command: readonly string[]): { ms: number; stdout: string } {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, command, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (result.status !== 0) throw new Error(`${command.join(" ")} failed (${result.status}):\n${result.stderr}`);
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, stdout: result.stdout };
}
const time = (command: readonly string[]): number => run(command).ms;

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
// As `npm run check` runs it: package.json's command (`node …`), without npm's own start-up.
const gate = PACKAGE.scripts.check.split(/\s+/).slice(1);

// One unmeasured run of each: the transpile cache and the compiled pack are built once per change.
time([...gate, "--stack", stack]);
const every = JSON.parse(run([...gate, "--all", "--json"]).stdout) as { stacks: Array<{ resources: Array<{ type: string }> }> };

/**
 * The SDKs, loaded as the program needs them: every `@pulumi/` package the project depends on and the
 * policy pack's, then every resource class the program registers in any stack (a package loads each
 * class's module when it is first used), e.g. `digitalocean:index/droplet:Droplet` → `.Droplet`,
 * `command:remote:Command` → `.remote.Command`, `pulumi:providers:github` → `.Provider`.
 */
const packages = [...Object.keys(PACKAGE.dependencies).filter((name) => name.startsWith("@pulumi/")), "@pulumi/policy"];
const classes = [...new Set(every.stacks.flatMap((s) => s.resources.map((r) => r.type)))].flatMap((type) => {
    const [pkg, module, name] = type.split(":");
    const sdk = `@pulumi/${pkg === "pulumi" ? name : pkg}`;
    if (!packages.includes(sdk)) return []; // the program's own components
    const member = pkg === "pulumi" ? ".Provider" : `${module.startsWith("index") ? "" : `.${module.split("/")[0]}`}.${name}`;
    return [`require(${JSON.stringify(sdk)})${member}`];
});
const loadSdks = [...packages.map((name) => `require(${JSON.stringify(name)})`), ...classes].join("; ");
const sdkAlone = ["-e", loadSdks];

// The gate keeps Node's compile cache (tools/gate/register.js) and defers the SDK's function serializer
// (tools/gate/deferSdk.js); the SDKs loaded with that same cache, then also with that same deferral,
// are shown too, so that each one's share of the gain is plain.
const cache = `require("module").enableCompileCache(${JSON.stringify(path.join(ROOT, "node_modules/.cache/projectmeats-v8"))})`;
const sdkCached = ["-e", `${cache}; ${loadSdks}`];
const sdkAsTheGate = ["-e", `${cache}; require(${JSON.stringify(path.join(ROOT, "tools/gate/deferSdk.js"))}); ${loadSdks}`];
time(sdkCached);
time(sdkAsTheGate);

const sdk: number[] = [];
const cached: number[] = [];
const asTheGate: number[] = [];
const one: number[] = [];
const all: number[] = [];
for (let i = 0; i < runs; i++) {
    sdk.push(time(sdkAlone));
    cached.push(time(sdkCached));
    asTheGate.push(time(sdkAsTheGate));
    one.push(time([...gate, "--stack", stack]));
    all.push(time([...gate, "--all"]));
}
const pad = (label: string) => label.padEnd(58);
const ratio = (samples: readonly number[], base: readonly number[]) => (median(samples) / median(base)).toFixed(2);
console.log(`runs: ${runs}, stack: ${stack}; the SDKs: ${packages.length} packages and the ${classes.length} resource classes the program registers`);
console.log(`${pad("load the Pulumi SDKs alone:")}${summary(sdk)}`);
console.log(`${pad("load the Pulumi SDKs, Node's compile cache:")}${summary(cached)}`);
console.log(`${pad("load the Pulumi SDKs as the gate does (cache, deferral):")}${summary(asTheGate)}`);
console.log(`${pad(`policy gate, --stack ${stack}:`)}${summary(one)}`);
console.log(`${pad("policy gate, --all:")}${summary(all)}`);
console.log(
    `ratio, one stack / SDKs alone: ${ratio(one, sdk)} (at most 1.5); against the SDKs with the same cache: ${ratio(one, cached)}; loaded as the gate does: ${ratio(one, asTheGate)}`,
);
console.log(
    `ratio, --all / SDKs alone:     ${ratio(all, sdk)} (at most 2); against the SDKs with the same cache: ${ratio(all, cached)}; loaded as the gate does: ${ratio(all, asTheGate)}`,
);
