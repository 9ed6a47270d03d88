/** What names and places the stack: environment name, region, project environment, account owner. */
import { DROPLET_REGIONS, PROJECT_ENVIRONMENTS, ProjectEnvironment } from "../catalog";
import { Problems, oneOf } from "../problems";
import type { StackConfig } from "../stackConfig";
import { ConfigValues, unsetIfEmpty } from "../values";

const ENVIRONMENT_NAME = /^[a-z][a-z0-9]{1,11}$/;
const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** 2 to 12 lowercase letters and digits starting with a letter: it goes into resource names and image tags. */
export function isEnvironmentName(value: string): boolean {
    return ENVIRONMENT_NAME.test(value);
}

export type GeneralValues = Pick<ConfigValues, "environmentName" | "region" | "doProjectEnvironment" | "accountOwnerStack">;

export type GeneralConfig = Pick<StackConfig, "environmentName" | "region" | "projectEnvironment" | "accountOwnerStack" | "ownsAccountResources">;

/** @param stack the stack name: the default environment name, and whether this stack owns account-wide resources. */
export function validateGeneral(values: GeneralValues, problems: Problems, stack: string): GeneralConfig {
    const givenName = unsetIfEmpty(values.environmentName);
    const environmentName = givenName ?? stack;
    if (!isEnvironmentName(environmentName)) {
        problems.add(
            "environmentName",
            environmentName,
            `2 to 12 lowercase letters and digits starting with a letter${givenName !== undefined ? "" : ` (it defaults to the stack name "${stack}"; set it explicitly)`}`,
        );
    }

    const region = values.region;
    if (region !== undefined && !DROPLET_REGIONS.includes(region)) problems.add("region", region, `a DigitalOcean region slug, ${oneOf(DROPLET_REGIONS)}`);

    const projectEnvironment = values.doProjectEnvironment;
    if (projectEnvironment !== undefined && !(PROJECT_ENVIRONMENTS as readonly string[]).includes(projectEnvironment)) {
        problems.add("doProjectEnvironment", projectEnvironment, oneOf(PROJECT_ENVIRONMENTS));
    }

    const accountOwnerStack = values.accountOwnerStack ?? "";
    if (!STACK_NAME.test(accountOwnerStack)) problems.add("accountOwnerStack", accountOwnerStack, "a stack name such as prod");

    return {
        environmentName,
        region: region!,
        projectEnvironment: projectEnvironment as ProjectEnvironment,
        accountOwnerStack,
        ownsAccountResources: accountOwnerStack === stack,
    };
}
