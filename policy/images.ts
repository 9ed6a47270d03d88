import { ResourceValidationPolicy } from "@pulumi/policy";
import { digestNote, findImageReferences, formatImageReference, isPinned, isScratch, mutability, parseImageReference } from "./imageReferences";
import { TYPES, strings } from "./walk";

/**
 * Properties of the Docker provider's resources that hold exactly one image reference. Elsewhere
 * `image` may mean something else (a droplet's `image` is an OS slug), so only text is scanned.
 */
const IMAGE_KEYS = /(^|\.)(image|imageName|name)$/;
const DOCKER_TYPES = /^docker:/;

export const noMutableImageTags: ResourceValidationPolicy = {
    name: "no-mutable-image-tags",
    description:
        "Checks whether any image reference in any resource property uses a tag that can move: `latest`, a latest-style tag such as `dev-latest`, or no tag at all, unless a valid digest pins it.",
    validateResource: (args, reportViolation) => {
        for (const [path, text] of strings(args.props)) {
            const candidates = DOCKER_TYPES.test(args.type) && IMAGE_KEYS.test(path) && parseImageReference(text) ? [text] : findImageReferences(text);
            for (const candidate of new Set(candidates)) {
                const ref = parseImageReference(candidate);
                const why = ref && mutability(ref);
                if (ref && why) {
                    reportViolation(
                        `Image reference "${formatImageReference(ref)}" in ${args.type} (${args.name}) at ${path} must not use ${why}${digestNote(ref)}: ` +
                            "deploy an immutable <env>-<sha> tag resolved to its digest (repository@sha256:…).",
                    );
                }
            }
        }
    },
};

export const releaseImagesPinnedByDigest: ResourceValidationPolicy = {
    name: "release-images-pinned-by-digest",
    description: "Checks whether every image a release command runs is referenced by digest, so a re-pushed tag cannot slip a different image in.",
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPES.remoteCommand && args.type !== TYPES.localCommand) return;
        for (const [path, text] of strings(args.props)) {
            for (const candidate of findImageReferences(text)) {
                const ref = parseImageReference(candidate)!;
                if (!isPinned(ref) && !isScratch(ref)) {
                    const what =
                        ref.digest === undefined ? "is a tag" : `has the digest "${ref.digest}", which pins nothing (sha256: and 64 lowercase hex characters, or sha512: and 128)`;
                    reportViolation(
                        `Release command (${args.name}) must run images by digest: "${candidate}" at ${path} ${what}; ` +
                            "resolve the tag through the registry and deploy repository@sha256:….",
                    );
                }
            }
        }
    },
};
