/**
 * Rules no single stack can check: the stacks share one DigitalOcean account (one registry, one owner
 * of account-wide resources, VPCs that must not overlap) and one GitHub repository (environment names).
 * `npm run check -- --all` applies them to the stacks deployed to the account, each stack's
 * configuration already valid on its own.
 */
import { cidrsOverlap, parseCidr } from "../../config/cidr";
import type { StackConfig } from "../../config/stackConfig";

/** What the cross-stack rules read from one stack's configuration. */
export interface StackFacts {
    readonly stack: string;
    readonly accountOwnerStack: string;
    readonly environmentName: string;
    readonly vpcIpRange: string;
    readonly registryName: string;
    /** `owner/repository` of the app repository its GitHub environments live in. */
    readonly githubRepository: string;
    /** Its GitHub deployment environments, by configuration key. */
    readonly githubEnvironments: Readonly<Record<string, string>>;
}

export function stackFacts(config: StackConfig): StackFacts {
    return {
        stack: config.stack,
        accountOwnerStack: config.accountOwnerStack,
        environmentName: config.environmentName,
        vpcIpRange: config.vpcIpRange,
        registryName: config.registry.name,
        githubRepository: `${config.github.owner}/${config.github.repository}`,
        githubEnvironments: { githubBackendEnvironment: config.github.environments.backend, githubFrontendEnvironment: config.github.environments.frontend },
    };
}

export interface CrossStackProblem {
    /** The stacks involved, in the order they were checked. */
    readonly stacks: readonly string[];
    /** The configuration key to change, `projectmeats:<key>`. */
    readonly key: string;
    readonly message: string;
}

const KEY = (name: string) => `projectmeats:${name}`;

/** `"a" in dev, "b" in uat` */
function given(entries: ReadonlyArray<readonly [string, string]>): string {
    return entries.map(([stack, value]) => `${JSON.stringify(value)} in ${stack}`).join(", ");
}

/**
 * Every cross-stack problem at once:
 * - exactly one owner stack, which exists: every stack names the same `accountOwnerStack`, and it is
 *   one of `existing` (the stacks with a stack file, whether or not their configuration is valid);
 * - disjoint VPC ranges (the account routes between its VPCs);
 * - distinct environment names (they name resources, tags and image tags) and distinct GitHub
 *   environments within a repository (GitHub compares their names without case);
 * - one registry name (DigitalOcean allows one registry per account).
 */
export function crossStackProblems(facts: readonly StackFacts[], existing: readonly string[] = facts.map((f) => f.stack)): CrossStackProblem[] {
    const problems: CrossStackProblem[] = [];
    const stacks = facts.map((f) => f.stack);
    if (facts.length === 0) return problems;

    const owners = [...new Set(facts.map((f) => f.accountOwnerStack))];
    if (owners.length > 1) {
        problems.push({
            stacks,
            key: KEY("accountOwnerStack"),
            message: `got ${given(facts.map((f) => [f.stack, f.accountOwnerStack]))}; expected exactly one owner stack, named alike in every stack file`,
        });
    }
    for (const owner of owners.filter((o) => !existing.includes(o))) {
        problems.push({
            stacks: facts.filter((f) => f.accountOwnerStack === owner).map((f) => f.stack),
            key: KEY("accountOwnerStack"),
            message: `got ${JSON.stringify(owner)}, which has no stack file; expected the stack that owns the account-wide resources, one of ${existing.join(", ")}`,
        });
    }

    for (let i = 0; i < facts.length; i++) {
        for (let j = i + 1; j < facts.length; j++) {
            const [a, b] = [facts[i], facts[j]];
            const [ca, cb] = [parseCidr(a.vpcIpRange), parseCidr(b.vpcIpRange)];
            if (ca && cb && cidrsOverlap(ca, cb)) {
                problems.push({
                    stacks: [a.stack, b.stack],
                    key: KEY("vpcIpRange"),
                    message: `got ${given([
                        [a.stack, a.vpcIpRange],
                        [b.stack, b.vpcIpRange],
                    ])}; expected VPC ranges that do not overlap: the stacks share one account, so give each its own block`,
                });
            }
        }
    }

    const byName = new Map<string, string[]>();
    for (const f of facts) byName.set(f.environmentName, [...(byName.get(f.environmentName) ?? []), f.stack]);
    for (const [name, sharing] of byName) {
        if (sharing.length > 1) {
            problems.push({
                stacks: sharing,
                key: KEY("environmentName"),
                message: `got ${given(sharing.map((s) => [s, name]))}; expected a different environment name per stack: it names resources, tags and image tags`,
            });
        }
    }

    const environments = new Map<string, Array<readonly [string, string, string]>>();
    for (const f of facts) {
        for (const [key, name] of Object.entries(f.githubEnvironments)) {
            const id = `${f.githubRepository.toLowerCase()}#${name.toLowerCase()}`;
            environments.set(id, [...(environments.get(id) ?? []), [f.stack, key, name] as const]);
        }
    }
    for (const [id, uses] of environments) {
        const sharing = [...new Set(uses.map(([stack]) => stack))];
        if (sharing.length > 1) {
            const keys = [...new Set(uses.map(([, key]) => key))];
            problems.push({
                stacks: sharing,
                key: KEY(keys[0]),
                message: `got ${given(uses.map(([stack, , name]) => [stack, name]))} in ${id.split("#")[0]}; expected a GitHub environment per stack and service: each stack's protection rules and secrets live in its own`,
            });
        }
    }

    const registries = [...new Set(facts.map((f) => f.registryName))];
    if (registries.length > 1) {
        problems.push({
            stacks,
            key: KEY("registryName"),
            message: `got ${given(facts.map((f) => [f.stack, f.registryName]))}; expected one registry name in every stack: DigitalOcean allows one container registry per account`,
        });
    }
    return problems;
}

export function formatCrossStackProblem(problem: CrossStackProblem): string {
    return `stacks ${problem.stacks.join(", ")}, key ${problem.key}: ${problem.message}`;
}
