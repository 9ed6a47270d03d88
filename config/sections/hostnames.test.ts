import { Problems, formatProblem } from "../problems";
import { HostnamesValues, isHostname, validateHostnames } from "./hostnames";

const S = 'stack "dev", key projectmeats:';

function validate(values: HostnamesValues) {
    const problems = new Problems();
    const hostnames = validateHostnames({ backendHostname: "api.dev.example.com", frontendHostname: "dev.example.com", ...values }, problems);
    return { hostnames, problems: problems.list.map((problem) => formatProblem("dev", problem)) };
}

test("accepts two distinct hostnames", () => {
    expect(validate({})).toEqual({ hostnames: { backend: "api.dev.example.com", frontend: "dev.example.com" }, problems: [] });
});

test.each<[string, HostnamesValues, string]>([
    [
        "a hostname with an underscore",
        { backendHostname: "api_dev.example.com" },
        `${S}backendHostname: got "api_dev.example.com"; expected a lowercase fully qualified hostname, e.g. "api.dev.example.com"`,
    ],
    [
        "a single-label hostname",
        { frontendHostname: "localhost" },
        `${S}frontendHostname: got "localhost"; expected a lowercase fully qualified hostname, e.g. "api.dev.example.com"`,
    ],
    ["the same hostname twice", { frontendHostname: "api.dev.example.com" }, `${S}frontendHostname: got "api.dev.example.com"; expected a hostname different from backendHostname`],
])("rejects %s", (_, values, message) => {
    expect(validate(values).problems).toEqual([message]);
});

test.each<[string, boolean]>([
    ["dev.example.com", true],
    ["a-b.example.co", true],
    ["Dev.example.com", false],
    ["-api.example.com", false],
    ["example", false],
    ["10.0.0.1", false],
    ["api..example.com", false],
    [`${"a".repeat(64)}.example.com`, false],
])("isHostname(%s) is %p", (value, valid) => {
    expect(isHostname(value)).toBe(valid);
});
