/** A numbered scenario of the rehearsal, and how one is run, checked and reported. */
import type { Progress } from "../progress";
import type { Check, Rehearsal } from "../rehearsal";
import { Figures, ScenarioResult, verdictLine } from "../report";

export interface Scenario {
    readonly number: number;
    readonly title: string;
    /** Runs while the steady request stream flows (it starts before the first such scenario, stops after the last). */
    readonly underTraffic: boolean;
    /** Acts and checks; returns the steps it took, for the summary. */
    run(rehearsal: Rehearsal, check: Check, figures: Figures): Promise<string[]>;
}

/** The line that says a scenario starts: `N. title` (what a watcher of the output waits for). */
export function startLine(scenario: Scenario): string {
    return `${scenario.number}. ${scenario.title}`;
}

/**
 * Runs one scenario: an exception is a problem like a failed check; prints its problems and verdict.
 * Stopped half-way (`signal` aborted), its one problem is that it was stopped, not what failed after.
 */
export async function runScenario(scenario: Scenario, rehearsal: Rehearsal, progress: Progress, signal: AbortSignal): Promise<ScenarioResult> {
    console.log(`\n${startLine(scenario)}`);
    progress.enter(`scenario ${startLine(scenario)}`);
    rehearsal.readiness.reset();
    const started = Date.now();
    const problems: string[] = [];
    const figures: Figures = {};
    let steps: string[] = [];
    try {
        steps = await scenario.run(rehearsal, (ok, problem) => void (ok || problems.push(problem)), figures);
    } catch (error) {
        problems.push(`error: ${(error as Error).stack ?? error}`);
    }
    if (signal.aborted) problems.splice(0, problems.length, "stopped before its end");
    const result = { number: scenario.number, title: scenario.title, passed: problems.length === 0, problems, seconds: (Date.now() - started) / 1000, figures, steps };
    for (const problem of problems) console.log(`    ✗ ${problem}`);
    console.log(verdictLine(result));
    return result;
}
