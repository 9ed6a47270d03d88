/** The releases the scenarios deploy, by role, and what a new SHA must re-run. */
import type { ReleaseSpec } from "./images";

export const RELEASES = {
    first: { sha: "1a2b3c4", overlays: [] },
    second: { sha: "2b3c4d5", overlays: ["v2"] },
    bad: { sha: "3c4d5e6", overlays: ["v2"], fault: "health" },
    failing: { sha: "4d5e6f7", overlays: ["v2", "failing-migration"] },
    /** The app cannot load: its container exits at start (its migrations are the second's). */
    crashing: { sha: "5e6f7a8", overlays: ["v2"], fault: "exit" },
    /** A good release with the second's migrations, for the scenarios that need one more SHA. */
    third: { sha: "6f7a8b9", overlays: ["v2"] },
} satisfies Record<string, ReleaseSpec>;

/** The suppliers app's migrations each release's code holds, comma-separated (Rehearsal.migrations()). */
export const SUPPLIER_MIGRATIONS = {
    first: "0001_initial,0002_supplier_tenant",
    second: "0001_initial,0002_supplier_tenant,0003_supplier_country",
} as const;

/** The resources a new SHA must re-run, and nothing else (by name suffix): the database rights first, then the chain. */
export const CHAIN_STEPS = ["-db-rights", "-migrate", "-deploy-backend", "-health-backend", "-deploy-frontend", "-health-frontend", "-notify"];
