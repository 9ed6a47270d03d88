import { DeployCommandArgs, deployCommand, envFileCommand, healthCommand, migrateCommand } from "./commands";

const IMAGE = `registry.digitalocean.com/projectmeats/backend@sha256:${"ab".repeat(32)}`;
const WAIT = "{ cloud-init status --wait >/dev/null || [ $? -eq 2 ]; }";

describe("envFileCommand", () => {
    test.each([
        ["backend", `${WAIT} && { (umask 077 && cat > /srv/projectmeats/backend.env.new) && mv -f /srv/projectmeats/backend.env.new /srv/projectmeats/backend.env; }`],
        ["frontend", `${WAIT} && { (umask 077 && cat > /srv/projectmeats/frontend.env.new) && mv -f /srv/projectmeats/frontend.env.new /srv/projectmeats/frontend.env; }`],
    ] as const)("%s: waits for cloud-init, then replaces the env file with stdin, mode 0600, atomically", (service, rendered) => {
        expect(envFileCommand(service)).toBe(rendered);
    });
});

describe("migrateCommand", () => {
    test("runs migrate.sh with the pinned image and the backend's env file", () => {
        expect(migrateCommand(IMAGE)).toBe(`bash /srv/projectmeats/bin/migrate.sh --image ${IMAGE} --env-file /srv/projectmeats/backend.env`);
    });

    test("an image reference that is not a plain word is quoted, never interpreted", () => {
        expect(migrateCommand("img; rm -rf /")).toBe("bash /srv/projectmeats/bin/migrate.sh --image 'img; rm -rf /' --env-file /srv/projectmeats/backend.env");
    });
});

describe("deployCommand", () => {
    const backend: DeployCommandArgs = { service: "backend", release: "1111111aaaaaaa", image: IMAGE, hostname: "api.dev.projectmeats.com", withEnvFile: true };
    const frontend: DeployCommandArgs = { service: "frontend", release: "1111111aaaaaaa", image: "fe@sha256:0", hostname: "dev.projectmeats.com", withEnvFile: false };
    const DEPLOY = "bash /srv/projectmeats/bin/deploy.sh";
    const BACKEND_PORTS = "--container-port 8000 --ports 8000,8001 --health-path /api/v1/health/";
    const FRONTEND_PORTS = "--container-port 80 --ports 8080,8081 --health-path /";

    test("backend: its container port, port pair, health path and env file, and collectstatic", () => {
        expect(deployCommand(backend)).toBe(
            `${DEPLOY} --service backend --release 1111111aaaaaaa --image ${IMAGE} --container-port 8000 --ports 8000,8001 --health-path /api/v1/health/ ` +
                "--health-host api.dev.projectmeats.com --env-file /srv/projectmeats/backend.env --collectstatic",
        );
    });

    test("frontend: its container port, port pair and health path; no env file, no collectstatic", () => {
        expect(deployCommand(frontend)).toBe(
            `${DEPLOY} --service frontend --release 1111111aaaaaaa --image fe@sha256:0 --container-port 80 --ports 8080,8081 --health-path / --health-host dev.projectmeats.com`,
        );
    });

    test.each([
        [
            "release",
            { release: "2222222bbbbbbb" },
            `${DEPLOY} --service frontend --release 2222222bbbbbbb --image fe@sha256:0 ${FRONTEND_PORTS} --health-host dev.projectmeats.com`,
        ],
        ["release, quoted", { release: "it's" }, `${DEPLOY} --service frontend --release 'it'"'"'s' --image fe@sha256:0 ${FRONTEND_PORTS} --health-host dev.projectmeats.com`],
        [
            "image",
            { image: "other/fe@sha256:1" },
            `${DEPLOY} --service frontend --release 1111111aaaaaaa --image other/fe@sha256:1 ${FRONTEND_PORTS} --health-host dev.projectmeats.com`,
        ],
        [
            "hostname",
            { hostname: "projectmeats.com" },
            `${DEPLOY} --service frontend --release 1111111aaaaaaa --image fe@sha256:0 ${FRONTEND_PORTS} --health-host projectmeats.com`,
        ],
        ["hostname, quoted", { hostname: "a b" }, `${DEPLOY} --service frontend --release 1111111aaaaaaa --image fe@sha256:0 ${FRONTEND_PORTS} --health-host 'a b'`],
    ])("the %s is passed as given", (_, change, rendered) => {
        expect(deployCommand({ ...frontend, ...change })).toBe(rendered);
    });

    test.each([
        [
            "a frontend with an env file gets its own",
            { ...frontend, withEnvFile: true },
            `${DEPLOY} --service frontend --release 1111111aaaaaaa --image fe@sha256:0 ${FRONTEND_PORTS} --health-host dev.projectmeats.com --env-file /srv/projectmeats/frontend.env`,
        ],
        [
            "a backend without one still collects static files",
            { ...backend, withEnvFile: false },
            `${DEPLOY} --service backend --release 1111111aaaaaaa --image ${IMAGE} ${BACKEND_PORTS} --health-host api.dev.projectmeats.com --collectstatic`,
        ],
    ])("withEnvFile: %s", (_, args, rendered) => {
        expect(deployCommand(args)).toBe(rendered);
    });
});

describe("healthCommand", () => {
    test.each([
        ["backend", "api.dev.projectmeats.com", "bash /srv/projectmeats/bin/health-check.sh --url http://127.0.0.1/api/v1/health/ --host api.dev.projectmeats.com --deadline 30"],
        ["frontend", "dev.projectmeats.com", "bash /srv/projectmeats/bin/health-check.sh --url http://127.0.0.1/ --host dev.projectmeats.com --deadline 30"],
        ["frontend", "x'y", `bash /srv/projectmeats/bin/health-check.sh --url http://127.0.0.1/ --host 'x'"'"'y' --deadline 30`],
    ] as const)("%s on %s: through nginx on the host, with the public hostname", (service, hostname, rendered) => {
        expect(healthCommand(service, hostname)).toBe(rendered);
    });
});
