// Jest runs our TypeScript and the ESM-only packages (NestJS 12 and friends) through SWC as
// CommonJS; type-checking is `npm run typecheck`'s job. See docs/development.md (Stack notes).
const esmOnly =
  '(@nestjs|file-type|strtok3|token-types|@tokenizer|uint8array-extras|@borewit|@apidevtools|@otplib|@scure|@noble|jose)';

const base = {
  rootDir: require('node:path').resolve(__dirname, '..'),
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
      },
    ],
    [`^.+/node_modules/${esmOnly}/.+\\.js$`]: [
      '@swc/jest',
      { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!${esmOnly}/)`],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};

module.exports = {
  rootDir: base.rootDir,
  // e2e tests boot the app and start processes; a hung one still fails, just not at 5 s.
  testTimeout: 60_000,
  // Suites are independent (one database each); use both cores of a CI machine.
  maxWorkers: 2,
  projects: [
    // Pure cores beside their code, and checks of the repository itself (test/*.spec.ts: the docs' links).
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/*.spec.ts'] },
    // Real OCR (tesseract.js on fixture images): tens of seconds, so not part of `test:unit`.
    { ...base, displayName: 'ocr', testMatch: ['<rootDir>/src/**/*.ocr-spec.ts'] },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
    {
      // `npm run test:faults`: outages of PostgreSQL, Redis, workers and the embedded default.
      ...base,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.faults-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};
