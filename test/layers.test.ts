/** Lint enforces the layers: imports only go down, and production code never imports tools or tests. */
import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

const REJECTED: readonly (readonly [string, string, string])[] = [
    ["components/server/planted-1.ts", 'import { STACK_NAMES } from "../../tools/stackFiles";', "components/ may import only model/"],
    ["components/server/planted-2.ts", 'import { loadStackConfig } from "../../config/stackConfig";', "components/ may import only model/"],
    ["config/planted-3.ts", 'import { runProgram } from "../tools/programRunner";', "config/ may import only model/"],
    ["model/planted-4.ts", 'import { parseStackConfig } from "../config/stackConfig";', "model/ imports nothing of ours"],
    ["infra/planted-5.ts", 'import { runProgram } from "../tools/programRunner";', "The program (infra/) never imports tools/"],
    ["tools/planted-6.ts", 'import { REJECTED } from "../test/layers.test";', "tools/ never imports test/"],
    ["rehearsal/planted-7.ts", 'import { REJECTED } from "../test/layers.test";', "rehearsal/ never imports test/"],
    ["policy/planted-8.ts", 'import { SERVICES } from "../model/services";', "policy/ is its own package"],
];
const ALLOWED: readonly (readonly [string, string])[] = [
    ["components/server/planted-9.ts", 'import { DEPLOY_USER } from "../../model/layout";'],
    ["config/planted-10.ts", 'import { SERVICES } from "../model/services";'],
    ["tools/planted-11.ts", 'import { parseStackConfig } from "../config/stackConfig";'],
    ["components/server/planted-12.test.ts", 'import { runProgram } from "../../tools/programRunner";'],
];

/**
 * Writes each planted file, lints it with the repository's own ESLint configuration and removes it.
 * The files must exist: typed linting only sees files of the TypeScript project. ESLint loads its
 * (ESM) configuration with a dynamic import, which Jest's module system refuses, so the linting runs
 * in a plain Node process, which removes the files however it ends.
 */
function lintPlanted(files: readonly (readonly [string, string])[]): Record<string, string[]> {
    const script = `
        const fs = require("fs");
        const { ESLint } = require("eslint");
        const files = JSON.parse(fs.readFileSync(0, "utf8"));
        const remove = () => files.forEach(([file]) => fs.rmSync(file, { force: true }));
        process.on("exit", remove);
        for (const [file, text] of files) fs.writeFileSync(file, text);
        new ESLint({ cwd: process.cwd() }).lintFiles(files.map(([file]) => file)).then((results) => {
            const found = Object.fromEntries(results.map((r) => [require("path").relative(process.cwd(), r.filePath),
                r.messages.filter((m) => m.ruleId === "no-restricted-imports" || m.fatal).map((m) => m.message)]));
            process.stdout.write(JSON.stringify(found));
        });`;
    const input = JSON.stringify(files.map(([file, line]) => [file, `${line}\nexport const planted = 1;\n`]));
    const result = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, input, encoding: "utf8" });
    if (result.status !== 0) throw new Error(result.stderr);
    return JSON.parse(result.stdout) as Record<string, string[]>;
}

let found: Record<string, string[]>;
beforeAll(() => {
    found = lintPlanted([...REJECTED.map(([file, line]) => [file, line] as const), ...ALLOWED]);
}, 120000);

test.each(REJECTED)("%s: %s is rejected", (file, _line, reason) => {
    expect(found[file]).toHaveLength(1);
    expect(found[file][0]).toContain(reason);
});

test.each(ALLOWED)("%s: %s is allowed", (file) => {
    expect(found[file]).toEqual([]);
});
