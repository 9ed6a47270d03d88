import fc from "fast-check";
import { digestNote, findImageReferences, isLatestStyleTag, isValidDigest, mutability, parseImageReference, shellCommands } from "./imageReferences";

const D = "sha256:" + "a".repeat(64);
const D512 = "sha512:" + "0123456789abcdef".repeat(8);

type Verdict = "pinned" | "tagged" | "latest" | "untagged" | "exempt" | "invalid";

/** [reference, domain, path, tag, digest, verdict] — verdict is what no-mutable-image-tags says. */
const REFERENCES: [string, string | undefined, string | undefined, string | undefined, string | undefined, Verdict][] = [
    ["nginx", undefined, "nginx", undefined, undefined, "untagged"],
    ["nginx:latest", undefined, "nginx", "latest", undefined, "latest"],
    ["nginx:1.27", undefined, "nginx", "1.27", undefined, "tagged"],
    ["library/nginx:1.27-alpine", undefined, "library/nginx", "1.27-alpine", undefined, "tagged"],
    ["docker.io/library/nginx", "docker.io", "library/nginx", undefined, undefined, "untagged"],
    ["registry.digitalocean.com/projectmeats/backend:dev-3f9c2ab", "registry.digitalocean.com", "projectmeats/backend", "dev-3f9c2ab", undefined, "tagged"],
    ["registry.digitalocean.com/projectmeats/backend:dev-latest", "registry.digitalocean.com", "projectmeats/backend", "dev-latest", undefined, "latest"],
    // latest-style means a `-`-separated part equal to `latest`, case-sensitively
    ["registry.digitalocean.com/projectmeats/frontend:latest-3f9c2ab", "registry.digitalocean.com", "projectmeats/frontend", "latest-3f9c2ab", undefined, "latest"],
    ["registry.digitalocean.com/projectmeats/frontend:uat-latest-2", "registry.digitalocean.com", "projectmeats/frontend", "uat-latest-2", undefined, "latest"],
    ["registry.digitalocean.com/projectmeats/frontend:prod_latest", "registry.digitalocean.com", "projectmeats/frontend", "prod_latest", undefined, "tagged"],
    ["registry.digitalocean.com/projectmeats/frontend:v1.latest", "registry.digitalocean.com", "projectmeats/frontend", "v1.latest", undefined, "tagged"],
    ["registry.digitalocean.com/projectmeats/frontend:LATEST", "registry.digitalocean.com", "projectmeats/frontend", "LATEST", undefined, "tagged"],
    ["registry.digitalocean.com/projectmeats/frontend:dev-Latest", "registry.digitalocean.com", "projectmeats/frontend", "dev-Latest", undefined, "tagged"],
    ["registry.digitalocean.com/projectmeats/frontend:latestish", "registry.digitalocean.com", "projectmeats/frontend", "latestish", undefined, "tagged"],
    ["registry.digitalocean.com/projectmeats/frontend:notlatest", "registry.digitalocean.com", "projectmeats/frontend", "notlatest", undefined, "tagged"],
    ["registry.digitalocean.com/projectmeats/backend", "registry.digitalocean.com", "projectmeats/backend", undefined, undefined, "untagged"],
    // a valid digest pins, whatever the tag says
    [`registry.digitalocean.com/projectmeats/backend@${D}`, "registry.digitalocean.com", "projectmeats/backend", undefined, D, "pinned"],
    [`registry.digitalocean.com/projectmeats/backend:dev-latest@${D}`, "registry.digitalocean.com", "projectmeats/backend", "dev-latest", D, "pinned"],
    [`registry.digitalocean.com/projectmeats/backend:dev-3f9c2ab@${D}`, "registry.digitalocean.com", "projectmeats/backend", "dev-3f9c2ab", D, "pinned"],
    [`busybox@${D512}`, undefined, "busybox", undefined, D512, "pinned"],
    // an invalid digest pins nothing: the tag decides
    ["nginx@sha256:abc", undefined, "nginx", undefined, "sha256:abc", "untagged"],
    [`nginx@sha256:${"A".repeat(64)}`, undefined, "nginx", undefined, `sha256:${"A".repeat(64)}`, "untagged"],
    [`nginx:latest@sha256:${"a".repeat(63)}`, undefined, "nginx", "latest", `sha256:${"a".repeat(63)}`, "latest"],
    [`nginx:1.27@sha256:${"a".repeat(65)}`, undefined, "nginx", "1.27", `sha256:${"a".repeat(65)}`, "tagged"],
    [`nginx@sha512:${"a".repeat(64)}`, undefined, "nginx", undefined, `sha512:${"a".repeat(64)}`, "untagged"],
    [`nginx@sha384:${"a".repeat(96)}`, undefined, "nginx", undefined, `sha384:${"a".repeat(96)}`, "untagged"],
    [`nginx@md5:${"a".repeat(32)}`, undefined, "nginx", undefined, `md5:${"a".repeat(32)}`, "untagged"],
    // scratch is Docker's empty base
    ["scratch", undefined, "scratch", undefined, undefined, "exempt"],
    ["scratch:latest", undefined, "scratch", "latest", undefined, "latest"],
    ["localhost:5000/backend", "localhost:5000", "backend", undefined, undefined, "untagged"],
    ["localhost:5000/backend:rehearsal-3f9c2ab", "localhost:5000", "backend", "rehearsal-3f9c2ab", undefined, "tagged"],
    ["localhost/backend:1", "localhost", "backend", "1", undefined, "tagged"],
    ["127.0.0.1:5000/projectmeats/backend:latest", "127.0.0.1:5000", "projectmeats/backend", "latest", undefined, "latest"],
    ["registry.example.com:443/team/app", "registry.example.com:443", "team/app", undefined, undefined, "untagged"],
    ["registry.example.com:8443/team/app:2.0", "registry.example.com:8443", "team/app", "2.0", undefined, "tagged"],
    [`registry.example.com:8443/team/app@${D}`, "registry.example.com:8443", "team/app", undefined, D, "pinned"],
    ["[::1]:5000/app:1", "[::1]:5000", "app", "1", undefined, "tagged"],
    ["ghcr.io/pulumi/pulumi:3.140.0", "ghcr.io", "pulumi/pulumi", "3.140.0", undefined, "tagged"],
    ["quay.io/prometheus/node-exporter:latest", "quay.io", "prometheus/node-exporter", "latest", undefined, "latest"],
    ["us-docker.pkg.dev/project/repo/image:1", "us-docker.pkg.dev", "project/repo/image", "1", undefined, "tagged"],
    ["a/b/c/d/e:f", undefined, "a/b/c/d/e", "f", undefined, "tagged"],
    ["my__image:1", undefined, "my__image", "1", undefined, "tagged"],
    ["busybox:1.36.1-musl", undefined, "busybox", "1.36.1-musl", undefined, "tagged"],
    ["Nginx", undefined, undefined, undefined, undefined, "invalid"],
    ["nginx:", undefined, undefined, undefined, undefined, "invalid"],
    ["nginx:-bad", undefined, undefined, undefined, undefined, "invalid"],
    ["nginx@", undefined, undefined, undefined, undefined, "invalid"],
    ["-nginx", undefined, undefined, undefined, undefined, "invalid"],
    ["nginx_:1", undefined, undefined, undefined, undefined, "invalid"],
    ["registry.digitalocean.com//backend", undefined, undefined, undefined, undefined, "invalid"],
    ["", undefined, undefined, undefined, undefined, "invalid"],
];

describe("parseImageReference and mutability follow the OCI grammar and the pack's rules", () => {
    test.each(REFERENCES)("%s", (text, domain, path, tag, digest, verdict) => {
        const ref = parseImageReference(text);
        if (verdict === "invalid") {
            expect(ref).toBeUndefined();
            return;
        }
        expect(ref).toEqual({ domain, path, tag, digest });
        const expected = { pinned: undefined, exempt: undefined, tagged: undefined, latest: "a latest-style tag", untagged: "no tag (means latest)" }[verdict];
        expect(mutability(ref!)).toBe(expected);
    });
});

test.each([
    [D, true],
    [D512, true],
    [`sha256:${"a".repeat(63)}`, false],
    [`sha256:${"a".repeat(65)}`, false],
    [`sha256:${"A".repeat(64)}`, false],
    [`SHA256:${"a".repeat(64)}`, false],
    [`sha256:${"g".repeat(64)}`, false],
    [`sha512:${"a".repeat(127)}`, false],
    [`sha512:${"a".repeat(64)}`, false],
    [`sha384:${"a".repeat(96)}`, false],
])("isValidDigest(%s) is %s", (digest, expected) => {
    expect(isValidDigest(digest)).toBe(expected);
});

test("an invalid digest is named in the message, a valid one is not", () => {
    expect(digestNote(parseImageReference("nginx@sha256:abc")!)).toBe(
        ' (its digest "sha256:abc" pins nothing: a digest is sha256: and 64 lowercase hex characters, or sha512: and 128)',
    );
    expect(digestNote(parseImageReference(`nginx@${D}`)!)).toBe("");
});

test.each([
    ["latest", true],
    ["dev-latest", true],
    ["latest-1", true],
    ["a-latest-b", true],
    ["Latest", false],
    ["LATEST", false],
    ["dev-LATEST", false],
    ["dev_latest", false],
    ["v1.latest", false],
    ["latestish", false],
    ["notlatest", false],
    ["dev-latest2", false],
    ["1.0", false],
])("isLatestStyleTag(%s) is %s", (tag, expected) => {
    expect(isLatestStyleTag(tag)).toBe(expected);
});

test("any tag with a part `latest` is latest-style, whatever the other parts are", () => {
    const part = fc.stringMatching(/^[a-z0-9]{1,8}$/);
    fc.assert(fc.property(fc.array(part, { maxLength: 3 }), fc.array(part, { maxLength: 3 }), (before, after) => isLatestStyleTag([...before, "latest", ...after].join("-"))));
});

test("shellCommands splits commands, removes quotes and comments, and leaves expansions unknown", () => {
    expect(shellCommands(`a 'b c' "d" e\\ f # not this\ng; h && i | j $K "$L" m*`)).toEqual([
        ["a", "b c", "d", "e f"],
        ["g"],
        ["h"],
        ["i"],
        ["j", undefined, undefined, undefined],
    ]);
});

describe("findImageReferences: only image operands in shell text", () => {
    test.each<[string, string, string[]]>([
        // the commands that name images, read after their options
        ["docker pull", "docker pull registry.digitalocean.com/projectmeats/backend:dev-latest", ["registry.digitalocean.com/projectmeats/backend:dev-latest"]],
        ["docker pull with a flag", "docker pull --quiet nginx && echo ok", ["nginx"]],
        ["docker pull --platform=…", "docker pull --platform=linux/amd64 nginx:1.27", ["nginx:1.27"]],
        ["docker pull --platform …", "docker pull --platform linux/arm64 nginx:1.27", ["nginx:1.27"]],
        ["docker push", "docker push registry.digitalocean.com/projectmeats/backend:dev-3f9c2ab", ["registry.digitalocean.com/projectmeats/backend:dev-3f9c2ab"]],
        ["docker push --all-tags", "docker push -a registry.digitalocean.com/projectmeats/backend", ["registry.digitalocean.com/projectmeats/backend"]],
        [
            "docker tag: both operands",
            "docker tag backend:build registry.digitalocean.com/projectmeats/backend:dev-latest",
            ["backend:build", "registry.digitalocean.com/projectmeats/backend:dev-latest"],
        ],
        ["docker image tag", "docker image tag a:1 b:2", ["a:1", "b:2"]],
        ["docker create", "docker create --name web nginx:latest", ["nginx:latest"]],
        ["docker container create", "docker container create -e A=1 redis", ["redis"]],
        ["docker image pull", "docker image pull postgres:15", ["postgres:15"]],
        ["docker build -t", "docker build -t registry.digitalocean.com/projectmeats/backend:dev-latest .", ["registry.digitalocean.com/projectmeats/backend:dev-latest"]],
        ["docker build --tag=, two tags", "docker build --no-cache --tag=app:1 -t app:latest -f Dockerfile .", ["app:1", "app:latest"]],
        ["docker buildx build -tNAME", "docker buildx build --push -tapp:edge .", ["app:edge"]],
        ["docker build: the context is not an image", "docker build .", []],
        // run: options and their values are skipped; the first operand is the image, the rest its command
        [
            "docker run: port map, env value, volume, name",
            "docker run -d --rm -p 127.0.0.1:8000:8000 -e IMAGE=nginx:latest -v /srv/data:/data --name backend-3f9c2ab registry.digitalocean.com/projectmeats/backend@" +
                D +
                " gunicorn app:wsgi",
            ["registry.digitalocean.com/projectmeats/backend@" + D],
        ],
        ["docker run -dit, --platform=", "docker run -dit --platform=linux/amd64 alpine:3.20 sh -c 'echo busybox:latest'", ["alpine:3.20"]],
        ["docker run -p8000:8000 (value attached)", "docker run -p8000:8000 -eA=b nginx", ["nginx"]],
        ["docker run --env-file, --network=", "docker run --env-file /srv/projectmeats/backend.env --network=host backend:prod-1", ["backend:prod-1"]],
        ["docker container run", "docker container run --rm busybox:1.36 true", ["busybox:1.36"]],
        [
            "sudo, an environment prefix, docker's own options",
            "sudo DOCKER_CONFIG=/x docker --context ci -H unix:///var/run/docker.sock pull ghcr.io/o/i:latest",
            ["ghcr.io/o/i:latest"],
        ],
        ["a command in a YAML step", "      - run: docker pull nginx:latest", ["nginx:latest"]],
        ["/usr/bin/docker", "/usr/bin/docker pull nginx:1", ["nginx:1"]],
        // what is never an image
        ["an image held in a variable", 'docker run -d "$IMAGE" && docker pull ${REGISTRY}/backend:${TAG}', []],
        ["docker commands that name no image", "docker ps -a && docker logs backend && docker stop backend-3f9c2ab && docker rm -f x", []],
        ["a port map alone", "-p 127.0.0.1:8000:8000", []],
        ["an environment value", "IMAGE=registry.digitalocean.com/projectmeats/backend:dev-latest", []],
        ["prose naming an image", "Deploys registry.digitalocean.com/projectmeats/frontend:latest to the droplets.", []],
        ["prose starting a line with From", "From the registry, pull nginx:latest by hand.", []],
        ["a runner label", "runs-on: ubuntu-24.04\nruns-on: [self-hosted, linux]", []],
        ["a comment", "# docker pull nginx:latest\ntrue", []],
        ["docker in quotes is an argument", "echo 'docker pull nginx:latest'", []],
        ["URLs", "curl -fsS https://registry.digitalocean.com/v2/projectmeats/backend/tags/list", []],
        // FROM lines
        ["FROM with a stage name", "FROM python:3.12-slim AS build\nRUN true", ["python:3.12-slim"]],
        ["FROM --platform=", "FROM --platform=linux/amd64 node:20 AS web", ["node:20"]],
        ["FROM a stage named earlier is not an image", "FROM node:20 AS build\nRUN npm ci\nFROM build AS test\nFROM nginx:1.27", ["node:20", "nginx:1.27"]],
        ["FROM scratch is found (and exempt)", "FROM scratch\nCOPY app /", ["scratch"]],
        ["FROM an argument", "ARG BASE\nFROM ${BASE}", []],
        // workflow and compose forms
        ["docker:// in a workflow step", "steps:\n  - uses: docker://alpine:latest", ["alpine:latest"]],
        ["a compose image: key", "services:\n  db:\n    image: postgres:15\n", ["postgres:15"]],
        ["a workflow container image: key", "jobs:\n  t:\n    container:\n      image: 'node:22'\n", ["node:22"]],
    ])("%s", (_, text, expected) => {
        expect(findImageReferences(text)).toEqual(expected);
    });
});
