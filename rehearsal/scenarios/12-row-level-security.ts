/**
 * 12. Row-level security (issue 17, fact 7): a write to the FORCE row-level-security table through
 * the app succeeds, because the grant step gave the app's role BYPASSRLS (the middleware's SET LOCAL
 * has no effect); without BYPASSRLS the same write fails. With an admin role that cannot give
 * BYPASSRLS (no BYPASSRLS itself), a release stops at the grant step with the program's error, before
 * any migration or container change, and the old release keeps serving.
 */
import { api, liveBackend, stepLines } from "../appChecks";
import { RELEASES } from "../releases";
import type { Scenario } from "./scenario";

const { second } = RELEASES;
const TENANT = { slug: "rehearsal-rls", name: "Rehearsal RLS" };

export const rowLevelSecurity: Scenario = {
    number: 12,
    title: "row-level security: writes pass through the grant step's BYPASSRLS; an admin that cannot give it stops the release at the grant step",
    underTraffic: true,
    async run(r, check, figures) {
        const sha = r.live;
        const live = await liveBackend(r);
        const user = r.local.database.user;
        figures["app role"] = await r.local.query(`SELECT 'rolsuper=' || rolsuper || ' rolbypassrls=' || rolbypassrls FROM pg_roles WHERE rolname = '${user}'`);
        const forced = await r.local.query("SELECT count(*) FROM pg_class WHERE relrowsecurity AND relforcerowsecurity AND relname = 'suppliers_supplier'");
        check(forced === "1", "suppliers_supplier must ENABLE and FORCE row-level security");

        const tenant = await api(r, live.port, "POST", "/api/v1/tenants/", { body: JSON.stringify(TENANT) });
        check(tenant.status === 201, `creating a tenant must answer 201, got ${tenant.status} ${tenant.body.slice(0, 200)}`);
        const headers = { "x-tenant-id": String(tenant.json?.id) };
        const write = await api(r, live.port, "POST", "/api/v1/suppliers/", { body: JSON.stringify({ name: "Prairie Beef Co." }), headers });
        figures["write with BYPASSRLS"] = write.status;
        check(write.status === 201, `a write to the row-level-security table must succeed, got ${write.status} ${write.body.slice(0, 200)}`);
        const read = await api(r, live.port, "GET", "/api/v1/suppliers/", { headers });
        check(
            read.status === 200 && JSON.stringify(read.json?.suppliers).includes("Prairie Beef Co."),
            `the row written must be read back, got ${read.status} ${read.body.slice(0, 200)}`,
        );

        // The same write under a role without BYPASSRLS: the middleware's SET LOCAL does not reach it.
        await r.local.query(`ALTER ROLE "${user}" NOBYPASSRLS`);
        const refused = await api(r, live.port, "POST", "/api/v1/suppliers/", { body: JSON.stringify({ name: "Refused Meats" }), headers });
        figures["write without BYPASSRLS"] = `${refused.status} ${String(refused.json?.error ?? "").slice(0, 80)}`;
        check(
            refused.status === 500 && String(refused.json?.error).includes("violates row-level security policy"),
            `without BYPASSRLS the write must fail, got ${refused.status} ${refused.body.slice(0, 200)}`,
        );

        // An admin that cannot give BYPASSRLS: the release stops at the grant step.
        await r.local.query("ALTER ROLE doadmin NOBYPASSRLS");
        const since = Date.now();
        try {
            const { deployment } = await r.up(second.sha);
            check(!deployment.ok, "up must fail");
            const failedStep = deployment.steps.find((s) => s.status === "failed");
            check(failedStep?.name.endsWith("-db-rights") === true, `the grant step must be the one that fails, got ${failedStep?.name}`);
            const error = failedStep?.error ?? "";
            for (const part of [
                `db-rights: the app's role ${user} needs BYPASSRLS (projectmeats:appBypassRowLevelSecurity is on), and doadmin cannot give it`,
                "doadmin has no BYPASSRLS itself (pg_roles.rolbypassrls = false)",
                "apps/tenants/middleware.py",
                "The release stopped here: nothing was changed in the database or on the servers.",
            ]) {
                check(error.includes(part), `the grant step's error must say "${part}"`);
            }
            figures["grant step's error"] = (stepLines(r, "-db-rights", since).find((l) => l.line.includes("cannot give it"))?.line ?? "").slice(0, 120);
            const after = deployment.steps.filter(
                (s) => s.status !== "failed" && s.action !== "same" && /-(migrate|deploy-backend|health-backend|deploy-frontend|health-frontend|notify)$/.test(s.name),
            );
            check(
                after.every((s) => s.status === "skipped"),
                `no later step may run: ${after.map((s) => `${s.status} ${s.name}`).join(", ")}`,
            );
            check(
                (await r.containers(second.sha)).every((c) => !c.endsWith(" running")),
                `no container of ${second.sha} may run`,
            );
            if (sha) await r.checkStillServing(sha, check);
            const role = await r.local.query(`SELECT rolbypassrls FROM pg_roles WHERE rolname = '${user}'`);
            check(role === "f", "the failed grant step must have changed nothing");
        } finally {
            // The operator's fix: an admin that has BYPASSRLS, which gives it to the app's role again.
            await r.local.query(`ALTER ROLE doadmin BYPASSRLS; ALTER ROLE "${user}" BYPASSRLS`);
        }
        const again = await api(r, live.port, "POST", "/api/v1/suppliers/", { body: JSON.stringify({ name: "Back Again Beef" }), headers });
        check(again.status === 201, `with BYPASSRLS given back, the write must succeed again, got ${again.status}`);
        const { failed } = r.swapFigures(since, figures);
        check(failed.length === 0, `requests failed: ${failed.slice(0, 3).join("; ")}`);
        return [];
    },
};
