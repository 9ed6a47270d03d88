/**
 * What already exists and is adopted rather than created: the account's registry, a database
 * cluster, the GitHub environments. Adoption uses Pulumi's `import` resource option: the resource is
 * read into the stack by its ID and then updated to what the program declares
 * (https://www.pulumi.com/docs/iac/concepts/resources/options/import/). Import IDs are the Terraform
 * providers' (digitalocean_container_registry: name; digitalocean_database_cluster: its UUID;
 * github_repository_environment: `repository:environment`).
 */
import { Problems } from "../problems";
import type { StackConfig } from "../stackConfig";
import { ConfigValues, unsetIfEmpty } from "../values";

/** A DigitalOcean UUID as the API prints it, e.g. a database cluster's id. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Our rule for cluster names: lowercase letters, digits and dashes, 3 to 63, as DigitalOcean's console offers them. */
const CLUSTER_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** A droplet ID: a positive whole number. */
const DROPLET_ID = /^[1-9][0-9]{0,18}$/;

export type AdoptionValues = Pick<ConfigValues, "adoptRegistry" | "adoptDatabaseClusterId" | "dbClusterName" | "dbExtraTrustedDropletIds" | "adoptGithubEnvironments">;

/**
 * @param ownsAccountResources whether this stack manages the registry: only that stack can adopt it.
 * @param environmentName for the default cluster name.
 */
export function validateAdoption(values: AdoptionValues, problems: Problems, ownsAccountResources: boolean, environmentName: string): StackConfig["adoption"] {
    if (values.adoptRegistry === true && !ownsAccountResources) {
        problems.add("adoptRegistry", true, "false: only the owner stack (accountOwnerStack) manages the registry; the other stacks look it up by name");
    }
    const clusterId = unsetIfEmpty(values.adoptDatabaseClusterId);
    if (clusterId !== undefined && !UUID.test(clusterId)) {
        problems.add("adoptDatabaseClusterId", clusterId, 'the cluster\'s UUID as `doctl databases list` shows it, e.g. "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30"');
    }
    const clusterName = unsetIfEmpty(values.dbClusterName) ?? `projectmeats-${environmentName}`;
    if (!CLUSTER_NAME.test(clusterName)) {
        problems.add("dbClusterName", clusterName, "3 to 63 lowercase letters, digits and dashes, starting and ending with a letter or digit");
    }
    const extra = values.dbExtraTrustedDropletIds ?? [];
    for (const id of extra) if (!DROPLET_ID.test(id)) problems.add("dbExtraTrustedDropletIds", id, 'a droplet ID as `doctl compute droplet list` shows it, e.g. "386734086"');
    return {
        registry: values.adoptRegistry ?? false,
        databaseClusterId: clusterId,
        databaseClusterName: clusterName,
        extraTrustedDropletIds: extra,
        githubEnvironments: values.adoptGithubEnvironments ?? false,
    };
}
