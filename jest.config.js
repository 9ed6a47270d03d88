/** @type {import('jest').Config} */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/infra", "<rootDir>/components", "<rootDir>/stacks", "<rootDir>/test", "<rootDir>/policy"],
    testMatch: ["**/*.test.ts"],
    // Type checking is `npm run typecheck`'s job; here files are only transpiled, which is much faster.
    transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
    testTimeout: 60000,
};
