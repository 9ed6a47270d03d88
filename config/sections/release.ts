/** The release to deploy: `imageSha`, optional — empty brings up everything but the release. */
import { Problems } from "../problems";
import type { StackConfig } from "../stackConfig";
import { ConfigValues, unsetIfEmpty } from "../values";

const SHA = /^[0-9a-f]{7,40}$/;

export type ReleaseValues = Pick<ConfigValues, "imageSha">;

export function validateRelease(values: ReleaseValues, problems: Problems): Pick<StackConfig, "imageSha"> {
    const imageSha = unsetIfEmpty(values.imageSha);
    if (imageSha !== undefined && !SHA.test(imageSha)) {
        const numeric = /^[0-9.eE+-]+$/.test(imageSha) ? " (YAML reads an unquoted SHA of digits as a number: quote it)" : "";
        problems.add("imageSha", imageSha, `7 to 40 lowercase hex characters (a git commit SHA), e.g. "3f9c2ab"${numeric}`);
    }
    return { imageSha };
}
