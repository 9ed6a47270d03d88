/** The releases the scenarios deploy, by role, and what a new SHA must re-run. */
import type { ReleaseSpec } from "./images";

export const RELEASES = {
    first: { sha: "1a2b3c4", overlays: [] },
    second: { sha: "2b3c4d5", overlays: ["v2"] },
    bad: { sha: "3c4d5e6", overlays: ["v2"], fault: "health" },
    failing: { sha: "4d5e6f7", overlays: ["v2", "failing-migration"] },
} satisfies Record<string, ReleaseSpec>;

/** The resources a new SHA must re-run, and nothing else (by name suffix): the database rights first, then the chain. */
export const CHAIN_STEPS = ["-db-rights", "-migrate", "-deploy-backend", "-health-backend", "-deploy-frontend", "-health-frontend", "-notify"];
