/**
 * 10. On a DigitalOcean-style database (owned by doadmin, the app's user without rights), the first
 * release passed only because of the grant step and the pre-migrate steps, and a release with no new
 * migration finds nothing to apply (issue 17, facts 5 and 6).
 *
 * - The first release's log (scenario 1): db-rights granted CREATE on schema public and BYPASSRLS, and
 *   migrate ran the nine pre-migrate steps before the full migrate.
 * - Without them, on a second fresh database of the same cluster, with the live release's image: the
 *   app's user cannot migrate ("permission denied for schema public"); granted CREATE, a full migrate
 *   fails at tenants.0002_enable_rls_policies (`column "tenant_id" does not exist`); with the nine
 *   pre-migrate steps first, it passes.
 * - A new SHA whose code has no new migration: its migrate step applies nothing.
 */
import * as crypto from "crypto";
import { PROJECTMEATS_PRE_MIGRATE } from "../../model/app";
import { envFileFor, lastLines, liveBackend, runInImage, stepLines } from "../appChecks";
import { RELEASES } from "../releases";
import { firstLine, round } from "../report";
import type { Scenario } from "./scenario";

const { third } = RELEASES;
/** The second database of the cluster, created as DigitalOcean creates one (no rights for its user). */
export const FRESH = { name: "projectmeats_fresh", user: "projectmeats_fresh" };
/** Milliseconds one throwaway migrate may take. */
const MIGRATE_DEADLINE_MS = 180_000;

export const freshDatabase: Scenario = {
    number: 10,
    title: "a DigitalOcean-style database: the first release passed only through the grant and the pre-migrate steps; a release without a new migration applies none",
    underTraffic: true,
    async run(r, check, figures) {
        // What the first release's steps said (scenario 1 ran them on the empty database).
        const rights = stepLines(r, "-db-rights").map((l) => l.line);
        const user = r.local.database.user;
        check(
            rights.some((l) => l === `db-rights: ${user} may create in schema public of ${r.local.database.name}`),
            `the grant step must have given ${user} CREATE on schema public; it said: ${rights.slice(0, 4).join(" | ")}`,
        );
        check(
            rights.some((l) => l === `db-rights: gave ${user} BYPASSRLS`),
            "the grant step must have given the app's role BYPASSRLS",
        );
        check(
            rights.some((l) => l.startsWith("db-rights: connected to") && l.includes("(PostgreSQL 17.")),
            "the grant step must have run against PostgreSQL 17",
        );
        const premigrated = stepLines(r, "-migrate")
            .map((l) => l.line)
            .filter((l) => /^migrate: migrating [a-z_]+ to 0002 first$/.test(l));
        figures["pre-migrate steps run by the first release"] = premigrated.length;
        check(
            premigrated.length === PROJECTMEATS_PRE_MIGRATE.length,
            `the first release must have run the ${PROJECTMEATS_PRE_MIGRATE.length} pre-migrate steps, ran ${premigrated.length}`,
        );

        // The same on a fresh database, one step left out at a time.
        const live = await liveBackend(r);
        const password = crypto.randomBytes(18).toString("hex");
        r.secrets.push(password);
        await r.local.createFreshDatabase(FRESH.name, FRESH.user, password);
        const envFile = envFileFor(r, "fresh", { ...FRESH, password });
        const manage = ["python", "/app/manage.py"];
        const noGrant = await runInImage(live.image, envFile, [...manage, "migrate", "--fake-initial", "--noinput"], {
            name: "pm-fresh-no-grant",
            deadlineMs: MIGRATE_DEADLINE_MS,
        });
        check(
            noGrant.status !== 0 && noGrant.output.includes("permission denied for schema public"),
            `without the grant, migrate must fail on schema public: ${lastLines(noGrant.output, 2)}`,
        );
        figures["without the grant"] = firstLine(/permission denied for schema public/.exec(noGrant.output)?.[0] ?? `exit ${noGrant.status}`);

        await r.local.query(`SET ROLE doadmin; GRANT CREATE ON SCHEMA public TO "${FRESH.user}";`, FRESH.name);
        const noPre = await runInImage(live.image, envFile, [...manage, "migrate", "--fake-initial", "--noinput"], {
            name: "pm-fresh-no-premigrate",
            deadlineMs: MIGRATE_DEADLINE_MS,
        });
        check(
            noPre.status !== 0 && noPre.output.includes("Applying tenants.0002_enable_rls_policies") && noPre.output.includes('column "tenant_id" does not exist'),
            `without the pre-migrate steps, migrate must fail at tenants.0002_enable_rls_policies: ${lastLines(noPre.output, 2)}`,
        );
        figures["without the pre-migrate steps"] = 'tenants.0002_enable_rls_policies: column "tenant_id" does not exist';

        const steps = PROJECTMEATS_PRE_MIGRATE.map((step) => `python /app/manage.py migrate ${step} --fake-initial --noinput`).join(" && ");
        const both = await runInImage(live.image, envFile, ["sh", "-c", `${steps} && python /app/manage.py migrate --fake-initial --noinput`], {
            name: "pm-fresh-both",
            deadlineMs: MIGRATE_DEADLINE_MS,
        });
        check(both.status === 0, `with the grant and the pre-migrate steps, migrate must pass: ${lastLines(both.output, 3)}`);
        figures["with both: pre-migrate and migrate (s)"] = round(both.seconds);
        const applied = await r.local.query("SELECT count(*) FROM django_migrations", FRESH.name);
        figures["migrations applied to the fresh database"] = Number(applied);

        // A release whose code adds no migration: its migrate step finds nothing to apply.
        const since = Date.now();
        const { deployment } = await r.up(third.sha);
        check(deployment.ok, `up failed: ${firstLine(deployment.error)}`);
        const migrate = stepLines(r, "-migrate", since).map((l) => l.line);
        check(
            migrate.some((l) => l.trim() === "No migrations to apply."),
            `the migrate step of ${third.sha} must apply nothing; it said: ${migrate.slice(-4).join(" | ")}`,
        );
        check(!migrate.some((l) => / to 0002 first$/.test(l)), "no pre-migrate step may run again");
        const took = stepLines(r, "-migrate", since);
        if (took.length > 1) figures["second release's migrate step (s)"] = round((took[took.length - 1].at - took[0].at) / 1000);
        await r.checkServing(third.sha, since, check, figures);
        const { failed } = r.swapFigures(since, figures);
        check(failed.length === 0, `requests failed: ${failed.slice(0, 3).join("; ")}`);
        return deployment.steps.filter((s) => s.action !== "same").map((s) => `${s.status} ${s.name}`);
    },
};
