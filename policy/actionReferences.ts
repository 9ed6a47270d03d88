/**
 * `uses:` values of GitHub Actions workflows and whether each is pinned to an immutable commit.
 * https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idstepsuses
 *
 * The rules, as the pack states them: values are compared trimmed, as GitHub does; a full 40-hex
 * commit SHA pins, in either case; `docker://` needs a valid digest; any `${{ }}` expression makes the
 * value unpinned (it can name any ref); `./…` and `$/…` are local and exempt.
 */
import { isValidDigest, parseImageReference } from "./imageReferences";

export type UsesKind = "local" | "docker" | "action" | "reusable-workflow" | "expression" | "invalid";

export interface UsesReference {
    readonly kind: UsesKind;
    /** True when the reference cannot move: a full commit SHA, a valid digest, or a local path. */
    readonly pinned: boolean;
    /** Why it is not pinned, for messages. */
    readonly reason?: string;
}

const FULL_SHA = /^[0-9a-fA-F]{40}$/;

export function classifyUses(uses: string): UsesReference {
    const value = uses.trim();
    if (value.includes("${{")) return { kind: "expression", pinned: false, reason: "is built with a ${{ }} expression, which can name any ref" };
    if (value.startsWith("./") || value.startsWith("$/")) return { kind: "local", pinned: true };
    if (value.startsWith("docker://")) {
        const image = parseImageReference(value.slice("docker://".length));
        if (!image) return { kind: "invalid", pinned: false, reason: "is not an image reference" };
        if (image.digest === undefined) return { kind: "docker", pinned: false, reason: "names an image without a digest" };
        return isValidDigest(image.digest)
            ? { kind: "docker", pinned: true }
            : { kind: "docker", pinned: false, reason: `has the digest "${image.digest}", which pins nothing (sha256: and 64 lowercase hex characters, or sha512: and 128)` };
    }
    const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)((?:\/[^@\s]+)?)@([^\s@]+)$/.exec(value);
    if (!match) return { kind: "invalid", pinned: false, reason: "is not owner/repo[/path]@ref" };
    const [, , , path, ref] = match;
    const kind: UsesKind = /^\/\.github\/workflows\/[^/]+\.ya?ml$/.test(path) ? "reusable-workflow" : "action";
    if (FULL_SHA.test(ref)) return { kind, pinned: true };
    const reason = /^[0-9a-fA-F]{7,39}$/.test(ref) ? "uses a short SHA, which can become ambiguous" : `uses the tag or branch "${ref}", which can move`;
    return { kind, pinned: false, reason };
}

/** Every `uses:` value in a workflow file's text, quotes removed and trimmed. */
export function findUses(workflow: string): string[] {
    return [...workflow.matchAll(/^[ \t]*(?:-[ \t]+)?uses:[ \t]*(?:"([^"]*)"|'([^']*)'|([^#\n]*?))[ \t]*(?:#.*)?$/gm)].map((m) => (m[1] ?? m[2] ?? m[3]).trim());
}

/**
 * An allowed-actions pattern (Actions permissions `patterns_allowed`) that names no tag or branch:
 * `owner/*`, `owner/repo@*`, `owner/repo/path@*`, or one pinned to a full SHA.
 */
export function isAllowedPatternPinned(pattern: string): boolean {
    const at = pattern.lastIndexOf("@");
    if (at < 0) return /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.*/-]+$/.test(pattern);
    const ref = pattern.slice(at + 1);
    return ref === "*" || FULL_SHA.test(ref);
}
