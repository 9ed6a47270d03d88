/**
 * Benchmark (not a test): a deploy's time-to-serve beside the app's own start time, on real
 * components (Docker Engine, a registry with auth, nginx) started and stopped by this script.
 * Time-to-serve runs from starting deploy.sh until nginx serves the new release; the app's start
 * time is how long its container takes from `docker run` to its first healthy answer.
 *
 *   npm run bench:deploy [-- --runs 5 --start-delay 1]     (needs root and the Debian packages .ci/run installs)
 */
import { spawn, spawnSync } from "child_process";
import * as http from "http";
import * as path from "path";
import { renderProxySites } from "../components/server/hostCommands";
import { NGINX_DIR } from "../model/layout";
import { buildAppImage } from "../tools/standins/images";
import { freePort } from "../tools/processes";
import { startNginx, startServices } from "../tools/standins/services";
import * as fs from "fs";

const SCRIPTS = path.resolve(__dirname, "../host/droplet");
const arg = (name: string, fallback: string) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : fallback);
const runs = Number(arg("runs", "5"));
const startDelay = Number(arg("start-delay", "1"));
const HOST = "api.bench.test";

function get(port: number, host?: string): Promise<string> {
    return new Promise((resolve) => {
        const req = http.get({ host: "127.0.0.1", port, path: "/api/v1/health/", headers: host ? { Host: host } : {}, agent: false, timeout: 1000 }, (res) => {
            let body = "";
            res.on("data", (d: Buffer) => (body += d.toString()));
            res.on("end", () => resolve(`${res.statusCode} ${body}`));
        });
        req.on("error", () => resolve("error"));
        req.on("timeout", () => req.destroy());
    });
}

async function main(): Promise<void> {
    const services = await startServices();
    try {
        const images = Array.from({ length: runs + 1 }, (_, i) => buildAppImage(services, { repository: "backend", tag: `bench-${i}`, startDelay }));
        fs.writeFileSync(path.join(services.nginx.upstreamDir, "backend.upstream"), "server 127.0.0.1:18201;\n");
        startNginx(
            services,
            renderProxySites(["backend"], { backend: HOST, frontend: "unused" }, [`127.0.0.1:${services.nginx.port}`])
                .split(NGINX_DIR)
                .join(services.nginx.upstreamDir),
        );
        const deploy = (i: number) =>
            new Promise<number>((resolve, reject) => {
                const release = (0xa000000 + i).toString(16);
                const child = spawn(
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
                    { env: services.env, stdio: "ignore" },
                );
                child.on("exit", (code) => (code === 0 ? resolve(0) : reject(new Error(`deploy exited ${code}`))));
            });
        await deploy(0);
        const serve: number[] = [];
        const appStart: number[] = [];
        for (let i = 1; i <= runs; i++) {
            // The app's own start time: a bare container, no deploy machinery.
            const port = await freePort();
            const t0 = performance.now();
            spawnSync("docker", ["run", "-d", "--init", "--name", `bench-bare-${i}`, "-p", `127.0.0.1:${port}:8000`, images[i]], { env: services.env });
            while (!(await get(port)).startsWith("200")) await new Promise((r) => setTimeout(r, 10));
            appStart.push(performance.now() - t0);
            spawnSync("docker", ["rm", "-f", `bench-bare-${i}`], { env: services.env });

            // Time-to-serve: from starting deploy.sh until nginx serves the new release.
            const t1 = performance.now();
            const done = deploy(i);
            const before = await get(services.nginx.port, HOST);
            let after = before;
            while (after === before) after = await get(services.nginx.port, HOST);
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
