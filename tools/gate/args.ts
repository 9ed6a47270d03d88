/** The gate's command line: every problem with it at once, never a stack trace. */

export const USAGE = "usage: npm run check -- (--stack <stack> [--config-file FILE] [--plant FILE] | --all) [--json] [--config KEY=VALUE]...";

export function helpText(stacks: readonly string[]): string {
    return [
        USAGE,
        "",
        "Runs the program for a stack under Pulumi's mocks and the policy pack as the Pulumi CLI serves it,",
        "with no cloud account and no credentials, then prints the resource tree and every violation.",
        "",
        `  --stack, -s <stack>   the stack to check: ${stacks.join(", ")}`,
        "  --all                 every stack in one process, then the rules across stacks",
        "  --json                one JSON document on stdout, errors included",
        "  --config KEY=VALUE    try a value (KEY without a namespace is projectmeats:KEY); repeatable",
        "  --config-file FILE    read the stack's configuration from FILE, not Pulumi.<stack>.yaml (like pulumi's)",
        "  --plant FILE          add or patch resources before analysis (see test/fixtures/plant-*.json)",
        "  --help, -h            this text",
        "",
        "Exit status: 0 no violation; 1 a mandatory policy violation; 2 bad input (flags, stack file,",
        "configuration, plant file, a stack rule) or a program that fails.",
    ].join("\n");
}

export interface GateArgs {
    readonly help: boolean;
    readonly all: boolean;
    /** The stack to check (with `--stack`), or every stack (with `--all`). */
    readonly stacks: readonly string[];
    readonly json: boolean;
    readonly plant?: string;
    /** The stack file to read instead of `Pulumi.<stack>.yaml`. */
    readonly configFile?: string;
    /** Values to try, keyed by full name (`projectmeats:dbNodeCount`). */
    readonly config: Readonly<Record<string, string>>;
}

const FLAGS = ["--stack", "--all", "--json", "--config", "--config-file", "--plant", "--help"];

function near(arg: string): string | undefined {
    const name = arg.split("=")[0].toLowerCase();
    return FLAGS.find((flag) => {
        const [a, b] = [name, flag];
        let row = Array.from({ length: b.length + 1 }, (_, j) => j);
        for (let i = 1; i <= a.length; i++) {
            const next = [i];
            for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
            row = next;
        }
        return row[b.length] <= 2;
    });
}

/**
 * Parses the gate's arguments. `json` is read first, so that even a bad command line answers in the
 * form asked for.
 *
 * @param stacks the stacks that have a stack file (`--stack` must name one; `--all` checks them all).
 */
export function parseArgs(argv: readonly string[], stacks: readonly string[]): { args: GateArgs; problems: string[] } {
    const problems: string[] = [];
    const named: string[] = [];
    const config: Record<string, string> = {};
    let all = false;
    let json = false;
    let help = false;
    let plant: string | undefined;
    let configFile: string | undefined;
    let stackFlag = false;
    /** The value of a flag that takes one: `--flag=value` or the next argument (not another flag). */
    const valueOf = (i: number, arg: string, flag: string): { value?: string; next: number } => {
        if (arg.startsWith(`${flag}=`)) return { value: arg.slice(flag.length + 1), next: i };
        const value = argv[i + 1];
        return value === undefined || value.startsWith("--") ? { next: i } : { value, next: i + 1 };
    };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--json") json = true;
        else if (arg === "--all") all = true;
        else if (arg === "--help" || arg === "-h") help = true;
        else if (arg === "--stack" || arg === "-s" || arg.startsWith("--stack=")) {
            const { value, next } = valueOf(i, arg, "--stack");
            i = next;
            stackFlag = true;
            if (value === undefined || value === "") problems.push("--stack needs a stack name: --stack <stack>");
            else named.push(value);
        } else if (arg === "--plant" || arg.startsWith("--plant=")) {
            const { value, next } = valueOf(i, arg, "--plant");
            i = next;
            if (value === undefined || value === "") problems.push("--plant needs a file: --plant FILE, e.g. --plant test/fixtures/plant-public-database.json");
            else if (plant !== undefined && plant !== value) problems.push(`--plant given twice (${plant}, ${value}): plant one file`);
            else plant = value;
        } else if (arg === "--config-file" || arg.startsWith("--config-file=")) {
            const { value, next } = valueOf(i, arg, "--config-file");
            i = next;
            if (value === undefined || value === "") problems.push("--config-file needs a file: --config-file FILE");
            else configFile = value;
        } else if (arg === "--config" || arg === "-c" || arg.startsWith("--config=")) {
            const { value, next } = valueOf(i, arg, "--config");
            i = next;
            if (value === undefined || value === "") {
                problems.push("--config needs KEY=VALUE, e.g. --config dbNodeCount=2");
                continue;
            }
            const equals = value.indexOf("=");
            const key = equals < 0 ? value : value.slice(0, equals);
            if (equals < 0) problems.push(`--config ${key}: no value; expected KEY=VALUE, e.g. --config ${key}=<value>`);
            else if (key === "") problems.push(`--config ${value}: no key before "="; expected KEY=VALUE, e.g. --config dbNodeCount=2`);
            else config[key.includes(":") ? key : `projectmeats:${key}`] = value.slice(equals + 1);
        } else {
            const suggestion = arg.startsWith("-") ? near(arg) : undefined;
            problems.push(`unknown argument ${arg}${suggestion ? `; did you mean ${suggestion}?` : ""}`);
        }
    }
    const distinct = [...new Set(named)];
    if (distinct.length > 1) problems.push(`--stack given ${distinct.length} times (${distinct.join(", ")}): check one stack, or every stack with --all`);
    for (const stack of distinct.filter((s) => !stacks.includes(s))) problems.push(`no stack file Pulumi.${stack}.yaml: the stacks are ${stacks.join(", ")}`);
    if (all && distinct.length > 0) problems.push("--stack and --all exclude each other: check one stack, or every stack");
    if (!all && !stackFlag && !help) problems.push("--stack or --all is required");
    if (all && plant !== undefined) problems.push("--plant changes one stack's resources: use it with --stack");
    if (all && configFile !== undefined) problems.push("--config-file replaces one stack's file: use it with --stack");
    return { args: { help, all, stacks: all ? [...stacks] : distinct.slice(0, 1), json, plant, configFile, config }, problems };
}
