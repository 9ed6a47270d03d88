/**
 * Small images built locally (no image can be pulled here): Debian's static busybox, its httpd as
 * the app, and a `python` stand-in for Django's manage.py that really reaches PostgreSQL.
 */
import * as fs from "fs";
import * as path from "path";
import { run } from "../processes";
import type { Services } from "./services";

export interface AppImageOptions {
    /** Repository name in the registry, e.g. `backend`. */
    readonly repository: string;
    readonly tag: string;
    /** Serve /api/v1/health/ (200) or not (404). Default true. */
    readonly healthy?: boolean;
    /** Seconds the app waits before listening. Default 0. */
    readonly startDelay?: number;
    /** Make `manage.py migrate` fail. Default false. */
    readonly migrationFails?: boolean;
}

const APPLETS = ["sh", "httpd", "nc", "sleep", "cat", "echo", "test", "[", "env", "printf"];

const MANAGE_PY_STAND_IN = `#!/bin/sh
# Stand-in for \`python backend/manage.py ...\` in end-to-end images.
case "$2" in
  migrate)
    if [ "$MIGRATION" = fail ]; then echo "migration 0002_add_supplier failed: column already exists" >&2; exit 1; fi
    hostport=\${DATABASE_URL#*@}; hostport=\${hostport%%/*}
    host=\${hostport%:*}; port=\${hostport##*:}
    if echo | nc -w 2 "$host" "$port" >/dev/null 2>&1; then echo "migrations applied to $host:$port"; else echo "database $host:$port unreachable" >&2; exit 1; fi ;;
  collectstatic) echo "0 static files copied" ;;
  *) echo "unknown command $2" >&2; exit 2 ;;
esac
`;

/** Builds, pushes and returns the image's pinned reference `registry/repository@sha256:…`. */
export async function buildAppImage(services: Services, options: AppImageOptions): Promise<string> {
    const root = fs.mkdtempSync(path.join(services.dir, "rootfs-"));
    try {
        fs.mkdirSync(path.join(root, "bin"));
        fs.copyFileSync("/bin/busybox", path.join(root, "bin/busybox"));
        fs.chmodSync(path.join(root, "bin/busybox"), 0o755);
        for (const applet of APPLETS) fs.symlinkSync("busybox", path.join(root, "bin", applet));
        fs.mkdirSync(path.join(root, "srv/www/api/v1/health"), { recursive: true });
        fs.writeFileSync(path.join(root, "srv/www/index.html"), `release ${options.tag}\n`);
        if (options.healthy ?? true) fs.writeFileSync(path.join(root, "srv/www/api/v1/health/index.html"), '{"status": "ok"}\n');
        fs.mkdirSync(path.join(root, "usr/local/bin"), { recursive: true });
        fs.writeFileSync(path.join(root, "usr/local/bin/python"), MANAGE_PY_STAND_IN, { mode: 0o755 });
        fs.writeFileSync(path.join(root, "entrypoint.sh"), `#!/bin/sh\nsleep ${options.startDelay ?? 0}\nexec httpd -f -p 8000 -h /srv/www\n`, { mode: 0o755 });
        fs.mkdirSync(path.join(root, "tmp"), { mode: 0o1777 });

        const ref = `${services.registry.address}/${options.repository}:${options.tag}`;
        const tar = `${root}.tar`;
        await run("tar", ["-C", root, "-cf", tar, "."], { deadlineMs: 60_000 });
        await run(
            "docker",
            [
                "import",
                "--change",
                'CMD ["/entrypoint.sh"]',
                "--change",
                "ENV PATH=/usr/local/bin:/bin",
                "--change",
                `ENV MIGRATION=${options.migrationFails ? "fail" : "ok"}`,
                tar,
                ref,
            ],
            { deadlineMs: 120_000, env: services.env },
        );
        fs.rmSync(tar);
        await run("docker", ["push", "--quiet", ref], { deadlineMs: 120_000, env: services.env });
        return (await run("docker", ["inspect", "--format", "{{index .RepoDigests 0}}", ref], { deadlineMs: 30_000, env: services.env })).stdout.trim();
    } finally {
        fs.rmSync(root, { recursive: true, force: true });
    }
}
