// After `tsc`, make `@classconnect/<lib>` resolvable for the compiled apps: Node looks for bare
// specifiers in node_modules folders above the importing file, so dist/node_modules/@classconnect/x
// is a link to dist/libs/x/src (which gets a package.json naming its entry file).
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
const scope = join(dist, 'node_modules', '@classconnect');
rmSync(scope, { recursive: true, force: true });
mkdirSync(scope, { recursive: true });
for (const lib of readdirSync(join(dist, 'libs'))) {
  const src = join(dist, 'libs', lib, 'src');
  if (!existsSync(join(src, 'index.js'))) continue;
  writeFileSync(
    join(src, 'package.json'),
    JSON.stringify({ name: `@classconnect/${lib}`, type: 'module', exports: './index.js' }, null, 2),
  );
  symlinkSync(join('..', '..', 'libs', lib, 'src'), join(scope, lib), 'dir');
}
