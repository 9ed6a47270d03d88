/**
 * How the rehearsal's operator carries out an update, as `@pulumi/command` 1.2.1 does (rehearsal/operator.ts):
 * - `Command.Update` runs `update`, or `create` when there is none (provider/pkg/provider/remote/commandController.go
 *   `Update`; the local command's "Use Create command if Update is unspecified");
 * - `CopyToRemote.Update` copies only when the source's content or `remotePath` changed
 *   (provider/pkg/provider/remote/copyController.go `Update`).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Step } from "./engine";
import { HostOperator, OutputLine } from "./operator";

function operator(cwd: string) {
    const lines: OutputLine[] = [];
    const hooks = {
        cwd,
        env: { PATH: process.env.PATH },
        onLine: (line: OutputLine) => lines.push(line),
        createDroplet: () => Promise.reject(new Error("no droplet here")),
        signal: new AbortController().signal,
        deadlineMs: 10_000,
    };
    return { op: new HostOperator(hooks), lines };
}

function step(type: Step["type"], inputs: Record<string, unknown>, oldInputs: Record<string, unknown>): Step {
    return { urn: `urn:${type}::x`, name: "x", type, action: "update", changed: [], inputs, old: { type, name: "x", inputs: oldInputs, outputs: {} }, deleteBeforeReplace: false };
}

describe("an update", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "operator-"));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    test("of a command without `update` runs `create` again", async () => {
        const { op, lines } = operator(dir);
        const result = await op.update(step("command:local:Command", { create: "echo created" }, { create: "echo before" }));
        expect(result.stdout).toBe("created");
        expect(lines.map((l) => l.line)).toEqual(["created"]);
    });

    test("of a command with `update` runs `update`", async () => {
        const { op } = operator(dir);
        expect((await op.update(step("command:local:Command", { create: "echo created", update: "echo updated" }, { create: "echo created" }))).stdout).toBe("updated");
    });

    test("of a copy whose content and remote path are the same copies nothing, whatever its connection says", async () => {
        fs.writeFileSync(path.join(dir, "script.sh"), "echo hi\n");
        const { op } = operator(dir);
        // 192.0.2.1 (TEST-NET-1, RFC 5737) is never dialled: no copy, no SSH session.
        const inputs = { connection: { host: "192.0.2.1", port: 2222 }, source: { path: "script.sh" }, remotePath: "/srv/script.sh" };
        await expect(op.update(step("command:remote:CopyToRemote", inputs, { ...inputs, connection: { host: "127.0.0.1", port: 22 } }))).resolves.toEqual({
            stdout: "",
            stderr: "",
        });
        expect(op.counters.sshSessions).toBe(0);
    });
});
