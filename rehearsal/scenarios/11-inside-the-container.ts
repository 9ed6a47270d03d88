/**
 * 11. Inside the running backend container: the settings module is production, SECRET_KEY is the
 * stack's, the public hostname answers 200 through nginx, no user has the password defaultpass123 and
 * no seeded tenant exists (issue 17, facts 2 to 4).
 *
 * And why it matters: the same image started with its own CMD and DJANGO_ENV unset (as ProjectMeats'
 * deploy.sh started it), against a fresh database, creates admin/defaultpass123, then fails seeding
 * test tenants under a role without BYPASSRLS and exits before gunicorn starts.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import { get, httpRequest } from "../../tools/http";
import { BACKEND_ENV_FILE, DJANGO_SETUP, envFileFor, execPython, lastLines, liveBackend, runInImage } from "../appChecks";
import { DROPLET_HTTP_PORT, DROPLET_HTTPS_PORT } from "../localSite";
import { firstLine } from "../report";
import { FRESH } from "./10-fresh-database";
import type { Scenario } from "./scenario";

/** What the container says about itself; the superuser's password arrives on standard input. */
const INSPECT = `${DJANGO_SETUP}
from django.contrib.auth import get_user_model
from apps.tenants.models import Tenant
password = sys.stdin.read().strip()
users = list(get_user_model().objects.all())
print(json.dumps({
    "module": os.environ.get("DJANGO_SETTINGS_MODULE"),
    "production": settings.DEBUG is False and settings.SECURE_SSL_REDIRECT,
    "key": hashlib.sha256(settings.SECRET_KEY.encode()).hexdigest(),
    "users": [u.username for u in users],
    "default_password": [u.username for u in users if u.check_password("defaultpass123")],
    "stack_password": [u.username for u in users if password and u.check_password(password)],
    "seeded": list(Tenant.objects.filter(slug__regex=r"^[a-z]+-(acme-corp|globex-inc|initech-llc)$").values_list("slug", flat=True)),
}))`;

/** The same questions about the fresh database, from a throwaway container of the image. */
const DEFAULT_ADMIN = `${DJANGO_SETUP}
from django.contrib.auth import get_user_model
from apps.tenants.models import Tenant
users = list(get_user_model().objects.all())
print(json.dumps({"default_password": [u.username for u in users if u.check_password("defaultpass123")], "tenants": Tenant.objects.count()}))`;

export const insideTheContainer: Scenario = {
    number: 11,
    title: "inside the running backend: production settings, the stack's SECRET_KEY, 200 through nginx, no default password, no seeded tenant",
    underTraffic: true,
    async run(r, check, figures) {
        const since = Date.now();
        const live = await liveBackend(r);
        const env = fs.readFileSync(BACKEND_ENV_FILE, "utf8");
        const superuserPassword = /^DEVELOPMENT_SUPERUSER_PASSWORD=(.*)$/m.exec(env)?.[1] ?? "";
        const seen = await execPython(live.name, INSPECT, superuserPassword);
        figures["settings module"] = String(seen.module);
        check(seen.module === "projectmeats.settings.production", `the settings module must be production, is ${seen.module}`);
        check(seen.production === true, "DEBUG must be off and SECURE_SSL_REDIRECT on");
        const stackKey = crypto.createHash("sha256").update(r.djangoSecretKey).digest("hex");
        check(seen.key === stackKey, "SECRET_KEY must be the stack's (compared by its SHA-256)");
        figures["SECRET_KEY is the stack's"] = seen.key === stackKey ? "yes" : "no";
        figures.users = (seen.users as string[]).join(", ");
        check((seen.default_password as string[]).length === 0, `no user may have the password defaultpass123: ${(seen.default_password as string[]).join(", ")}`);
        check((seen.stack_password as string[]).includes("admin"), "admin must have the stack's superuser password (setup_superuser, a post-migrate step)");
        figures["users with defaultpass123"] = (seen.default_password as string[]).length;
        figures["seeded tenants"] = (seen.seeded as string[]).length;
        check((seen.seeded as string[]).length === 0, `no seeded tenant may exist: ${(seen.seeded as string[]).join(", ")}`);

        const health = await r.serving("backend");
        check(health.ok && health.release === r.live, `the public hostname must answer 200 through nginx, got ${health.detail ?? health.release}`);
        figures["public hostname through nginx"] = health.ok ? "200" : String(health.detail);
        // Plain HTTP is redirected to https://: by nginx with edge droplet, else by production settings
        // (SECURE_SSL_REDIRECT) for every path but health and ready.
        const redirect = await get(DROPLET_HTTP_PORT, "/api/v1/suppliers/", { host: r.local.droplet.address, hostHeader: r.config.hostnames.backend, deadlineMs: 10_000 });
        figures["an API path over plain HTTP through nginx"] = `${redirect.status} ${redirect.headers.location ?? ""}`.trim();
        check(
            redirect.status === 301 && String(redirect.headers.location).startsWith("https://"),
            `an API path over plain HTTP must be redirected to https://, got ${redirect.status}`,
        );
        if (r.edge.tls) {
            // Where TLS ended in nginx, it says so (X-Forwarded-Proto https) and Django's SECURE_SSL_REDIRECT
            // must not send the request round again.
            const secure = await httpRequest({
                host: "127.0.0.1",
                port: DROPLET_HTTPS_PORT,
                path: "/api/v1/suppliers/",
                headers: { Host: r.config.hostnames.backend },
                tls: { ca: r.edge.tls.ca, servername: r.config.hostnames.backend },
                deadlineMs: 10_000,
            });
            figures["an API path over HTTPS through nginx"] = String(secure.status);
            check(
                secure.status !== 301 && secure.status < 500,
                `an API path over HTTPS must reach the app without another redirect, got ${secure.status} ${secure.headers.location ?? ""}`,
            );
        }

        // The image's own CMD, with DJANGO_ENV unset, against the fresh database of scenario 10.
        const password = crypto.randomBytes(18).toString("hex");
        r.secrets.push(password);
        await r.local.createFreshDatabase(FRESH.name, FRESH.user, password);
        await r.local.query(`SET ROLE doadmin; GRANT CREATE ON SCHEMA public TO "${FRESH.user}";`, FRESH.name);
        const envFile = envFileFor(r, "fresh-cmd", { ...FRESH, password }, ["DJANGO_ENV", "DEVELOPMENT_SUPERUSER_PASSWORD", "DEVELOPMENT_SUPERUSER_USERNAME"]);
        const migrated = await runInImage(
            live.image,
            envFile,
            [
                "sh",
                "-c",
                "for a in suppliers customers products purchase_orders sales_orders invoices carriers contacts plants; do python /app/manage.py migrate $a 0002 --noinput || exit 1; done && python /app/manage.py migrate --noinput",
            ],
            { name: "pm-fresh-migrate", deadlineMs: 180_000 },
        );
        check(migrated.status === 0, `the fresh database must migrate: ${lastLines(migrated.output, 2)}`);
        const cmd = await runInImage(live.image, envFile, [], { name: "pm-image-cmd", deadlineMs: 120_000 });
        const why = /new row violates row-level security policy for table "[a-z_]+"/.exec(cmd.output)?.[0];
        check(
            cmd.status !== 0 && cmd.output.includes("Superuser created: admin (development)") && why !== undefined,
            `the image's CMD must create admin and then fail seeding: exit ${cmd.status}, ${lastLines(cmd.output, 3)}`,
        );
        check(!cmd.output.includes("Booting worker"), "the image's CMD must stop before gunicorn starts");
        figures["image CMD with DJANGO_ENV unset: exit"] = cmd.status;
        figures["image CMD with DJANGO_ENV unset: seeding"] = firstLine(why ?? "did not fail");
        const after = await runInImage(live.image, envFile, ["python", "-c", DEFAULT_ADMIN], { name: "pm-image-cmd-check", deadlineMs: 60_000 });
        const answer = JSON.parse(
            after.output
                .trim()
                .split("\n")
                .filter((l) => l.startsWith("{"))
                .pop() ?? "{}",
        ) as { default_password?: string[] };
        check(answer.default_password?.includes("admin") === true, `the image's CMD must have left admin/defaultpass123: ${lastLines(after.output, 2)}`);
        figures["image CMD with DJANGO_ENV unset: users with defaultpass123"] = (answer.default_password ?? []).join(", ");
        const { failed } = r.swapFigures(since, figures);
        check(failed.length === 0, `requests failed: ${failed.slice(0, 3).join("; ")}`);
        return [];
    },
};
