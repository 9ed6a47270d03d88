/** The managed PostgreSQL cluster: version, size, nodes, and the application's database and user. */
import { DATABASE_SIZES, POSTGRES_MAX_NODES, POSTGRES_VERSIONS, STANDBY_MIN_MEMORY_GB, slugMemoryGb } from "../catalog";
import { Problems, oneOf } from "../problems";
import type { StackConfig } from "../stackConfig";
import { ConfigValues } from "../values";

const POSTGRES_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export type DatabaseValues = Pick<ConfigValues, "dbVersion" | "dbSize" | "dbNodeCount" | "dbName" | "dbUser">;

export function validateDatabase(values: DatabaseValues, problems: Problems): StackConfig["database"] {
    const { dbVersion, dbSize, dbNodeCount } = values;
    if (dbVersion !== undefined && !POSTGRES_VERSIONS.includes(dbVersion))
        problems.add("dbVersion", dbVersion, `a PostgreSQL major version DigitalOcean offers, ${oneOf(POSTGRES_VERSIONS)}`);
    if (dbSize !== undefined && !DATABASE_SIZES.includes(dbSize)) problems.add("dbSize", dbSize, `a database size slug, ${oneOf(DATABASE_SIZES)}`);
    if (dbNodeCount !== undefined && (dbNodeCount < 1 || dbNodeCount > POSTGRES_MAX_NODES)) {
        problems.add("dbNodeCount", dbNodeCount, `1 to ${POSTGRES_MAX_NODES}: a PostgreSQL cluster has one primary and at most two standby nodes`);
    } else if (dbNodeCount !== undefined && dbNodeCount > 1 && dbSize !== undefined && DATABASE_SIZES.includes(dbSize)) {
        const memory = slugMemoryGb(dbSize) ?? 0;
        if (memory < STANDBY_MIN_MEMORY_GB) {
            problems.add("dbNodeCount", dbNodeCount, `1 with dbSize ${dbSize}: standby nodes need a plan with at least ${STANDBY_MIN_MEMORY_GB} GB of memory, e.g. db-s-1vcpu-2gb`);
        }
    }
    for (const key of ["dbName", "dbUser"] as const) {
        const value = values[key];
        if (value !== undefined && !POSTGRES_IDENTIFIER.test(value))
            problems.add(key, value, "a lowercase PostgreSQL identifier: letters, digits and underscores, starting with a letter or underscore, at most 63 characters");
    }
    if (values.dbUser === "doadmin") problems.add("dbUser", "doadmin", "a name other than doadmin, the cluster's administrator");
    return { version: dbVersion!, size: dbSize!, nodeCount: dbNodeCount!, name: values.dbName!, user: values.dbUser! };
}
