import { Problems, formatProblem } from "../problems";
import { validateAdoption } from "./adoption";

const messages = (problems: Problems) => problems.list.map((p) => formatProblem("prod", p));

test("defaults: nothing adopted, the cluster named after the environment", () => {
    const problems = new Problems();
    expect(
        validateAdoption(
            { adoptRegistry: false, adoptDatabaseClusterId: "", dbClusterName: "", dbExtraTrustedDropletIds: [], adoptGithubEnvironments: false },
            problems,
            true,
            "prod",
        ),
    ).toEqual({
        registry: false,
        databaseClusterId: undefined,
        databaseClusterName: "projectmeats-prod",
        extraTrustedDropletIds: [],
        githubEnvironments: false,
    });
    expect(problems.list).toEqual([]);
});

test("everything adopted", () => {
    const problems = new Problems();
    const values = {
        adoptRegistry: true,
        adoptDatabaseClusterId: "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30",
        dbClusterName: "db-postgresql-nyc3-12345",
        dbExtraTrustedDropletIds: ["386734086", "386734087"],
        adoptGithubEnvironments: true,
    };
    expect(validateAdoption(values, problems, true, "prod")).toEqual({
        registry: true,
        databaseClusterId: "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30",
        databaseClusterName: "db-postgresql-nyc3-12345",
        extraTrustedDropletIds: ["386734086", "386734087"],
        githubEnvironments: true,
    });
    expect(problems.list).toEqual([]);
});

test.each([
    [
        "a registry adopted outside the owner stack",
        { adoptRegistry: true },
        false,
        'stack "prod", key projectmeats:adoptRegistry: got "true"; expected false: only the owner stack (accountOwnerStack) manages the registry; the other stacks look it up by name',
    ],
    [
        "a cluster id that is not a UUID",
        { adoptDatabaseClusterId: "db-postgresql-nyc3-12345" },
        true,
        'stack "prod", key projectmeats:adoptDatabaseClusterId: got "db-postgresql-nyc3-12345"; expected the cluster\'s UUID as `doctl databases list` shows it, e.g. "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30"',
    ],
    [
        "a cluster name with capitals",
        { dbClusterName: "ProjectMeats" },
        true,
        'stack "prod", key projectmeats:dbClusterName: got "ProjectMeats"; expected 3 to 63 lowercase letters, digits and dashes, starting and ending with a letter or digit',
    ],
    [
        "a droplet id that is not a number",
        { dbExtraTrustedDropletIds: ["pm-backend"] },
        true,
        'stack "prod", key projectmeats:dbExtraTrustedDropletIds: got "pm-backend"; expected a droplet ID as `doctl compute droplet list` shows it, e.g. "386734086"',
    ],
])("rejects %s", (_name, values, owns, message) => {
    const problems = new Problems();
    validateAdoption(values, problems, owns, "prod");
    expect(messages(problems)).toEqual([message]);
});
