/** The public hostnames nginx serves. */
import { Problems } from "../problems";
import type { StackConfig } from "../stackConfig";
import { ConfigValues } from "../values";

const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A lowercase fully qualified hostname: at least two labels, the last not all digits. */
export function isHostname(value: string): boolean {
    const labels = value.split(".");
    return value.length <= 253 && labels.length >= 2 && labels.every((label) => HOST_LABEL.test(label)) && /[a-z]/.test(labels[labels.length - 1]);
}

export type HostnamesValues = Pick<ConfigValues, "backendHostname" | "frontendHostname">;

export function validateHostnames(values: HostnamesValues, problems: Problems): StackConfig["hostnames"] {
    const backend = values.backendHostname;
    const frontend = values.frontendHostname;
    for (const [key, value] of [
        ["backendHostname", backend],
        ["frontendHostname", frontend],
    ] as const) {
        if (value !== undefined && !isHostname(value)) problems.add(key, value, 'a lowercase fully qualified hostname, e.g. "api.dev.example.com"');
    }
    if (backend !== undefined && backend === frontend) {
        problems.add("frontendHostname", frontend, "a hostname different from backendHostname");
    }
    return { backend: backend!, frontend: frontend! };
}
