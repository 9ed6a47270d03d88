/**
 * Every configuration key the program reads, with its type, default and description.
 *
 * This table is the single source for three things that must agree: the `config:` block of
 * `Pulumi.yaml` (which the Pulumi CLI type-checks stack files against, and which must declare a
 * `default` for every optional key or the CLI reports it missing), the loader in `values.ts`, and
 * the configuration reference in the README. `test/projectFile.test.ts` holds them together.
 */

import * as APP from "../model/app";

export type ConfigKeyType = "string" | "integer" | "boolean" | "array";

export interface ConfigKeySpec {
    readonly type: ConfigKeyType;
    readonly description: string;
    /** Absent: the key is required. An empty string or list means "not set" where the description says so. */
    readonly default?: string | number | boolean | readonly string[];
}

export const CONFIG_KEYS = {
    imageSha: {
        type: "string",
        default: "",
        description:
            "Git commit SHA of the release to deploy (7-40 lowercase hex); images are tagged <appImageTagPrefix>-<imageSha>. Empty: bring up the infrastructure without a release (the first deployment).",
    },
    environmentName: {
        type: "string",
        default: "",
        description: "Short environment name used in resource names, tags and image tags; empty means the stack name.",
    },
    region: {
        type: "string",
        description: "DigitalOcean region slug for droplets, VPC and database, e.g. nyc3.",
    },
    doProjectEnvironment: {
        type: "string",
        description: "Environment of the DigitalOcean project grouping this stack: Development, Staging or Production.",
    },
    accountOwnerStack: {
        type: "string",
        default: "prod",
        description: "The one stack that creates account-wide resources (container registry, repository rulesets); the others look them up.",
    },
    registryName: {
        type: "string",
        description: "Name of the account's DigitalOcean container registry (globally unique, lowercase letters, digits and dashes).",
    },
    registryTier: {
        type: "string",
        default: "basic",
        description: "Registry subscription tier: basic or professional (starter holds one repository; ProjectMeats pushes two).",
    },
    registryRegion: {
        type: "string",
        default: "",
        description: "Region of the container registry, used by the owner stack only; empty means the stack's region.",
    },
    vpcIpRange: {
        type: "string",
        description: "Private IPv4 range of this environment's VPC, /16 to /28, not overlapping other environments, e.g. 10.110.16.0/20.",
    },
    dropletImage: {
        type: "string",
        default: "ubuntu-24-04-x64",
        description: "Droplet base image slug. Changing it replaces every droplet.",
    },
    backendDropletSize: {
        type: "string",
        description: "Droplet size slug for backend servers, e.g. s-1vcpu-2gb.",
    },
    backendDropletCount: {
        type: "integer",
        default: 1,
        description: "Number of backend droplets, 1-10.",
    },
    frontendDropletSize: {
        type: "string",
        default: "",
        description: "Droplet size slug for frontend servers; must be empty when frontendDropletCount is 0.",
    },
    frontendDropletCount: {
        type: "integer",
        default: 1,
        description: "Number of frontend droplets, 0-10; 0 serves the frontend from the backend droplets.",
    },
    dropletBackups: {
        type: "boolean",
        default: false,
        description: "Enable DigitalOcean weekly backups on every droplet.",
    },
    sshAllowedCidrs: {
        type: "array",
        description:
            "CIDR blocks always allowed to reach SSH (projectmeats:sshPort): the administrators' fixed addresses, never the internet. CI's deploy admits its own address only while `pulumi up` runs (host/local/ssh-window.sh).",
    },
    sshPort: {
        type: "integer",
        default: 22,
        description: "TCP port the droplets' SSH server listens on (1-65535, not 80, 443 or an app port). Baked into user data: changing it replaces the droplets.",
    },
    adminSshKeyFingerprints: {
        type: "array",
        default: [],
        description: "Fingerprints of SSH keys already in the DigitalOcean account to install for root on new droplets.",
    },
    backendHostname: {
        type: "string",
        description: "Public hostname of the API (served by nginx on the backend droplets), e.g. api.dev.example.com.",
    },
    frontendHostname: {
        type: "string",
        description: "Public hostname of the web app (served by nginx on the frontend droplets), e.g. dev.example.com.",
    },
    edge: {
        type: "string",
        description:
            "How the public reaches the app over HTTPS: loadBalancer (a DigitalOcean load balancer per server group terminates HTTPS), droplet (nginx on the service's one droplet terminates HTTPS with a certbot certificate, behind a reserved IP) or none (plain HTTP on the droplets, for a local test without certificates; refused in production).",
    },
    dnsDomain: {
        type: "string",
        default: "",
        description:
            "Domain on DigitalOcean DNS that holds backendHostname and frontendHostname, e.g. projectmeats.com: set, the program manages their A records; empty, point them yourself at the exported edgeAddresses.",
    },
    edgeCertificate: {
        type: "string",
        default: "letsEncrypt",
        description:
            "Certificate of edge loadBalancer: letsEncrypt (issued and renewed by DigitalOcean; needs dnsDomain) or custom (edgeCertificateLeaf, edgeCertificateChain, edgeCertificatePrivateKey). edge droplet always uses certbot (Let's Encrypt, HTTP-01).",
    },
    edgeCertificateLeaf: {
        type: "string",
        default: "",
        description: "PEM leaf certificate for both hostnames when edgeCertificate is custom.",
    },
    edgeCertificateChain: {
        type: "string",
        default: "",
        description: "PEM intermediate certificates of edgeCertificateLeaf when edgeCertificate is custom; empty for none.",
    },
    edgeCertificatePrivateKey: {
        type: "string",
        default: "",
        description: "PEM private key of edgeCertificateLeaf when edgeCertificate is custom; set with --secret.",
    },
    edgeAcmeServer: {
        type: "string",
        default: "",
        description: "ACME directory URL certbot uses with edge droplet, e.g. a test server's (https://…/dir); empty means Let's Encrypt's production directory.",
    },
    releaseBatchSize: {
        type: "integer",
        default: 1,
        description: "Droplets of a service released at once, 1-10; each batch starts only after the previous batch is healthy, and a failure stops the release.",
    },
    dbVersion: {
        type: "string",
        default: "17",
        description: "PostgreSQL major version of the managed cluster (ProjectMeats' server runs 17).",
    },
    dbSize: {
        type: "string",
        default: "db-s-1vcpu-1gb",
        description: "Database node size slug; standby nodes need at least 2 GB of memory.",
    },
    dbNodeCount: {
        type: "integer",
        default: 1,
        description: "Database nodes, 1-3: one primary plus standbys.",
    },
    dbName: {
        type: "string",
        default: "projectmeats",
        description: "Name of the application database in the cluster.",
    },
    dbUser: {
        type: "string",
        default: "projectmeats",
        description: "Name of the application's database user.",
    },
    githubOwner: {
        type: "string",
        description: "GitHub user or organization that owns the ProjectMeats repository.",
    },
    githubRepository: {
        type: "string",
        description: "Name of the ProjectMeats repository, without the owner.",
    },
    githubBackendEnvironment: {
        type: "string",
        description: "GitHub deployment environment the backend deploys through, e.g. dev-backend; gets the database URL secret.",
    },
    githubFrontendEnvironment: {
        type: "string",
        description: "GitHub deployment environment the frontend deploys through, e.g. dev-frontend.",
    },
    githubDeployBranches: {
        type: "array",
        description: "Branch name patterns allowed to deploy to this stack's environments, e.g. [development] or [main].",
    },
    githubDeployTags: {
        type: "array",
        default: [],
        description: "Tag name patterns allowed to deploy to this stack's environments, e.g. [v*].",
    },
    githubReviewers: {
        type: "array",
        default: [],
        description: "Required reviewers of a deployment (at most 6): GitHub logins, or team:<slug> for organization teams.",
    },
    githubPreventSelfReview: {
        type: "boolean",
        default: false,
        description: "Forbid whoever triggered a deployment from approving it; needs at least one reviewer.",
    },
    githubWaitTimerMinutes: {
        type: "integer",
        default: 0,
        description: "Minutes to wait before a deployment proceeds, 0-43200.",
    },
    githubAdminBypass: {
        type: "boolean",
        default: true,
        description: "Let repository administrators bypass the environment's protection rules (GitHub's default); set false for prod.",
    },
    githubDatabaseUrlSecretName: {
        type: "string",
        default: "",
        description: "Name of the backend environment's database URL secret; empty means <ENVIRONMENTNAME>_DB_URL, e.g. DEV_DB_URL.",
    },
    githubProtectedBranches: {
        type: "array",
        default: ["main", "development"],
        description: "Branches the repository rulesets protect (owner stack only): reviews, status checks, no force pushes, no deletion.",
    },
    githubRequiredChecks: {
        type: "array",
        default: [],
        description: "The app repository's CI jobs (GitHub Actions job names) required before merging to a protected branch (owner stack only); [] requires none.",
    },
    githubRequiredApprovals: {
        type: "integer",
        default: 1,
        description: "Approving reviews a pull request to a protected branch needs, 1-10 (owner stack only).",
    },
    githubAllowedActions: {
        type: "array",
        default: [],
        description: "Third-party action patterns allowed besides GitHub's own, e.g. [pulumi/actions@*]; never a tag or branch (owner stack only).",
    },
    githubShaPinning: {
        type: "string",
        default: "evaluate",
        description:
            "SHA pinning on the app repository (owner stack only): evaluate (an evaluate-only ruleset reports pull requests whose pinned-actions check fails; its Actions settings stay as they are) or enforce (SHA pinning required, selected actions only).",
    },
    infraGithubOwner: {
        type: "string",
        default: "",
        description: "GitHub user or organization that owns the repository holding this program; empty means githubOwner.",
    },
    infraRepository: {
        type: "string",
        default: "projectmeats-infra",
        description: "Name of the repository holding this program, without the owner: its deploy, preview and drift environments per stack hold the CI credentials.",
    },
    infraDeployBranches: {
        type: "array",
        default: ["main"],
        description: "Branches of this program's repository allowed to deploy this stack and run its drift check.",
    },
    infraProtectedBranches: {
        type: "array",
        default: ["main"],
        description: "Branches of this program's repository its ruleset protects (owner stack only).",
    },
    infraRequiredChecks: {
        type: "array",
        default: ["test", "system", "policy"],
        description: "Jobs of this program's ci workflow required, from GitHub Actions, before merging to a protected branch (owner stack only).",
    },
    infraRequiredApprovals: {
        type: "integer",
        default: 1,
        description: "Approving reviews a pull request to this program's protected branches needs, 1-10 (owner stack only).",
    },
    infraAllowedActions: {
        type: "array",
        default: [],
        description: "Third-party action patterns this program's workflows may use besides GitHub's own; never a tag or branch (owner stack only).",
    },
    adoptRegistry: {
        type: "boolean",
        default: false,
        description: "Owner stack only: adopt the existing registry named registryName (Pulumi's import option) instead of creating one; DigitalOcean allows one per account.",
    },
    adoptDatabaseClusterId: {
        type: "string",
        default: "",
        description: "UUID of an existing managed PostgreSQL cluster to adopt, with its dbName database and dbUser user; empty creates a new cluster.",
    },
    dbClusterName: {
        type: "string",
        default: "",
        description: "Name of the database cluster; empty means projectmeats-<environmentName>. An adopted cluster must keep its own name: a new name forces a new cluster.",
    },
    dbExtraTrustedDropletIds: {
        type: "array",
        default: [],
        description:
            "IDs of droplets outside this program that the database firewall also admits, e.g. the droplets serving today while this program takes over; [] admits only the backend droplets.",
    },
    adoptGithubEnvironments: {
        type: "boolean",
        default: false,
        description: "Adopt the existing GitHub environments githubBackendEnvironment and githubFrontendEnvironment instead of creating them.",
    },
    slackWebhookUrl: {
        type: "string",
        default: "",
        description: "Slack incoming webhook URL for deploy notifications (Block Kit); set with --secret; empty skips Slack.",
    },
    teamsWebhookUrl: {
        type: "string",
        default: "",
        description: "Microsoft Teams Workflows webhook URL for deploy notifications (Adaptive Cards; Office 365 connectors are retired); set with --secret; empty skips Teams.",
    },
    // The app's deploy contract (config/sections/app.ts); defaults are ProjectMeats' (model/app.ts).
    appBackendRepository: {
        type: "string",
        default: APP.PROJECTMEATS_REPOSITORIES.backend,
        description: "Image repository of the backend in the registry.",
    },
    appFrontendRepository: {
        type: "string",
        default: APP.PROJECTMEATS_REPOSITORIES.frontend,
        description: "Image repository of the frontend in the registry.",
    },
    appImageTagPrefix: {
        type: "string",
        default: "",
        description: "Prefix of the image tags the app's build pushes, <prefix>-<imageSha>, e.g. development, uat or production; empty means environmentName.",
    },
    appManageCommand: {
        type: "array",
        default: APP.PROJECTMEATS_MANAGE_COMMAND,
        description: "How Django's manage.py is started in the backend image, as arguments; management commands are appended.",
    },
    appSettingsModule: {
        type: "string",
        default: APP.PROJECTMEATS_SETTINGS_MODULE,
        description: "Django settings module of every release step and container ({settingsModule} in appEnv).",
    },
    appDjangoEnv: {
        type: "string",
        default: APP.PROJECTMEATS_DJANGO_ENV,
        description: "The app's DJANGO_ENV ({djangoEnv} in appEnv), e.g. development, uat or production; anything but development needs appSuperuserPassword for a release.",
    },
    appCommand: {
        type: "array",
        default: APP.PROJECTMEATS_COMMAND,
        description: "The backend container's command, as arguments, instead of the image's CMD (which seeds test data and creates a superuser); [] keeps the image's CMD.",
    },
    appContainerPort: {
        type: "integer",
        default: APP.PROJECTMEATS_CONTAINER_PORT,
        description: "Port the backend listens on inside its container, 1-65535.",
    },
    appReadyPath: {
        type: "string",
        default: APP.PROJECTMEATS_READY_PATH,
        description: "Readiness path of the backend; it must answer 2xx. Answered only to the droplet itself and the VPC.",
    },
    appHealthPath: {
        type: "string",
        default: APP.PROJECTMEATS_HEALTH_PATH,
        description: "Health path of the backend; it must answer 2xx with JSON whose appHealthJsonField is appHealthJsonValue. Answered only to the droplet itself and the VPC.",
    },
    appHealthJsonField: {
        type: "string",
        default: APP.PROJECTMEATS_HEALTH_JSON.field,
        description: "Field of the health answer's JSON that must equal appHealthJsonValue (a.b for nested objects).",
    },
    appHealthJsonValue: {
        type: "string",
        default: APP.PROJECTMEATS_HEALTH_JSON.value,
        description: "Value appHealthJsonField must have for the backend to count as healthy.",
    },
    appEnv: {
        type: "array",
        default: APP.PROJECTMEATS_ENV,
        description:
            "The backend's environment under the names the app reads, as NAME=value lines; placeholders {secretKey}, {superuserPassword}, {databaseUrl} (secrets), {backendHostname}, {frontendHostname}, {settingsModule}, {djangoEnv}.",
    },
    appExtraEnv: {
        type: "array",
        default: [],
        description: "More NAME=value lines for the backend's environment, after appEnv (a name given again replaces it); the same placeholders.",
    },
    appSecretEnv: {
        type: "array",
        default: [],
        description: "Secret NAME=value lines for the backend's environment, e.g. [SENDGRID_API_KEY=...]; set with --secret; they reach only the 0600 env file.",
    },
    appSecretKey: {
        type: "string",
        default: "",
        description: "Django's SECRET_KEY ({secretKey}); set with --secret; empty generates one, kept in the state as a secret.",
    },
    appSuperuserPassword: {
        type: "string",
        default: "",
        description:
            "Password of the superuser the post-migrate steps create ({superuserPassword}); set with --secret; empty generates one, which only appDjangoEnv development allows.",
    },
    appPreMigrate: {
        type: "array",
        default: APP.PROJECTMEATS_PRE_MIGRATE,
        description:
            "Migrations applied before the full migrate, as <app> <target> lines, each only while its target is not applied (never backwards); ProjectMeats' nine work around its migration order on an empty database.",
    },
    appPostMigrate: {
        type: "array",
        default: APP.PROJECTMEATS_POST_MIGRATE,
        description: "Idempotent management commands run after migrate --fake-initial --noinput, in order, each a line of <command> [arguments].",
    },
    appBypassRowLevelSecurity: {
        type: "boolean",
        default: APP.PROJECTMEATS_BYPASS_ROW_LEVEL_SECURITY,
        description: "Give the app's database user BYPASSRLS before the release (the release stops if the cluster's admin cannot).",
    },
    appPersistentDirectories: {
        type: "array",
        default: APP.PROJECTMEATS_PERSISTENT_DIRECTORIES,
        description: "Backend folders that outlive releases and rollbacks, as <name>:<container path> lines; each is a host folder owned by appContainerUser.",
    },
    appContainerUser: {
        type: "string",
        default: APP.PROJECTMEATS_CONTAINER_USER,
        description: "uid:gid the backend container runs as: the owner of its persistent folders.",
    },
    appFrontendConfigPath: {
        type: "string",
        default: APP.PROJECTMEATS_FRONTEND_CONFIG_PATH,
        description: "Path in the frontend container of its runtime configuration file (window.ENV = {...}), mounted read-only.",
    },
    appFrontendConfig: {
        type: "array",
        default: APP.PROJECTMEATS_FRONTEND_CONFIG,
        description: "The frontend's runtime configuration as KEY=value lines; placeholders {backendHostname}, {frontendHostname}, {djangoEnv}.",
    },
} as const satisfies Record<string, ConfigKeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

export const CONFIG_KEY_NAMES = Object.keys(CONFIG_KEYS) as ConfigKey[];

/** The `config:` block of `Pulumi.yaml` that the table above implies. */
export function projectConfigDeclarations(): Record<string, Record<string, unknown>> {
    const block: Record<string, Record<string, unknown>> = {};
    for (const name of CONFIG_KEY_NAMES) {
        const spec: ConfigKeySpec = CONFIG_KEYS[name];
        block[name] = {
            type: spec.type,
            ...(spec.type === "array" ? { items: { type: "string" } } : {}),
            description: spec.description,
            ...(spec.default !== undefined ? { default: spec.default } : {}),
        };
    }
    return block;
}
