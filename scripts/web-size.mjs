// What a student's phone downloads of script on the first page, from the built client (dist/web):
// index.html's script and module preloads, every script they import statically, and the first
// tables of words (locale-<lang>-{common,checkin,errors}) in one language. Prints each file's
// size raw, gzipped (level 9) and brotli'd (quality 11, as the build precompresses them).
//   npm run build:web && node scripts/web-size.mjs [en|fr]
// The browser's own view (what it fetched, brotli) is printed by test/e2e/web-lockdown.spec.ts.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dir = fileURLToPath(new URL('../dist/web/', import.meta.url));
const lang = process.argv[2] ?? 'en';
if (!existsSync(join(dir, 'index.html'))) throw new Error('No dist/web: run npm run build:web first.');

const files = new Set();
const visit = (file) => {
  if (files.has(file)) return;
  files.add(file);
  for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) visit(`assets/${m[1]}`);
};
for (const m of readFileSync(join(dir, 'index.html'), 'utf8').matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)) visit(m[1]);
for (const f of readdirSync(join(dir, 'assets'))) if (new RegExp(`^locale-${lang}-(common|checkin|errors)-.*\\.js$`).test(f)) visit(`assets/${f}`);

const total = { raw: 0, gzip: 0, brotli: 0 };
for (const file of files) {
  const body = readFileSync(join(dir, file));
  const size = { raw: body.length, gzip: gzipSync(body, { level: 9 }).length, brotli: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length };
  for (const k of Object.keys(total)) total[k] += size[k];
  console.log(`${file.padEnd(44)} ${String(size.raw).padStart(8)} ${String(size.gzip).padStart(8)} ${String(size.brotli).padStart(8)}`);
}
console.log(`${'total (bytes: raw, gzip, brotli)'.padEnd(44)} ${String(total.raw).padStart(8)} ${String(total.gzip).padStart(8)} ${String(total.brotli).padStart(8)}`);
console.log(`A student's phone (${lang}): ${files.size} scripts, ${(total.gzip / 1000).toFixed(1)} kB gzip, ${(total.brotli / 1000).toFixed(1)} kB brotli.`);
