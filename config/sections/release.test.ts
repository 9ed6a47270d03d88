import { Problems, formatProblem } from "../problems";
import { ReleaseValues, validateRelease } from "./release";

const S = 'stack "dev", key projectmeats:';

function validate(values: ReleaseValues) {
    const problems = new Problems();
    const release = validateRelease(values, problems);
    return { release, problems: problems.list.map((problem) => formatProblem("dev", problem)) };
}

test.each<[string | undefined, string | undefined]>([
    ["3f9c2ab", "3f9c2ab"],
    ["0123456789abcdef0123456789abcdef01234567", "0123456789abcdef0123456789abcdef01234567"],
    ["", undefined],
    [undefined, undefined],
])("imageSha %p deploys release %p", (imageSha, expected) => {
    expect(validate({ imageSha })).toEqual({ release: { imageSha: expected }, problems: [] });
});

test.each<[string, string, string]>([
    ["a SHA with uppercase letters", "3F9C2AB", `${S}imageSha: got "3F9C2AB"; expected 7 to 40 lowercase hex characters (a git commit SHA), e.g. "3f9c2ab"`],
    ["a SHA too short", "3f9c2a", `${S}imageSha: got "3f9c2a"; expected 7 to 40 lowercase hex characters (a git commit SHA), e.g. "3f9c2ab"`],
    [
        "a SHA YAML read as a number",
        "1234",
        `${S}imageSha: got "1234"; expected 7 to 40 lowercase hex characters (a git commit SHA), e.g. "3f9c2ab" (YAML reads an unquoted SHA of digits as a number: quote it)`,
    ],
    ["a tag instead of a SHA", "latest", `${S}imageSha: got "latest"; expected 7 to 40 lowercase hex characters (a git commit SHA), e.g. "3f9c2ab"`],
])("rejects %s", (_, imageSha, message) => {
    expect(validate({ imageSha }).problems).toEqual([message]);
});
