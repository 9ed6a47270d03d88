/**
 * Benchmark (not a test): a deploy's time-to-serve beside the app's own start time, on real
 * components (Docker Engine, a registry with auth, nginx) started and stopped by this script.
 * Time-to-serve runs from starting deploy.sh until nginx serves the new release; the app's start
 * time is how long its container takes from `docker run` to its first healthy answer.
 *
 *   npm run bench:deploy [-- --runs 5 --start-delay 1]     (needs root and the Debian packages .ci/run installs)
 */
import * as fs from "fs";
import * as path from "path";
import { renderProxySites } from "../components/server/hostCommands";
import { NGINX_DIR } from "../model/layout";
import { get as httpGet } from "../tools/http";
import { freePort, run } from "../tools/processes";
import { buildAppImage } from "../tools/standins/images";
import { startServices } from "../tools/standins/services";

const SCRIPTS = path.resolve(__dirname, "../host/droplet");
const arg = (name: string, fallback: string) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : fallback);
const runs = Number(arg("runs", "5"));
const startDelay = Number(arg("start-delay", "1"));
const HOST = "api.bench.test";

/** `STATUS BODY` of `pathname`, or "error". */
async function get(port: number, pathname: string, host?: string): Promise<string> {
    try {
        const res = await httpGet(port, pathname, { hostHeader: host, deadlineMs: 1000 });
        return `${res.status} ${res.body}`;
    } catch {
        return "error";
    }
}

/** Polls until `done` says so, for at most a minute. */
async function until(what: string, done: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (!(await done())) {
        if (Date.now() > deadline) throw new Error(`${what}: not within 60s`);
        await new Promise((r) => setTimeout(r, 10));
    }
}

async function main(): Promise<void> {
    const services = await startServices();
    try {
        const images: string[] = [];
        for (let i = 0; i <= runs; i++) images.push(await buildAppImage(services, { repository: "backend", tag: `bench-${i}`, startDelay }));
        fs.writeFileSync(path.join(services.nginx.upstreamDir, "backend.upstream"), "server 127.0.0.1:18201;\n");
        await services.startNginx(
            renderProxySites(["backend"], { backend: HOST, frontend: "unused" }, [`127.0.0.1:${services.nginx.port}`])
                .split(NGINX_DIR)
                .join(services.nginx.upstreamDir),
        );
        const deploy = async (i: number) => {
            const release = (0xa000000 + i).toString(16);
            await run(
                "bash",
                [
                    path.join(SCRIPTS, "deploy.sh"),
                    "--service",
                    "backend",
                    "--release",
                    release,
                    "--image",
                    images[i],
                    "--container-port",
                    "8000",
                    "--ports",
                    "18201,18202",
                    "--health-path",
                    "/api/v1/health/",
                    "--drain",
                    "0",
                    "--state-dir",
                    path.join(services.dir, "state"),
                    "--upstream",
                    path.join(services.nginx.upstreamDir, "backend.upstream"),
                    "--nginx",
                    services.nginx.command,
                ],
                { deadlineMs: 180_000, env: services.env },
            );
        };
        await deploy(0);
        const serve: number[] = [];
        const appStart: number[] = [];
        for (let i = 1; i <= runs; i++) {
            // The app's own start time: a bare container, no deploy machinery.
            const port = await freePort();
            const t0 = performance.now();
            await run("docker", ["run", "-d", "--init", "--name", `bench-bare-${i}`, "-p", `127.0.0.1:${port}:8000`, images[i]], { deadlineMs: 60_000, env: services.env });
            await until("the bare container answers", async () => (await get(port, "/api/v1/health/")).startsWith("200"));
            appStart.push(performance.now() - t0);
            await run("docker", ["rm", "-f", `bench-bare-${i}`], { deadlineMs: 60_000, env: services.env });

            // Time-to-serve: from starting deploy.sh until nginx serves the new release.
            const t1 = performance.now();
            const done = deploy(i);
            // Every release answers its health check alike; its page names it (tools/standins/images.ts).
            await until("nginx serves the new release", async () => (await get(services.nginx.port, "/", HOST)) === `200 release bench-${i}\n`);
            serve.push(performance.now() - t1);
            await done;
        }
        const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
        console.log(`deploy.sh over ${runs} releases (app start delay ${startDelay}s):`);
        console.log(`  app's own start time:  median ${median(appStart).toFixed(0)} ms (${appStart.map((x) => x.toFixed(0)).join(", ")})`);
        console.log(`  deploy time-to-serve:  median ${median(serve).toFixed(0)} ms (${serve.map((x) => x.toFixed(0)).join(", ")})`);
        console.log(`  deploy overhead:       median ${(median(serve) - median(appStart)).toFixed(0)} ms`);
    } finally {
        await services.stop();
    }
}

void main().catch((error) => {
    console.error(error);
    process.exit(1);
});
