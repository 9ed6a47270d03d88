import fc from "fast-check";
import { pinnedReference, registryAuthFromDockerConfig, releaseTag, repositoryOf } from "./images";

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;
const REPOSITORY = "registry.digitalocean.com/projectmeats/backend";
const dockerConfig = (auths: Record<string, { auth?: string }>) => JSON.stringify({ auths });
const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

test.each([
    ["dev", "1111111aaaaaaa", "dev-1111111aaaaaaa"],
    ["uat2", "0123456789abcdef0123456789abcdef01234567", "uat2-0123456789abcdef0123456789abcdef01234567"],
    ["prod", "abc", "prod-abc"],
])("releaseTag(%j, %j) is %j", (environment, sha, tag) => {
    expect(releaseTag(environment, sha)).toBe(tag);
});

describe("repositoryOf", () => {
    test.each([
        ["registry.digitalocean.com/meatscentral", "projectmeats-backend", "registry.digitalocean.com/meatscentral/projectmeats-backend"],
        ["registry.digitalocean.com/meatscentral", "projectmeats-frontend", "registry.digitalocean.com/meatscentral/projectmeats-frontend"],
        ["localhost:5000/pm", "backend", "localhost:5000/pm/backend"],
        ["r.example/x", "a.b_c-d9", "r.example/x/a.b_c-d9"],
    ])("repositoryOf(%j, %j) is %j", (endpoint, repository, reference) => {
        expect(repositoryOf(endpoint, repository)).toBe(reference);
    });

    test.each([
        ["empty", ""],
        ["upper case", "ProjectMeats-backend"],
        ["a path", "meatscentral/projectmeats-backend"],
        ["a tag", "projectmeats-backend:dev"],
        ["a leading separator", "-backend"],
        ["a trailing separator", "backend-"],
        ["two separators in a row", "a-.b"],
        ["a space", "project meats"],
    ])("refuses a repository name that is %s, quoting it", (_, repository) => {
        expect(() => repositoryOf("registry.digitalocean.com/meatscentral", repository)).toThrow(new Error(`not an image repository name: ${JSON.stringify(repository)}`));
    });
});

describe("pinnedReference", () => {
    test("pins the repository to the digest", () => {
        expect(pinnedReference(REPOSITORY, DIGEST)).toBe(`${REPOSITORY}@${DIGEST}`);
    });

    test.each([
        ["undefined", undefined],
        ["empty", ""],
    ])("a missing digest (%s) names the looked-up reference and how to fix it", (_, digest) => {
        expect(() => pinnedReference(REPOSITORY, digest, `${REPOSITORY}:dev-abc`)).toThrow(
            new Error(`the registry has no digest for ${REPOSITORY}:dev-abc: push the image before deploying this SHA (README, "First deployment")`),
        );
    });

    test("without a looked-up reference the message names the repository", () => {
        expect(() => pinnedReference(REPOSITORY, undefined)).toThrow(
            new Error(`the registry has no digest for ${REPOSITORY}: push the image before deploying this SHA (README, "First deployment")`),
        );
    });

    test.each([
        ["upper-case hex", `sha256:${"0123456789ABCDEF".repeat(4)}`],
        ["too short", `sha256:${"0".repeat(63)}`],
        ["too long", `sha256:${"0".repeat(65)}`],
        ["another algorithm", `sha512:${"0".repeat(64)}`],
        ["no algorithm", "0".repeat(64)],
        ["a tag", "dev-abc"],
        ["a trailing newline", `${DIGEST}\n`],
    ])("refuses a digest that is not sha256 (%s), quoting it", (_, digest) => {
        expect(() => pinnedReference(REPOSITORY, digest)).toThrow(new Error(`not a sha256 digest: ${JSON.stringify(digest)}`));
    });

    test("any sha256 digest pins any repository", () => {
        fc.assert(
            fc.property(fc.stringMatching(/^[a-z0-9.:/-]{1,60}$/), fc.stringMatching(/^[0-9a-f]{64}$/), (repository, hex) => {
                expect(pinnedReference(repository, `sha256:${hex}`)).toBe(`${repository}@sha256:${hex}`);
            }),
        );
    });
});

describe("registryAuthFromDockerConfig", () => {
    const SERVER = "registry.digitalocean.com";

    test("takes the user and password of the server apart", () => {
        expect(registryAuthFromDockerConfig(dockerConfig({ [SERVER]: { auth: base64("token-user:token-secret") } }), SERVER)).toEqual({
            address: SERVER,
            username: "token-user",
            password: "token-secret",
        });
    });

    test("splits at the first colon: the password may hold colons", () => {
        expect(registryAuthFromDockerConfig(dockerConfig({ [SERVER]: { auth: base64("u:p:a:ss") } }), SERVER)).toEqual({ address: SERVER, username: "u", password: "p:a:ss" });
    });

    test("picks the requested server among several", () => {
        const config = dockerConfig({ "ghcr.io": { auth: base64("gh:one") }, [SERVER]: { auth: base64("do:two") } });
        expect(registryAuthFromDockerConfig(config, SERVER)).toEqual({ address: SERVER, username: "do", password: "two" });
    });

    test.each([
        ["another server only", dockerConfig({ "ghcr.io": { auth: base64("gh:one") } }), "ghcr.io"],
        ["two other servers", dockerConfig({ "ghcr.io": { auth: base64("a:b") }, "docker.io": { auth: base64("c:d") } }), "ghcr.io, docker.io"],
        ["an entry without auth", dockerConfig({ [SERVER]: {} }), SERVER],
        ["empty auths", dockerConfig({}), "none"],
        ["no auths at all", "{}", "none"],
    ])("a config with %s has no credentials for the server, and says what it has", (_, config, has) => {
        expect(() => registryAuthFromDockerConfig(config, SERVER)).toThrow(new Error(`the Docker config has no credentials for ${SERVER} (it has: ${has})`));
    });

    test("credentials without a colon are not user:password", () => {
        expect(() => registryAuthFromDockerConfig(dockerConfig({ [SERVER]: { auth: base64("just-a-token") } }), SERVER)).toThrow(
            new Error(`the credentials for ${SERVER} are not user:password`),
        );
    });

    test("a config that is not JSON is refused", () => {
        expect(() => registryAuthFromDockerConfig("auths:", SERVER)).toThrow(SyntaxError);
    });

    test("any user (without a colon) and password survive the round trip", () => {
        fc.assert(
            fc.property(
                fc.string().filter((user) => !user.includes(":")),
                fc.string(),
                (username, password) => {
                    const config = dockerConfig({ [SERVER]: { auth: base64(`${username}:${password}`) } });
                    expect(registryAuthFromDockerConfig(config, SERVER)).toEqual({ address: SERVER, username, password });
                },
            ),
        );
    });
});
