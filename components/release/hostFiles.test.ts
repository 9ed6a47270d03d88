import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { HOST_SCRIPTS, REMOTE_SCRIPT_DIR, envFileDigest, envFilePath, localScript, remoteScript, renderEnvFile, scriptAssetPath, scriptDigest } from "./hostFiles";

const REPOSITORY = path.resolve(__dirname, "..", "..");

test("ships exactly the scripts of host/droplet/, the library first", () => {
    expect(HOST_SCRIPTS).toEqual(["lib.sh", "health-check.sh", "migrate.sh", "deploy.sh", "db-rights.sh", "db-rights.py"]);
    expect([...HOST_SCRIPTS].sort()).toEqual(fs.readdirSync(path.join(REPOSITORY, "host", "droplet")).sort());
});

test("scripts live in the release's bin folder on the host", () => {
    expect(REMOTE_SCRIPT_DIR).toBe("/srv/projectmeats/bin");
});

test.each([
    ["lib.sh", "host/droplet/lib.sh", "../host/droplet/lib.sh", "/srv/projectmeats/bin/lib.sh"],
    ["health-check.sh", "host/droplet/health-check.sh", "../host/droplet/health-check.sh", "/srv/projectmeats/bin/health-check.sh"],
    ["migrate.sh", "host/droplet/migrate.sh", "../host/droplet/migrate.sh", "/srv/projectmeats/bin/migrate.sh"],
    ["deploy.sh", "host/droplet/deploy.sh", "../host/droplet/deploy.sh", "/srv/projectmeats/bin/deploy.sh"],
    ["db-rights.sh", "host/droplet/db-rights.sh", "../host/droplet/db-rights.sh", "/srv/projectmeats/bin/db-rights.sh"],
    ["db-rights.py", "host/droplet/db-rights.py", "../host/droplet/db-rights.py", "/srv/projectmeats/bin/db-rights.py"],
] as const)("%s: local %s, asset path %s (from infra/), remote %s", (script, local, asset, remote) => {
    expect(localScript(script)).toBe(path.join(REPOSITORY, local));
    expect(scriptAssetPath(script)).toBe(asset);
    expect(remoteScript(script)).toBe(remote);
});

test.each(HOST_SCRIPTS)("the digest of %s is the SHA-256 of its bytes, in hex", (script) => {
    const expected = crypto
        .createHash("sha256")
        .update(fs.readFileSync(path.join(REPOSITORY, "host", "droplet", script)))
        .digest("hex");
    expect(scriptDigest(script)).toBe(expected);
});

test("every script has its own digest", () => {
    expect(new Set(HOST_SCRIPTS.map(scriptDigest)).size).toBe(HOST_SCRIPTS.length);
});

test.each([
    ["backend", "/srv/projectmeats/backend.env"],
    ["frontend", "/srv/projectmeats/frontend.env"],
] as const)("the %s env file is %s", (service, file) => {
    expect(envFilePath(service)).toBe(file);
});

describe("renderEnvFile", () => {
    test.each([
        ["no variables", {}, ""],
        ["one variable", { DJANGO_DEBUG: "False" }, "DJANGO_DEBUG=False\n"],
        ["variables in the order given", { B: "2", A: "1", _C9: "3" }, "B=2\nA=1\n_C9=3\n"],
        ["an empty value", { EMPTY: "" }, "EMPTY=\n"],
        [
            "a URL, verbatim: Docker does not unquote",
            { DATABASE_URL: "postgresql://u:p%40ss@h:25060/db?sslmode=require" },
            "DATABASE_URL=postgresql://u:p%40ss@h:25060/db?sslmode=require\n",
        ],
        ["quotes, spaces, = and # verbatim", { V: `a "b" 'c' =d #e` }, `V=a "b" 'c' =d #e\n`],
    ])("%s", (_, variables, rendered) => {
        expect(renderEnvFile(variables)).toBe(rendered);
    });

    test.each([["lower"], ["Mixed_Case"], ["9LEADING_DIGIT"], ["WITH-DASH"], ["WITH SPACE"], [""], ["A=B"]])("refuses the key %j", (key) => {
        expect(() => renderEnvFile({ GOOD: "1", [key]: "x" })).toThrow(new Error(`env file key must be UPPER_SNAKE_CASE, got ${JSON.stringify(key)}`));
    });

    test.each([
        ["a newline", "a\nB=injected"],
        ["a carriage return", "a\rb"],
        ["a NUL", "a\0b"],
    ])("refuses a value holding %s, naming the key but not the value", (_, value) => {
        expect(() => renderEnvFile({ DATABASE_URL: value })).toThrow(new Error("env file value of DATABASE_URL must be one line"));
    });
});

describe("envFileDigest", () => {
    // Expected values from `printf … | sha256sum`, what deploy.sh compares against.
    test.each([
        ["an empty file", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        ["one variable", "DJANGO_DEBUG=False\n", "11ce3a5d366468f4dcbc534c89f99e6fb53daa48d6acb816cdfd69aa7634d9a9"],
        ["non-ASCII content, as UTF-8", "K=caf\u00e9\n", "6cc23858972f5e9f39b8f625ec0ebeb41aea8772d9106af1de1e6ca2e26041b0"],
    ])("%s", (_, content, digest) => {
        expect(envFileDigest(content)).toBe(digest);
    });
});
