/** Every wait has a deadline, and what is stopped is stopped by its recorded PID (tools/processes.ts). */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { alive, DeadlineError, run, sleep, StoppedError, succeeds, Supervisor, waitFor, withDeadline } from "./processes";

let dir: string;
beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "processes-test-"));
});
afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
});

test("run collects both streams, each alone and interleaved, and passes input", async () => {
    const result = await run("sh", ["-c", "cat; echo err >&2"], { deadlineMs: 5000, input: "in\n" });
    expect(result).toEqual({ status: 0, signal: null, stdout: "in\n", stderr: "err\n", output: "in\nerr\n" });
});

test("a non-zero exit rejects with the command and its last lines, unless failure is allowed", async () => {
    await expect(run("sh", ["-c", "echo went wrong; exit 3"], { deadlineMs: 5000 })).rejects.toThrow("sh -c echo went wrong; exit 3: exit status 3\nwent wrong");
    expect((await run("sh", ["-c", "exit 3"], { deadlineMs: 5000, allowFailure: true })).status).toBe(3);
    expect(await succeeds("sh", ["-c", "exit 3"], { deadlineMs: 5000 })).toBe(false);
});

test("at its deadline a command's whole process group is stopped, grandchildren included", async () => {
    const pidFile = path.join(dir, "grandchild.pid");
    const started = Date.now();
    const running = run("sh", ["-c", `sleep 60 & echo $! > ${pidFile}; wait`], { deadlineMs: 500, graceMs: 500 });
    await expect(running).rejects.toThrow(DeadlineError);
    expect(Date.now() - started).toBeLessThan(5000);
    const grandchild = Number(fs.readFileSync(pidFile, "utf8"));
    await waitFor("the grandchild is gone", () => !alive(grandchild), { deadlineMs: 5000 });
});

test("a command that ignores SIGTERM is killed after its grace period", async () => {
    const started = Date.now();
    await expect(run("sh", ["-c", "trap '' TERM; sleep 60"], { deadlineMs: 200, graceMs: 300 })).rejects.toThrow("no result within 0.2s");
    expect(Date.now() - started).toBeLessThan(5000);
});

test("an abort stops a running command, and refuses to start one", async () => {
    const controller = new AbortController();
    const running = run("sleep", ["60"], { deadlineMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(running).rejects.toThrow(StoppedError);
    await expect(run("true", [], { deadlineMs: 1000, signal: controller.signal })).rejects.toThrow("not started (stopping): true");
    await expect(sleep(10_000, controller.signal)).rejects.toThrow(StoppedError);
});

test("a command whose background child keeps its output open still settles once it exited", async () => {
    const pidFile = path.join(dir, "background.pid");
    const started = Date.now();
    const result = await run("sh", ["-c", `setsid sleep 30 & echo $! > ${pidFile}; echo done`], { deadlineMs: 20_000 });
    expect(result.stdout).toBe("done\n");
    expect(Date.now() - started).toBeLessThan(10_000);
    process.kill(Number(fs.readFileSync(pidFile, "utf8")), "SIGKILL");
});

test("waitFor and withDeadline give up at their deadline, naming what they waited for", async () => {
    await expect(waitFor("the moon", () => false, { deadlineMs: 300, intervalMs: 50 })).rejects.toThrow("the moon: not ready within 0.3s");
    await expect(waitFor("a check that hangs", () => new Promise<boolean>(() => undefined), { deadlineMs: 300 })).rejects.toThrow(DeadlineError);
    await expect(withDeadline("forever", new Promise(() => undefined), 100)).rejects.toThrow("forever: not done within 0.1s");
});

test("a supervisor stops what it started by PID, newest first, SIGKILL for what ignores SIGTERM", async () => {
    const supervisor = new Supervisor(path.join(dir, "logs"));
    const order = path.join(dir, "order");
    const first = supervisor.start("first", "sh", ["-c", `trap 'echo first >> ${order}; exit 0' TERM; while :; do sleep 0.1; done`]);
    const second = supervisor.start("second", "sh", ["-c", `trap 'echo second >> ${order}; exit 0' TERM; while :; do sleep 0.1; done`]);
    const stubborn = supervisor.start("stubborn", "sh", ["-c", "trap '' TERM; while :; do sleep 0.1; done"], { graceMs: 300 });
    await sleep(300);
    expect(supervisor.pids().map((p) => p.name)).toEqual(["first", "second", "stubborn"]);
    await supervisor.stopAll();
    expect(fs.readFileSync(order, "utf8")).toBe("second\nfirst\n");
    expect(stubborn.child.signalCode).toBe("SIGKILL");
    for (const pid of [first.pid, second.pid, stubborn.pid]) expect(alive(pid)).toBe(false);
    expect(supervisor.stoppedCount).toBe(3);
    expect(fs.readdirSync(path.join(dir, "logs")).sort()).toEqual(["first.log", "second.log", "stubborn.log"]);
});
