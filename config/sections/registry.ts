/** The account's container registry: name, tier, and (in the owner stack) its region. */
import { REGISTRY_REGIONS, REGISTRY_REPOSITORIES, REGISTRY_TIER_REPOSITORIES } from "../catalog";
import { Problems, oneOf } from "../problems";
import type { StackConfig } from "../stackConfig";
import { ConfigValues, unsetIfEmpty } from "../values";

const REGISTRY_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export type RegistryValues = Pick<ConfigValues, "registryName" | "registryTier" | "registryRegion" | "region">;

/** @param ownsAccountResources whether this stack creates the registry; only then must its region host registries. */
export function validateRegistry(values: RegistryValues, problems: Problems, ownsAccountResources: boolean): StackConfig["registry"] {
    const name = values.registryName;
    if (name !== undefined && !REGISTRY_NAME.test(name)) {
        problems.add("registryName", name, "1 to 63 lowercase letters, digits and dashes, starting and ending with a letter or digit");
    }

    const tier = values.registryTier ?? "";
    const tierCapacity = REGISTRY_TIER_REPOSITORIES[tier];
    if (tierCapacity === undefined) {
        problems.add("registryTier", tier, oneOf(Object.keys(REGISTRY_TIER_REPOSITORIES).filter((t) => REGISTRY_TIER_REPOSITORIES[t] >= REGISTRY_REPOSITORIES.length)));
    } else if (tierCapacity < REGISTRY_REPOSITORIES.length) {
        problems.add(
            "registryTier",
            tier,
            `a tier that holds ${REGISTRY_REPOSITORIES.length} repositories (${REGISTRY_REPOSITORIES.join(", ")}): the ${tier} tier holds ${tierCapacity}; use basic or professional`,
        );
    }

    const givenRegion = unsetIfEmpty(values.registryRegion);
    const region = givenRegion ?? values.region ?? "";
    if (ownsAccountResources && values.region !== undefined && !REGISTRY_REGIONS.includes(region)) {
        problems.add(
            "registryRegion",
            region,
            `a region that hosts container registries, ${oneOf(REGISTRY_REGIONS)}${givenRegion !== undefined ? "" : ` (it defaults to region ${region}, which does not; set it explicitly)`}`,
        );
    }

    return { name: name!, tier, region };
}
