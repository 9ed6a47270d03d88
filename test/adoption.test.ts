/**
 * Adopting what ProjectMeats runs today (README, "Adopt what exists"): the registry, a database
 * cluster with its database and user, the GitHub environments. Each is registered with Pulumi's
 * `import` option and the ID its Terraform provider imports by.
 */
import { ProgramRun, RecordedResource, ofType, reveal, runProgram } from "../tools/programRunner";

const CLUSTER = "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30";
const imports = (run: ProgramRun, type: string) => ofType(run, type).map((r: RecordedResource) => r.importId);

describe("prod, adopting the registry, the database cluster and the GitHub environments", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runProgram("prod", {
            config: {
                "projectmeats:adoptRegistry": "true",
                "projectmeats:adoptDatabaseClusterId": CLUSTER,
                "projectmeats:dbClusterName": "meatscentral-prod",
                "projectmeats:dbExtraTrustedDropletIds": '["386734086"]',
                "projectmeats:adoptGithubEnvironments": "true",
            },
        });
    });

    test("runs with no error", () => expect(run.error).toBeUndefined());

    test("the registry is imported by its name", () => {
        expect(imports(run, "digitalocean:index/containerRegistry:ContainerRegistry")).toEqual(["projectmeats"]);
    });

    test("the cluster keeps its own name and is imported by UUID; the database and user by cluster,name", () => {
        const [cluster] = ofType(run, "digitalocean:index/databaseCluster:DatabaseCluster");
        expect([cluster.importId, (reveal(cluster.inputs) as { name: string }).name]).toEqual([CLUSTER, "meatscentral-prod"]);
        expect(imports(run, "digitalocean:index/databaseDb:DatabaseDb")).toEqual([`${CLUSTER},projectmeats`]);
        expect(imports(run, "digitalocean:index/databaseUser:DatabaseUser")).toEqual([`${CLUSTER},projectmeats`]);
    });

    test("the database firewall keeps admitting the droplets serving today", () => {
        const [firewall] = ofType(run, "digitalocean:index/databaseFirewall:DatabaseFirewall");
        const rules = (reveal(firewall.inputs) as { rules: { type: string; value: string }[] }).rules;
        expect(rules.map((r) => r.value)).toContain("386734086");
        expect(rules.every((r) => r.type === "droplet")).toBe(true);
    });

    test("the environments are imported as repository:environment", () => {
        // The app repository's; this program's repository's environments (infra-prod*) are new, never adopted.
        const app = ofType(run, "github:index/repositoryEnvironment:RepositoryEnvironment").filter(
            (r) => (reveal(r.inputs) as { repository: string }).repository === "ProjectMeats",
        );
        expect(app.map((r) => r.importId).sort()).toEqual(["ProjectMeats:prod2-backend", "ProjectMeats:prod2-frontend"]);
    });

    test("droplets are never adopted: user data forces a replacement, so new ones are created", () => {
        expect(imports(run, "digitalocean:index/droplet:Droplet").every((id) => id === "")).toBe(true);
    });
});

test("without adoption settings nothing is imported", async () => {
    const run = await runProgram("prod");
    expect(run.resources.filter((r) => r.importId !== "").map((r) => r.name)).toEqual([]);
});

test("a stack that does not own the registry cannot adopt it", async () => {
    const run = await runProgram("dev", { config: { "projectmeats:adoptRegistry": "true" } });
    expect(run.resources).toEqual([]);
    expect(run.error?.message).toContain(
        'stack "dev", key projectmeats:adoptRegistry: got "true"; expected false: only the owner stack (accountOwnerStack) manages the registry; the other stacks look it up by name',
    );
});
