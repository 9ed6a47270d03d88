/**
 * Benchmark (not a test): how soon host/droplet/health-check.sh, with its default settings, sees an
 * app become healthy. An HTTP server on loopback answers 503 until a random moment, then 200; the
 * detection latency is the time from that moment to the script's exit.
 *
 *   npm run bench:health [-- --runs 30]
 */
import { spawn } from "child_process";
import * as http from "http";
import * as path from "path";

const SCRIPT = path.resolve(__dirname, "../host/droplet/health-check.sh");
const runs = Number(process.argv[process.argv.indexOf("--runs") + 1] || 30);

function percentile(sorted: number[], p: number): number {
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function once(): Promise<number> {
    let healthyAt = Number.POSITIVE_INFINITY;
    const server = http.createServer((_, res) => res.writeHead(performance.now() >= healthyAt ? 200 : 503).end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const becomesHealthyIn = 200 + Math.random() * 1300;
    const started = performance.now();
    healthyAt = started + becomesHealthyIn;
    const exited = await new Promise<number>((resolve, reject) => {
        const child = spawn("bash", [SCRIPT, "--url", `http://127.0.0.1:${port}/api/v1/health/`, "--deadline", "10"], { stdio: "ignore" });
        child.on("exit", (code) => (code === 0 ? resolve(performance.now()) : reject(new Error(`health-check exited ${code}`))));
    });
    server.close();
    return exited - healthyAt;
}

async function main(): Promise<void> {
    const latencies: number[] = [];
    for (let i = 0; i < runs; i++) latencies.push(await once());
    latencies.sort((a, b) => a - b);
    console.log(`health-check.sh detection latency over ${runs} runs (defaults: --interval 0.05 --max-interval 0.25):`);
    console.log(
        `  p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, max ${latencies[latencies.length - 1].toFixed(0)} ms (target: p95 under 500 ms)`,
    );
}

void main();
