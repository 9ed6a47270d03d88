import { ResourceValidationPolicy } from "@pulumi/policy";
import { classifyUses, findUses, isAllowedPatternPinned } from "./actionReferences";
import { TYPES } from "./walk";

export const noUnpinnedActions: ResourceValidationPolicy = {
    name: "no-unpinned-actions",
    description:
        "Checks whether GitHub Actions can only run actions pinned to full commit SHAs: SHA pinning required, no tag or branch in allowed patterns, and only pinned `uses:` in managed workflow files.",
    validateResource: (args, reportViolation) => {
        if (args.type === TYPES.actionsPermissions) {
            if (args.props.shaPinningRequired !== true) {
                reportViolation(`Actions permissions (${args.name}) must require SHA pinning: set shaPinningRequired: true.`);
            }
            const patterns: unknown = (args.props.allowedActionsConfig as Record<string, unknown> | undefined)?.patternsAlloweds ?? [];
            for (const pattern of Array.isArray(patterns) ? patterns : []) {
                if (typeof pattern === "string" && !isAllowedPatternPinned(pattern)) {
                    reportViolation(
                        `Actions permissions (${args.name}) must not allow "${pattern}", which names a tag or branch: allow "${pattern.replace(/@.*$/, "@*")}" and pin the SHA in the workflow.`,
                    );
                }
            }
        }
        if (args.type === TYPES.repositoryFile && /^\.github\/workflows\/[^/]+\.ya?ml$/.test(String(args.props.file))) {
            for (const uses of findUses(String(args.props.content ?? ""))) {
                const ref = classifyUses(uses);
                if (!ref.pinned) {
                    reportViolation(`Workflow file ${String(args.props.file)} (${args.name}) must pin every action to a full commit SHA: "${uses}" ${ref.reason}.`);
                }
            }
        }
    },
};
