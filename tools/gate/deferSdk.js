/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS: loaded by the gate's process and the pack's before the SDK */
/**
 * Defers the two heaviest modules `@pulumi/pulumi` loads, until something uses them. Both serve only
 * the serialization of JavaScript functions into code (`pulumi.runtime.serializeFunction` and
 * `computeCodePaths`, for dynamic providers and function callbacks), which a program run under mocks
 * and a policy pack never call: npm's `@npmcli/arborist` (with pacote, sigstore, tar, …), required by
 * `runtime/closure/codePaths.js`, and the TypeScript compiler, required by `runtime/closure/parseFunction.js`.
 * Together they were more than half of the time to load the SDK, in each of the gate's two processes.
 *
 * Each is replaced, for those two requirers only, by a stand-in that loads the real module the first
 * time any property of it is read, and from then on answers with the real module's; so a program that
 * does serialize a function gets exactly what it would have got. Nothing else changes: every other
 * module, and these two for any other requirer, load as usual.
 */
"use strict";
const Module = require("module");
const path = require("path");

const CLOSURE = `${path.sep}@pulumi${path.sep}pulumi${path.sep}runtime${path.sep}closure${path.sep}`;
/** The deferred requests, by the file (in the SDK's closure folder) that makes them. */
const DEFERRED = { "codePaths.js": "@npmcli/arborist", "parseFunction.js": "../../typescript-shim" };

/**
 * A module's stand-in. It says it is an ES module (`__esModule`), so the TypeScript helpers that wrap
 * a CommonJS module (`__importStar`) take it as it is instead of copying its properties, which would
 * load it at once; `default` answers the module itself, as those helpers would.
 */
function deferred(load) {
    let real;
    const module = () => (real ??= load());
    return new Proxy(
        {},
        {
            get: (_, key) => (key === "__esModule" ? true : key === "default" && !("default" in module()) ? module() : module()[key]),
            has: (_, key) => key in module(),
            ownKeys: () => Reflect.ownKeys(module()),
            getOwnPropertyDescriptor: (_, key) => {
                const descriptor = Reflect.getOwnPropertyDescriptor(module(), key);
                return descriptor && { ...descriptor, configurable: true };
            },
        },
    );
}

const load = Module._load;
Module._load = function (request, parent, isMain) {
    const file = parent?.filename;
    if (file?.includes(CLOSURE) && DEFERRED[path.basename(file)] === request) return deferred(() => load.call(this, request, parent, isMain));
    return load.call(this, request, parent, isMain);
};
