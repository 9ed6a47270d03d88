/**
 * The offline policy gate: runs the real program for a stack under mocks (no cloud, no credentials),
 * serves the real policy pack as the Pulumi CLI does, and reports every violation.
 *
 *   npm run check -- (--stack <stack> [--config-file FILE] [--plant FILE] | --all) [--json] [--config KEY=VALUE]...
 *
 * Exits 1 on a mandatory violation, 2 on any bad input — flags, a stack file, a configuration value, a
 * plant file, a rule across stacks — or a program that fails; every problem at once, never a stack
 * trace. `--json` always prints one JSON document, errors included. `--all` checks every stack in one
 * process, the pack started once, then the rules across the stacks deployed to the account.
 * `--plant FILE` adds or changes resources before analysis (see plant.ts), to prove the gate catches
 * what it should.
 */
import "./deferSdk.js"; // first: before anything loads the SDK
import { STACK_NAMES, StackFile, StackFileError, readStackFile, stacksWithFiles } from "../stackFiles";
import { RecordedResource, stackConfig } from "../programRunner";
import { GateArgs, USAGE, helpText, parseArgs } from "./args";
import { crossStackProblems, formatCrossStackProblem, stackFacts } from "./crossStack";
import { Plant, PlantError, plantViolations, readPlant, unknownPatchTargets } from "./plant";
import { PolicyPackCompileError, Violation, startPolicyPack } from "./policyPack";
import { runStack } from "./programs";
import { GateFailure, GateNote, GateReport, StackReport, exitCodeOf, renderJson, renderText } from "./report";

export { plantViolations } from "./plant";
export { redact } from "./report";

const SECURE_NOTE =
    "is secure: present and secret. Its form cannot be checked offline, without the stack's secrets provider; " +
    "the gate ran the program with a placeholder of that form, and the program checks the real value when it runs with it.";

function stackFileFailure(stack: string, error: StackFileError): GateFailure {
    return {
        text: error.message,
        errors: error.problems.map((p) => ({ kind: "stack-file", stacks: [stack], file: p.file, line: p.line, column: p.column, message: p.message })),
    };
}

/** The program's failure: a configuration error lists each problem by key; anything else is one message. */
function programFailure(stack: string, error: Error): GateFailure {
    const text = `The program failed for stack ${stack}:\n${error.message}`;
    const problems = (error as Partial<{ problems: Array<{ key: string; value?: string; expected: string }> }>).problems;
    if (error.name === "ConfigValidationError" && Array.isArray(problems)) {
        // The message lists the problems in order, one "  - " line each.
        const lines = error.message.split("\n").filter((line) => line.startsWith("  - "));
        return {
            text,
            errors: problems.map((p, i) => ({
                kind: "configuration",
                stacks: [stack],
                key: p.key,
                value: p.value ?? null,
                expected: p.expected,
                message: lines[i]?.slice(4) ?? `key ${p.key}: expected ${p.expected}`,
            })),
        };
    }
    if (error instanceof StackFileError) return stackFileFailure(stack, error);
    return { text, errors: [{ kind: "program", stacks: [stack], message: error.message }] };
}

/** The rules across stacks, over the deployed stacks whose configuration is valid on its own. */
async function crossStackFailure(stacks: readonly string[], config: Readonly<Record<string, string>>): Promise<GateFailure | undefined> {
    const { parseStackConfig } = await import("../../config/stackConfig");
    const deployed = stacks.filter((stack) => (STACK_NAMES as readonly string[]).includes(stack));
    const facts = deployed.flatMap((stack) => {
        try {
            const raw = stackConfig(stack, { config });
            return [stackFacts(parseStackConfig(stack, raw.config, raw.secretKeys))];
        } catch {
            return []; // already reported by the stack's own run
        }
    });
    const problems = crossStackProblems(facts, deployed);
    if (problems.length === 0) return undefined;
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    return {
        text: [
            `The stacks ${deployed.join(", ")} do not fit together (${count}); fix them in their stack files:`,
            ...problems.map((p) => `  - ${formatCrossStackProblem(p)}`),
        ].join("\n"),
        errors: problems.map((p) => ({ kind: "cross-stack", stacks: p.stacks, key: p.key, message: formatCrossStackProblem(p) })),
    };
}

/** Checks the stacks `args` names; never throws for bad input, which becomes a failure in the report. */
export async function check(args: GateArgs): Promise<GateReport> {
    const failures: GateFailure[] = [];
    const notes: GateNote[] = [];
    const reports: StackReport[] = [];
    const report = (): GateReport => ({ all: args.all, requested: args.stacks, exitCode: exitCodeOf(failures, reports), failures, notes, stacks: reports });

    const files = new Map<string, StackFile>();
    for (const stack of args.stacks) {
        try {
            const file = readStackFile(stack, args.configFile);
            files.set(stack, file);
            for (const key of file.secureKeys) notes.push({ stack, key, message: SECURE_NOTE });
        } catch (e) {
            if (!(e instanceof StackFileError)) throw e;
            failures.push(stackFileFailure(stack, e));
        }
    }
    let plant: Plant | undefined;
    if (args.plant !== undefined) {
        try {
            plant = readPlant(args.plant);
        } catch (e) {
            if (!(e instanceof PlantError)) throw e;
            failures.push({ text: e.message, errors: e.problems.map((message) => ({ kind: "plant", file: args.plant, message })) });
        }
    }
    if (failures.length > 0) return report();

    // The pack starts now, in its own process, and loads while the programs run. As the engine does,
    // each resource is analyzed as it is registered (unless a plant changes resources afterwards), and
    // the whole stack once its program has finished, while the next stack's program runs.
    let serving = false;
    const starting = startPolicyPack({ onServing: () => (serving = true) }).then(
        (server) => ({ server }),
        (error: Error) => ({ error }),
    );
    /**
     * Lets the pack work while this process goes on. A program runs without giving way to I/O, so
     * between programs (and before the rules across stacks) the requests made so far are put on the
     * wire: once the pack has printed its port, its configuration is finished first (a few milliseconds:
     * it is idle), then the event loop turns until what was written has gone out. The pack analyzes one
     * stack while the next one's program runs, on the other core.
     */
    const handOver = async (): Promise<void> => {
        if (serving) await starting;
        for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    };
    const analyses: Array<Promise<StackReport | undefined>> = [];
    const analyzeResource = (resource: RecordedResource) => starting.then((started) => ("server" in started ? started.server.analyzeResource(resource) : []));
    const analyze = (stack: string, resources: StackReport["resources"], perResource: Array<Promise<Violation[]>>) =>
        starting.then(async (started) => {
            if (!("server" in started)) return undefined;
            // The answers do not depend on the order the requests arrive in; they are reported in the engine's order.
            const [each, whole] = await Promise.all([Promise.all(perResource), started.server.analyzeStackOnly(resources)]);
            const violations = [...each.flat(), ...whole];
            return { stack, resources, violations };
        });
    try {
        for (const stack of files.keys()) {
            if (analyses.length > 0) await handOver();
            const perResource: Array<Promise<Violation[]>> = [];
            const onResource = plant === undefined ? (resource: RecordedResource) => perResource.push(analyzeResource(resource)) : undefined;
            const run = await runStack(stack, { config: args.config, onResource, stackFile: args.configFile });
            if (run.error) {
                failures.push(programFailure(stack, run.error));
                await Promise.allSettled(perResource);
            } else if (plant !== undefined) {
                const unknown = unknownPatchTargets(run.resources, plant, stack, args.plant!);
                if (unknown.length > 0) {
                    failures.push({ text: unknown.join("\n"), errors: unknown.map((message) => ({ kind: "plant", file: args.plant, message })) });
                } else {
                    const planted = plantViolations(run.resources, plant, stack);
                    analyses.push(analyze(stack, planted, planted.map(analyzeResource)));
                }
            } else {
                analyses.push(analyze(stack, run.resources, perResource));
            }
        }
        if (args.all) {
            await handOver();
            const across = await crossStackFailure([...files.keys()], args.config);
            if (across) failures.push(across);
        }
        const started = await starting;
        if ("error" in started) {
            const diagnostics = started.error instanceof PolicyPackCompileError ? started.error.diagnostics : [started.error.message];
            failures.push({ text: started.error.message, errors: diagnostics.map((message) => ({ kind: "policy-pack", message })) });
        }
        for (const analysis of await Promise.all(analyses)) if (analysis) reports.push(analysis);
    } finally {
        await Promise.allSettled(analyses);
        const started = await starting;
        if ("server" in started) await started.server.stop();
    }
    return report();
}

/** Writes and waits until the text has left the process: a slow reader still gets all of it. */
function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
    return new Promise((resolve) => (text === "" ? resolve() : stream.write(text, () => resolve())));
}

export async function main(argv: readonly string[]): Promise<number> {
    const stacks = stacksWithFiles();
    const { args, problems } = parseArgs(argv, stacks);
    if (args.help) {
        await write(process.stdout, `${helpText(stacks)}\n`);
        return 0;
    }
    let report: GateReport;
    if (problems.length > 0) {
        report = {
            all: args.all,
            requested: args.stacks,
            exitCode: 2,
            failures: [{ text: [...problems, USAGE].join("\n"), errors: problems.map((message) => ({ kind: "arguments", message })) }],
            notes: [],
            stacks: [],
        };
    } else {
        try {
            report = await check(args);
        } catch (e) {
            const message = `the gate itself failed: ${e instanceof Error ? e.message : String(e)}`;
            report = { all: args.all, requested: args.stacks, exitCode: 2, failures: [{ text: message, errors: [{ kind: "gate", message }] }], notes: [], stacks: [] };
        }
    }
    if (args.json) {
        await write(process.stdout, renderJson(report));
    } else {
        const text = renderText(report);
        await write(process.stdout, text.stdout);
        await write(process.stderr, text.stderr);
    }
    return report.exitCode;
}

if (require.main === module) {
    // A reader that goes away (`| head`) ends the answer, not the gate with a stack trace.
    process.stdout.on("error", () => undefined);
    main(process.argv.slice(2)).then(
        (code) => {
            // Not process.exit: the process ends once stdout has drained, so nothing is cut off.
            process.exitCode = code;
        },
        (e: unknown) => {
            process.stderr.write(`the gate itself failed: ${e instanceof Error ? e.message : String(e)}\n`);
            process.exitCode = 2;
        },
    );
}
