import { StackValidationPolicy } from "@pulumi/policy";
import { TYPES, isProductionStack, strings } from "./walk";

export const prodEnvironmentsRequireReviewers: StackValidationPolicy = {
    name: "prod-environments-require-reviewers",
    description: "Checks whether a production stack's GitHub environments require a reviewer, prevent self-review and deny administrators a bypass.",
    validateStack: (args, reportViolation) => {
        if (!isProductionStack(args.resources)) return;
        for (const env of args.resources.filter((r) => r.type === TYPES.environment)) {
            const reviewers = (env.props.reviewers ?? []) as Array<{ users?: unknown[]; teams?: unknown[] }>;
            const count = reviewers.reduce((n, r) => n + (r.users?.length ?? 0) + (r.teams?.length ?? 0), 0);
            const name = String(env.props.environment ?? env.name);
            if (count === 0) reportViolation(`Production environment (${name}) must require at least one reviewer: set projectmeats:githubReviewers.`, env.urn);
            if (env.props.preventSelfReview !== true)
                reportViolation(`Production environment (${name}) must prevent self-review: set projectmeats:githubPreventSelfReview to true.`, env.urn);
            if (env.props.canAdminsBypass !== false)
                reportViolation(`Production environment (${name}) must not let administrators bypass its rules: set projectmeats:githubAdminBypass to false.`, env.urn);
        }
    },
};

/** Properties that end up in logs, state diffs or the droplet, where a secret must never appear. */
const EXPOSED = /^(create|update|delete|environment|triggers|userData|name|tags|description)\b/;

export const environmentSecretsAreSecret: StackValidationPolicy = {
    name: "environment-secrets-are-secret",
    description: "Checks whether Actions secrets are written with the provider's secret `value` argument and whether their values appear in plain text elsewhere.",
    validateStack: (args, reportViolation) => {
        const secrets = args.resources.filter((r) => r.type === TYPES.envSecret || r.type === TYPES.repoSecret);
        for (const secret of secrets) {
            const name = String(secret.props.secretName ?? secret.name);
            if (secret.props.plaintextValue !== undefined || secret.props.encryptedValue !== undefined) {
                reportViolation(`Actions secret (${name}) must be set with value or valueEncrypted: plaintextValue and encryptedValue are deprecated.`, secret.urn);
            }
            const value = secret.props.value ?? secret.props.plaintextValue;
            if (typeof value !== "string" || value.length < 8) continue;
            for (const other of args.resources.filter((r) => !secrets.includes(r))) {
                for (const [path, text] of strings(other.props)) {
                    if (EXPOSED.test(path) && text.includes(value)) {
                        reportViolation(
                            `Actions secret (${name}) must not appear in plain text: ${other.type} (${other.name}) has it in ${path}; pass it on stdin or in a 0600 file.`,
                            other.urn,
                        );
                    }
                }
            }
        }
    },
};
