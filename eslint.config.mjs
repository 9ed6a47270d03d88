import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

/**
 * One layer per folder; imports only go down (README, "Layout"). A test file may import what it
 * tests and the tools that drive it, but production code never imports test code or the tools.
 */
const layer = (from, message) => ({ group: from.map((folder) => `**/${folder}/**`).concat(from.map((folder) => `**/${folder}`)), message });
const program = ["tools", "rehearsal", "test", "bench"];
const restrict = (patterns) => ({ "no-restricted-imports": ["error", { patterns }], "@typescript-eslint/no-require-imports": "error" });

export default tseslint.config(
    { ignores: ["node_modules/", "bin/", "policy/node_modules/", "policy/bin/", "coverage/"] },
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            "@typescript-eslint/no-non-null-assertion": "off",
        },
    },
    {
        files: ["model/**/*.ts"],
        ignores: ["**/*.test.ts"],
        rules: restrict([layer(["config", "components", "infra", ...program, "policy"], "model/ imports nothing of ours: it is the bottom layer.")]),
    },
    {
        files: ["config/**/*.ts"],
        ignores: ["**/*.test.ts"],
        rules: restrict([layer(["components", "infra", ...program, "policy"], "config/ may import only model/.")]),
    },
    {
        files: ["components/**/*.ts"],
        ignores: ["**/*.test.ts"],
        rules: restrict([
            layer(["config", "infra", ...program, "policy"], "components/ may import only model/ and each other; they take their own Args, never the configuration."),
        ]),
    },
    {
        files: ["infra/**/*.ts"],
        rules: restrict([layer([...program, "policy"], "The program (infra/) never imports tools/, rehearsal/, test/ or bench/.")]),
    },
    {
        files: ["tools/**/*.ts"],
        ignores: ["**/*.test.ts"],
        rules: restrict([layer(["test", "rehearsal", "bench"], "tools/ never imports test/, rehearsal/ or bench/.")]),
    },
    {
        files: ["rehearsal/**/*.ts"],
        ignores: ["**/*.test.ts"],
        rules: restrict([layer(["test", "bench"], "rehearsal/ never imports test/ or bench/.")]),
    },
    {
        files: ["policy/**/*.ts"],
        rules: restrict([{ group: ["../*", "!./*"], message: "policy/ is its own package: it imports nothing outside itself." }]),
    },
    {
        // The program runner must re-require the program (and the SDK) for every run.
        files: ["tools/programRunner.ts"],
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
