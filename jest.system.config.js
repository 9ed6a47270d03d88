/**
 * `npm run test:system`: the suites that start real components (Docker Engine, a registry, nginx,
 * PostgreSQL, sshd) or need Debian's tools. They need root and what `npm run setup:system` installs.
 * @type {import('jest').Config}
 */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/test/system"],
    testMatch: ["**/*.test.ts"],
    transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
    testTimeout: 60000,
};
