import {
    DeployCommandArgs,
    HealthContract,
    dbRightsCommand,
    deployCommand,
    envFileCommand,
    admissionCommand,
    inRotationCommand,
    edgeHealthCommand,
    healthAndReportCommand,
    healthCommand,
    migrateCommand,
    publicFileCommand,
} from "./commands";

const IMAGE = `registry.digitalocean.com/projectmeats/backend@sha256:${"ab".repeat(32)}`;
const WAIT = "{ cloud-init status --wait >/dev/null || [ $? -eq 2 ]; }";
const CA = { host: "/srv/projectmeats/db-ca.crt", container: "/srv/projectmeats/db-ca.crt" };
const MANAGE = ["python", "/app/manage.py"];
/** ProjectMeats' health contract: readiness 2xx and `status` healthy (backend/projectmeats/health.py). */
const BACKEND_HEALTH: HealthContract = { healthPath: "/api/v1/health/", readyPath: "/api/v1/ready/", healthJson: { field: "status", value: "healthy" } };

describe("envFileCommand", () => {
    test.each([
        ["backend", `${WAIT} && { (umask 077 && cat > /srv/projectmeats/backend.env.new) && mv -f /srv/projectmeats/backend.env.new /srv/projectmeats/backend.env; }`],
        ["frontend", `${WAIT} && { (umask 077 && cat > /srv/projectmeats/frontend.env.new) && mv -f /srv/projectmeats/frontend.env.new /srv/projectmeats/frontend.env; }`],
    ] as const)("%s: waits for cloud-init, then replaces the env file with stdin, mode 0600, atomically", (service, rendered) => {
        expect(envFileCommand(service)).toBe(rendered);
    });
});

describe("publicFileCommand", () => {
    test("waits for cloud-init, then replaces the file with stdin, mode 0644 (a container's user reads it), atomically", () => {
        expect(publicFileCommand("/srv/projectmeats/db-ca.crt")).toBe(
            `${WAIT} && { (umask 022 && cat > /srv/projectmeats/db-ca.crt.new) && mv -f /srv/projectmeats/db-ca.crt.new /srv/projectmeats/db-ca.crt; }`,
        );
    });
});

describe("dbRightsCommand", () => {
    const RIGHTS = "bash /srv/projectmeats/bin/db-rights.sh";
    test("runs db-rights.sh in the pinned backend image with the app's role, its Python and the CA certificate; BYPASSRLS when asked", () => {
        expect(dbRightsCommand({ image: IMAGE, appUser: "projectmeats", python: "python", mountFiles: [CA], bypassRowLevelSecurity: true })).toBe(
            `${RIGHTS} --image ${IMAGE} --app-user projectmeats --python python --mount-file /srv/projectmeats/db-ca.crt:/srv/projectmeats/db-ca.crt --bypass-rls`,
        );
    });

    test("without bypassRowLevelSecurity, only the schema right", () => {
        expect(dbRightsCommand({ image: IMAGE, appUser: "shop", python: "python3", bypassRowLevelSecurity: false })).toBe(
            `${RIGHTS} --image ${IMAGE} --app-user shop --python python3`,
        );
    });

    test("no secret is in the text: the admin's URI goes on stdin", () => {
        expect(dbRightsCommand({ image: IMAGE, appUser: "projectmeats", python: "python", mountFiles: [CA], bypassRowLevelSecurity: true })).not.toMatch(
            /postgres|doadmin|password/,
        );
    });
});

describe("migrateCommand", () => {
    const MIGRATE = `bash /srv/projectmeats/bin/migrate.sh --image ${IMAGE} --env-file /srv/projectmeats/backend.env`;

    test("runs migrate.sh with the pinned image, the backend's env file and the manage command", () => {
        expect(migrateCommand({ image: IMAGE, manageCommand: MANAGE })).toBe(`${MIGRATE} --manage 'python /app/manage.py'`);
    });

    test("with the CA certificate, ProjectMeats' pre-migrate steps and its post-migrate command", () => {
        expect(
            migrateCommand({
                image: IMAGE,
                manageCommand: MANAGE,
                mountFiles: [CA],
                preMigrate: [
                    { app: "suppliers", target: "0002" },
                    { app: "purchase_orders", target: "0002" },
                ],
                postMigrate: [["setup_superuser"], ["loaddata", "initial.json"]],
            }),
        ).toBe(
            `${MIGRATE} --manage 'python /app/manage.py' --mount-file /srv/projectmeats/db-ca.crt:/srv/projectmeats/db-ca.crt ` +
                "--pre-migrate 'suppliers 0002' --pre-migrate 'purchase_orders 0002' --post-migrate setup_superuser --post-migrate 'loaddata initial.json'",
        );
    });

    test("an image reference that is not a plain word is quoted, never interpreted", () => {
        expect(migrateCommand({ image: "img; rm -rf /", manageCommand: MANAGE })).toBe(
            "bash /srv/projectmeats/bin/migrate.sh --image 'img; rm -rf /' --env-file /srv/projectmeats/backend.env --manage 'python /app/manage.py'",
        );
    });
});

describe("deployCommand", () => {
    const backend: DeployCommandArgs = {
        service: "backend",
        release: "1111111aaaaaaa",
        image: IMAGE,
        containerPort: 8000,
        health: BACKEND_HEALTH,
        hostname: "api.dev.projectmeats.com",
        withEnvFile: true,
    };
    const frontend: DeployCommandArgs = {
        service: "frontend",
        release: "1111111aaaaaaa",
        image: "fe@sha256:0",
        containerPort: 80,
        health: { healthPath: "/" },
        hostname: "dev.projectmeats.com",
        withEnvFile: false,
    };
    const DEPLOY = "bash /srv/projectmeats/bin/deploy.sh";
    const BACKEND = `${DEPLOY} --service backend --release 1111111aaaaaaa --image ${IMAGE} --container-port 8000 --ports 8000,8001 --health-path /api/v1/health/ --ready-path /api/v1/ready/ --json-field status --json-value healthy --health-host api.dev.projectmeats.com --env-file /srv/projectmeats/backend.env`;
    const FRONTEND_PORTS = "--container-port 80 --ports 8080,8081 --health-path /";

    test("backend: its container port, port pair, health contract and env file", () => {
        expect(deployCommand(backend)).toBe(BACKEND);
    });

    test("backend as ProjectMeats runs it: its persistent media folder given to its user, the CA certificate, its own command", () => {
        expect(
            deployCommand({
                ...backend,
                persistentFolders: [{ host: "/srv/projectmeats/data/media", container: "/app/media" }],
                persistentOwner: "1000:1000",
                mountFiles: [CA],
                command: ["sh", "-c", "exec gunicorn projectmeats.wsgi:application --bind 0.0.0.0:8000 --workers ${GUNICORN_WORKERS:-3}"],
            }),
        ).toBe(
            `${BACKEND} --persist /srv/projectmeats/data/media:/app/media --persist-owner 1000:1000 --mount-file /srv/projectmeats/db-ca.crt:/srv/projectmeats/db-ca.crt ` +
                "-- sh -c 'exec gunicorn projectmeats.wsgi:application --bind 0.0.0.0:8000 --workers ${GUNICORN_WORKERS:-3}'",
        );
    });

    test("no persistent folder: no owner either; an empty command keeps the image's CMD", () => {
        expect(deployCommand({ ...backend, persistentOwner: "1000:1000", command: [] })).toBe(BACKEND);
    });

    test("frontend: its container port, port pair and health path; no env file", () => {
        expect(deployCommand(frontend)).toBe(
            `${DEPLOY} --service frontend --release 1111111aaaaaaa --image fe@sha256:0 --container-port 80 --ports 8080,8081 --health-path / --health-host dev.projectmeats.com`,
        );
    });

    test("frontend with its runtime configuration mounted read-only", () => {
        expect(deployCommand({ ...frontend, mountFiles: [{ host: "/srv/projectmeats/frontend-config.js", container: "/usr/share/nginx/html/env-config.js" }] })).toBe(
            `${DEPLOY} --service frontend --release 1111111aaaaaaa --image fe@sha256:0 ${FRONTEND_PORTS} --health-host dev.projectmeats.com ` +
                "--mount-file /srv/projectmeats/frontend-config.js:/usr/share/nginx/html/env-config.js",
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
        [
            "container port",
            { containerPort: 8080 },
            `${DEPLOY} --service frontend --release 1111111aaaaaaa --image fe@sha256:0 --container-port 8080 --ports 8080,8081 --health-path / --health-host dev.projectmeats.com`,
        ],
    ])("the %s is passed as given", (_, change, rendered) => {
        expect(deployCommand({ ...frontend, ...change })).toBe(rendered);
    });

    test("a frontend with an env file gets its own", () => {
        expect(deployCommand({ ...frontend, withEnvFile: true })).toBe(
            `${DEPLOY} --service frontend --release 1111111aaaaaaa --image fe@sha256:0 ${FRONTEND_PORTS} --health-host dev.projectmeats.com --env-file /srv/projectmeats/frontend.env`,
        );
    });
});

describe("healthCommand", () => {
    test.each<[string, HealthContract, string]>([
        [
            "api.dev.projectmeats.com",
            BACKEND_HEALTH,
            "bash /srv/projectmeats/bin/health-check.sh --url http://127.0.0.1/api/v1/health/ --ready-url http://127.0.0.1/api/v1/ready/ --json-field status --json-value healthy " +
                "--host api.dev.projectmeats.com --deadline 30",
        ],
        ["dev.projectmeats.com", { healthPath: "/" }, "bash /srv/projectmeats/bin/health-check.sh --url http://127.0.0.1/ --host dev.projectmeats.com --deadline 30"],
        ["x'y", { healthPath: "/" }, `bash /srv/projectmeats/bin/health-check.sh --url http://127.0.0.1/ --host 'x'"'"'y' --deadline 30`],
        [
            "api.example.com",
            { healthPath: "/health", healthJson: { field: "checks.db", value: "all good" } },
            "bash /srv/projectmeats/bin/health-check.sh --url http://127.0.0.1/health --json-field checks.db --json-value 'all good' --host api.example.com --deadline 30",
        ],
    ])("on %s: through nginx on the host, with the public hostname and the health contract", (hostname, health, rendered) => {
        expect(healthCommand(hostname, health)).toBe(rendered);
    });
});

describe("healthCommand over HTTPS (edge droplet)", () => {
    test.each<[string, HealthContract, string]>([
        [
            "api.dev.projectmeats.com",
            BACKEND_HEALTH,
            "bash /srv/projectmeats/bin/health-check.sh --url https://api.dev.projectmeats.com/api/v1/health/ --ready-url https://api.dev.projectmeats.com/api/v1/ready/ " +
                "--json-field status --json-value healthy --resolve api.dev.projectmeats.com:443:127.0.0.1 --deadline 30",
        ],
        [
            "dev.projectmeats.com",
            { healthPath: "/" },
            "bash /srv/projectmeats/bin/health-check.sh --url https://dev.projectmeats.com/ --resolve dev.projectmeats.com:443:127.0.0.1 --deadline 30",
        ],
    ])("on %s: the public hostname, resolved to the droplet itself", (hostname, health, rendered) => {
        expect(healthCommand(hostname, health, "https")).toBe(rendered);
    });

    test("http stays the default", () => {
        expect(healthCommand("dev.projectmeats.com", { healthPath: "/" }, "http")).toBe(healthCommand("dev.projectmeats.com", { healthPath: "/" }));
    });
});

describe("healthAndReportCommand", () => {
    test("the health check, then a line saying which droplet serves which release, and its batch", () => {
        expect(healthAndReportCommand("frontend", "dev.projectmeats.com", { healthPath: "/" }, { droplet: "pm-prod-frontend-2", release: "3f9c2ab", batch: 2, batches: 2 })).toBe(
            "bash /srv/projectmeats/bin/health-check.sh --url http://127.0.0.1/ --host dev.projectmeats.com --deadline 30 && echo 'pm-prod-frontend-2 serves frontend release 3f9c2ab (batch 2 of 2)'",
        );
    });

    test("over HTTPS", () => {
        expect(
            healthAndReportCommand("frontend", "dev.projectmeats.com", { healthPath: "/" }, { droplet: "pm-dev-app-1", release: "3f9c2ab", batch: 1, batches: 1 }, "https"),
        ).toBe(
            "bash /srv/projectmeats/bin/health-check.sh --url https://dev.projectmeats.com/ --resolve dev.projectmeats.com:443:127.0.0.1 --deadline 30 && echo 'pm-dev-app-1 serves frontend release 3f9c2ab (batch 1 of 1)'",
        );
    });
});

describe("inRotationCommand (edge loadBalancer)", () => {
    test("writes the file the balancer's health check location includes, then reloads nginx after testing it", () => {
        expect(inRotationCommand("pm-prod-backend-2")).toBe(
            "mkdir -p /etc/projectmeats/nginx/in-rotation && printf '%s\\n' 'set $projectmeats_in_rotation 1;' > /etc/projectmeats/nginx/in-rotation/droplet.conf && " +
                "sudo /usr/sbin/nginx -t && sudo /usr/sbin/nginx -s reload && echo 'pm-prod-backend-2 runs every service: its balancer'\"'\"'s health check may pass'",
        );
    });
});

describe("admissionCommand (edge loadBalancer)", () => {
    test("waits, then says the droplet is in rotation", () => {
        expect(admissionCommand("pm-prod-backend-2", 35)).toBe("sleep 35 && echo 'pm-prod-backend-2 has passed the balancer'\"'\"'s health checks for 35s: in rotation'");
    });

    test("anything but a whole number of seconds of at least 1 is refused", () => {
        for (const seconds of [0, -5, 2.5, Number.NaN])
            expect(() => admissionCommand("pm-prod-backend-2", seconds)).toThrow(`an admission wait is a whole number of seconds of at least 1, got ${seconds}`);
    });
});

describe("edgeHealthCommand (edge loadBalancer)", () => {
    test("the public hostname over HTTPS at the load balancer's address, then a line saying so", () => {
        expect(edgeHealthCommand("backend", "api.projectmeats.com", BACKEND_HEALTH, "198.51.100.7", "3f9c2ab")).toBe(
            "bash /srv/projectmeats/bin/health-check.sh --url https://api.projectmeats.com/api/v1/health/ --ready-url https://api.projectmeats.com/api/v1/ready/ " +
                "--json-field status --json-value healthy --resolve api.projectmeats.com:443:198.51.100.7 --deadline 30 && " +
                "echo 'https://api.projectmeats.com (198.51.100.7) serves backend release 3f9c2ab'",
        );
    });

    test("waits as long as it is told: a balancer admits a droplet only after its checks pass", () => {
        expect(edgeHealthCommand("frontend", "projectmeats.com", { healthPath: "/" }, "198.51.100.7", "3f9c2ab", 65)).toBe(
            "bash /srv/projectmeats/bin/health-check.sh --url https://projectmeats.com/ --resolve projectmeats.com:443:198.51.100.7 --deadline 65 && " +
                "echo 'https://projectmeats.com (198.51.100.7) serves frontend release 3f9c2ab'",
        );
    });

    test("an address that is not an IP address is refused, never rendered", () => {
        expect(() => edgeHealthCommand("frontend", "app.projectmeats.com", { healthPath: "/" }, "lb.example.com; curl evil", "3f9c2ab")).toThrow(
            'a health check\'s address must be an IP address, got "lb.example.com; curl evil"',
        );
    });
});
