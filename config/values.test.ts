import { Problems, formatProblem } from "./problems";
import { readValues, reportUnknownKeys, typedValue, unsetIfEmpty } from "./values";
import { CONFIG_KEYS } from "./keys";

const S = 'stack "dev", key projectmeats:';

function messages(problems: Problems): string[] {
    return problems.list.map((problem) => formatProblem("dev", problem));
}

describe("typedValue converts the CLI's string to the declared type", () => {
    test.each<[string, keyof typeof CONFIG_KEYS, string | undefined, unknown]>([
        ["a string as given", "region", "nyc3", "nyc3"],
        ["a whole number, trimmed", "backendDropletCount", " 2 ", 2],
        ["a negative whole number", "sshPort", "-1", -1],
        ["true", "dropletBackups", "true", true],
        ["false", "dropletBackups", "false", false],
        ["a list of strings", "sshAllowedCidrs", '["203.0.113.0/24"]', ["203.0.113.0/24"]],
        ["the default of a missing optional key", "sshPort", undefined, 22],
        ["the empty default of a missing optional key", "imageSha", undefined, ""],
    ])("%s", (_, key, raw, expected) => {
        const problems = new Problems();
        expect(typedValue(CONFIG_KEYS[key], key, raw, problems)).toEqual(expected);
        expect(problems.list).toEqual([]);
    });

    test.each<[string, keyof typeof CONFIG_KEYS, string | undefined, string]>([
        ["a count that is not a number", "backendDropletCount", "two", `${S}backendDropletCount: got "two"; expected a whole number`],
        ["a fraction", "backendDropletCount", "1.5", `${S}backendDropletCount: got "1.5"; expected a whole number`],
        ["a boolean spelled otherwise", "dropletBackups", "yes", `${S}dropletBackups: got "yes"; expected true or false`],
        ["SSH blocks as a plain string", "sshAllowedCidrs", "203.0.113.0/24", `${S}sshAllowedCidrs: got "203.0.113.0/24"; expected a YAML list of strings, e.g. [a, b]`],
        ["a list of numbers", "sshAllowedCidrs", "[1, 2]", `${S}sshAllowedCidrs: got "[1, 2]"; expected a YAML list of strings, e.g. [a, b]`],
        [
            "a missing required key",
            "region",
            undefined,
            `${S}region: missing; expected DigitalOcean region slug for droplets, VPC and database, e.g. nyc3. (set it with \`pulumi config set region <value>\`)`,
        ],
    ])("rejects %s", (_, key, raw, message) => {
        const problems = new Problems();
        expect(typedValue(CONFIG_KEYS[key], key, raw, problems)).toBeUndefined();
        expect(messages(problems)).toEqual([message]);
    });
});

describe("unknown keys", () => {
    test("a mistyped key, suggesting the right one", () => {
        const problems = new Problems();
        reportUnknownKeys({ "projectmeats:imagesha": "3f9c2ab" }, problems);
        expect(messages(problems)).toEqual([`${S}imagesha: got "3f9c2ab"; expected no such key; did you mean projectmeats:imageSha?`]);
    });

    test("a key like none, pointing at the reference", () => {
        const problems = new Problems();
        reportUnknownKeys({ "projectmeats:completelyDifferent": "x" }, problems);
        expect(messages(problems)).toEqual([`${S}completelyDifferent: got "x"; expected no such key; see the configuration reference in README.md`]);
    });

    test("keys of other namespaces are ignored", () => {
        const problems = new Problems();
        reportUnknownKeys({ "digitalocean:token": "x", "github:owner": "y", "projectmeats:region": "nyc3" }, problems);
        expect(problems.list).toEqual([]);
    });
});

describe("readValues", () => {
    test("reports unknown keys first, then the declared keys in the order keys.ts declares them", () => {
        const problems = new Problems();
        const values = readValues({ "projectmeats:sshPort": "x", "projectmeats:dropletBackups": "yes", "projectmeats:regoin": "nyc3" }, problems);
        expect(problems.list.map((problem) => problem.key).slice(0, 4)).toEqual([
            "projectmeats:regoin",
            "projectmeats:region",
            "projectmeats:doProjectEnvironment",
            "projectmeats:registryName",
        ]);
        expect(problems.list.map((problem) => problem.key)).toContain("projectmeats:sshPort");
        expect(problems.list.findIndex((p) => p.key === "projectmeats:dropletBackups")).toBeLessThan(problems.list.findIndex((p) => p.key === "projectmeats:sshPort"));
        expect(values).toMatchObject({ sshPort: undefined, dropletBackups: undefined, region: undefined, dbVersion: "15", githubReviewers: [] });
    });
});

test.each<[string | undefined, string | undefined]>([
    ["", undefined],
    [undefined, undefined],
    ["x", "x"],
])("unsetIfEmpty(%p) is %p", (value, expected) => {
    expect(unsetIfEmpty(value)).toBe(expected);
});
