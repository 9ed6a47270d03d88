/**
 * The real program for every stack in the engine's modes (tools/programRunner.ts `EngineMode`):
 * the first preview against an empty account, and the first up. Each mode follows what the engine's
 * source does, cited there; these tests hold the program to surviving it.
 */
import * as fs from "fs";
import * as path from "path";
import { PROGRAM_DIR } from "../model/paths";
import { ProgramRun, RecordedResource, UNKNOWN, ofType, reveal, runProgram } from "../tools/programRunner";
import { COMMAND_TYPES, CommandType, plannedChange } from "../tools/commandProvider";
import { STACK_NAMES } from "../tools/stackFiles";
import { HOST_SCRIPTS } from "../components/release/hostFiles";

const SHA = { "projectmeats:imageSha": "3f9c2ab" };
/** A release of uat or prod needs the superuser's password from the stack's secrets (config/sections/app.ts). */
const SUPERUSER = { "projectmeats:appSuperuserPassword": "operators-chosen-password" };
const ASSET_PATH_KEY = "path";

/** Every file asset among a resource's inputs (`{4dabf…: "c44067f5…", path}` on the wire). */
function assetPaths(value: unknown): string[] {
    if (Array.isArray(value)) return value.flatMap(assetPaths);
    if (typeof value !== "object" || value === null) return [];
    const record = value as Record<string, unknown>;
    if (record["4dabf18193072939515e22adb298388d"] === "c44067f5952c0a294b673a41bacd8c17" && typeof record[ASSET_PATH_KEY] === "string") return [record[ASSET_PATH_KEY] as string];
    return Object.values(record).flatMap(assetPaths);
}

/** The script a local command runs: the first argument after the interpreter. */
function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
    return [items.filter(test), items.filter((item) => !test(item))];
}

function localScript(resource: RecordedResource): string {
    const create = String(reveal(resource.inputs.create));
    const match = /^(?:bash|node) (\S+)/.exec(create);
    if (!match) throw new Error(`${resource.name} runs no script: ${create}`);
    return match[1];
}

describe.each(STACK_NAMES)("stack %s", (stack) => {
    const runs: Record<string, ProgramRun> = {};
    beforeAll(async () => {
        runs.firstPreview = await runProgram(stack, { mode: "firstPreview", config: SHA, secretConfig: SUPERUSER });
        runs.firstPreviewWithoutRelease = await runProgram(stack, { mode: "firstPreview" });
        runs.firstUp = await runProgram(stack, { config: SHA, secretConfig: SUPERUSER });
    });

    test.each(["firstPreview", "firstPreviewWithoutRelease", "firstUp"])("%s: the program runs with no error", (mode) => {
        expect(runs[mode].error).toBeUndefined();
        expect(runs[mode].resources.length).toBeGreaterThan(20);
    });

    test("first preview: new resources have unknown ids, so the release's digest lookup is unknown, not empty", () => {
        const droplets = ofType(runs.firstPreview, "digitalocean:index/droplet:Droplet");
        expect(droplets.length).toBeGreaterThan(0);
        expect(droplets.map((d) => d.id)).toEqual(droplets.map(() => ""));
        // A lookup through an unconfigured provider would answer nothing; the program must not make one
        // whose answer it cannot survive.
        expect(runs.firstPreview.calls.filter((call) => call.unconfigured).map((call) => call.token)).toEqual([]);
        const pinned = ofType(runs.firstPreview, "command:remote:Command").filter((c) => c.name.endsWith("-migrate"));
        expect(pinned.map((c) => reveal(c.inputs.create))).toEqual([UNKNOWN]);
    });

    test("first preview: the cluster's CA certificate is unknown (its id is), so it is not asked for, and its file's content is unknown, not empty", () => {
        const CA = "digitalocean:index/getDatabaseCa:getDatabaseCa";
        expect(runs.firstPreview.calls.map((call) => call.token)).not.toContain(CA);
        const caFiles = ofType(runs.firstPreview, "command:remote:Command").filter((c) => c.name.endsWith("-db-ca"));
        expect(caFiles.length).toBeGreaterThan(0);
        for (const file of caFiles) expect(reveal(file.inputs.stdin)).toBe(UNKNOWN);
        // At the first up it is known, and asked of DigitalOcean through the default provider.
        expect(runs.firstUp.calls.filter((call) => call.token === CA).map((call) => call.provider)).toEqual([""]);
    });

    test.each(["firstPreview", "firstUp"])("%s: every file asset resolves from the engine's working directory (infra/)", (mode) => {
        const paths = runs[mode].resources.flatMap((r) => assetPaths(r.inputs));
        expect(paths.length).toBeGreaterThan(0);
        for (const asset of paths) expect({ asset, exists: fs.existsSync(path.resolve(PROGRAM_DIR, asset)) }).toEqual({ asset, exists: true });
    });

    test.each(["firstPreview", "firstUp"])("%s: every local command's script resolves from the engine's working directory (infra/)", (mode) => {
        // The balancer's admission waits run `sleep`, no script of ours (edge loadBalancer: uat, prod).
        const [waits, locals] = partition(ofType(runs[mode], "command:local:Command"), (command) => command.name.endsWith("-admitted"));
        expect(waits.every((command) => /^sleep \d+ && echo /.test(String(reveal(command.inputs.create))))).toBe(true);
        expect(locals.length).toBeGreaterThan(0);
        for (const command of locals) {
            const script = localScript(command);
            expect({ command: command.name, script, exists: fs.existsSync(path.resolve(PROGRAM_DIR, script)) }).toEqual({ command: command.name, script, exists: true });
        }
    });
});

/**
 * A droplet replaced (new image, user data, SSH port or VPC): DigitalOcean gives it a new id and a new
 * address. Under @pulumi/command 1.2.1's rules (tools/commandProvider.ts) the new droplet must get the
 * scripts again and the live release.
 */
describe.each(STACK_NAMES)("stack %s, droplet replaced", (stack) => {
    let before: ProgramRun;
    let after: ProgramRun;
    let replaced: RecordedResource;
    beforeAll(async () => {
        before = await runProgram(stack, { config: SHA, secretConfig: SUPERUSER });
        replaced = ofType(before, "digitalocean:index/droplet:Droplet")[0];
        after = await runProgram(stack, {
            config: SHA,
            secretConfig: SUPERUSER,
            id: (_type, name) => (name === replaced.name ? "7777" : undefined),
            state: (_type, name) => (name === replaced.name ? { ipv4Address: "198.51.100.77", ipv4AddressPrivate: "10.99.0.77" } : undefined),
        });
    });

    function changesOn(host: string) {
        const onHost = (r: RecordedResource) => JSON.stringify(reveal(r.inputs.connection ?? r.inputs.environment ?? {})).includes(host);
        return after.resources
            .filter((r) => (COMMAND_TYPES as readonly string[]).includes(r.type) && onHost(r))
            .map((r) => {
                const old = before.resources.find((o) => o.urn === r.urn)!;
                return {
                    name: r.name,
                    type: r.type,
                    change: plannedChange(r.type as CommandType, reveal(old.inputs) as Record<string, unknown>, reveal(r.inputs) as Record<string, unknown>),
                };
            });
    }

    test("every script is copied to the new droplet", () => {
        const copies = changesOn("198.51.100.77").filter((c) => c.type === "command:remote:CopyToRemote");
        expect(copies.length).toBe(HOST_SCRIPTS.length);
        for (const copy of copies)
            expect({ copy: copy.name, copies: copy.change.action === "replace" || (copy.change.action === "update" && copy.change.copies) }).toEqual({
                copy: copy.name,
                copies: true,
            });
    });

    test("every command that prepares the droplet or deploys to it runs again", () => {
        const commands = changesOn("198.51.100.77").filter((c) => c.type !== "command:remote:CopyToRemote");
        expect(commands.map((c) => c.name)).toEqual(
            expect.arrayContaining([expect.stringMatching(/-ssh-ready$/), expect.stringMatching(/-registry-login$/), expect.stringMatching(/-deploy-backend$/)]),
        );
        for (const command of commands)
            expect({ command: command.name, runs: command.change.action === "replace" || (command.change.action === "update" && command.change.runs) }).toEqual({
                command: command.name,
                runs: true,
            });
    });
});
