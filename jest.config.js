/**
 * Jest runs the TypeScript tests in __tests__/ through ts-jest; integration suites set their own timeouts. The
 * package suites (__tests__/package: the packed tarball in a user's project, the README's monorepo recipes) take
 * minutes of npm installs and terraform plans, so they run apart, as `npm run test:package`.
 */
const base = {
  preset: "ts-jest",
  testEnvironment: "node",
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: { warnOnly: false } }] },
  testTimeout: 60000,
};

module.exports = process.env.GROUNDTRUTH_PACKAGE_TESTS === "1"
  ? { ...base, roots: ["<rootDir>/__tests__/package"] }
  : { ...base, roots: ["<rootDir>/__tests__"], testPathIgnorePatterns: ["/node_modules/", "<rootDir>/__tests__/package/"] };
