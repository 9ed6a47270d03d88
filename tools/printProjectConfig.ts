/**
 * Prints the `config:` block of Pulumi.yaml implied by infra/configKeys.ts.
 * After changing a key: `npm run config:schema`, then paste the output into Pulumi.yaml
 * (test/projectFile.test.ts fails until the two agree).
 */
import { stringify } from "yaml";
import { projectConfigDeclarations } from "../config/keys";

process.stdout.write(stringify({ config: projectConfigDeclarations() }, { lineWidth: 0 }));
