/**
 * Container image references by the OCI distribution grammar
 * (https://github.com/distribution/reference/blob/main/reference.go), whether one can move, and
 * finding them in text. The rules, as the pack states them:
 *
 * - A digest pins only if it is valid: `sha256:` and exactly 64 lowercase hex characters, or `sha512:`
 *   and 128. An invalid digest pins nothing.
 * - No tag means `latest`.
 * - A tag is latest-style when one of its `-`-separated parts is `latest`, case-sensitively
 *   (`latest`, `dev-latest`, `latest-3f9c2ab`; not `LATEST` or `v1.latest`).
 * - `scratch` (Docker's empty base) is exempt.
 * - In shell text, only these are image operands: those of `docker pull`, `run`, `create`, `push` and
 *   `tag`, the value of `docker build -t`, and `FROM`; read after the options and their values. Port
 *   maps, environment values, prose and runner labels are never images.
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
/** The grammar's digest: any algorithm and encoding. Whether it pins is `isValidDigest`'s question. */
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[a-zA-Z0-9=_-]+";
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

/** `sha256:` and exactly 64 lowercase hex characters, or `sha512:` and 128: the only digests that pin. */
export function isValidDigest(digest: string): boolean {
    return /^sha256:[0-9a-f]{64}$/.test(digest) || /^sha512:[0-9a-f]{128}$/.test(digest);
}

/** True when one of the tag's `-`-separated parts is exactly `latest`. */
export function isLatestStyleTag(tag: string): boolean {
    return tag.split("-").includes("latest");
}

/** True when the reference is pinned by a valid digest. */
export function isPinned(ref: ImageReference): boolean {
    return ref.digest !== undefined && isValidDigest(ref.digest);
}

/** Docker's reserved empty image (`FROM scratch`): nothing to pull, nothing that can move. */
export function isScratch(ref: ImageReference): boolean {
    return ref.domain === undefined && ref.path === "scratch" && ref.tag === undefined && ref.digest === undefined;
}

/** Why a reference can change under the same name, or undefined when it cannot. */
export function mutability(ref: ImageReference): "no tag (means latest)" | "a latest-style tag" | undefined {
    if (isPinned(ref) || isScratch(ref)) return undefined;
    if (ref.tag === undefined) return "no tag (means latest)";
    return isLatestStyleTag(ref.tag) ? "a latest-style tag" : undefined;
}

/** What to add to a message about a reference whose digest is not valid (it pins nothing). */
export function digestNote(ref: ImageReference): string {
    return ref.digest !== undefined && !isValidDigest(ref.digest)
        ? ` (its digest "${ref.digest}" pins nothing: a digest is sha256: and 64 lowercase hex characters, or sha512: and 128)`
        : "";
}

export function formatImageReference(ref: ImageReference): string {
    return `${ref.domain ? `${ref.domain}/` : ""}${ref.path}${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}

/** A shell word with its quotes removed; undefined when it holds an expansion, whose value only the shell knows. */
type Word = string | undefined;

/**
 * Splits shell text into simple commands, each a list of words: quotes removed, comments dropped, and
 * a word holding `$`, a backtick or a glob marked undefined. Commands end at a newline, `;`, `&`, `|`,
 * a parenthesis or a brace.
 */
export function shellCommands(text: string): Word[][] {
    const commands: Word[][] = [];
    let words: Word[] = [];
    let word = "";
    let inWord = false;
    let opaque = false;
    const endWord = () => {
        if (inWord) words.push(opaque ? undefined : word);
        word = "";
        inWord = false;
        opaque = false;
    };
    const endCommand = () => {
        endWord();
        if (words.length > 0) commands.push(words);
        words = [];
    };
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === "\\" && i + 1 < text.length) {
            if (text[i + 1] !== "\n") {
                word += text[i + 1];
                inWord = true;
            }
            i++;
        } else if (c === "'") {
            const end = text.indexOf("'", i + 1);
            const stop = end < 0 ? text.length : end;
            word += text.slice(i + 1, stop);
            inWord = true;
            i = stop;
        } else if (c === '"') {
            let j = i + 1;
            for (; j < text.length && text[j] !== '"'; j++) {
                if (text[j] === "\\" && j + 1 < text.length) word += text[++j];
                else {
                    if (text[j] === "$" || text[j] === "`") opaque = true;
                    word += text[j];
                }
            }
            inWord = true;
            i = j;
        } else if (c === "#" && !inWord) {
            const end = text.indexOf("\n", i);
            i = (end < 0 ? text.length : end) - 1;
        } else if (c === "\n" || c === ";" || c === "&" || c === "|" || c === "(" || c === ")" || c === "{" || c === "}") {
            endCommand();
        } else if (c === " " || c === "\t" || c === "\r") {
            endWord();
        } else {
            if (c === "$" || c === "`" || c === "*" || c === "?") opaque = true;
            word += c;
            inWord = true;
        }
    }
    endCommand();
    return commands;
}

/** docker's own options before the subcommand that take a value (`docker --context ci pull …`). */
const DOCKER_GLOBAL_VALUE = new Set(["-H", "--host", "-c", "--context", "--config", "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey"]);
/**
 * Options that take no value. Any other option takes the next word as its value (unless written
 * `--opt=value`, or the next word is itself an option).
 */
const FLAGS = new Set([
    "-a",
    "--all-tags",
    "-q",
    "--quiet",
    "--disable-content-trust",
    "-d",
    "--detach",
    "-i",
    "--interactive",
    "-t",
    "--tty",
    "--rm",
    "--init",
    "--privileged",
    "--read-only",
    "-P",
    "--publish-all",
    "--no-healthcheck",
    "--oom-kill-disable",
    "--sig-proxy",
    "--help",
]);
/** `docker build`'s options that take no value (its `-t` takes one: the image's name). */
const BUILD_FLAGS = new Set(["-q", "--quiet", "--rm", "--force-rm", "--no-cache", "--pull", "--load", "--push", "--squash", "--compress", "--help"]);
/** Single-letter flags that may be clustered (`-dit`). */
const SHORT_FLAGS = new Set(["a", "q", "d", "i", "t", "P"]);
/** Management-command forms (`docker image pull`) and the verbs they stand for. */
const VERBS: Record<string, string> = {
    pull: "pull",
    push: "push",
    run: "run",
    create: "create",
    tag: "tag",
    build: "build",
    "image pull": "pull",
    "image push": "push",
    "image tag": "tag",
    "image build": "build",
    "container run": "run",
    "container create": "create",
    "buildx build": "build",
    "builder build": "build",
};

/**
 * Words that only lead up to a command: `sudo docker …`, `FOO=bar docker …`, `exec docker …`, and a
 * YAML key or list dash before a command written in YAML (`- run: docker pull …`).
 */
function commandStart(words: Word[]): number {
    let i = 0;
    while (i < words.length) {
        const w = words[i];
        if (w === "sudo" || w === "exec" || w === "command" || w === "nohup" || w === "time" || w === "env" || w === "-") i++;
        else if (w === undefined || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w) || /^[A-Za-z_-]+:$/.test(w)) i++;
        else break;
    }
    return i;
}

/** The image operands of one docker command, or none when it is not one that names images. */
function dockerOperands(words: Word[]): string[] {
    let i = commandStart(words);
    const program = words[i];
    if (program === undefined || !/(^|\/)docker$/.test(program)) return [];
    i++;
    while (i < words.length && words[i]?.startsWith("-")) i += DOCKER_GLOBAL_VALUE.has(words[i]!) ? 2 : 1;
    const first = words[i];
    const second = words[i + 1];
    const two = first !== undefined && second !== undefined ? VERBS[`${first} ${second}`] : undefined;
    const verb = two ?? (first !== undefined ? VERBS[first] : undefined);
    if (verb === undefined) return [];
    i += two ? 2 : 1;

    const operands: Word[] = [];
    const tags: Word[] = [];
    const flags = verb === "build" ? BUILD_FLAGS : FLAGS;
    for (; i < words.length; i++) {
        const w = words[i];
        if (w === undefined || !w.startsWith("-") || w === "-") {
            operands.push(w);
            // run and create take one image, then the container's command and its arguments.
            if ((verb === "run" || verb === "create") && operands.length === 1) break;
            continue;
        }
        if (w === "--") continue;
        const equals = w.indexOf("=");
        const name = equals < 0 ? w : w.slice(0, equals);
        const next = words[i + 1];
        const takesNext = next === undefined || !next.startsWith("-");
        if (verb === "build" && (name === "-t" || name === "--tag")) {
            if (equals >= 0) tags.push(w.slice(equals + 1));
            else if (takesNext) tags.push(words[++i]);
        } else if (verb === "build" && /^-t./.test(w)) {
            tags.push(w.slice(2));
        } else if (equals >= 0 || flags.has(w) || (/^-[A-Za-z]{2,}$/.test(w) && verb !== "build" && [...w.slice(1)].every((c) => SHORT_FLAGS.has(c)))) {
            // --opt=value, a flag, or a cluster of flags (-dit): nothing follows
        } else if (/^-[A-Za-z]./.test(w)) {
            // a short option with its value attached: -p8000:8000
        } else if (takesNext) {
            i++; // the option's value: a port map, an environment value, a name, a path…
        }
    }
    const named = verb === "build" ? tags : verb === "tag" ? operands.slice(0, 2) : operands.slice(0, 1);
    return named.filter((w): w is string => w !== undefined);
}

/** `FROM [--platform=…] IMAGE [AS name]` in Dockerfile text; a stage named earlier is not an image. */
function fromOperands(text: string): string[] {
    const found: string[] = [];
    const stages = new Set<string>();
    // Upper-case FROM only: "From the docs…" is prose.
    for (const match of text.matchAll(/^[ \t]*FROM[ \t]+((?:--\S+[ \t]+)*)(\S+)(?:[ \t]+[Aa][Ss][ \t]+(\S+))?/gm)) {
        const image = match[2].replace(/^["']|["']$/g, "");
        if (!stages.has(image.toLowerCase()) && !/[$`]/.test(image)) found.push(image);
        if (match[3]) stages.add(match[3].toLowerCase());
    }
    return found;
}

/**
 * Image references a piece of text names: the image operands of docker commands and `FROM` lines (see
 * the rules above), a workflow's `docker://…` references, and YAML `image:` keys (compose services,
 * workflow containers). Anything that does not parse as a reference is left out.
 */
export function findImageReferences(text: string): string[] {
    const candidates: string[] = [];
    for (const words of shellCommands(text)) candidates.push(...dockerOperands(words));
    candidates.push(...fromOperands(text));
    for (const m of text.matchAll(/docker:\/\/([^\s"'`]+)/g)) candidates.push(m[1]);
    for (const m of text.matchAll(/^[ \t]*(?:-[ \t]+)?image:[ \t]*["']?([^\s"'#]+)/gm)) candidates.push(m[1]);
    return [...new Set(candidates)].filter((candidate) => parseImageReference(candidate) !== undefined);
}
