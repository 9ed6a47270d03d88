import { UsesKind, classifyUses, findUses, isAllowedPatternPinned } from "./actionReferences";

const SHA = "11bd71901bbe5b1630ceea73d27597364c9af683";
const D = "sha256:" + "b".repeat(64);

const USES: [string, UsesKind, boolean][] = [
    [`actions/checkout@${SHA}`, "action", true],
    ["actions/checkout@v4", "action", false],
    ["actions/checkout@v4.2.2", "action", false],
    ["actions/checkout@main", "action", false],
    ["actions/checkout@master", "action", false],
    ["actions/checkout@11bd719", "action", false],
    ["actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af68", "action", false],
    // a full SHA pins in either case
    [`actions/checkout@${SHA.toUpperCase()}`, "action", true],
    [`actions/checkout@11BD71901bbe5b1630ceea73d27597364C9AF683`, "action", true],
    // compared trimmed, as GitHub does
    [`  actions/checkout@${SHA}  `, "action", true],
    [`\tactions/checkout@v4 `, "action", false],
    // any ${{ }} expression is unpinned, wherever it is
    ["actions/checkout@${{ env.SHA }}", "expression", false],
    ["${{ matrix.action }}", "expression", false],
    [`\${{ github.repository }}/.github/workflows/x.yml@${SHA}`, "expression", false],
    ["./.github/actions/${{ matrix.name }}", "expression", false],
    ["docker://alpine@${{ env.DIGEST }}", "expression", false],
    // local paths are exempt
    ["$/.github/actions/setup", "local", true],
    ["$/", "local", true],
    ["../other/action", "invalid", false],
    [`actions/checkout@${SHA}0`, "action", false],
    ["actions/checkout", "invalid", false],
    ["actions/checkout@", "invalid", false],
    ["checkout@v4", "invalid", false],
    [`actions/setup-node@${SHA}`, "action", true],
    ["actions/setup-node@v4", "action", false],
    [`pulumi/actions@${SHA}`, "action", true],
    ["pulumi/actions@v6", "action", false],
    ["pulumi/actions@refs/heads/main", "action", false],
    [`github/codeql-action/init@${SHA}`, "action", true],
    ["github/codeql-action/init@v3", "action", false],
    [`github/codeql-action/upload-sarif@${SHA}`, "action", true],
    [`aws-actions/configure-aws-credentials@${SHA}`, "action", true],
    ["docker/build-push-action@v6", "action", false],
    [`docker/build-push-action@${SHA}`, "action", true],
    [`owner/repo/.github/workflows/deploy.yml@${SHA}`, "reusable-workflow", true],
    ["owner/repo/.github/workflows/deploy.yml@main", "reusable-workflow", false],
    ["owner/repo/.github/workflows/deploy.yaml@v1", "reusable-workflow", false],
    [`owner/repo/.github/workflows/deploy.yaml@${SHA}`, "reusable-workflow", true],
    [`owner/repo/.github/workflows/nested/deploy.yml@${SHA}`, "action", true],
    ["./.github/actions/setup", "local", true],
    ["./.github/workflows/reusable.yml", "local", true],
    ["./", "local", true],
    ["docker://alpine:3.20", "docker", false],
    ["docker://alpine", "docker", false],
    ["docker://alpine:latest", "docker", false],
    [`docker://alpine@${D}`, "docker", true],
    [`docker://alpine:3.20@${D}`, "docker", true],
    [`docker://ghcr.io/owner/image@${D}`, "docker", true],
    ["docker://ghcr.io/owner/image:1.0", "docker", false],
    [`docker://localhost:5000/image@${D}`, "docker", true],
    ["docker://localhost:5000/image:5000", "docker", false],
    ["docker://Not_An_Image", "invalid", false],
    // docker:// needs a valid digest: sha256 and 64 lowercase hex, or sha512 and 128
    [`docker://alpine@sha512:${"c".repeat(128)}`, "docker", true],
    ["docker://alpine@sha256:abc", "docker", false],
    [`docker://alpine@sha256:${"B".repeat(64)}`, "docker", false],
    [`docker://alpine:3.20@sha256:${"b".repeat(63)}`, "docker", false],
    [`docker://alpine@sha1:${"b".repeat(40)}`, "docker", false],
    [`my-org/my.action_repo@${SHA}`, "action", true],
];

describe("classifyUses", () => {
    test.each(USES)("%s is %s, pinned %s", (uses, kind, pinned) => {
        expect(classifyUses(uses)).toMatchObject({ kind, pinned });
    });

    test("explains why a reference is not pinned", () => {
        expect(classifyUses("actions/checkout@v4").reason).toBe('uses the tag or branch "v4", which can move');
        expect(classifyUses("actions/checkout@11bd719").reason).toBe("uses a short SHA, which can become ambiguous");
        expect(classifyUses("docker://alpine:3.20").reason).toBe("names an image without a digest");
        expect(classifyUses("docker://alpine@sha256:abc").reason).toBe(
            'has the digest "sha256:abc", which pins nothing (sha256: and 64 lowercase hex characters, or sha512: and 128)',
        );
        expect(classifyUses("actions/checkout@${{ env.SHA }}").reason).toBe("is built with a ${{ }} expression, which can name any ref");
    });
});

test("findUses reads every uses: line, quoted or not, with or without a list dash, trimmed", () => {
    const workflow = [
        "jobs:",
        "  a:",
        "    uses: owner/repo/.github/workflows/x.yml@main",
        "  b:",
        "    steps:",
        `      - uses: actions/checkout@${SHA} # v4.2.2`,
        "      - name: x",
        "        uses: 'actions/setup-node@v4'",
        '      - uses: "./.github/actions/local"',
        '      - uses: " actions/cache@v4 "',
        "      - uses: actions/upload-artifact@${{ env.REF }}   ",
    ].join("\n");
    expect(findUses(workflow)).toEqual([
        "owner/repo/.github/workflows/x.yml@main",
        `actions/checkout@${SHA}`,
        "actions/setup-node@v4",
        "./.github/actions/local",
        "actions/cache@v4",
        "actions/upload-artifact@${{ env.REF }}",
    ]);
});

test.each([
    ["pulumi/actions@*", true],
    ["docker/*", true],
    [`pulumi/actions@${SHA}`, true],
    ["pulumi/actions@v6", false],
    ["pulumi/actions@main", false],
    ["pulumi/actions", true],
])("isAllowedPatternPinned(%s) is %s", (pattern, expected) => {
    expect(isAllowedPatternPinned(pattern)).toBe(expected);
});
