/** Commands that run this repository's `host/local/` scripts where `pulumi up` runs. */
import * as path from "path";
import { LOCAL_SCRIPTS_DIR, fromProgramDir } from "../model/paths";
import { render } from "./shell";

/** The scripts local commands run. */
export type LocalScript = "wait-for-ssh.sh" | "notify.mjs";

/**
 * The command line that runs a local script. The command provider runs it in the program's folder
 * (model/paths), so the path is relative to that folder: the same text on every machine.
 */
export function localScriptCommand(interpreter: "bash" | "node", script: LocalScript): string {
    return render([interpreter, fromProgramDir(path.join(LOCAL_SCRIPTS_DIR, script))]);
}
