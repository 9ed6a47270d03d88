import { readStackFile } from "../../tools/stackFiles";
import { CONFIG_KEYS } from "../keys";
import { ConfigValidationError } from "../problems";
import { parseStackConfig } from "../stackConfig";
import { Problems, formatProblem } from "../problems";
import { AppValues, mergeEnv, validateApp } from "./app";

/** Every app key at its declared default, as readValues hands them over. */
const DEFAULTS = Object.fromEntries(Object.entries(CONFIG_KEYS).filter(([key]) => key.startsWith("app"))) as Record<string, { default: unknown }>;
const VALID: AppValues = { imageSha: "3f9c2ab", ...Object.fromEntries(Object.entries(DEFAULTS).map(([key, spec]) => [key, spec.default])) };
const SECRET = (key: string) => `projectmeats:${key}`;

function validate(values: Partial<AppValues>, options: { env?: string; secrets?: string[] } = {}) {
    const problems = new Problems();
    const app = validateApp({ ...VALID, ...values }, problems, { environmentName: options.env ?? "dev", secretKeys: (options.secrets ?? []).map(SECRET) });
    return { app, problems: problems.list.map((problem) => formatProblem("dev", problem)) };
}

const S = 'stack "dev", key projectmeats:';
const superusers = (password: string) =>
    ["DJANGO_SUPERUSER", "SUPERUSER", "DEVELOPMENT_SUPERUSER", "STAGING_SUPERUSER", "PRODUCTION_SUPERUSER"].flatMap((prefix) => [
        { name: `${prefix}_USERNAME`, value: "admin" },
        { name: `${prefix}_EMAIL`, value: "admin@meatscentral.com" },
        { name: `${prefix}_PASSWORD`, value: password },
    ]);

describe("defaults are ProjectMeats' facts", () => {
    test("the whole contract", () => {
        expect(validate({})).toEqual({
            problems: [],
            app: {
                // .github/workflows/reusable-deploy.yml: BACKEND_IMAGE, FRONTEND_IMAGE
                repositories: { backend: "projectmeats-backend", frontend: "projectmeats-frontend" },
                // No prefix set: the environment name.
                imageTagPrefix: "dev",
                // backend/Dockerfile: WORKDIR /app, COPY backend/ ./
                manageCommand: ["python", "/app/manage.py"],
                // backend/projectmeats/wsgi.py, settings/__init__.py
                settingsModule: "projectmeats.settings.production",
                // setup_superuser.py: os.getenv('DJANGO_ENV', 'development')
                djangoEnv: "development",
                // backend/Dockerfile's CMD without setup_superuser and seed_tenants
                command: [
                    "sh",
                    "-c",
                    "python manage.py check && python manage.py collectstatic --noinput --clear && exec gunicorn projectmeats.wsgi:application --bind 0.0.0.0:8000 " +
                        "--workers ${GUNICORN_WORKERS:-3} --timeout ${GUNICORN_TIMEOUT:-120} --preload --log-level debug --capture-output --access-logfile - --error-logfile -",
                ],
                containerPort: 8000,
                // backend/projectmeats/urls.py, health.py
                readyPath: "/api/v1/ready/",
                healthPath: "/api/v1/health/",
                healthJson: { field: "status", value: "healthy" },
                // settings/production.py
                env: [
                    { name: "SECRET_KEY", value: "{secretKey}" },
                    { name: "ALLOWED_HOSTS", value: "{backendHostname}" },
                    { name: "DATABASE_URL", value: "{databaseUrl}" },
                    { name: "DJANGO_SETTINGS_MODULE", value: "{settingsModule}" },
                    { name: "DJANGO_ENV", value: "{djangoEnv}" },
                    { name: "CORS_ALLOWED_ORIGINS", value: "https://{frontendHostname}" },
                    { name: "CSRF_TRUSTED_ORIGINS", value: "https://{frontendHostname},https://{backendHostname}" },
                    { name: "FRONTEND_URL", value: "https://{frontendHostname}" },
                    ...superusers("{superuserPassword}"),
                ],
                secretEnv: [],
                // tenants/migrations/0002_enable_rls_policies.py's ordering defect (issue 17, fact 6)
                preMigrate: ["suppliers", "customers", "products", "purchase_orders", "sales_orders", "invoices", "carriers", "contacts", "plants"].map((app) => ({
                    app,
                    target: "0002",
                })),
                postMigrate: [["setup_superuser"]],
                bypassRowLevelSecurity: true,
                persistentDirectories: [{ name: "media", containerPath: "/app/media" }],
                containerUser: "1000:1000",
                frontendConfigPath: "/usr/share/nginx/html/env-config.js",
                frontendConfig: [
                    { name: "API_BASE_URL", value: "https://{backendHostname}/api/v1" },
                    { name: "ENVIRONMENT", value: "{djangoEnv}" },
                ],
            },
        });
    });
});

describe("overrides", () => {
    test("another app by configuration alone", () => {
        const { app, problems } = validate(
            {
                appBackendRepository: "shop-api",
                appFrontendRepository: "shop-web",
                appImageTagPrefix: "release",
                appManageCommand: ["python3", "/srv/app/manage.py"],
                appSettingsModule: "shop.settings",
                appDjangoEnv: "production",
                appCommand: ["gunicorn", "shop.wsgi", "--bind", "0.0.0.0:9000"],
                appContainerPort: 9000,
                appReadyPath: "/ready",
                appHealthPath: "/health",
                appHealthJsonField: "checks.db",
                appHealthJsonValue: "ok",
                appEnv: ["DJANGO_SECRET_KEY={secretKey}", "DB_URL={databaseUrl}"],
                appExtraEnv: ["DEBUG=0"],
                appSecretEnv: ["SENDGRID_API_KEY=sg-key"],
                appSecretKey: "k".repeat(50),
                appPreMigrate: [],
                appPostMigrate: ["createcachetable", "loaddata initial.json"],
                appBypassRowLevelSecurity: false,
                appPersistentDirectories: ["uploads:/srv/app/uploads", "cache:/srv/app/cache"],
                appContainerUser: "999:999",
                appFrontendConfigPath: "/app/config.js",
                appFrontendConfig: ["apiUrl=https://{backendHostname}"],
            },
            { secrets: ["appSecretEnv", "appSecretKey"] },
        );
        expect(problems).toEqual([]);
        expect(app).toEqual({
            repositories: { backend: "shop-api", frontend: "shop-web" },
            imageTagPrefix: "release",
            manageCommand: ["python3", "/srv/app/manage.py"],
            settingsModule: "shop.settings",
            djangoEnv: "production",
            command: ["gunicorn", "shop.wsgi", "--bind", "0.0.0.0:9000"],
            containerPort: 9000,
            readyPath: "/ready",
            healthPath: "/health",
            healthJson: { field: "checks.db", value: "ok" },
            env: [
                { name: "DJANGO_SECRET_KEY", value: "{secretKey}" },
                { name: "DB_URL", value: "{databaseUrl}" },
                { name: "DEBUG", value: "0" },
            ],
            secretEnv: [{ name: "SENDGRID_API_KEY", value: "sg-key" }],
            secretKey: "k".repeat(50),
            preMigrate: [],
            postMigrate: [["createcachetable"], ["loaddata", "initial.json"]],
            bypassRowLevelSecurity: false,
            persistentDirectories: [
                { name: "uploads", containerPath: "/srv/app/uploads" },
                { name: "cache", containerPath: "/srv/app/cache" },
            ],
            containerUser: "999:999",
            frontendConfigPath: "/app/config.js",
            frontendConfig: [{ name: "apiUrl", value: "https://{backendHostname}" }],
        });
    });

    test("appExtraEnv replaces a name of appEnv where it stood, and adds the others at the end", () => {
        const { app } = validate({ appEnv: ["A=1", "B=2"], appExtraEnv: ["C=3", "A=9"] });
        expect(app.env).toEqual([
            { name: "A", value: "9" },
            { name: "B", value: "2" },
            { name: "C", value: "3" },
        ]);
        expect(mergeEnv([], [{ name: "X", value: "1" }])).toEqual([{ name: "X", value: "1" }]);
    });

    test("[] keeps the image's CMD", () => {
        expect(validate({ appCommand: [] }).app.command).toEqual([]);
    });

    test("a stack's secrets are kept: the superuser password of a production stack", () => {
        const { app, problems } = validate({ appDjangoEnv: "production", appSuperuserPassword: "chosen by the operators" }, { secrets: ["appSuperuserPassword"] });
        expect(problems).toEqual([]);
        expect(app.superuserPassword).toBe("chosen by the operators");
    });

    test("development generates the superuser password: none is required", () => {
        expect(validate({ appDjangoEnv: "development" }).problems).toEqual([]);
    });

    test.each([
        ["the first deployment (no imageSha) declares no release", { appDjangoEnv: "production", imageSha: "" }],
        ["an env that never uses {superuserPassword}", { appDjangoEnv: "production", appEnv: ["SECRET_KEY={secretKey}"] }],
    ])("no password is required for %s", (_, values) => {
        expect(validate(values).problems).toEqual([]);
    });
});

describe("bad values give exact messages", () => {
    test.each<[string, Partial<AppValues>, string[], string]>([
        [
            "a repository with capitals",
            { appBackendRepository: "ProjectMeats" },
            [],
            `${S}appBackendRepository: got "ProjectMeats"; expected an image repository name: lowercase letters and digits, separated by ., _, __ or -, e.g. projectmeats-backend`,
        ],
        [
            "the same repository twice",
            { appFrontendRepository: "projectmeats-backend" },
            [],
            `${S}appFrontendRepository: got "projectmeats-backend"; expected a repository other than appBackendRepository's`,
        ],
        [
            "a tag prefix with a slash",
            { appImageTagPrefix: "dev/x" },
            [],
            `${S}appImageTagPrefix: got "dev/x"; expected a tag prefix: letters, digits, _, . and -, not starting with . or -, at most 87 characters (with -<SHA> a Docker tag holds 128)`,
        ],
        [
            "an empty manage command",
            { appManageCommand: [] },
            [],
            `${S}appManageCommand: got "[]"; expected a non-empty list of arguments without spaces, e.g. [python, /app/manage.py]`,
        ],
        [
            "a manage command with spaces in an argument",
            { appManageCommand: ["python backend/manage.py"] },
            [],
            `${S}appManageCommand: got "[\\"python backend/manage.py\\"]"; expected a non-empty list of arguments without spaces, e.g. [python, /app/manage.py]`,
        ],
        [
            "a settings module with a slash",
            { appSettingsModule: "projectmeats/settings" },
            [],
            `${S}appSettingsModule: got "projectmeats/settings"; expected a dotted Python module path, e.g. projectmeats.settings.production`,
        ],
        ["a DJANGO_ENV in capitals", { appDjangoEnv: "Production" }, [], `${S}appDjangoEnv: got "Production"; expected a lowercase word, e.g. development, uat or production`],
        [
            "a command argument over two lines",
            { appCommand: ["sh", "-c", "a\nb"] },
            [],
            `${S}appCommand: got "[\\"sh\\",\\"-c\\",\\"a\\\\nb\\"]"; expected a list of arguments, each on one line ([] keeps the image's CMD)`,
        ],
        ["port 0", { appContainerPort: 0 }, [], `${S}appContainerPort: got "0"; expected a whole number from 1 to 65535`],
        [
            "a relative readiness path",
            { appReadyPath: "api/v1/ready/" },
            [],
            `${S}appReadyPath: got "api/v1/ready/"; expected an absolute URL path without query, e.g. /api/v1/health/`,
        ],
        [
            "a health path with a query",
            { appHealthPath: "/health?full=1" },
            [],
            `${S}appHealthPath: got "/health?full=1"; expected an absolute URL path without query, e.g. /api/v1/health/`,
        ],
        [
            "a JSON field with a dash",
            { appHealthJsonField: "db-status" },
            [],
            `${S}appHealthJsonField: got "db-status"; expected a JSON field name, a.b for a nested one, e.g. status`,
        ],
        ["an empty healthy value", { appHealthJsonValue: "" }, [], `${S}appHealthJsonValue: got ""; expected the value that means healthy, one line, e.g. healthy`],
        ["an env line without =", { appEnv: ["SECRET_KEY"] }, [], `${S}appEnv: got "SECRET_KEY"; expected a NAME (upper case, digits, _)=value line`],
        ["an env name in lower case", { appEnv: ["secret_key={secretKey}"] }, [], `${S}appEnv: got "secret_key={secretKey}"; expected a NAME (upper case, digits, _)=value line`],
        [
            "an unknown placeholder",
            { appEnv: ["DATABASE_URL={databaseURL}"] },
            [],
            `${S}appEnv: got "DATABASE_URL={databaseURL}"; expected only the placeholders {secretKey}, {superuserPassword}, {databaseUrl}, {backendHostname}, {frontendHostname}, {settingsModule}, {djangoEnv}; {databaseURL} is not one`,
        ],
        ["a name twice", { appExtraEnv: ["DEBUG=0", "DEBUG=1"] }, [], `${S}appExtraEnv: got "DEBUG=1"; expected each name once; DEBUG is given again`],
        [
            "secret env lines in plain text",
            { appSecretEnv: ["SENDGRID_API_KEY=sg"] },
            [],
            `${S}appSecretEnv: got "(plain text, not shown)"; expected a secret: set it with \`pulumi config set --secret appSecretEnv '[NAME=value, ...]'\`; a plain value would be stored unencrypted in the stack file`,
        ],
        [
            "a secret line with a placeholder",
            { appSecretEnv: ["KEY={secretKey}"] },
            ["appSecretEnv"],
            `${S}appSecretEnv: got "(secret, not shown)"; expected no placeholders; {secretKey} is not one`,
        ],
        [
            "a secret line under a plain name",
            { appSecretEnv: ["SECRET_KEY=x"] },
            ["appSecretEnv"],
            `${S}appSecretEnv: got "(secret, not shown)"; expected names not in appEnv or appExtraEnv; SECRET_KEY is in both`,
        ],
        [
            "a secret key in plain text",
            { appSecretKey: "k".repeat(50) },
            [],
            `${S}appSecretKey: got "(plain text, not shown)"; expected a secret: set it with \`pulumi config set --secret appSecretKey <key>\`; a plain value would be stored unencrypted in the stack file`,
        ],
        [
            "a short secret key",
            { appSecretKey: "short" },
            ["appSecretKey"],
            `${S}appSecretKey: got "(secret, not shown)"; expected one line of at least 50 characters (Django's check --deploy, security.W009); or empty to generate one`,
        ],
        [
            "a superuser password in plain text",
            { appSuperuserPassword: "p" },
            [],
            `${S}appSuperuserPassword: got "(plain text, not shown)"; expected a secret: set it with \`pulumi config set --secret appSuperuserPassword <password>\`; a plain value would be stored unencrypted in the stack file`,
        ],
        [
            "a production release without a superuser password",
            { appDjangoEnv: "production" },
            [],
            `${S}appSuperuserPassword: missing; expected a secret password for the superuser of appDjangoEnv production (set it with \`pulumi config set --secret appSuperuserPassword <password>\`); only development generates one`,
        ],
        [
            "a uat release without a superuser password",
            { appDjangoEnv: "uat" },
            [],
            `${S}appSuperuserPassword: missing; expected a secret password for the superuser of appDjangoEnv uat (set it with \`pulumi config set --secret appSuperuserPassword <password>\`); only development generates one`,
        ],
        [
            "a pre-migrate step to zero",
            { appPreMigrate: ["suppliers zero"] },
            [],
            `${S}appPreMigrate: got "suppliers zero"; expected an <app> <migration> line, e.g. suppliers 0002 (never zero: a step before migrate must not unapply)`,
        ],
        [
            "a pre-migrate step without target",
            { appPreMigrate: ["suppliers"] },
            [],
            `${S}appPreMigrate: got "suppliers"; expected an <app> <migration> line, e.g. suppliers 0002 (never zero: a step before migrate must not unapply)`,
        ],
        [
            "a post-migrate command with shell characters",
            { appPostMigrate: ["setup_superuser; rm -rf /"] },
            [],
            `${S}appPostMigrate: got "setup_superuser; rm -rf /"; expected a management command and plain arguments separated by single spaces, e.g. setup_superuser`,
        ],
        [
            "a relative persistent folder",
            { appPersistentDirectories: ["media:app/media"] },
            [],
            `${S}appPersistentDirectories: got "media:app/media"; expected a <name>:<absolute container path> line, e.g. media:/app/media (name in lowercase letters, digits and -)`,
        ],
        [
            "a persistent folder twice",
            { appPersistentDirectories: ["media:/app/media", "uploads:/app/media"] },
            [],
            `${S}appPersistentDirectories: got "uploads:/app/media"; expected each name and each container path once`,
        ],
        ["a user name instead of ids", { appContainerUser: "appuser" }, [], `${S}appContainerUser: got "appuser"; expected a numeric uid:gid, e.g. 1000:1000`],
        [
            "a relative frontend config path",
            { appFrontendConfigPath: "env-config.js" },
            [],
            `${S}appFrontendConfigPath: got "env-config.js"; expected an absolute file path in the frontend container, e.g. /usr/share/nginx/html/env-config.js`,
        ],
        [
            "a secret placeholder in the frontend's configuration",
            { appFrontendConfig: ["KEY={secretKey}"] },
            [],
            `${S}appFrontendConfig: got "KEY={secretKey}"; expected only the placeholders {backendHostname}, {frontendHostname}, {djangoEnv}; {secretKey} is not one`,
        ],
    ])("%s", (_, values, secrets, message) => {
        expect(validate(values, { secrets }).problems).toEqual([message]);
    });

    test("every problem at once, in the order of the keys", () => {
        expect(validate({ appContainerPort: 70000, appEnv: ["x"], appContainerUser: "root" }).problems).toEqual([
            `${S}appContainerPort: got "70000"; expected a whole number from 1 to 65535`,
            `${S}appEnv: got "x"; expected a NAME (upper case, digits, _)=value line`,
            `${S}appContainerUser: got "root"; expected a numeric uid:gid, e.g. 1000:1000`,
        ]);
    });
});

describe("the committed stacks", () => {
    test.each([
        ["dev", "development", "development"],
        ["uat", "uat", "uat"],
        ["prod", "production", "production"],
        ["rehearsal", "rehearsal", "development"],
    ])("%s: images tagged %s-<sha>, DJANGO_ENV %s", (stack, prefix, djangoEnv) => {
        const app = parseStackConfig(stack, readStackFile(stack).config).app;
        expect({ prefix: app.imageTagPrefix, djangoEnv: app.djangoEnv }).toEqual({ prefix, djangoEnv });
    });

    test.each(["uat", "prod"])("%s refuses a release without a superuser password, at preview, before anything is declared", (stack) => {
        const raw = { ...readStackFile(stack).config, "projectmeats:imageSha": "3f9c2ab" };
        expect(() => parseStackConfig(stack, raw)).toThrow(ConfigValidationError);
        expect(() => parseStackConfig(stack, raw)).toThrow(
            `stack "${stack}", key projectmeats:appSuperuserPassword: missing; expected a secret password for the superuser of appDjangoEnv ${stack === "uat" ? "uat" : "production"} ` +
                "(set it with `pulumi config set --secret appSuperuserPassword <password>`); only development generates one",
        );
        const withPassword = { ...raw, "projectmeats:appSuperuserPassword": "chosen" };
        expect(parseStackConfig(stack, withPassword, ["projectmeats:appSuperuserPassword"]).app.superuserPassword).toBe("chosen");
    });
});
