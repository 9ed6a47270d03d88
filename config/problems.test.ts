import { ConfigValidationError, Problems, checkCount, editDistance, formatProblem, formatProblems, fullKey, oneOf, suggestKey } from "./problems";

describe("Problems", () => {
    test("records the full key and shows a non-string value as JSON", () => {
        const problems = new Problems();
        problems.add("sshPort", 80, "a free port");
        problems.add("sshAllowedCidrs", [], "at least one");
        problems.add("githubPreventSelfReview", true, "false");
        problems.add("region", undefined, "a region");
        problems.add("projectmeats:imagesha", "3f9c2ab", "no such key");
        expect(problems.list).toEqual([
            { key: "projectmeats:sshPort", value: "80", expected: "a free port" },
            { key: "projectmeats:sshAllowedCidrs", value: "[]", expected: "at least one" },
            { key: "projectmeats:githubPreventSelfReview", value: "true", expected: "false" },
            { key: "projectmeats:region", value: undefined, expected: "a region" },
            { key: "projectmeats:imagesha", value: "3f9c2ab", expected: "no such key" },
        ]);
    });

    test.each<[number | undefined, string[]]>([
        [undefined, []],
        [0, ["projectmeats:n: 0"]],
        [1, []],
        [10, []],
        [11, ["projectmeats:n: 11"]],
    ])("checkCount(%p) from 1 to 10", (value, expected) => {
        const problems = new Problems();
        checkCount(problems, "n", value, 1, 10);
        expect(problems.list.map((p) => `${p.key}: ${p.value}`)).toEqual(expected);
        expect(problems.list.every((p) => p.expected === "a whole number from 1 to 10")).toBe(true);
    });
});

describe("messages", () => {
    test("a problem names the stack, the key, the value given (or that it is missing) and the form expected", () => {
        expect(formatProblem("dev", { key: "projectmeats:region", value: "nyc9", expected: "a region" })).toBe(
            'stack "dev", key projectmeats:region: got "nyc9"; expected a region',
        );
        expect(formatProblem("dev", { key: "projectmeats:region", value: undefined, expected: "a region" })).toBe(
            'stack "dev", key projectmeats:region: missing; expected a region',
        );
    });

    test("the header counts the problems and says how to fix them", () => {
        const one = { key: "projectmeats:region", value: "nyc9", expected: "a region" };
        expect(formatProblems("uat", [one])).toBe(
            [
                'Stack "uat" has 1 configuration problem; nothing was created or changed. Fix them in Pulumi.uat.yaml or with `pulumi config set --stack uat <key> <value>`:',
                '  - stack "uat", key projectmeats:region: got "nyc9"; expected a region',
            ].join("\n"),
        );
        expect(formatProblems("uat", [one, one]).split("\n")[0]).toBe(
            'Stack "uat" has 2 configuration problems; nothing was created or changed. Fix them in Pulumi.uat.yaml or with `pulumi config set --stack uat <key> <value>`:',
        );
    });

    test("ConfigValidationError carries the stack, the problems and the whole message", () => {
        const problems = [{ key: "projectmeats:region", value: "nyc9", expected: "a region" }];
        const error = new ConfigValidationError("dev", problems);
        expect(error.name).toBe("ConfigValidationError");
        expect(error.stack).toBe("dev");
        expect(error.problems).toBe(problems);
        expect(error.message).toBe(formatProblems("dev", problems));
    });

    test("fullKey adds the namespace unless the key names one; oneOf lists the choices", () => {
        expect(fullKey("region")).toBe("projectmeats:region");
        expect(fullKey("github:token")).toBe("github:token");
        expect(oneOf(["a", "b", "c"])).toBe("one of a, b, c");
    });
});

describe("suggestKey", () => {
    test.each<[string, string | undefined]>([
        ["dbNode", "dbNodeCount"],
        ["dbNodes", "dbNodeCount"],
        ["dbnodecnt", "dbNodeCount"],
        ["githubReviewer", "githubReviewers"],
        ["sshPorts", "sshPort"],
        ["vpcRange", "vpcIpRange"],
        ["frontendHost", "frontendHostname"],
        ["regoin", "region"],
        ["dbNmae", "dbName"],
        ["imagesha", "imageSha"],
        ["completelyDifferent", undefined],
    ])("%s → %s", (typed, suggestion) => {
        expect(suggestKey(typed)).toBe(suggestion);
    });

    test.each<[string, string, number]>([
        ["", "", 0],
        ["abc", "", 3],
        ["regoin", "region", 2],
        ["kitten", "sitting", 3],
    ])("editDistance(%s, %s) is %i", (a, b, distance) => {
        expect(editDistance(a, b)).toBe(distance);
    });
});
