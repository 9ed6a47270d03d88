import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { RecordedResource } from "../programRunner";
import { PlantError, plantShapeProblems, plantViolations, readPlant, unknownPatchTargets } from "./plant";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plant-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
}

function refused(p: string): string[] {
    try {
        readPlant(p);
    } catch (e) {
        if (e instanceof PlantError) return [...e.problems];
        throw e;
    }
    throw new Error("accepted");
}

test("a plant file with add and patch reads", () => {
    const p = file("ok.json", JSON.stringify({ add: [{ type: "command:remote:Command", name: "x", inputs: { create: "true" } }], patch: [{ name: "y", inputs: {} }] }));
    expect(readPlant(p).add![0].name).toBe("x");
});

test.each<[string, () => string, (p: string) => string[]]>([
    ["a missing file", () => path.join(dir, "missing.json"), (p) => [`--plant ${p}: no such file`]],
    ["a folder", () => dir, (p) => [`--plant ${p}: is a folder, not a file`]],
    [
        "malformed JSON, with line and column",
        () => file("bad.json", '{"add": [\n  {"type": "a:b:C",}\n]}'),
        (p) => [`--plant ${p}: not valid JSON: Expected double-quoted property name in JSON at position 29 (line 2 column 20)`],
    ],
    ["a list", () => file("list.json", "[]"), (p) => [`--plant ${p}: expected an object with "add" and/or "patch" lists, got a list`]],
])("refuses %s, naming the file", (_, make, expected) => {
    const p = make();
    expect(refused(p)).toEqual(expected(p));
});

test("a wrongly shaped plant: every problem, each with its place", () => {
    expect(
        plantShapeProblems({
            add: [{ type: "bad", name: 3 }, "x", { type: "command:remote:Command", name: "ok", inputs: {}, dependencies: [1], extra: true }],
            patch: { name: "y" },
            remove: [],
        }),
    ).toEqual([
        'remove: unknown key; a plant file has "add" and "patch"',
        'add[0].type: expected a resource type token such as "command:remote:Command", got "bad"',
        "add[0].name: expected a resource name, got 3",
        "add[0].inputs: expected an object of input properties, got nothing",
        "add[1]: expected an object with type, name, inputs",
        "add[2].extra: unknown key; expected type, name, inputs, parent, dependencies",
        "add[2].dependencies: expected a list of URNs, got [1]",
        'patch: expected a list, got {"name":"y"}',
    ]);
});

const RESOURCE = { type: "t:m:T", name: "db", urn: "urn:pulumi:dev::projectmeats::t:m:T::db", inputs: { a: 1 } } as unknown as RecordedResource;

test("a patch naming no resource of the stack is refused; others apply", () => {
    expect(
        unknownPatchTargets(
            [RESOURCE],
            {
                patch: [
                    { name: "db", inputs: {} },
                    { name: "nope", inputs: {} },
                ],
            },
            "dev",
            "p.json",
        ),
    ).toEqual(['--plant p.json: patch[1].name: no resource named "nope" in stack dev']);
    const [patched, added] = plantViolations([RESOURCE], { patch: [{ name: "db", inputs: { b: 2 } }], add: [{ type: "x:y:Z", name: "new", inputs: {} }] }, "dev");
    expect(patched.inputs).toEqual({ a: 1, b: 2 });
    expect(added).toMatchObject({ urn: "urn:pulumi:dev::projectmeats::x:y:Z::new", parent: "", dependencies: [], importId: "" });
});
