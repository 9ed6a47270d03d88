import { Problems, formatProblem } from "../problems";
import { DatabaseValues, validateDatabase } from "./database";

const VALID: DatabaseValues = { dbVersion: "15", dbSize: "db-s-1vcpu-1gb", dbNodeCount: 1, dbName: "projectmeats", dbUser: "projectmeats" };

function validate(values: DatabaseValues) {
    const problems = new Problems();
    const database = validateDatabase({ ...VALID, ...values }, problems);
    return { database, problems: problems.list.map((problem) => formatProblem("dev", problem)) };
}

const S = 'stack "dev", key projectmeats:';

test("accepts ProjectMeats' server version, 17 (its 21-db-backup-restore-do.yml installs the PostgreSQL 17 client to match the server)", () => {
    expect(validate({ dbVersion: "17" }).problems).toEqual([]);
});

test("accepts the defaults", () => {
    expect(validate({})).toEqual({ database: { version: "15", size: "db-s-1vcpu-1gb", nodeCount: 1, name: "projectmeats", user: "projectmeats" }, problems: [] });
});

test("accepts standby nodes on a plan with 2 GB of memory or more", () => {
    expect(validate({ dbSize: "db-s-1vcpu-2gb", dbNodeCount: 3 })).toMatchObject({ database: { size: "db-s-1vcpu-2gb", nodeCount: 3 }, problems: [] });
});

test.each<[string, DatabaseValues, string]>([
    ["an unsupported PostgreSQL version", { dbVersion: "12" }, `${S}dbVersion: got "12"; expected a PostgreSQL major version DigitalOcean offers, one of 14, 15, 16, 17`],
    ["PostgreSQL 13, past its end of life", { dbVersion: "13" }, `${S}dbVersion: got "13"; expected a PostgreSQL major version DigitalOcean offers, one of 14, 15, 16, 17`],
    ["more than 3 database nodes", { dbNodeCount: 4 }, `${S}dbNodeCount: got "4"; expected 1 to 3: a PostgreSQL cluster has one primary and at most two standby nodes`],
    ["no database nodes", { dbNodeCount: 0 }, `${S}dbNodeCount: got "0"; expected 1 to 3: a PostgreSQL cluster has one primary and at most two standby nodes`],
    [
        "standby nodes on a 1 GB plan",
        { dbNodeCount: 2 },
        `${S}dbNodeCount: got "2"; expected 1 with dbSize db-s-1vcpu-1gb: standby nodes need a plan with at least 2 GB of memory, e.g. db-s-1vcpu-2gb`,
    ],
    [
        "an unknown database size",
        { dbSize: "db-s-1vcpu-3gb" },
        `${S}dbSize: got "db-s-1vcpu-3gb"; expected a database size slug, one of db-s-1vcpu-1gb, db-s-1vcpu-2gb, db-s-2vcpu-4gb, db-s-4vcpu-8gb, db-s-6vcpu-16gb, db-s-8vcpu-32gb, db-s-16vcpu-64gb`,
    ],
    ["the cluster admin as app user", { dbUser: "doadmin" }, `${S}dbUser: got "doadmin"; expected a name other than doadmin, the cluster's administrator`],
    [
        "a database name with a dash",
        { dbName: "project-meats" },
        `${S}dbName: got "project-meats"; expected a lowercase PostgreSQL identifier: letters, digits and underscores, starting with a letter or underscore, at most 63 characters`,
    ],
])("rejects %s", (_, values, message) => {
    expect(validate(values).problems).toEqual([message]);
});

test("an unknown size is reported once, not again for standby nodes", () => {
    expect(validate({ dbSize: "db-x", dbNodeCount: 2 }).problems).toEqual([
        `${S}dbSize: got "db-x"; expected a database size slug, one of db-s-1vcpu-1gb, db-s-1vcpu-2gb, db-s-2vcpu-4gb, db-s-4vcpu-8gb, db-s-6vcpu-16gb, db-s-8vcpu-32gb, db-s-16vcpu-64gb`,
    ]);
});
