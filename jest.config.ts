import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    // jose and request-filtering-agent are ESM-only; Node >= 20.19 require()s them natively, jest's
    // module registry cannot, so they are compiled for jest.
    '/node_modules/(jose|request-filtering-agent)/.+\\.js$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|request-filtering-agent)/)'],
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30_000,
  // Each test file gets its own database (cloned from a migrated template), so files may run in parallel.
  maxWorkers: 2,
};

export default config;
