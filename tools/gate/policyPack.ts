/**
 * Serves the real policy pack the way the Pulumi CLI does — `@pulumi/pulumi/cmd/run-policy-pack`
 * started in the pack's folder prints the port of its gRPC Analyzer server — and feeds it resources
 * through the Analyzer interface: each resource (`Analyze`), then the whole stack (`AnalyzeStack`).
 */
import * as grpc from "@grpc/grpc-js";
import { ChildProcess, spawn } from "child_process";
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
 * `configSchema` (what `--policy-pack-config` would override).
 */
async function configureDefaults(client: AnalyzerClient): Promise<void> {
    const info = await call<Empty, analyzer.AnalyzerInfo>(client.getAnalyzerInfo.bind(client), new Empty());
    const request = new analyzer.ConfigureAnalyzerRequest();
    for (const policy of info.getPoliciesList()) {
        const schema = (policy.getConfigschema()?.getProperties()?.toJavaScript() ?? {}) as Record<string, { default?: unknown }>;
        const defaults = Object.fromEntries(
            Object.entries(schema)
                .filter(([, p]) => p.default !== undefined)
                .map(([k, p]) => [k, p.default]),
        );
        request
            .getPolicyconfigMap()
            .set(
                policy.getName(),
                new analyzer.PolicyConfig().setEnforcementlevel(policy.getEnforcementlevel()).setProperties(Struct.fromJavaScript(defaults as Record<string, never>)),
            );
    }
    await call(client.configure.bind(client), request);
}

/** Starts the pack, as a child process whose PID is recorded and stopped by `stop()`. */
export async function startPolicyPack(): Promise<PolicyPackServer> {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [POLICY_DIR] });
    // The engine address is only dialled for log messages, which these policies do not send.
    const child: ChildProcess = spawn(process.execPath, [runner, "127.0.0.1:1", "."], { cwd: POLICY_DIR, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
        let stdout = "";
        child.stdout!.on("data", (chunk: Buffer) => {
            stdout += chunk.toString();
            const line = /^(\d+)\s*$/m.exec(stdout);
            if (line) resolve(Number(line[1]));
        });
        child.on("exit", (code) => reject(new Error(`the policy pack exited with ${code} before serving:\n${stderr}`)));
    });
    const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    await configureDefaults(client);

    return {
        pid: child.pid!,
        async analyzeStack(resources) {
            const found: Violation[] = [];
            for (const resource of resources) {
                const req = new analyzer.AnalyzeRequest()
                    .setType(resource.type)
                    .setName(resource.name)
                    .setUrn(resource.urn)
                    .setProperties(Struct.fromJavaScript(resource.inputs as Record<string, never>))
                    .setOptions(options(resource));
                found.push(...diagnostics(await call(client.analyze.bind(client), req)));
            }
            const stack = new analyzer.AnalyzeStackRequest().setResourcesList(
                resources.map((resource) =>
                    new analyzer.AnalyzerResource()
                        .setType(resource.type)
                        .setName(resource.name)
                        .setUrn(resource.urn)
                        .setParent(resource.parent)
                        .setDependenciesList([...resource.dependencies])
                        .setProperties(Struct.fromJavaScript(resource.inputs as Record<string, never>))
                        .setOptions(options(resource)),
                ),
            );
            found.push(...diagnostics(await call(client.analyzeStack.bind(client), stack)));
            return found;
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
