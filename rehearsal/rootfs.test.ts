import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { APP_BASE, cacheKey, cacheRoot, DATABASE_BASE, describeBase, isBaseRootfs } from "./rootfs";

describe("the rehearsal's root filesystems", () => {
    test("the images' base is sid with Django, jQuery for its admin, gunicorn and psycopg2; the database's is trixie's PostgreSQL 17", () => {
        expect(describeBase("amd64")).toEqual({
            suite: "sid",
            variant: "minbase",
            packages: ["gunicorn", "libjs-jquery", "python-is-python3", "python3-django", "python3-psycopg2"],
            architecture: "amd64",
        });
        expect(describeBase("amd64", DATABASE_BASE)).toEqual({ suite: "trixie", variant: "minbase", packages: ["postgresql-17"], architecture: "amd64" });
    });

    test("the cache key changes with the suite, the packages and the architecture, not with the packages' order", () => {
        const key = cacheKey(describeBase("amd64"));
        expect(key).toMatch(/^[0-9a-f]{64}$/);
        expect(cacheKey(describeBase("amd64", { ...APP_BASE, suite: "bookworm" }))).not.toBe(key);
        expect(cacheKey(describeBase("amd64", { ...APP_BASE, packages: [...APP_BASE.packages, "curl"] }))).not.toBe(key);
        expect(cacheKey(describeBase("arm64"))).not.toBe(key);
        expect(cacheKey(describeBase("amd64", { ...APP_BASE, packages: [...APP_BASE.packages].reverse() }))).toBe(key);
        expect(cacheKey(describeBase("amd64", DATABASE_BASE))).not.toBe(key);
    });

    test("a root counts only when it holds every file its spec names", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pm-rootfs-test-"));
        try {
            expect(isBaseRootfs(dir)).toBe(false);
            expect(isBaseRootfs("")).toBe(false);
            for (const file of APP_BASE.commands) {
                fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
                fs.writeFileSync(path.join(dir, file), "");
            }
            expect(isBaseRootfs(dir)).toBe(true);
            expect(isBaseRootfs(dir, DATABASE_BASE)).toBe(false);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    test.each([
        [{ PM_REHEARSAL_CACHE: "/srv/cache" }, "/srv/cache"],
        [{ XDG_CACHE_HOME: "/home/ci/.cache" }, "/home/ci/.cache/projectmeats-rehearsal"],
        [{}, "/var/cache/projectmeats-rehearsal"],
    ])("the cache lives under %j: %s", (env, root) => {
        expect(cacheRoot(env)).toBe(root);
    });
});
