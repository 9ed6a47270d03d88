/**
 * Which credential CI holds at which trust level, and the GitHub environment of this program's
 * repository that holds it, per stack. The workflows name the same environments and secrets;
 * test/workflows.test.ts holds the two together.
 *
 * - `deploy` (`infra-<stack>`): `pulumi up`. Write credentials: a DigitalOcean token that can change
 *   the account, an admin GitHub token, the state bucket's read-write key, the stack's passphrase.
 *   Only the deploy branches may use it, and the stack's reviewers approve each run.
 * - `preview` (`infra-<stack>-preview`): `pulumi preview` on pull requests. Read-only credentials (a
 *   DigitalOcean token with read scopes but not `database:view_credentials`, a read-only GitHub token,
 *   a read-only state key) and the stack's passphrase. Every ref may use it (a pull request's merge
 *   ref too), so the stack's reviewers approve each run: prod's preview waits for prod's reviewers
 *   before its passphrase is released.
 * - `drift` (`infra-<stack>-drift`): `pulumi preview --refresh` on a schedule. Read-only credentials
 *   whose DigitalOcean token may also read database credentials (a refresh reads the cluster's, and
 *   DigitalOcean tokens reach every project of the account), so only the deploy branches may use it.
 */

export type TrustLevel = "deploy" | "preview" | "drift";

export const TRUST_LEVELS: readonly TrustLevel[] = ["deploy", "preview", "drift"];

/** Credentials that change the cloud, GitHub or the state. Only the deploy level holds them. */
export const WRITE_CREDENTIALS = ["DIGITALOCEAN_TOKEN", "INFRA_GITHUB_TOKEN", "STATE_ACCESS_KEY_ID", "STATE_SECRET_ACCESS_KEY"] as const;

/** Credentials that only read. */
export const READ_CREDENTIALS = ["DIGITALOCEAN_READ_TOKEN", "INFRA_GITHUB_READ_TOKEN", "STATE_READ_ACCESS_KEY_ID", "STATE_READ_SECRET_ACCESS_KEY"] as const;

/** Decrypts the stack's secrets (each stack has its own passphrase). */
export const PASSPHRASE = "PULUMI_CONFIG_PASSPHRASE";

/** The secrets an operator sets in each level's environment (`gh secret set --env <environment> <name>`). */
export const LEVEL_CREDENTIALS: Readonly<Record<TrustLevel, readonly string[]>> = {
    deploy: [PASSPHRASE, ...WRITE_CREDENTIALS],
    preview: [PASSPHRASE, ...READ_CREDENTIALS],
    drift: [PASSPHRASE, ...READ_CREDENTIALS],
};

/** Levels whose workflows send notifications, so the program writes the webhook secrets there. */
export const NOTIFYING_LEVELS: readonly TrustLevel[] = ["deploy", "drift"];

/** The environment of this program's repository that holds a stack's credentials of one level. */
export function infraEnvironmentName(stack: string, level: TrustLevel): string {
    return level === "deploy" ? `infra-${stack}` : `infra-${stack}-${level}`;
}

/** The stack's protection rules, as configured for its app environments (`github*` keys). */
export interface StackProtection {
    /** Branches of this program's repository that may deploy the stack. */
    readonly deployBranches: readonly string[];
    readonly reviewers: { readonly users: readonly string[]; readonly teams: readonly string[] };
    readonly preventSelfReview: boolean;
    /** Minutes a deployment waits after approval; applies to `deploy` only. */
    readonly waitTimerMinutes: number;
    readonly adminBypass: boolean;
}

export interface InfraEnvironmentSpec {
    readonly level: TrustLevel;
    readonly environment: string;
    /** Branches allowed to use the environment; empty with `allBranches`. */
    readonly branchPatterns: readonly string[];
    readonly allBranches: boolean;
    readonly reviewers: StackProtection["reviewers"];
    readonly preventSelfReview: boolean;
    readonly waitTimerMinutes: number;
    readonly adminBypass: boolean;
}

/**
 * The three environments of a stack. Every level takes the stack's reviewers, so whatever can
 * decrypt prod's secrets waits for prod's reviewers; `preview` admits every ref, the others only the
 * deploy branches.
 */
export function infraEnvironments(stack: string, protection: StackProtection): InfraEnvironmentSpec[] {
    return TRUST_LEVELS.map((level) => ({
        level,
        environment: infraEnvironmentName(stack, level),
        branchPatterns: level === "preview" ? [] : [...protection.deployBranches],
        allBranches: level === "preview",
        reviewers: protection.reviewers,
        preventSelfReview: protection.preventSelfReview,
        waitTimerMinutes: level === "deploy" ? protection.waitTimerMinutes : 0,
        adminBypass: protection.adminBypass,
    }));
}
