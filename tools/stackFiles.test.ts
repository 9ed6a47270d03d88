import * as fs from "fs";
import { STACK_NAMES, StackFileError, parseStackFile, readStackFile, stacksWithFiles } from "./stackFiles";

const F = "Pulumi.dev.yaml";

function problems(text: string): string[] {
    try {
        parseStackFile(text, F);
    } catch (e) {
        if (e instanceof StackFileError) return e.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`);
        throw e;
    }
    throw new Error("the file was accepted");
}

describe("parseStackFile reads a stack file as the CLI hands it to the program", () => {
    test("strings as they are; numbers, booleans and lists as JSON; an empty value as null", () => {
        const file = parseStackFile(
            "config:\n  projectmeats:region: nyc3\n  projectmeats:sshPort: 2222\n  projectmeats:dropletBackups: true\n  projectmeats:dbVersion: '15'\n  projectmeats:githubDeployBranches:\n    - main\n  projectmeats:imageSha:\n",
            F,
        );
        expect(file).toEqual({
            config: {
                "projectmeats:region": "nyc3",
                "projectmeats:sshPort": "2222",
                "projectmeats:dropletBackups": "true",
                "projectmeats:dbVersion": "15",
                "projectmeats:githubDeployBranches": '["main"]',
                "projectmeats:imageSha": "null",
            },
            secureKeys: [],
            emptyKeys: ["projectmeats:imageSha"],
        });
    });

    test("a secure value as the passphrase provider writes it is present and secret, with the salt kept", () => {
        const file = parseStackFile(
            "encryptionsalt: v1:Xk2UzHgBd4c=:v1:lEAZ0hG9Yx5ZtEtX:FfO5sDuc+Ke3cU6IRv9uXZ1iwR5JkQ==\nconfig:\n  projectmeats:slackWebhookUrl:\n    secure: v1:qYHWBl7yF3xMbH1d:3Sx6Lz2ab9QpeGd5D0pVwR8mHfE0cW1vqZ+yKk8N3tB1oLr2c9X4sTq7uA==\n",
            F,
        );
        expect(file).toEqual({
            config: {},
            secureKeys: ["projectmeats:slackWebhookUrl"],
            emptyKeys: [],
            encryptionSalt: "v1:Xk2UzHgBd4c=:v1:lEAZ0hG9Yx5ZtEtX:FfO5sDuc+Ke3cU6IRv9uXZ1iwR5JkQ==",
        });
    });

    test("an empty file, or one with only comments, has no configuration", () => {
        expect(parseStackFile("", F).config).toEqual({});
        expect(parseStackFile("# nothing yet\n", F).config).toEqual({});
    });
});

describe("parseStackFile refuses what the CLI cannot read, naming file, line and column", () => {
    test.each<[string, string, string[]]>([
        [
            "a line indented deeper than the one above",
            "config:\n  projectmeats:region: nyc3\n    projectmeats:dbSize: db-s-1vcpu-1gb\n",
            [
                `${F}:3:5: Nested mappings are not allowed in compact mappings: this line is indented deeper than the key above it; indent every key under config: by the same number of spaces`,
            ],
        ],
        [
            "a line indented less than the one above",
            "config:\n  projectmeats:region: nyc3\n projectmeats:dbSize: db-s-1vcpu-1gb\n",
            [`${F}:3:1: All mapping items must start at the same column: indent every key under config: by the same number of spaces`],
        ],
        ["a tab", "config:\n  projectmeats:region: nyc3\n\tprojectmeats:dbSize: db-s-1vcpu-1gb\n", [`${F}:3:1: Tabs are not allowed as indentation: indent with spaces`]],
        [
            "a duplicate key",
            "config:\n  projectmeats:region: nyc3\n  projectmeats:dbSize: db-s-1vcpu-1gb\n  projectmeats:region: sfo3\n",
            [`${F}:4:3: Map keys must be unique: projectmeats:region is given twice; keep one`],
        ],
        [
            "a duplicate key, quoted",
            'config:\n  "projectmeats:region": nyc3\n  "projectmeats:region": sfo3\n',
            [`${F}:3:3: Map keys must be unique: projectmeats:region is given twice; keep one`],
        ],
        [
            "a list where the mapping belongs",
            "- projectmeats:region\n",
            [`${F}:1:1: expected a mapping with a config: block (config: then one indented namespace:key: value per line)`],
        ],
        [
            "a misspelled top-level key",
            "confg:\n  projectmeats:region: nyc3\n",
            [`${F}:1:1: unknown top-level key confg; did you mean config? a stack file has config, secretsprovider, encryptedkey, encryptionsalt, environment`],
        ],
        ["config: as a list", "config:\n  - projectmeats:region\n", [`${F}:2:3: config: must be a mapping of namespace:key to value, e.g. projectmeats:region: nyc3`]],
        [
            "an empty secure value",
            "config:\n  projectmeats:slackWebhookUrl:\n    secure:\n",
            [`${F}:3:12: projectmeats:slackWebhookUrl: secure: must hold the ciphertext \`pulumi config set --secret projectmeats:slackWebhookUrl <value>\` writes`],
        ],
        [
            "every problem at once",
            "config:\n  projectmeats:region: nyc3\n  projectmeats:region: sfo3\n  projectmeats:dbSize: a\n  projectmeats:dbSize: b\n",
            [`${F}:3:3: Map keys must be unique: projectmeats:region is given twice; keep one`, `${F}:5:3: Map keys must be unique: projectmeats:dbSize is given twice; keep one`],
        ],
    ])("%s", (_, text, expected) => {
        expect(problems(text)).toEqual(expected);
    });

    test("the error's message lists every problem under one line naming the file", () => {
        expect(() => parseStackFile("config:\n\tprojectmeats:region: nyc3\n", F)).toThrow(
            `${F} has 1 problem; nothing was run or checked. Fix the file:\n  - ${F}:2:1: Tabs are not allowed as indentation: indent with spaces`,
        );
    });
});

test("readStackFile names a missing file as given", () => {
    expect(() => readStackFile("dev", "/nonexistent/stack.yaml")).toThrow("  - /nonexistent/stack.yaml:1:1: no such file");
});

test("every committed stack file reads, and the deployed stacks come first", () => {
    const stacks = stacksWithFiles();
    expect(stacks.slice(0, STACK_NAMES.length)).toEqual([...STACK_NAMES]);
    for (const stack of stacks) expect(() => readStackFile(stack)).not.toThrow();
    expect(stacks.length).toBe(fs.readdirSync(".").filter((f) => /^Pulumi\..+\.yaml$/.test(f)).length);
});
