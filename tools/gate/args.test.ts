import { USAGE, helpText, parseArgs } from "./args";

const STACKS = ["dev", "uat", "prod", "rehearsal"];

test.each<[string, string[], Partial<ReturnType<typeof parseArgs>["args"]>]>([
    ["one stack", ["--stack", "dev"], { stacks: ["dev"], all: false, json: false, config: {} }],
    ["--stack=", ["--stack=prod", "--json"], { stacks: ["prod"], json: true }],
    ["-s", ["-s", "uat"], { stacks: ["uat"] }],
    ["every stack", ["--all"], { stacks: STACKS, all: true }],
    [
        "values to try, with and without a namespace, = in the value",
        ["--stack", "dev", "--config", "dbNodeCount=2", "--config=github:owner=x=y"],
        { config: { "projectmeats:dbNodeCount": "2", "github:owner": "x=y" } },
    ],
    ["an empty value", ["--stack", "dev", "--config", "imageSha="], { config: { "projectmeats:imageSha": "" } }],
    ["a plant and a stack file", ["--stack", "dev", "--plant", "p.json", "--config-file", "s.yaml"], { plant: "p.json", configFile: "s.yaml" }],
    ["--help", ["--help"], { help: true }],
    ["-h, whatever else is given", ["-h", "--bogus"], { help: true }],
])("%s", (_, argv, expected) => {
    const { args } = parseArgs(argv, STACKS);
    expect(args).toMatchObject(expected);
    if (!args.help) expect(parseArgs(argv, STACKS).problems).toEqual([]);
});

test.each<[string, string[], string[]]>([
    ["nothing", [], ["--stack or --all is required"]],
    ["--stack without a value", ["--stack"], ["--stack needs a stack name: --stack <stack>"]],
    ["--stack followed by another flag", ["--stack", "--json"], ["--stack needs a stack name: --stack <stack>"]],
    ["a stack with no stack file", ["--stack", "staging"], ["no stack file Pulumi.staging.yaml: the stacks are dev, uat, prod, rehearsal"]],
    ["two stacks", ["--stack", "dev", "--stack", "prod"], ["--stack given 2 times (dev, prod): check one stack, or every stack with --all"]],
    ["--stack and --all", ["--stack", "dev", "--all"], ["--stack and --all exclude each other: check one stack, or every stack"]],
    ["--plant without a value", ["--stack", "dev", "--plant"], ["--plant needs a file: --plant FILE, e.g. --plant test/fixtures/plant-public-database.json"]],
    ["--plant with --all", ["--all", "--plant", "p.json"], ["--plant changes one stack's resources: use it with --stack"]],
    ["--config-file with --all", ["--all", "--config-file", "s.yaml"], ["--config-file replaces one stack's file: use it with --stack"]],
    [
        "--config KEY without =, naming the key",
        ["--stack", "dev", "--config", "dbNodeCount"],
        ["--config dbNodeCount: no value; expected KEY=VALUE, e.g. --config dbNodeCount=<value>"],
    ],
    ["--config without a value", ["--stack", "dev", "--config"], ["--config needs KEY=VALUE, e.g. --config dbNodeCount=2"]],
    ["--config =VALUE", ["--stack", "dev", "--config", "=2"], ['--config =2: no key before "="; expected KEY=VALUE, e.g. --config dbNodeCount=2']],
    ["a mistyped flag", ["--stack", "dev", "--jsno"], ["unknown argument --jsno; did you mean --json?"]],
    ["a stray word", ["--stack", "dev", "prod"], ["unknown argument prod"]],
    [
        "every problem at once",
        ["--stak", "dev", "--config", "x", "--plant"],
        [
            "unknown argument --stak; did you mean --stack?",
            "unknown argument dev",
            "--config x: no value; expected KEY=VALUE, e.g. --config x=<value>",
            "--plant needs a file: --plant FILE, e.g. --plant test/fixtures/plant-public-database.json",
            "--stack or --all is required",
        ],
    ],
])("refuses %s", (_, argv, problems) => {
    expect(parseArgs(argv, STACKS).problems).toEqual(problems);
});

test("--json is read even when the rest is wrong, so the answer comes in the form asked for", () => {
    expect(parseArgs(["--json", "--stack", "staging"], STACKS).args.json).toBe(true);
});

test("the help starts with the usage and names the stacks", () => {
    expect(helpText(STACKS).split("\n")[0]).toBe(USAGE);
    expect(helpText(STACKS)).toContain("the stack to check: dev, uat, prod, rehearsal");
});
