/**
 * Serves the real policy pack the way the Pulumi CLI does — the SDK's policy-pack runner
 * (`@pulumi/pulumi/cmd/run-policy-pack`), started in the pack's folder, prints the port of its gRPC
 * Analyzer server — and feeds it resources through the Analyzer interface: each resource (`Analyze`),
 * then the whole stack (`AnalyzeStack`).
 *
 * The pack runs compiled ahead of time (`compilePolicyPack`, into `policy/bin/<hash>/`), not through
 * ts-node: type-checking the pack at every start was most of the gate's time. `pulumi preview
 * --policy-pack policy` is untouched: the CLI still loads `policy/index.ts` (package.json `main`).
 */
import * as grpc from "@grpc/grpc-js";
import { ChildProcess, spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { RecordedResource } from "../programRunner";

export const POLICY_DIR = path.resolve(__dirname, "../../policy");

export interface Violation {
    readonly policy: string;
    /** What the policy checks (its description). */
    readonly description: string;
    /** What is wrong and how to fix it. */
    readonly message: string;
    readonly enforcementLevel: "advisory" | "mandatory" | "disabled" | "remediate";
    readonly urn: string;
}

export interface PolicyPackServer {
    readonly pid: number;
    /** `Analyze` for one resource, as the engine sends it when the resource is registered. */
    analyzeResource(resource: RecordedResource): Promise<Violation[]>;
    /** `AnalyzeStack` alone, as the engine sends it once the program has finished. */
    analyzeStackOnly(resources: readonly RecordedResource[]): Promise<Violation[]>;
    /** Both: each resource, then the whole stack; violations in that order. */
    analyzeStack(resources: readonly RecordedResource[]): Promise<Violation[]>;
    stop(): Promise<void>;
}

const LEVELS: Record<number, Violation["enforcementLevel"]> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };

function options(resource: RecordedResource): analyzer.AnalyzerResourceOptions {
    // Without options the pack answers "A more recent version of the Pulumi CLI is required".
    return new analyzer.AnalyzerResourceOptions()
        .setProtect(resource.protect)
        .setIgnorechangesList([...resource.ignoreChanges])
        .setDeletebeforereplace(resource.deleteBeforeReplace)
        .setDeletebeforereplacedefined(true)
        .setAdditionalsecretoutputsList([...resource.additionalSecretOutputs])
        .setParent(resource.parent);
}

function call<Req, Res>(method: (req: Req, callback: (err: grpc.ServiceError | null, res: Res) => void) => unknown, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => method(req, (err, res) => (err ? reject(err) : resolve(res))));
}

function diagnostics(response: analyzer.AnalyzeResponse): Violation[] {
    return response.getDiagnosticsList().map((d) => ({
        policy: d.getPolicyname(),
        description: d.getDescription(),
        // @pulumi/policy sends "<description>\n<message>"; keep only the message.
        message: d.getMessage().startsWith(`${d.getDescription()}\n`) ? d.getMessage().slice(d.getDescription().length + 1) : d.getMessage(),
        enforcementLevel: LEVELS[d.getEnforcementlevel()] ?? "advisory",
        urn: d.getUrn(),
    }));
}

/**
 * Sends each policy its configuration, as the CLI does before analysis: the defaults of its
 * `configSchema`, with `overrides` on top (what `--policy-pack-config` would give, by policy name).
 */
async function configure(client: AnalyzerClient, overrides: Readonly<Record<string, Record<string, unknown>>>): Promise<void> {
    const info = await call<Empty, analyzer.AnalyzerInfo>(client.getAnalyzerInfo.bind(client), new Empty());
    const request = new analyzer.ConfigureAnalyzerRequest();
    for (const policy of info.getPoliciesList()) {
        const schema = (policy.getConfigschema()?.getProperties()?.toJavaScript() ?? {}) as Record<string, { default?: unknown }>;
        const defaults = {
            ...Object.fromEntries(
                Object.entries(schema)
                    .filter(([, p]) => p.default !== undefined)
                    .map(([k, p]) => [k, p.default]),
            ),
            ...overrides[policy.getName()],
        };
        request
            .getPolicyconfigMap()
            .set(
                policy.getName(),
                new analyzer.PolicyConfig().setEnforcementlevel(policy.getEnforcementlevel()).setProperties(Struct.fromJavaScript(defaults as Record<string, never>)),
            );
    }
    await call(client.configure.bind(client), request);
}

/** The pack's own sources and build settings: what its compiled copy is keyed on. */
function packInputs(): { files: string[]; hash: string } {
    const files = fs
        .readdirSync(POLICY_DIR)
        .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts") && !file.endsWith(".d.ts"))
        .sort();
    const hash = crypto.createHash("sha256");
    for (const file of [...files, "tsconfig.json", "package.json"])
        hash.update(`${file}\0`)
            .update(fs.readFileSync(path.join(POLICY_DIR, file)))
            .update("\0");
    hash.update(fs.readFileSync(require.resolve("typescript/package.json")));
    return { files, hash: hash.digest("hex").slice(0, 16) };
}

/** The entry point of the pack's current build, if it is built. */
function builtPolicyPack(): string | undefined {
    const entry = path.join(POLICY_DIR, "bin", packInputs().hash, "index.js");
    return fs.existsSync(entry) ? entry : undefined;
}

/** Thrown when the pack does not compile; the message lists every TypeScript error as file:line:column. */
export class PolicyPackCompileError extends Error {
    constructor(readonly diagnostics: readonly string[]) {
        super(`The policy pack (policy/) does not compile, so the Pulumi CLI could not load it either:\n${diagnostics.map((d) => `  - ${d}`).join("\n")}`);
        this.name = "PolicyPackCompileError";
    }
}

/**
 * The pack compiled to JavaScript in `policy/bin/<hash>/`, where the hash covers its sources, its
 * tsconfig.json and package.json, and the TypeScript version: built on demand when stale, type-checked
 * as the CLI's runner would (errors throw `PolicyPackCompileError`), and written to a temporary folder
 * renamed into place, so concurrent gates never load half a build. Returns the entry point.
 */
export async function compilePolicyPack(): Promise<string> {
    const { files, hash } = packInputs();
    const binDir = path.join(POLICY_DIR, "bin");
    const outDir = path.join(binDir, hash);
    const entry = path.join(outDir, "index.js");
    if (fs.existsSync(entry)) return entry;

    // Loaded only to build: a gate whose pack is already built never loads the compiler.
    const ts = await import("typescript");
    const configFile = ts.readConfigFile(path.join(POLICY_DIR, "tsconfig.json"), (file) => ts.sys.readFile(file));
    const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, POLICY_DIR);
    const building = path.join(binDir, `.building-${process.pid}-${crypto.randomBytes(4).toString("hex")}`);
    const program = ts.createProgram(
        files.map((file) => path.join(POLICY_DIR, file)),
        { ...parsed.options, outDir: building, rootDir: POLICY_DIR, noEmitOnError: true },
    );
    const emitted = program.emit();
    const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics].filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (diagnostics.length > 0) {
        fs.rmSync(building, { recursive: true, force: true });
        throw new PolicyPackCompileError(
            diagnostics.map((d) => {
                const text = ts.flattenDiagnosticMessageText(d.messageText, " ");
                if (!d.file || d.start === undefined) return text;
                const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
                return `${path.relative(path.dirname(POLICY_DIR), d.file.fileName)}:${line + 1}:${character + 1}: ${text}`;
            }),
        );
    }
    try {
        fs.renameSync(building, outDir);
    } catch {
        // Another gate built the same sources first; its build is identical.
        fs.rmSync(building, { recursive: true, force: true });
    }
    // Older builds are of sources that no longer exist; keep only the newest few.
    const builds = fs
        .readdirSync(binDir)
        .filter((name) => /^[0-9a-f]{16}$/.test(name) && name !== hash)
        .map((name) => ({ name, time: fs.statSync(path.join(binDir, name)).mtimeMs }))
        .sort((a, b) => b.time - a.time);
    for (const old of builds.slice(2)) fs.rmSync(path.join(binDir, old.name), { recursive: true, force: true });
    return entry;
}

/**
 * Starts the pack, as a child process whose PID is recorded and stopped by `stop()`. The child runs the
 * SDK's policy-pack runner (`run-policy-pack/run`, what `pulumi-analyzer-policy` starts) on the compiled
 * pack through `servePack.js`, which leaves out only what a TypeScript pack needs (ts-node) and what a
 * pack never uses (the inspector hooks for serializing closures), and loads the SDK's function
 * serializer only if something calls it (`deferSdk.js`).
 */
export async function startPolicyPack(
    settings: {
        readonly config?: Readonly<Record<string, Record<string, unknown>>>;
        /** Called once the pack has printed its port: it is loaded and answers within milliseconds from now on. */
        readonly onServing?: () => void;
    } = {},
): Promise<PolicyPackServer> {
    // Built already (the usual case): the pack is started at once, before the caller goes on.
    const entry = builtPolicyPack() ?? (await compilePolicyPack());
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack/run", { paths: [POLICY_DIR] });
    const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, "servePack.js"), runner, entry], { cwd: POLICY_DIR, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    let serving = false;
    const port = await new Promise<number>((resolve, reject) => {
        let stdout = "";
        child.stdout!.on("data", (chunk: Buffer) => {
            stdout += chunk.toString();
            const line = /^(\d+)\s*$/m.exec(stdout);
            if (line && !serving) {
                serving = true;
                resolve(Number(line[1]));
                settings.onServing?.();
            }
        });
        child.on("exit", (code) => reject(new Error(`the policy pack exited with ${code} before serving:\n${stderr}`)));
    });
    const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    await configure(client, settings.config ?? {});

    // A resource's inputs go out twice, in its `Analyze` and in `AnalyzeStack`: converted once, for as
    // long as the record holds the same inputs (records are values; a changed resource is a new record).
    const converted = new WeakMap<RecordedResource, { inputs: RecordedResource["inputs"]; struct: Struct }>();
    const properties = (resource: RecordedResource): Struct => {
        let entry = converted.get(resource);
        if (entry?.inputs !== resource.inputs)
            converted.set(resource, (entry = { inputs: resource.inputs, struct: Struct.fromJavaScript(resource.inputs as Record<string, never>) }));
        return entry.struct;
    };
    const analyzeResource = async (resource: RecordedResource): Promise<Violation[]> => {
        const req = new analyzer.AnalyzeRequest()
            .setType(resource.type)
            .setName(resource.name)
            .setUrn(resource.urn)
            .setProperties(properties(resource))
            .setOptions(options(resource));
        return diagnostics(await call(client.analyze.bind(client), req));
    };
    const analyzeStackOnly = async (resources: readonly RecordedResource[]): Promise<Violation[]> => {
        const stack = new analyzer.AnalyzeStackRequest().setResourcesList(
            resources.map((resource) =>
                new analyzer.AnalyzerResource()
                    .setType(resource.type)
                    .setName(resource.name)
                    .setUrn(resource.urn)
                    .setParent(resource.parent)
                    .setDependenciesList([...resource.dependencies])
                    .setProperties(properties(resource))
                    .setOptions(options(resource)),
            ),
        );
        return diagnostics(await call(client.analyzeStack.bind(client), stack));
    };

    return {
        pid: child.pid!,
        analyzeResource,
        analyzeStackOnly,
        async analyzeStack(resources) {
            // Requests go out together; answers are kept in the engine's order: each resource, then the stack.
            const [perResource, stack] = await Promise.all([Promise.all(resources.map(analyzeResource)), analyzeStackOnly(resources)]);
            return [...perResource.flat(), ...stack];
        },
        async stop() {
            client.close();
            if (child.exitCode === null) {
                const exited = new Promise((resolve) => child.once("exit", resolve));
                process.kill(child.pid!, "SIGTERM");
                await exited;
            }
        },
    };
}
