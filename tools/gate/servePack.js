/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, started by policyPack.ts */
/**
 * `node servePack.js RUNNER PACK`: serves a compiled policy pack through the SDK's policy-pack runner
 * (RUNNER is `@pulumi/pulumi/cmd/run-policy-pack/run`, what the Pulumi CLI's `pulumi-analyzer-policy`
 * runs). The runner loads PACK, whose `new PolicyPack(...)` prints the port of its gRPC Analyzer server
 * on stdout. TypeScript support is off: PACK is JavaScript, compiled ahead of time.
 */
"use strict";
const path = require("path");
// The compile cache register.js uses for the gate's own process (V8 code, keyed by content).
require("module").enableCompileCache?.(path.resolve(__dirname, "../../node_modules/.cache/projectmeats-v8"));
// The SDK's function serializer (npm's arborist, the TypeScript compiler), loaded only if a policy used it.
require("./deferSdk.js");
const [runner, pack] = process.argv.slice(2);
require(runner).run({ argv: { _: [pack] }, programStarted() {}, reportLoggedError() {}, typeScript: false });
