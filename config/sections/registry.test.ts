import { Problems, formatProblem } from "../problems";
import { RegistryValues, validateRegistry } from "./registry";

const VALID: RegistryValues = { registryName: "projectmeats", registryTier: "basic", registryRegion: "", region: "nyc3" };

function validate(values: RegistryValues, owner = false, stack = "dev") {
    const problems = new Problems();
    const registry = validateRegistry({ ...VALID, ...values }, problems, owner);
    return { registry, problems: problems.list.map((problem) => formatProblem(stack, problem)) };
}

const S = 'stack "dev", key projectmeats:';

test("the registry region defaults to the stack's region", () => {
    expect(validate({}, true)).toEqual({ registry: { name: "projectmeats", tier: "basic", region: "nyc3" }, problems: [] });
    expect(validate({ region: "lon1", registryRegion: "ams3" }, true).registry.region).toBe("ams3");
});

test.each<[string, RegistryValues, string]>([
    [
        "the starter registry tier",
        { registryTier: "starter" },
        `${S}registryTier: got "starter"; expected a tier that holds 2 repositories (backend, frontend): the starter tier holds 1; use basic or professional`,
    ],
    ["an unknown registry tier", { registryTier: "gold" }, `${S}registryTier: got "gold"; expected one of basic, professional`],
    [
        "a registry name with capitals",
        { registryName: "ProjectMeats" },
        `${S}registryName: got "ProjectMeats"; expected 1 to 63 lowercase letters, digits and dashes, starting and ending with a letter or digit`,
    ],
])("rejects %s", (_, values, message) => {
    expect(validate(values).problems).toEqual([message]);
});

test("a registry region without DigitalOcean Container Registry, in the owner stack only", () => {
    expect(validate({ region: "lon1" }, false).problems).toEqual([]);
    expect(validate({ region: "lon1" }, true, "prod").problems).toEqual([
        'stack "prod", key projectmeats:registryRegion: got "lon1"; expected a region that hosts container registries, one of nyc3, sfo2, sfo3, ams3, sgp1, fra1, blr1, syd1 (it defaults to region lon1, which does not; set it explicitly)',
    ]);
    expect(validate({ region: "nyc3", registryRegion: "lon1" }, true, "prod").problems).toEqual([
        'stack "prod", key projectmeats:registryRegion: got "lon1"; expected a region that hosts container registries, one of nyc3, sfo2, sfo3, ams3, sgp1, fra1, blr1, syd1',
    ]);
});

test("no registry region is checked while the stack's region is missing", () => {
    expect(validate({ region: undefined }, true)).toEqual({ registry: { name: "projectmeats", tier: "basic", region: "" }, problems: [] });
});
