/** Prints the configuration reference table for README.md from config/keys.ts. */
import { CONFIG_KEYS, CONFIG_KEY_NAMES, ConfigKeySpec } from "../config/keys";

const rows = CONFIG_KEY_NAMES.map((name) => {
    const spec: ConfigKeySpec = CONFIG_KEYS[name];
    const fallback = spec.default === undefined ? "required" : `\`${JSON.stringify(spec.default)}\``;
    return `| \`projectmeats:${name}\` | ${spec.type} | ${fallback} | ${spec.description.replace(/\|/g, "\\|")} |`;
});
process.stdout.write(["| key | type | default | meaning |", "|---|---|---|---|", ...rows].join("\n") + "\n");
