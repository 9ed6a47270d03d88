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

    test("the providers' own keys and the engine's are accepted", () => {
        const problems = new Problems();
        reportUnknownKeys({ "digitalocean:token": "x", "github:owner": "y", "github:token": "z", "pulumi:tags": "{}", "projectmeats:region": "nyc3" }, problems);
        expect(problems.list).toEqual([]);
    });

    test("a misspelled namespace, suggesting the key in the right one", () => {
        const problems = new Problems();
        reportUnknownKeys({ "projectmeat:regoin": "nyc3", "digitalocen:token": "x", "aws:region": "us-east-1" }, problems);
        expect(messages(problems)).toEqual([
            'stack "dev", key projectmeat:regoin: got "nyc3"; expected a namespace this program reads (projectmeats, digitalocean, github, docker, tls, command, random, pulumi); did you mean projectmeats:region?',
            'stack "dev", key digitalocen:token: got "x"; expected a namespace this program reads (projectmeats, digitalocean, github, docker, tls, command, random, pulumi); did you mean digitalocean:token?',
            'stack "dev", key aws:region: got "us-east-1"; expected a namespace this program reads (projectmeats, digitalocean, github, docker, tls, command, random, pulumi)',
        ]);
    });

    test("a key its provider does not have; the value is not shown", () => {
        const problems = new Problems();
        reportUnknownKeys({ "digitalocean:tokn": "dop_v1_secret" }, problems);
        expect(messages(problems)).toEqual([
            'stack "dev", key digitalocean:tokn: got "(not shown)"; expected a key of the digitalocean provider (apiEndpoint, httpRetryMax, httpRetryWaitMax, httpRetryWaitMin, requestsPerSecond, spacesAccessId, spacesEndpoint, spacesSecretKey, token); did you mean digitalocean:token?',
        ]);
    });

    test("a key without a namespace", () => {
        const problems = new Problems();
        reportUnknownKeys({ regoin: "nyc3" }, problems);
        expect(messages(problems)).toEqual([
            'stack "dev", key regoin: got "nyc3"; expected a key with its namespace, e.g. projectmeats:region: every key in a stack file is namespace:key',
        ]);
    });

    test("a mistyped secret key does not show its value", () => {
        const problems = new Problems();
        reportUnknownKeys({ "projectmeats:slackWebhook": "https://hooks.slack.com/services/T/B/secret" }, problems, ["projectmeats:slackWebhook"]);
        expect(messages(problems)).toEqual([`${S}slackWebhook: got "(secret, not shown)"; expected no such key; did you mean projectmeats:slackWebhookUrl?`]);
    });
});

describe("empty values (the CLI passes `key:` with nothing after it as null)", () => {
    test.each<[string, keyof typeof CONFIG_KEYS, string]>([
        [
            "a required name",
            "githubOwner",
            `${S}githubOwner: got an empty value; expected GitHub user or organization that owns the ProjectMeats repository. (give it a value, or set it with \`pulumi config set githubOwner <value>\`)`,
        ],
        ["a name with a default", "dbName", `${S}dbName: got an empty value; expected a value, or no line at all for the default, "projectmeats"`],
        ["a count with a default", "sshPort", `${S}sshPort: got an empty value; expected a whole number, or no line at all for the default, 22`],
        ["a switch with a default", "githubAdminBypass", `${S}githubAdminBypass: got an empty value; expected true or false, or no line at all for the default, true`],
        [
            "a list with a default",
            "infraDeployBranches",
            `${S}infraDeployBranches: got an empty value; expected a YAML list of strings, e.g. [a, b], or no line at all for the default, ["main"]`,
        ],
    ])("%s is refused", (_, key, message) => {
        const problems = new Problems();
        expect(typedValue(CONFIG_KEYS[key], key, "null", problems)).toBeUndefined();
        expect(messages(problems)).toEqual([message]);
    });

    test.each<[keyof typeof CONFIG_KEYS, unknown]>([
        ["imageSha", ""],
        ["githubReviewers", []],
    ])("%s, whose default is empty, is not set", (key, expected) => {
        const problems = new Problems();
        expect(typedValue(CONFIG_KEYS[key], key, "null", problems)).toEqual(expected);
        expect(problems.list).toEqual([]);
    });
});

describe("lists give each entry once", () => {
    test.each<[keyof typeof CONFIG_KEYS, string[], string[]]>([
        ["githubDeployBranches", ["main", "main"], [`${S}githubDeployBranches: got "main"; expected each entry once: "main" repeats "main"`]],
        ["githubDeployBranches", ["main", "Main"], [`${S}githubDeployBranches: got "Main"; expected each entry once: "Main" repeats "main" (compared without case)`]],
        ["githubDeployTags", ["v*", "V*"], [`${S}githubDeployTags: got "V*"; expected each entry once: "V*" repeats "v*" (compared without case)`]],
        [
            "githubReviewers",
            ["octocat", "team:platform", "OctoCat"],
            [`${S}githubReviewers: got "OctoCat"; expected each entry once: "OctoCat" repeats "octocat" (compared without case)`],
        ],
        ["dbExtraTrustedDropletIds", ["1", "2", "1"], [`${S}dbExtraTrustedDropletIds: got "1"; expected each entry once: "1" repeats "1"`]],
        ["githubProtectedBranches", ["main", "development"], []],
    ])("%s %j", (key, list, expected) => {
        const problems = new Problems();
        expect(typedValue(CONFIG_KEYS[key], key, JSON.stringify(list), problems)).toEqual(list);
        expect(messages(problems)).toEqual(expected);
    });

    test("a secret list's repeats are not shown", () => {
        const problems = new Problems();
        typedValue(CONFIG_KEYS.sshAllowedCidrs, "sshAllowedCidrs", '["10.0.0.0/8","10.0.0.0/8"]', problems, true);
        expect(messages(problems)).toEqual([`${S}sshAllowedCidrs: got "(secret, not shown)"; expected each entry once: an entry is given twice`]);
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
        expect(values).toMatchObject({ sshPort: undefined, dropletBackups: undefined, region: undefined, dbVersion: "17", githubReviewers: [] });
    });
});

test.each<[string | undefined, string | undefined]>([
    ["", undefined],
    [undefined, undefined],
    ["x", "x"],
])("unsetIfEmpty(%p) is %p", (value, expected) => {
    expect(unsetIfEmpty(value)).toBe(expected);
});
