import * as fs from "fs";
import * as path from "path";
import { PROGRAM_DIR } from "../model/paths";
import { localScriptCommand } from "./localScripts";

test.each([
    ["bash", "wait-for-ssh.sh", "bash ../host/local/wait-for-ssh.sh"],
    ["node", "notify.mjs", "node ../host/local/notify.mjs"],
] as const)("%s %s runs from the program's folder", (interpreter, script, expected) => {
    expect(localScriptCommand(interpreter, script)).toBe(expected);
    expect(fs.existsSync(path.resolve(PROGRAM_DIR, expected.split(" ")[1]))).toBe(true);
});
