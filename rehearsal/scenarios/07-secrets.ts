/** 7. Secrets: no secret in any command's output; the env file is 0600 and the deploy user's. */
import * as fs from "fs";
import { run } from "../../tools/processes";
import type { Scenario } from "./scenario";

const ENV_FILE = "/srv/projectmeats/backend.env";

export const secrets: Scenario = {
    number: 7,
    title: "no secret in any command's output, and the env file is private",
    underTraffic: false,
    async run(r, check) {
        const leaked = r.lines.filter((l) => r.secrets.some((s) => s && l.line.includes(s)));
        check(leaked.length === 0, `secrets appeared in output of ${[...new Set(leaked.map((l) => l.resource))].join(", ")}`);
        const mode = (await run("stat", ["-c", "%a %U", ENV_FILE], { deadlineMs: 10_000 })).stdout.trim();
        check(mode === "600 deploy", `backend.env must be 0600 and the deploy user's, is ${mode}`);
        // The values searched for are the ones in use: the env file holds them.
        const envFile = fs.readFileSync(ENV_FILE, "utf8");
        check(
            envFile.includes(`SECRET_KEY=${r.djangoSecretKey}\n`) && envFile.includes(r.local.database.password),
            "the env file must hold the generated key and the database password",
        );
        return [];
    },
};
