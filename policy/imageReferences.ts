/**
 * Container image references by the OCI distribution grammar
 * (https://github.com/distribution/reference/blob/main/reference.go), and finding them in text.
 */

export interface ImageReference {
    /** Registry host, with port if any; undefined for Docker Hub shorthand (`nginx`). */
    readonly domain?: string;
    readonly path: string;
    readonly tag?: string;
    readonly digest?: string;
}

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[_.]|__|[-]+)[a-z0-9]+)*";
const PATH = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(`^(?:(${DOMAIN})/)?(${PATH})(?::(${TAG}))?(?:@(${DIGEST}))?$`);

/** Parses one reference; undefined when the text is not one. */
export function parseImageReference(text: string): ImageReference | undefined {
    const match = REFERENCE.exec(text);
    if (!match) return undefined;
    let domain: string | undefined = match[1];
    let path = match[2];
    const [, , , tag, digest] = match;
    // The first component is a registry only if it looks like a host: a dot, a port, or localhost.
    // Otherwise it is part of the path (`library/nginx`), which the grammar above already matched as
    // a domain when it has no dot; undo that.
    if (domain !== undefined && !/[.:[]/.test(domain) && domain !== "localhost") {
        if (!new RegExp(`^${PATH_COMPONENT}$`).test(domain)) return undefined;
        path = `${domain}/${path}`;
        domain = undefined;
    }
    if (path.length > 255) return undefined;
    return { domain, path, tag, digest };
}

/** `latest`, or a tag ending in `-latest`, `_latest` or `.latest` (`dev-latest`). */
export function isLatestStyleTag(tag: string): boolean {
    return /(^|[-_.])latest$/i.test(tag);
}

/** Why a reference can change under the same name, or undefined when it cannot. */
export function mutability(ref: ImageReference): "no tag (means latest)" | "a latest-style tag" | undefined {
    if (ref.digest !== undefined) return undefined;
    if (ref.tag === undefined) return "no tag (means latest)";
    return isLatestStyleTag(ref.tag) ? "a latest-style tag" : undefined;
}

export function formatImageReference(ref: ImageReference): string {
    return `${ref.domain ? `${ref.domain}/` : ""}${ref.path}${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}

/** Registries whose references are recognised anywhere in text, even without a tag. */
const KNOWN_REGISTRIES =
    /^(registry\.digitalocean\.com|docker\.io|index\.docker\.io|registry-1\.docker\.io|ghcr\.io|quay\.io|gcr\.io|[a-z0-9-]+\.gcr\.io|[a-z0-9-]+-docker\.pkg\.dev|public\.ecr\.aws|[0-9]+\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com|localhost(:[0-9]+)?|127\.0\.0\.1(:[0-9]+)?)$/;

const TOKEN = /[^\s"'`=(),;|&<>{}]+/g;

/** Drops sentence punctuation that can trail a reference in prose or shell. */
function strip(token: string): string {
    return token.replace(/[.:\]]+$/, "");
}

/**
 * Image references a piece of text names: `docker://…`, the operand of `docker pull|push`, `FROM`
 * lines, `image:` keys, and any token on a known registry. URLs are never images.
 */
export function findImageReferences(text: string): string[] {
    const found = new Set<string>();
    const add = (candidate: string | undefined) => {
        if (candidate === undefined) return;
        const cleaned = strip(candidate);
        if (parseImageReference(cleaned)) found.add(cleaned);
    };
    for (const m of text.matchAll(/docker:\/\/([^\s"'`]+)/g)) add(m[1]);
    for (const m of text.matchAll(/\b(?:docker|podman)\s+(?:image\s+)?(?:pull|push)\s+(?:-{1,2}[a-z-]+(?:=\S+)?\s+)*([^\s"'`;|&]+)/g)) add(m[1]);
    for (const m of text.matchAll(/^\s*FROM\s+(?:--\S+\s+)*([^\s"'`]+)/gim)) add(m[1]);
    for (const m of text.matchAll(/["']?\bimage["']?\s*[:=]\s*["']?([^\s"'`,}]+)/g)) add(m[1]);
    for (const m of text.matchAll(TOKEN)) {
        // A URL's first segment is its scheme (`https:`), never a registry, so URLs drop out here.
        const token = strip(m[0]);
        const slash = token.indexOf("/");
        if (slash > 0 && KNOWN_REGISTRIES.test(token.slice(0, slash))) add(token);
    }
    return [...found].filter((ref) => !/^(https?|git|ssh|file):/.test(ref));
}
