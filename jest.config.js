/**
 * `npm test`: everything that needs only Node.js. The suites that need root and Debian packages are
 * under test/system/ and run with `npm run test:system` (jest.system.config.js).
 * @type {import('jest').Config}
 */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/config", "<rootDir>/model", "<rootDir>/components", "<rootDir>/tools", "<rootDir>/rehearsal", "<rootDir>/test", "<rootDir>/policy"],
    testMatch: ["**/*.test.ts"],
    testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/system/"],
    // Type checking is `npm run typecheck`'s job; here files are only transpiled, which is much faster.
    transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
    testTimeout: 60000,
};
