/** What the rehearsal reports: each scenario's verdict, problems and figures, then the figures of the whole run. */
import * as fs from "fs";

export type Figures = Record<string, number | string>;

export interface ScenarioResult {
    readonly number: number;
    readonly title: string;
    readonly passed: boolean;
    readonly problems: string[];
    readonly seconds: number;
    readonly figures: Figures;
    readonly steps: string[];
}

export interface Summary {
    readonly setup: Figures;
    readonly results: readonly ScenarioResult[];
    /** Set when the run was stopped before its end: why, and where it was. */
    readonly stopped?: { readonly reason: string; readonly where: string };
}

export function round(n: number): number {
    return Math.round(n * 1000) / 1000;
}

export function firstLine(text: string | undefined): string {
    return (text ?? "").split("\n")[0];
}

/** A scenario's verdict line: PASS or FAIL, its time and its figures. */
export function verdictLine(result: ScenarioResult): string {
    const figures = Object.entries(result.figures);
    return `    ${result.passed ? "PASS" : "FAIL"} in ${result.seconds.toFixed(1)}s${figures.length ? ` — ${figures.map(([k, v]) => `${k}: ${v}`).join(", ")}` : ""}`;
}

/** Requests served and failed across all scenarios. */
export function requestTotals(results: readonly ScenarioResult[]): { served: number; failed: number } {
    return {
        served: results.reduce((n, r) => n + Number(r.figures["requests served"] ?? 0), 0),
        failed: results.reduce((n, r) => n + Number(r.figures["requests failed"] ?? 0), 0),
    };
}

export function printSummary(summary: Summary, scenarioCount: number): void {
    console.log("\nFigures");
    for (const [k, v] of Object.entries(summary.setup)) console.log(`  ${k}: ${v}`);
    for (const r of summary.results) {
        if (Object.keys(r.figures).length === 0) continue;
        console.log(`  ${r.number}. ${r.title}`);
        for (const [k, v] of Object.entries(r.figures)) console.log(`       ${k}: ${v}`);
    }
    const { served, failed } = requestTotals(summary.results);
    console.log(`  across all scenarios: ${served} requests served, ${failed} failed`);
    console.log(`\n${summary.results.filter((r) => r.passed).length} of ${scenarioCount} scenarios passed`);
    if (summary.stopped) console.log(`stopped (${summary.stopped.reason}) in ${summary.stopped.where}`);
}

export function writeSummary(file: string | undefined, summary: Summary): void {
    if (file) fs.writeFileSync(file, JSON.stringify(summary, null, 2));
}
