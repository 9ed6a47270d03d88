/**
 * What `@pulumi/command` 1.2.1 (the version package.json pins) does when a resource's inputs change
 * between two runs of the program. Pure functions over recorded inputs; used by the whole-program
 * tests (a droplet replaced, a new SHA) so that they follow the provider, not our beliefs.
 *
 * Sources (pulumi/pulumi-command):
 * - Only `triggers` force a replacement: the 1.2.1 SDK constructors of `remote.Command`,
 *   `remote.CopyToRemote` and `local.Command` merge `replaceOnChanges: ["triggers[*]"]`, and in the
 *   provider only `Triggers` carries `provider:"replaceOnChanges"` (`provider/pkg/provider/common/inputs.go`).
 *   Any other changed input, `connection` included, is an update.
 * - `Command.Update` runs `update`, or `create` when there is no `update`
 *   (`provider/pkg/provider/remote/commandController.go` `Update`; local: "Use Create command if Update is unspecified").
 * - `CopyToRemote.Update` copies only when the source's hash or `remotePath` changed
 *   (`provider/pkg/provider/remote/copyController.go` `Update`: `needCopy := news.hash() != olds.hash() || news.RemotePath != olds.RemotePath`).
 * - A replacement creates the new resource before deleting the old one (the engine's default), and
 *   `Delete` runs the old resource's `delete` command, if any, with its stored inputs.
 */
export const COMMAND_TYPES = ["command:remote:Command", "command:local:Command", "command:remote:CopyToRemote"] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

export type PlannedChange =
    /** Inputs unchanged: nothing runs. */
    | { readonly action: "same" }
    /** Triggers changed: `create` of a new resource, then the old one's `delete`. */
    | { readonly action: "replace" }
    /** Other inputs changed: a command re-runs (`update` or `create`); a copy copies only when `copies`. */
    | { readonly action: "update"; readonly runs: boolean; readonly copies: boolean };

function same(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

/** What the provider does with one resource of `type` whose inputs went from `olds` to `news`. */
export function plannedChange(type: CommandType, olds: Readonly<Record<string, unknown>>, news: Readonly<Record<string, unknown>>): PlannedChange {
    if (same(olds, news)) return { action: "same" };
    if (!same(olds.triggers ?? [], news.triggers ?? [])) return { action: "replace" };
    if (type === "command:remote:CopyToRemote") {
        return { action: "update", runs: false, copies: !same(olds.source, news.source) || olds.remotePath !== news.remotePath };
    }
    return { action: "update", runs: news.update !== undefined || news.create !== undefined, copies: false };
}
