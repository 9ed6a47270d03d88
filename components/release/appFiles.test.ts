import * as crypto from "crypto";
import { PROJECTMEATS_ENV, PROJECTMEATS_FRONTEND_CONFIG } from "../../model/app";
import { contentDigest, fillTemplate, renderBackendEnv, renderFrontendConfig, verifiedDatabaseUrl } from "./appFiles";

const lines = (raw: readonly string[]) => raw.map((line) => ({ name: line.slice(0, line.indexOf("=")), value: line.slice(line.indexOf("=") + 1) }));
const VALUES = {
    secretKey: "k3y",
    superuserPassword: "pa55",
    databaseUrl: "postgresql://projectmeats:pw@db.internal:25060/projectmeats?sslmode=verify-full&sslrootcert=%2Fsrv%2Fprojectmeats%2Fdb-ca.crt",
    backendHostname: "api.dev.projectmeats.com",
    frontendHostname: "dev.projectmeats.com",
    settingsModule: "projectmeats.settings.production",
    djangoEnv: "development",
};

describe("fillTemplate", () => {
    test.each([
        ["{secretKey}", "k3y"],
        ["https://{frontendHostname},https://{backendHostname}", "https://dev.projectmeats.com,https://api.dev.projectmeats.com"],
        ["plain", "plain"],
        ["{djangoEnv}-{djangoEnv}", "development-development"],
    ])("%s → %s", (template, filled) => {
        expect(fillTemplate(template, VALUES)).toBe(filled);
    });

    test("a placeholder without a value is an error, never written as text", () => {
        expect(() => fillTemplate("{nope}", VALUES)).toThrow("no value for the placeholder {nope}");
    });
});

describe("renderBackendEnv", () => {
    test("ProjectMeats' env file: every name its settings and commands read, filled", () => {
        const superusers = ["DJANGO_SUPERUSER", "SUPERUSER", "DEVELOPMENT_SUPERUSER", "STAGING_SUPERUSER", "PRODUCTION_SUPERUSER"]
            .map((prefix) => `${prefix}_USERNAME=admin\n${prefix}_EMAIL=admin@meatscentral.com\n${prefix}_PASSWORD=pa55\n`)
            .join("");
        expect(renderBackendEnv(lines(PROJECTMEATS_ENV), VALUES, [{ name: "SENDGRID_API_KEY", value: "sg" }])).toBe(
            "SECRET_KEY=k3y\n" +
                "ALLOWED_HOSTS=api.dev.projectmeats.com\n" +
                `DATABASE_URL=${VALUES.databaseUrl}\n` +
                "DJANGO_SETTINGS_MODULE=projectmeats.settings.production\n" +
                "DJANGO_ENV=development\n" +
                "CORS_ALLOWED_ORIGINS=https://dev.projectmeats.com\n" +
                "CSRF_TRUSTED_ORIGINS=https://dev.projectmeats.com,https://api.dev.projectmeats.com\n" +
                "FRONTEND_URL=https://dev.projectmeats.com\n" +
                superusers +
                "SENDGRID_API_KEY=sg\n",
        );
    });

    test("none of the names the program wrote before, which the app never read", () => {
        expect(renderBackendEnv(lines(PROJECTMEATS_ENV), VALUES)).not.toMatch(/^(DJANGO_SECRET_KEY|DJANGO_ALLOWED_HOSTS|DJANGO_DEBUG)=/m);
    });

    test("a secret value over two lines is refused rather than written as a second variable", () => {
        expect(() => renderBackendEnv([], VALUES, [{ name: "KEY", value: "a\nINJECTED=1" }])).toThrow("env file value of KEY must be one line");
    });
});

describe("renderFrontendConfig", () => {
    test("ProjectMeats' window.ENV, values as JSON strings", () => {
        expect(renderFrontendConfig(lines(PROJECTMEATS_FRONTEND_CONFIG), VALUES)).toBe(
            'window.ENV = {\n  "API_BASE_URL": "https://api.dev.projectmeats.com/api/v1",\n  "ENVIRONMENT": "development"\n};\n',
        );
    });

    test("a value cannot end the statement", () => {
        expect(renderFrontendConfig([{ name: "X", value: '"; alert(1); "' }], VALUES)).toBe('window.ENV = {\n  "X": "\\"; alert(1); \\""\n};\n');
    });
});

describe("verifiedDatabaseUrl", () => {
    test.each([
        [
            "postgresql://projectmeats:s%40cret@private-db.example:25060/projectmeats?sslmode=require",
            "postgresql://projectmeats:s%40cret@private-db.example:25060/projectmeats?sslmode=verify-full&sslrootcert=%2Fsrv%2Fprojectmeats%2Fdb-ca.crt",
        ],
        [
            "postgresql://doadmin:pw@db.example:25060/projectmeats",
            "postgresql://doadmin:pw@db.example:25060/projectmeats?sslmode=verify-full&sslrootcert=%2Fsrv%2Fprojectmeats%2Fdb-ca.crt",
        ],
        ["postgres://u:p@h:1/d?sslmode=disable&application_name=pm", "postgres://u:p@h:1/d?sslmode=verify-full&application_name=pm&sslrootcert=%2Fsrv%2Fprojectmeats%2Fdb-ca.crt"],
    ])("%s → %s", (url, verified) => {
        expect(verifiedDatabaseUrl(url, "/srv/projectmeats/db-ca.crt")).toBe(verified);
    });

    test("refuses a URL of another database", () => {
        expect(() => verifiedDatabaseUrl("mysql://u:p@h/d", "/ca")).toThrow("not a PostgreSQL URL: mysql:");
    });
});

describe("contentDigest", () => {
    const sha256 = (text: string) => crypto.createHash("sha256").update(text).digest("hex");
    test("one content: its SHA-256; several: separated, so moving a byte from one to the next changes it", () => {
        expect(contentDigest("a")).toBe(sha256("a"));
        expect(contentDigest("a", "b")).toBe(sha256("a\0b"));
        expect(contentDigest("ab", "c")).not.toBe(contentDigest("a", "bc"));
    });
});
