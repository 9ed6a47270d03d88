/**
 * What the edge and load-balancer rehearsals share inside their namespaces (./edge/inside.ts,
 * ./loadBalancer/inside.ts): the run's folder and deadline from ./outside.ts, stopping on a signal or
 * the deadline (saying where it was), scenarios that check themselves run one after another, and the
 * end: what was running unwinds (bounded), everything started is stopped (bounded), the figures are
 * printed and written, and the exit status says whether every scenario passed.
 */
import * as fs from "fs";
import * as path from "path";
import { tail, withDeadline } from "../tools/processes";
import { ENV } from "./inside";
import { EXIT_STATUS, Progress, Stop, stopOnSignalsAndDeadline } from "./progress";
import { Figures, printSummary, ScenarioResult, Summary, verdictLine, writeSummary } from "./report";

export type Check = (ok: boolean, problem: string) => void;

/** A scenario that checks itself: each failed check is a problem, and any problem fails it. */
export interface SelfCheckingScenario {
    readonly number: number;
    readonly title: string;
    run(check: Check, figures: Figures): Promise<void>;
}

/** Milliseconds what was running gets to unwind after a stop. */
const UNWIND_MS = 10_000;

export class ScenarioSession {
    public readonly dir: string;
    public readonly stop = new Stop();
    public readonly progress = new Progress();
    public readonly setup: Figures = {};
    public readonly results: ScenarioResult[] = [];
    private scenarioCount = 0;
    private stoppedWhere = "";

    /** `label` starts its messages; `defaultMinutes` is the deadline when ./outside.ts gave none. */
    constructor(
        private readonly label: string,
        defaultMinutes: number,
    ) {
        const dir = process.env[ENV.dir];
        if (!dir || !fs.existsSync(dir)) throw new Error(`${ENV.dir} must name the run's folder`);
        this.dir = dir;
        stopOnSignalsAndDeadline(this.stop, Number(process.env[ENV.deadlineAt] ?? Date.now() + defaultMinutes * 60_000));
        this.stop.onRequest((reason) => {
            this.stoppedWhere = this.progress.describe();
            console.log(`\n${label}: ${reason === "deadline" ? "the run's deadline passed" : `${reason} received`} in ${this.stoppedWhere}; stopping everything it started`);
        });
    }

    get signal(): AbortSignal {
        return this.stop.signal;
    }

    /** Marks a setup phase (for "stopped in ...") and runs it. */
    async phase(what: string, step: () => Promise<unknown>): Promise<void> {
        this.progress.enter("setup", what);
        await step();
    }

    /** Runs `scenarios` in order, each to its verdict, until the run is stopped. */
    async runScenarios(scenarios: readonly SelfCheckingScenario[]): Promise<void> {
        this.scenarioCount = scenarios.length;
        for (const scenario of scenarios) {
            if (this.signal.aborted) return;
            console.log(`\n${scenario.number}. ${scenario.title}`);
            this.progress.enter(`scenario ${scenario.number}. ${scenario.title}`);
            const started = Date.now();
            const problems: string[] = [];
            const figures: Figures = {};
            try {
                await scenario.run((ok, problem) => void (ok || problems.push(problem)), figures);
            } catch (error) {
                problems.push(`error: ${(error as Error).stack ?? error}`);
            }
            if (this.signal.aborted) problems.splice(0, problems.length, "stopped before its end");
            const result = { number: scenario.number, title: scenario.title, passed: problems.length === 0, problems, seconds: (Date.now() - started) / 1000, figures, steps: [] };
            for (const problem of problems) console.log(`    ✗ ${problem}`);
            console.log(verdictLine(result));
            this.results.push(result);
        }
    }

    /**
     * Waits for `work` or a stop, lets it unwind, runs `stopEverything` within `stopMs`, reports, and
     * answers the exit status: 0 only when every scenario ran and passed.
     */
    async finish(work: Promise<void>, stopEverything: () => Promise<void>, stopMs: number): Promise<number> {
        const outcome = await Promise.race([work.then(() => "done" as const), this.stop.requested.then(() => "stopped" as const)]).catch((error: Error) => {
            console.error(`${this.label}: failed in ${this.progress.describe()}: ${error.stack ?? error}`);
            const logs = path.join(this.dir, "logs");
            for (const name of fs.existsSync(logs) ? fs.readdirSync(logs) : [])
                console.error(`--- ${name} (last lines)\n${tail(fs.readFileSync(path.join(logs, name), "utf8"), 15)}`);
            return "failed" as const;
        });
        if (outcome === "stopped") await withDeadline("unwinding", work, UNWIND_MS).catch(() => undefined);
        this.progress.enter("stopping", "everything it started");
        await withDeadline("stopping everything it started", stopEverything(), stopMs).catch((error: Error) => console.error(`${this.label}: ${error.message}`));
        const summary: Summary = { setup: this.setup, results: this.results, stopped: this.stop.reason ? { reason: this.stop.reason, where: this.stoppedWhere } : undefined };
        printSummary(summary, this.scenarioCount);
        writeSummary(process.env[ENV.summary], summary);
        if (this.stop.reason) return EXIT_STATUS[this.stop.reason];
        return outcome === "done" && this.scenarioCount > 0 && this.results.length === this.scenarioCount && this.results.every((r) => r.passed) ? 0 : 1;
    }
}
