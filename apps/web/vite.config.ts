// The web client: built to dist/web, which the gateway serves at `/` (same origin as the API and
// the socket, so the passkey RP ID is the gateway's host). `npm run build` runs this after tsc.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Files worth compressing: text. Images are compressed already. */
const Compressible = /\.(js|css|html|svg|json|webmanifest|txt)$/;

/**
 * After the build: every text file gets a brotli and a gzip copy beside it (the gateway sends the
 * one the browser accepts, without compressing on each request), and the source maps move out of
 * the served folder to dist/web-sourcemaps (for reading stack traces; never public).
 */
function precompressAndHideMaps(outDir: string, mapsDir: string): Plugin {
  return {
    name: 'classconnect-precompress',
    apply: 'build',
    closeBundle() {
      rmSync(mapsDir, { recursive: true, force: true });
      const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
      for (const file of walk(outDir)) {
        if (file.endsWith('.map')) {
          const target = join(mapsDir, file.slice(outDir.length));
          mkdirSync(join(target, '..'), { recursive: true });
          renameSync(file, target);
        } else if (Compressible.test(file)) {
          const body = readFileSync(file);
          if (body.length < 512) continue;
          writeFileSync(`${file}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
          writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
        }
      }
    },
  };
}

export default defineConfig({
  root: here('.'),
  base: '/',
  publicDir: here('public'),
  resolve: {
    // Framework-free contracts (types only at run time): the same names the services use.
    alias: [
      { find: /^@classconnect\/contracts$/, replacement: here('../../libs/contracts/src/index.ts') },
      // The bounds of typed input alone (plain numbers, no zod): what the fields' maxLength, min and max say.
      { find: /^@classconnect\/contracts\/limits$/, replacement: here('../../libs/contracts/src/limits.ts') },
      // Preact's React-compatible layer instead of React in the browser (about 50 KB gzipped less on
      // a phone): the code and its types stay React's; only what runs is Preact.
      { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
      { find: /^react(-dom)?$/, replacement: 'preact/compat' },
      { find: /^react\/jsx-(dev-)?runtime$/, replacement: 'preact/compat/jsx-runtime' },
    ],
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  plugins: [precompressAndHideMaps(here('../../dist/web'), here('../../dist/web-sourcemaps'))],
  build: {
    outDir: here('../../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    // Maps for us, not for the public: no link in the bundles, and moved out of dist/web after the build.
    sourcemap: 'hidden',
    rolldownOptions: {
      output: {
        // A table of words is named by language and table (locale-fr-checkin-….js), so what a page fetches reads plainly.
        chunkFileNames: (chunk) => {
          const table = /locales\/(\w+)\/(\w+)\.json$/.exec(chunk.facadeModuleId ?? '');
          return table ? `assets/locale-${table[1]}-${table[2]}-[hash].js` : 'assets/[name]-[hash].js';
        },
      },
    },
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
