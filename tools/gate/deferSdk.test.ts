/**
 * deferSdk.js in a Node process of its own (Jest's module registry does not go through Node's loader):
 * the SDK loads without its function serializer's two heavy modules, and serializing a function still
 * works, loading them then.
 */
import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");

function inNode(script: string): Record<string, unknown> {
    const result = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
    expect(result.status).toBe(0);
    return JSON.parse(result.stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
}

const LOADED = `const loaded = (name) => Object.keys(require.cache).some((file) => file.includes(name));`;

test("the SDK loads without npm's arborist and the TypeScript compiler", () => {
    expect(
        inNode(`require("./tools/gate/deferSdk.js"); require("@pulumi/pulumi"); ${LOADED}
            console.log(JSON.stringify({ arborist: loaded("/@npmcli/arborist/"), typescript: loaded("/typescript/lib/typescript.js") }));`),
    ).toEqual({ arborist: false, typescript: false });
});

test("without deferSdk.js the SDK loads both: the two requests it defers are the SDK's own", () => {
    expect(
        inNode(`require("@pulumi/pulumi"); ${LOADED}
            console.log(JSON.stringify({ arborist: loaded("/@npmcli/arborist/"), typescript: loaded("/typescript/lib/typescript.js") }));`),
    ).toEqual({ arborist: true, typescript: true });
});

test("a program that serializes a function gets the same code, the compiler loaded on first use", () => {
    const script = (defer: boolean) =>
        `${defer ? 'require("./tools/gate/deferSdk.js");' : ""} const pulumi = require("@pulumi/pulumi"); ${LOADED}
        const answer = 42;
        pulumi.runtime.serializeFunction(() => answer).then((f) => console.log(JSON.stringify({ text: f.text, typescript: loaded("/typescript/lib/typescript.js") })));`;
    const deferred = inNode(script(true));
    expect(deferred.typescript).toBe(true);
    expect(deferred.text).toContain("42");
    expect(deferred.text).toBe(inNode(script(false)).text);
});
