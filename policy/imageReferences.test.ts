import { findImageReferences, isLatestStyleTag, mutability, parseImageReference } from "./imageReferences";

const D = "sha256:" + "a".repeat(64);

/** [reference, domain, path, tag, digest, verdict] — verdict is what no-mutable-image-tags says. */
const REFERENCES: [string, string | undefined, string | undefined, string | undefined, string | undefined, "pinned" | "tagged" | "latest" | "untagged" | "invalid"][] = [
    ["nginx", undefined, "nginx", undefined, undefined, "untagged"],
    ["nginx:latest", undefined, "nginx", "latest", undefined, "latest"],
    ["nginx:1.27", undefined, "nginx", "1.27", undefined, "tagged"],
    ["library/nginx:1.27-alpine", undefined, "library/nginx", "1.27-alpine", undefined, "tagged"],
    ["docker.io/library/nginx", "docker.io", "library/nginx", undefined, undefined, "untagged"],
    ["registry.digitalocean.com/projectmeats/backend:dev-3f9c2ab", "registry.digitalocean.com", "projectmeats/backend", "dev-3f9c2ab", undefined, "tagged"],
    ["registry.digitalocean.com/projectmeats/backend:dev-latest", "registry.digitalocean.com", "projectmeats/backend", "dev-latest", undefined, "latest"],
    ["registry.digitalocean.com/projectmeats/frontend:prod_latest", "registry.digitalocean.com", "projectmeats/frontend", "prod_latest", undefined, "latest"],
    ["registry.digitalocean.com/projectmeats/frontend:v1.latest", "registry.digitalocean.com", "projectmeats/frontend", "v1.latest", undefined, "latest"],
    ["registry.digitalocean.com/projectmeats/frontend:LATEST", "registry.digitalocean.com", "projectmeats/frontend", "LATEST", undefined, "latest"],
    ["registry.digitalocean.com/projectmeats/frontend:latest-3f9c2ab", "registry.digitalocean.com", "projectmeats/frontend", "latest-3f9c2ab", undefined, "tagged"],
    ["registry.digitalocean.com/projectmeats/frontend:latestish", "registry.digitalocean.com", "projectmeats/frontend", "latestish", undefined, "tagged"],
    ["registry.digitalocean.com/projectmeats/backend", "registry.digitalocean.com", "projectmeats/backend", undefined, undefined, "untagged"],
    [`registry.digitalocean.com/projectmeats/backend@${D}`, "registry.digitalocean.com", "projectmeats/backend", undefined, D, "pinned"],
    [`registry.digitalocean.com/projectmeats/backend:dev-latest@${D}`, "registry.digitalocean.com", "projectmeats/backend", "dev-latest", D, "pinned"],
    [`registry.digitalocean.com/projectmeats/backend:dev-3f9c2ab@${D}`, "registry.digitalocean.com", "projectmeats/backend", "dev-3f9c2ab", D, "pinned"],
    ["localhost:5000/backend", "localhost:5000", "backend", undefined, undefined, "untagged"],
    ["localhost:5000/backend:rehearsal-3f9c2ab", "localhost:5000", "backend", "rehearsal-3f9c2ab", undefined, "tagged"],
    ["localhost/backend:1", "localhost", "backend", "1", undefined, "tagged"],
    ["127.0.0.1:5000/projectmeats/backend:latest", "127.0.0.1:5000", "projectmeats/backend", "latest", undefined, "latest"],
    ["registry.example.com:443/team/app", "registry.example.com:443", "team/app", undefined, undefined, "untagged"],
    ["registry.example.com:8443/team/app:2.0", "registry.example.com:8443", "team/app", "2.0", undefined, "tagged"],
    [`registry.example.com:8443/team/app@${D}`, "registry.example.com:8443", "team/app", undefined, D, "pinned"],
    ["[::1]:5000/app:1", "[::1]:5000", "app", "1", undefined, "tagged"],
    ["ghcr.io/pulumi/pulumi:3.140.0", "ghcr.io", "pulumi/pulumi", "3.140.0", undefined, "tagged"],
    ["ghcr.io/owner/image", "ghcr.io", "owner/image", undefined, undefined, "untagged"],
    ["quay.io/prometheus/node-exporter:latest", "quay.io", "prometheus/node-exporter", "latest", undefined, "latest"],
    ["gcr.io/distroless/static-debian12:nonroot", "gcr.io", "distroless/static-debian12", "nonroot", undefined, "tagged"],
    ["us-docker.pkg.dev/project/repo/image:1", "us-docker.pkg.dev", "project/repo/image", "1", undefined, "tagged"],
    ["public.ecr.aws/nginx/nginx:stable", "public.ecr.aws", "nginx/nginx", "stable", undefined, "tagged"],
    ["a/b/c/d/e:f", undefined, "a/b/c/d/e", "f", undefined, "tagged"],
    ["my_image:1", undefined, "my_image", "1", undefined, "tagged"],
    ["my__image:1", undefined, "my__image", "1", undefined, "tagged"],
    ["my--image:1", undefined, "my--image", "1", undefined, "tagged"],
    ["busybox:1.36.1-musl", undefined, "busybox", "1.36.1-musl", undefined, "tagged"],
    [`busybox@${D}`, undefined, "busybox", undefined, D, "pinned"],
    ["Nginx", undefined, undefined, undefined, undefined, "invalid"],
    ["nginx:", undefined, undefined, undefined, undefined, "invalid"],
    ["nginx:-bad", undefined, undefined, undefined, undefined, "invalid"],
    ["nginx@sha256:abc", undefined, undefined, undefined, undefined, "invalid"],
    ["-nginx", undefined, undefined, undefined, undefined, "invalid"],
    ["nginx_:1", undefined, undefined, undefined, undefined, "invalid"],
    ["registry.digitalocean.com//backend", undefined, undefined, undefined, undefined, "invalid"],
    ["", undefined, undefined, undefined, undefined, "invalid"],
];

describe("parseImageReference follows the OCI reference grammar", () => {
    test.each(REFERENCES)("%s", (text, domain, path, tag, digest, verdict) => {
        const ref = parseImageReference(text);
        if (verdict === "invalid") {
            expect(ref).toBeUndefined();
            return;
        }
        expect(ref).toEqual({ domain, path, tag, digest });
        const expected = { pinned: undefined, tagged: undefined, latest: "a latest-style tag", untagged: "no tag (means latest)" }[verdict];
        expect(mutability(ref!)).toBe(expected);
    });

    test("the table covers at least 40 references", () => {
        expect(REFERENCES.length).toBeGreaterThanOrEqual(40);
    });
});

test.each([
    ["latest", true],
    ["dev-latest", true],
    ["Latest", true],
    ["latest-1", false],
    ["notlatest", false],
    ["1.0", false],
])("isLatestStyleTag(%s) is %s", (tag, expected) => {
    expect(isLatestStyleTag(tag)).toBe(expected);
});

describe("findImageReferences", () => {
    test.each<[string, string[]]>([
        ["docker pull registry.digitalocean.com/projectmeats/backend:dev-latest", ["registry.digitalocean.com/projectmeats/backend:dev-latest"]],
        ["docker pull --quiet nginx && echo ok", ["nginx"]],
        [
            "docker run -d --name x -p 127.0.0.1:8000:8000 registry.digitalocean.com/projectmeats/backend:dev-3f9c2ab",
            ["registry.digitalocean.com/projectmeats/backend:dev-3f9c2ab"],
        ],
        ["FROM python:3.12-slim AS build\nRUN true", ["python:3.12-slim"]],
        ["steps:\n  - uses: docker://alpine:latest", ["alpine:latest"]],
        ["services:\n  db:\n    image: postgres:15\n", ["postgres:15"]],
        ["IMAGE='registry.digitalocean.com/projectmeats/backend@" + D + "'", ["registry.digitalocean.com/projectmeats/backend@" + D]],
        ["curl -fsS https://registry.digitalocean.com/v2/projectmeats/backend/tags/list", []],
        ["curl http://api.dev.projectmeats.com/api/v1/health/", []],
        ["echo hello world", []],
        ["see registry.digitalocean.com/projectmeats/frontend.", ["registry.digitalocean.com/projectmeats/frontend"]],
    ])("%j", (text, expected) => {
        expect(findImageReferences(text)).toEqual(expected);
    });
});
