/**
 * How the Pulumi engine compiles the program. With `main: infra/index.ts` it runs the program in
 * `infra/`, and `@pulumi/pulumi` 3.270.0 `cmd/run/run.js` then does:
 *   const tsConfigPath = process.env["PULUMI_NODEJS_TSCONFIG_PATH"] ?? "tsconfig.json";
 *   const skipProject = !fs.existsSync(tsConfigPath);
 * and registers ts-node with `{ project: tsConfigPath, skipProject, compilerOptions: {} }`, type
 * checking unless the config says `noCheck`. Without `infra/tsconfig.json` the project's own settings
 * would be skipped. This test does the same from `infra/` and compiles the program with type checks.
 */
import { spawnSync } from "child_process";
import * as ts from "typescript";
import * as fs from "fs";
import * as path from "path";
import { PROGRAM_DIR } from "../model/paths";

test("from infra/, the runtime finds a tsconfig.json that is the project's (strict, ES2022)", () => {
    expect(fs.existsSync(path.join(PROGRAM_DIR, "tsconfig.json"))).toBe(true);
    const parsed = ts.getParsedCommandLineOfConfigFile(path.join(PROGRAM_DIR, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    expect([parsed?.options.strict, parsed?.options.target]).toEqual([true, ts.ScriptTarget.ES2022]);
});

test("ts-node, set up as the runtime sets it up in infra/, compiles the program with type checks", () => {
    const script = `
        const fs = require("fs");
        const tsConfigPath = "tsconfig.json";
        require("ts-node").register({ project: tsConfigPath, skipProject: !fs.existsSync(tsConfigPath), compilerOptions: {} });
        try { require("./index.ts"); } catch (e) { process.stdout.write(e && e.diagnosticText ? "TSError: " + e.diagnosticText : "ran: " + String(e && e.message).split("\\n")[0]); }`;
    const result = spawnSync(process.execPath, ["-e", script], { cwd: PROGRAM_DIR, encoding: "utf8", env: { ...process.env, PULUMI_NODEJS_TSCONFIG_PATH: "" } });
    // Compiled and resolved, the program runs up to its configuration check and stops there: no engine
    // hands it a stack here. (Without infra/tsconfig.json it stops earlier: "Cannot find module …".)
    expect(result.stdout).not.toContain("TSError");
    expect(result.stdout).toMatch(/^ran: Stack "stack" has \d+ configuration problems; nothing was created or changed\./);
}, 120000);
