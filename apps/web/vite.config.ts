// The web client: built to dist/web, which the gateway serves at `/` (same origin as the API and
// the socket, so the passkey RP ID is the gateway's host). `npm run build` runs this after tsc.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/',
  publicDir: here('public'),
  resolve: {
    // Framework-free contracts (types only at run time): the same names the services use.
    alias: [{ find: /^@classconnect\/contracts$/, replacement: here('../../libs/contracts/src/index.ts') }],
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: here('../../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    // `npx vite --config apps/web/vite.config.ts` for development, against a gateway on :3000.
    proxy: {
      '/api': 'http://localhost:3000',
      // The connection heartbeat (live.ts).
      '/health': 'http://localhost:3000',
      '/socket.io': { target: 'ws://localhost:3000', ws: true },
    },
  },
});
