import * as APP from "../../model/app";
import { ReleaseAppArgs, appDbRightsCommand, appDeployCommand, appMigrateCommand, healthContract } from "./appSteps";

const IMAGE = `registry.digitalocean.com/meatscentral/projectmeats-backend@sha256:${"b".repeat(64)}`;
/** ProjectMeats' contract (model/app.ts), as the configuration's defaults give it. */
const APP_ARGS: ReleaseAppArgs = {
    manageCommand: APP.PROJECTMEATS_MANAGE_COMMAND,
    command: ["gunicorn", "projectmeats.wsgi:application"],
    containerPort: 8000,
    readyPath: "/api/v1/ready/",
    healthPath: "/api/v1/health/",
    healthJson: { field: "status", value: "healthy" },
    settingsModule: "projectmeats.settings.production",
    djangoEnv: "development",
    env: [],
    secretEnv: [],
    preMigrate: [{ app: "suppliers", target: "0002" }],
    postMigrate: [["setup_superuser"]],
    bypassRowLevelSecurity: true,
    persistentDirectories: [{ name: "media", containerPath: "/app/media" }],
    containerUser: "1000:1000",
    frontendConfigPath: "/usr/share/nginx/html/env-config.js",
    frontendConfig: [],
};
const CA = "--mount-file /srv/projectmeats/db-ca.crt:/srv/projectmeats/db-ca.crt";

test.each([
    ["backend", { healthPath: "/api/v1/health/", readyPath: "/api/v1/ready/", healthJson: { field: "status", value: "healthy" } }],
    ["frontend", { healthPath: "/" }],
] as const)("the %s's health contract", (service, contract) => {
    expect(healthContract(service, APP_ARGS)).toEqual(contract);
});

test("the backend's deploy: the contract's port, health, env file, media folder for its user, CA, command", () => {
    expect(appDeployCommand("backend", APP_ARGS, { release: "3f9c2ab", image: IMAGE, hostname: "api.dev.projectmeats.com" })).toBe(
        `bash /srv/projectmeats/bin/deploy.sh --service backend --release 3f9c2ab --image ${IMAGE} --container-port 8000 --ports 8000,8001 ` +
            "--health-path /api/v1/health/ --ready-path /api/v1/ready/ --json-field status --json-value healthy --health-host api.dev.projectmeats.com " +
            `--env-file /srv/projectmeats/backend.env --persist /srv/projectmeats/data/media:/app/media --persist-owner 1000:1000 ${CA} -- gunicorn projectmeats.wsgi:application`,
    );
});

test("the frontend's deploy: port 80, `/`, its runtime configuration mounted where the app reads it", () => {
    expect(appDeployCommand("frontend", APP_ARGS, { release: "3f9c2ab", image: "fe@sha256:0", hostname: "dev.projectmeats.com" })).toBe(
        "bash /srv/projectmeats/bin/deploy.sh --service frontend --release 3f9c2ab --image fe@sha256:0 --container-port 80 --ports 8080,8081 --health-path / " +
            "--health-host dev.projectmeats.com --mount-file /srv/projectmeats/frontend-config.js:/usr/share/nginx/html/env-config.js",
    );
});

test("the rights step uses the manage command's Python and the contract's BYPASSRLS setting", () => {
    expect(appDbRightsCommand(APP_ARGS, IMAGE, "projectmeats")).toBe(
        `bash /srv/projectmeats/bin/db-rights.sh --image ${IMAGE} --app-user projectmeats --python python ${CA} --bypass-rls`,
    );
    expect(appDbRightsCommand({ ...APP_ARGS, manageCommand: ["python3.12", "manage.py"], bypassRowLevelSecurity: false }, IMAGE, "shop")).toBe(
        `bash /srv/projectmeats/bin/db-rights.sh --image ${IMAGE} --app-user shop --python python3.12 ${CA}`,
    );
});

test("the migrations: the manage command, the CA, the pre- and post-migrate steps", () => {
    expect(appMigrateCommand(APP_ARGS, IMAGE)).toBe(
        `bash /srv/projectmeats/bin/migrate.sh --image ${IMAGE} --env-file /srv/projectmeats/backend.env --manage 'python /app/manage.py' ${CA} ` +
            "--pre-migrate 'suppliers 0002' --post-migrate setup_superuser",
    );
});
