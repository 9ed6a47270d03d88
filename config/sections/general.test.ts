import { Problems, formatProblem } from "../problems";
import { GeneralValues, isEnvironmentName, validateGeneral } from "./general";

const VALID: GeneralValues = { environmentName: "", region: "nyc3", doProjectEnvironment: "Development", accountOwnerStack: "prod" };

function validate(stack: string, values: GeneralValues) {
    const problems = new Problems();
    const general = validateGeneral({ ...VALID, ...values }, problems, stack);
    return { general, problems: problems.list.map((problem) => formatProblem(stack, problem)) };
}

const S = 'stack "dev", key projectmeats:';

test("the environment name defaults to the stack name; the stack named by accountOwnerStack owns account resources", () => {
    expect(validate("dev", {})).toEqual({
        general: { environmentName: "dev", region: "nyc3", projectEnvironment: "Development", accountOwnerStack: "prod", ownsAccountResources: false },
        problems: [],
    });
    expect(validate("prod", { environmentName: "live" }).general).toMatchObject({ environmentName: "live", ownsAccountResources: true });
});

test("a stack name that cannot be an environment name unless environmentName is set", () => {
    expect(validate("production-eu", {}).problems).toEqual([
        'stack "production-eu", key projectmeats:environmentName: got "production-eu"; expected 2 to 12 lowercase letters and digits starting with a letter (it defaults to the stack name "production-eu"; set it explicitly)',
    ]);
    expect(validate("production-eu", { environmentName: "prodeu" })).toMatchObject({ general: { environmentName: "prodeu" }, problems: [] });
});

test.each<[string, Partial<GeneralValues>, string]>([
    ["an environment name with a dash", { environmentName: "dev-1" }, `${S}environmentName: got "dev-1"; expected 2 to 12 lowercase letters and digits starting with a letter`],
    [
        "an unknown region",
        { region: "nyc9" },
        `${S}region: got "nyc9"; expected a DigitalOcean region slug, one of nyc1, nyc3, sfo2, sfo3, ams3, sgp1, lon1, fra1, tor1, blr1, syd1, atl1, ric1`,
    ],
    ["an unknown project environment", { doProjectEnvironment: "production" }, `${S}doProjectEnvironment: got "production"; expected one of Development, Staging, Production`],
    ["an owner stack name with a space", { accountOwnerStack: "my prod" }, `${S}accountOwnerStack: got "my prod"; expected a stack name such as prod`],
])("rejects %s", (_, values, message) => {
    expect(validate("dev", values).problems).toEqual([message]);
});

test("a missing region or project environment is left to the missing-key report", () => {
    expect(validate("dev", { region: undefined, doProjectEnvironment: undefined }).problems).toEqual([]);
});

test.each<[string, boolean]>([
    ["dev", true],
    ["uat2", true],
    ["d", false],
    ["2dev", false],
    ["Dev", false],
    ["abcdefghijklm", false],
])("isEnvironmentName(%s) is %p", (name, valid) => {
    expect(isEnvironmentName(name)).toBe(valid);
});
