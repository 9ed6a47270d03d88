/**
 * Where the rehearsal is (phase or scenario, and the step within it), and how it is stopped: a
 * signal, or the run's overall deadline, aborts one AbortSignal that every wait, command and request
 * of the run honours; the report then says where the run was when it stopped.
 */

export type StopReason = "SIGINT" | "SIGTERM" | "SIGHUP" | "deadline" | "parent gone";

/** Exit status for each reason: 128 + the signal's number, as a shell reports it; 124 for the deadline, as timeout(1). */
export const EXIT_STATUS: Record<StopReason, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143, deadline: 124, "parent gone": 129 };

export class Progress {
    private where = "starting";
    private step = "";
    private stepSince = Date.now();

    /** `setup`, `scenario N. title`, or `stopping`; with its first step. */
    enter(where: string, step = "starting"): void {
        this.where = where;
        this.at(step);
    }

    /** The step within it: what is running now. */
    at(step: string): void {
        this.step = step;
        this.stepSince = Date.now();
    }

    describe(now = Date.now()): string {
        return `${this.where}${this.step ? `, step: ${this.step} (for ${((now - this.stepSince) / 1000).toFixed(1)}s)` : ""}`;
    }
}

export class Stop {
    private readonly controller = new AbortController();
    private reasonGiven?: StopReason;
    private readonly listeners: ((reason: StopReason) => void)[] = [];

    get signal(): AbortSignal {
        return this.controller.signal;
    }

    get reason(): StopReason | undefined {
        return this.reasonGiven;
    }

    /** Resolves with the reason once a stop is requested. */
    readonly requested = new Promise<StopReason>((resolve) => this.listeners.push(resolve));

    /** Asks the run to stop; the first reason counts. */
    request(reason: StopReason): void {
        if (this.reasonGiven) return;
        this.reasonGiven = reason;
        for (const listener of this.listeners) listener(reason);
        this.controller.abort(new Error(`stopping: ${reason}`));
    }

    onRequest(listener: (reason: StopReason) => void): void {
        this.listeners.push(listener);
    }
}

/** Stops `stop` on SIGINT, SIGTERM and SIGHUP, and when `deadlineAt` (ms since the epoch) passes. */
export function stopOnSignalsAndDeadline(stop: Stop, deadlineAt: number): void {
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => stop.request(signal));
    const timer = setTimeout(() => stop.request("deadline"), Math.max(0, deadlineAt - Date.now()));
    timer.unref();
}
