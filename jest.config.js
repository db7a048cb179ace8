// Jest runs in ESM mode (Nest 12 is ESM-only): node --experimental-vm-modules, SWC for TypeScript.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'es6' },
  },
];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@classconnect/contracts/limits$': '<rootDir>/libs/contracts/src/limits.ts',
    '^@classconnect/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};
export default {
  projects: [
    // test/deploy/manifests.spec.ts renders and checks k8s/ (kubectl, no cluster): fast, so in the unit tier.
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts', '<rootDir>/test/deploy/manifests.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.spec.ts'] },
    // The container image run (podman): `node scripts/image.mjs test`, which builds the image first; .ci/run runs it.
    { ...common, displayName: 'image', testMatch: ['<rootDir>/test/deploy/image.spec.ts'] },
  ],
};
