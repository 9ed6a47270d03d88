import { Problems, formatProblem } from "../problems";
import { ENV_NAME, envLines, mergeEnv } from "./appLines";

const RULE = { name: ENV_NAME, nameForm: "NAME", placeholders: ["secretKey"] };

function parse(lines: string[], rule: Parameters<typeof envLines>[3] = RULE) {
    const problems = new Problems();
    const parsed = envLines(problems, "appEnv", lines, rule);
    return { parsed, problems: problems.list.map((p) => formatProblem("dev", p)) };
}

test("splits at the first =, keeping = and placeholders in the value", () => {
    expect(parse(["A=b=c", "KEY={secretKey}", "EMPTY="])).toEqual({
        parsed: [
            { name: "A", value: "b=c" },
            { name: "KEY", value: "{secretKey}" },
            { name: "EMPTY", value: "" },
        ],
        problems: [],
    });
});

test("reports each bad line once and keeps the good ones; a secret line is never shown", () => {
    expect(parse(["GOOD=1", "bad=1", "X={other}"], { ...RULE, shown: "(secret, not shown)" })).toEqual({
        parsed: [{ name: "GOOD", value: "1" }],
        problems: [
            'stack "dev", key projectmeats:appEnv: got "(secret, not shown)"; expected a NAME=value line',
            'stack "dev", key projectmeats:appEnv: got "(secret, not shown)"; expected only the placeholders {secretKey}; {other} is not one',
        ],
    });
});

test("mergeEnv: a later name replaces the earlier line in place; new names follow", () => {
    expect(
        mergeEnv(
            [
                { name: "A", value: "1" },
                { name: "B", value: "2" },
            ],
            [
                { name: "B", value: "3" },
                { name: "C", value: "4" },
            ],
        ),
    ).toEqual([
        { name: "A", value: "1" },
        { name: "B", value: "3" },
        { name: "C", value: "4" },
    ]);
});
