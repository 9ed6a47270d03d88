/**
 * The app's deploy contract: images, manage command, settings, DJANGO_ENV, the container's command and
 * port, readiness and health, environment (plain and secret), release steps, persistent folders and
 * the frontend's runtime configuration. Defaults are ProjectMeats' (model/app.ts, each fact with its
 * file); another Django + static-frontend app fits by setting these keys.
 */
import { BACKEND_ENV_PLACEHOLDERS, DEVELOPMENT_DJANGO_ENV, FRONTEND_CONFIG_PLACEHOLDERS } from "../../model/app";
import type { Service } from "../../model/services";
import { Problems, checkCount, fullKey } from "../problems";
import { ConfigValues, unsetIfEmpty } from "../values";
import { ENV_NAME, EnvLine, FRONTEND_NAME, ONE_LINE, envLines, mergeEnv } from "./appLines";

export { type EnvLine, mergeEnv } from "./appLines";

export interface AppConfig {
    readonly repositories: Readonly<Record<Service, string>>;
    /** Images are tagged `<imageTagPrefix>-<sha>`. */
    readonly imageTagPrefix: string;
    readonly manageCommand: readonly string[];
    readonly settingsModule: string;
    readonly djangoEnv: string;
    /** The backend container's command; empty keeps the image's CMD. */
    readonly command: readonly string[];
    readonly containerPort: number;
    readonly readyPath: string;
    readonly healthPath: string;
    readonly healthJson: { readonly field: string; readonly value: string };
    /** appEnv then appExtraEnv, a later name replacing an earlier one in place. */
    readonly env: readonly EnvLine[];
    /** Secret lines, literal (no placeholders). */
    readonly secretEnv: readonly EnvLine[];
    /** From the stack's secrets; undefined generates one. */
    readonly secretKey?: string;
    readonly superuserPassword?: string;
    readonly preMigrate: readonly { readonly app: string; readonly target: string }[];
    readonly postMigrate: readonly (readonly string[])[];
    readonly bypassRowLevelSecurity: boolean;
    readonly persistentDirectories: readonly { readonly name: string; readonly containerPath: string }[];
    readonly containerUser: string;
    readonly frontendConfigPath: string;
    readonly frontendConfig: readonly EnvLine[];
}

export type AppValues = Pick<
    ConfigValues,
    | "imageSha"
    | "appBackendRepository"
    | "appFrontendRepository"
    | "appImageTagPrefix"
    | "appManageCommand"
    | "appSettingsModule"
    | "appDjangoEnv"
    | "appCommand"
    | "appContainerPort"
    | "appReadyPath"
    | "appHealthPath"
    | "appHealthJsonField"
    | "appHealthJsonValue"
    | "appEnv"
    | "appExtraEnv"
    | "appSecretEnv"
    | "appSecretKey"
    | "appSuperuserPassword"
    | "appPreMigrate"
    | "appPostMigrate"
    | "appBypassRowLevelSecurity"
    | "appPersistentDirectories"
    | "appContainerUser"
    | "appFrontendConfigPath"
    | "appFrontendConfig"
>;

/** A path component as the OCI distribution spec defines it (as components/release/images.ts checks). */
const REPOSITORY = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
/** A Docker tag is `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`; with `-<40-hex SHA>` the prefix has 87 left. */
const TAG_PREFIX = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,86}$/;
const PYTHON_MODULE = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const URL_PATH = /^\/[A-Za-z0-9._~/-]*$/;
const PRE_MIGRATE = /^([a-z_][a-z0-9_]*) ([A-Za-z0-9_]+)$/;
/** A management command and plain arguments: nothing a shell or a quoting rule would read differently. */
const POST_MIGRATE = /^[a-z_][a-z0-9_]*(?: [A-Za-z0-9_@%+=:,./-]+)*$/;
const PERSISTENT = /^([a-z][a-z0-9-]{0,62}):(\/[A-Za-z0-9._/-]*[A-Za-z0-9._-])$/;
const CONTAINER_USER = /^\d{1,10}:\d{1,10}$/;
const ABSOLUTE_FILE = /^\/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/;

const SECRET_SHOWN = "(secret, not shown)";
const PLAIN_SHOWN = "(plain text, not shown)";

/** Django's deployment check wants at least 50 characters (`manage.py check --deploy`, security.W009). */
export const SECRET_KEY_MIN_LENGTH = 50;

/** Whether a value was set with `--secret`; reports it when it was not. */
function requireSecret(problems: Problems, key: string, secretKeys: readonly string[], how: string): boolean {
    if (secretKeys.includes(fullKey(key))) return true;
    problems.add(key, PLAIN_SHOWN, `a secret: set it with \`pulumi config set --secret ${key} ${how}\`; a plain value would be stored unencrypted in the stack file`);
    return false;
}

/**
 * @param context.environmentName the stack's environment name, the tag prefix when none is set.
 * @param context.secretKeys the keys set with `--secret`.
 */
export function validateApp(values: AppValues, problems: Problems, context: { environmentName: string | undefined; secretKeys: readonly string[] }): AppConfig {
    const repositories = { backend: values.appBackendRepository!, frontend: values.appFrontendRepository! };
    for (const [key, value] of [
        ["appBackendRepository", repositories.backend],
        ["appFrontendRepository", repositories.frontend],
    ] as const) {
        if (value !== undefined && !REPOSITORY.test(value))
            problems.add(key, value, "an image repository name: lowercase letters and digits, separated by ., _, __ or -, e.g. projectmeats-backend");
    }
    if (repositories.backend !== undefined && repositories.backend === repositories.frontend) {
        problems.add("appFrontendRepository", repositories.frontend, "a repository other than appBackendRepository's");
    }

    const tagPrefix = unsetIfEmpty(values.appImageTagPrefix);
    if (tagPrefix !== undefined && !TAG_PREFIX.test(tagPrefix)) {
        problems.add(
            "appImageTagPrefix",
            tagPrefix,
            "a tag prefix: letters, digits, _, . and -, not starting with . or -, at most 87 characters (with -<SHA> a Docker tag holds 128)",
        );
    }

    const manage = values.appManageCommand;
    if (manage !== undefined && (manage.length === 0 || manage.some((arg) => !/^\S+$/.test(arg)))) {
        problems.add("appManageCommand", manage, "a non-empty list of arguments without spaces, e.g. [python, /app/manage.py]");
    }
    if (values.appSettingsModule !== undefined && !PYTHON_MODULE.test(values.appSettingsModule)) {
        problems.add("appSettingsModule", values.appSettingsModule, "a dotted Python module path, e.g. projectmeats.settings.production");
    }
    const djangoEnvValid = values.appDjangoEnv !== undefined && /^[a-z][a-z0-9_-]*$/.test(values.appDjangoEnv);
    if (values.appDjangoEnv !== undefined && !djangoEnvValid) {
        problems.add("appDjangoEnv", values.appDjangoEnv, "a lowercase word, e.g. development, uat or production");
    }
    const command = values.appCommand;
    if (command !== undefined && command.some((arg) => !ONE_LINE.test(arg))) {
        problems.add("appCommand", command, "a list of arguments, each on one line ([] keeps the image's CMD)");
    }
    checkCount(problems, "appContainerPort", values.appContainerPort, 1, 65535);
    for (const key of ["appReadyPath", "appHealthPath"] as const) {
        const value = values[key];
        if (value !== undefined && !URL_PATH.test(value)) problems.add(key, value, "an absolute URL path without query, e.g. /api/v1/health/");
    }
    if (values.appHealthJsonField !== undefined && !PYTHON_MODULE.test(values.appHealthJsonField)) {
        problems.add("appHealthJsonField", values.appHealthJsonField, "a JSON field name, a.b for a nested one, e.g. status");
    }
    if (values.appHealthJsonValue !== undefined && (values.appHealthJsonValue === "" || !ONE_LINE.test(values.appHealthJsonValue))) {
        problems.add("appHealthJsonValue", values.appHealthJsonValue, "the value that means healthy, one line, e.g. healthy");
    }

    const backendRule = { name: ENV_NAME, nameForm: "NAME (upper case, digits, _)", placeholders: BACKEND_ENV_PLACEHOLDERS };
    const env = mergeEnv(envLines(problems, "appEnv", values.appEnv, backendRule), envLines(problems, "appExtraEnv", values.appExtraEnv, backendRule));

    let secretEnv: EnvLine[] = [];
    if ((values.appSecretEnv ?? []).length > 0 && requireSecret(problems, "appSecretEnv", context.secretKeys, "'[NAME=value, ...]'")) {
        secretEnv = envLines(problems, "appSecretEnv", values.appSecretEnv, { name: ENV_NAME, nameForm: "NAME (upper case, digits, _)", placeholders: [], shown: SECRET_SHOWN });
        const clash = secretEnv.find((line) => env.some((plain) => plain.name === line.name));
        if (clash) problems.add("appSecretEnv", SECRET_SHOWN, `names not in appEnv or appExtraEnv; ${clash.name} is in both`);
    }

    let secretKey = unsetIfEmpty(values.appSecretKey);
    if (secretKey !== undefined) {
        if (!requireSecret(problems, "appSecretKey", context.secretKeys, "<key>")) secretKey = undefined;
        else if (secretKey.length < SECRET_KEY_MIN_LENGTH || !ONE_LINE.test(secretKey)) {
            problems.add(
                "appSecretKey",
                SECRET_SHOWN,
                `one line of at least ${SECRET_KEY_MIN_LENGTH} characters (Django's check --deploy, security.W009); or empty to generate one`,
            );
            secretKey = undefined;
        }
    }

    let superuserPassword = unsetIfEmpty(values.appSuperuserPassword);
    if (superuserPassword !== undefined) {
        if (!requireSecret(problems, "appSuperuserPassword", context.secretKeys, "<password>")) superuserPassword = undefined;
        else if (!ONE_LINE.test(superuserPassword)) {
            problems.add("appSuperuserPassword", SECRET_SHOWN, "a password on one line");
            superuserPassword = undefined;
        }
    } else {
        // A generated password is for development only: anywhere else the superuser's password must be
        // one the operators chose and keep, so a release refuses to start without it.
        const used = env.some((line) => line.value.includes("{superuserPassword}"));
        const djangoEnv = values.appDjangoEnv;
        if (used && unsetIfEmpty(values.imageSha) !== undefined && djangoEnvValid && djangoEnv !== DEVELOPMENT_DJANGO_ENV) {
            problems.add(
                "appSuperuserPassword",
                undefined,
                `a secret password for the superuser of appDjangoEnv ${djangoEnv} (set it with \`pulumi config set --secret appSuperuserPassword <password>\`); only ${DEVELOPMENT_DJANGO_ENV} generates one`,
            );
        }
    }

    const preMigrate: { app: string; target: string }[] = [];
    for (const line of values.appPreMigrate ?? []) {
        const match = PRE_MIGRATE.exec(line);
        if (!match || match[2] === "zero") {
            problems.add("appPreMigrate", line, "an <app> <migration> line, e.g. suppliers 0002 (never zero: a step before migrate must not unapply)");
            continue;
        }
        preMigrate.push({ app: match[1], target: match[2] });
    }
    const postMigrate: string[][] = [];
    for (const line of values.appPostMigrate ?? []) {
        if (!POST_MIGRATE.test(line)) {
            problems.add("appPostMigrate", line, "a management command and plain arguments separated by single spaces, e.g. setup_superuser");
            continue;
        }
        postMigrate.push(line.split(" "));
    }

    const persistentDirectories: { name: string; containerPath: string }[] = [];
    for (const line of values.appPersistentDirectories ?? []) {
        const match = PERSISTENT.exec(line);
        if (!match) {
            problems.add("appPersistentDirectories", line, "a <name>:<absolute container path> line, e.g. media:/app/media (name in lowercase letters, digits and -)");
            continue;
        }
        if (persistentDirectories.some((d) => d.name === match[1] || d.containerPath === match[2])) {
            problems.add("appPersistentDirectories", line, "each name and each container path once");
            continue;
        }
        persistentDirectories.push({ name: match[1], containerPath: match[2] });
    }
    if (values.appContainerUser !== undefined && !CONTAINER_USER.test(values.appContainerUser)) {
        problems.add("appContainerUser", values.appContainerUser, "a numeric uid:gid, e.g. 1000:1000");
    }
    if (values.appFrontendConfigPath !== undefined && !ABSOLUTE_FILE.test(values.appFrontendConfigPath)) {
        problems.add("appFrontendConfigPath", values.appFrontendConfigPath, "an absolute file path in the frontend container, e.g. /usr/share/nginx/html/env-config.js");
    }
    const frontendConfig = envLines(problems, "appFrontendConfig", values.appFrontendConfig, {
        name: FRONTEND_NAME,
        nameForm: "KEY (letters, digits, _)",
        placeholders: FRONTEND_CONFIG_PLACEHOLDERS,
    });

    return {
        repositories,
        imageTagPrefix: tagPrefix ?? context.environmentName!,
        manageCommand: manage!,
        settingsModule: values.appSettingsModule!,
        djangoEnv: values.appDjangoEnv!,
        command: command!,
        containerPort: values.appContainerPort!,
        readyPath: values.appReadyPath!,
        healthPath: values.appHealthPath!,
        healthJson: { field: values.appHealthJsonField!, value: values.appHealthJsonValue! },
        env,
        secretEnv,
        ...(secretKey === undefined ? {} : { secretKey }),
        ...(superuserPassword === undefined ? {} : { superuserPassword }),
        preMigrate,
        postMigrate,
        bypassRowLevelSecurity: values.appBypassRowLevelSecurity!,
        persistentDirectories,
        containerUser: values.appContainerUser!,
        frontendConfigPath: values.appFrontendConfigPath!,
        frontendConfig,
    };
}
