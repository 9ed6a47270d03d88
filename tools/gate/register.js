/* eslint-disable @typescript-eslint/no-require-imports -- this file is plain CommonJS: it is what lets Node load the TypeScript */
/**
 * `node -r ./tools/gate/register.js FILE.ts`: loads TypeScript the way `ts-node/register/transpile-only`
 * does — each file transpiled on its own with the repository's tsconfig.json, no type checking (that is
 * `npm run typecheck`'s job) — but keeps each transpiled file on disk, keyed by its path and content, the
 * compiler options and the TypeScript version. A run whose sources have not changed loads no compiler at
 * all; that is most of what the offline gate used to spend before the program even started.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");

const ROOT = path.resolve(__dirname, "../..");
const CACHE_DIR = path.join(ROOT, "node_modules", ".cache", "projectmeats-ts");
/**
 * Node's own compile cache (V8 code for every module this process loads, the SDKs included; keyed by
 * each file's content and Node's version, so a changed file is compiled anew). Shared with the policy
 * pack's process (servePack.js).
 */
const V8_CACHE_DIR = path.join(ROOT, "node_modules", ".cache", "projectmeats-v8");
Module.enableCompileCache?.(V8_CACHE_DIR);
const TSCONFIG = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8"));
const TS_VERSION = JSON.parse(fs.readFileSync(require.resolve("typescript/package.json", { paths: [ROOT] }), "utf8")).version;
const KEY = JSON.stringify([TS_VERSION, TSCONFIG.compilerOptions]);

let compilerOptions;
/** TypeScript, loaded only when a file is not in the cache. */
function transpile(source, filename) {
    const ts = require(require.resolve("typescript", { paths: [ROOT] }));
    if (compilerOptions === undefined) {
        compilerOptions = ts.convertCompilerOptionsFromJson(TSCONFIG.compilerOptions, ROOT).options;
        // One file at a time, as ts-node's transpile-only mode: no output folder, no type information.
        delete compilerOptions.outDir;
        compilerOptions.sourceMap = false;
        compilerOptions.inlineSourceMap = false;
    }
    return ts.transpileModule(source, { fileName: filename, compilerOptions, reportDiagnostics: false }).outputText;
}

function load(module, filename) {
    const source = fs.readFileSync(filename, "utf8");
    const key = crypto.createHash("sha256").update(KEY).update("\0").update(filename).update("\0").update(source).digest("hex");
    const cached = path.join(CACHE_DIR, `${key}.js`);
    let code;
    try {
        code = fs.readFileSync(cached, "utf8");
    } catch {
        code = transpile(source, filename);
        // Written under a temporary name and renamed, so a concurrent run never reads half a file.
        const temporary = `${cached}.${process.pid}.tmp`;
        try {
            fs.mkdirSync(CACHE_DIR, { recursive: true });
            fs.writeFileSync(temporary, code);
            fs.renameSync(temporary, cached);
        } catch {
            // A cache that cannot be written only costs time.
        }
    }
    module._compile(code, filename);
}

require.extensions[".ts"] = load;
