/**
 * Where this repository's files are, seen from where the Pulumi engine runs the program.
 *
 * With `main: infra/index.ts` in Pulumi.yaml, the engine runs the program, and starts the provider
 * plugins, in `infra/`, not in the project root: pulumi/pulumi `pkg/engine/project.go` `getPwdMain`
 * ("we still need to pass the pwd of the main program's parent directory"), `sdk/nodejs/cmd/run/run.ts`
 * (`process.chdir`), `sdk/go/common/resource/plugin/plugin.go` (`cmd.Dir = pwd`). A relative
 * `FileAsset` path or a local command's script path therefore resolves from `infra/`.
 *
 * Paths handed to the engine are relative to that folder, so they are the same on every machine (an
 * absolute path would differ between a laptop and a CI runner and show as a change).
 */
import * as path from "path";

/** The repository root: the folder of Pulumi.yaml. */
export const REPOSITORY_ROOT = path.resolve(__dirname, "..");

/** The folder of Pulumi.yaml's `main`, where the engine runs the program and the command provider. */
export const PROGRAM_DIR = path.join(REPOSITORY_ROOT, "infra");

/** Scripts that run on a droplet, shipped there by the release chain. */
export const DROPLET_SCRIPTS_DIR = path.join(REPOSITORY_ROOT, "host", "droplet");

/** Scripts user data installs on a droplet as root's (edge droplet's certificate script), never shipped by the release. */
export const ROOT_SCRIPTS_DIR = path.join(REPOSITORY_ROOT, "host", "root");

/** Scripts that run where `pulumi up` runs (local commands). */
export const LOCAL_SCRIPTS_DIR = path.join(REPOSITORY_ROOT, "host", "local");

/** A path as the engine and the command provider resolve it: relative to the program's folder. */
export function fromProgramDir(absolutePath: string): string {
    return path.relative(PROGRAM_DIR, absolutePath);
}
