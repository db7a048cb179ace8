// The web client's unit tests (hooks against a fake live channel): Vitest in a happy-dom page, with
// the same aliases as the build — so the hooks run on Preact, as in the browser. `npm test` and
// `npm run test:unit` run it after Jest's unit tier; alone: npx vitest run --config apps/web/vitest.config.ts
import { defineConfig, mergeConfig } from 'vitest/config';
import build from './vite.config.js';

export default mergeConfig(
  build,
  defineConfig({
    test: {
      environment: 'happy-dom',
      include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
      // Jest owns *.spec.ts (the unit project); Vitest only the web client's *.test.ts.
      restoreMocks: true,
    },
  }),
);
