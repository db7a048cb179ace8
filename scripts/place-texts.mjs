// Moves words left in the old one-file-per-language locales (apps/web/src/locales/en.json and
// fr.json, e.g. after merging a branch that still adds keys there) into the per-feature tables,
// locales/<lang>/<table>.json, by the rule of i18n.ts: a key goes in the table of the files that
// show it, `common` when files of two tables show it; error codes go in errors.json. Keys already
// in a table keep their place (and take the old file's wording). Then the old files are removed.
//   node scripts/place-texts.mjs          place and write
//   node scripts/place-texts.mjs --dry    only say where each new key would go
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../apps/web/src/', import.meta.url));
const locales = join(src, 'locales');
const dry = process.argv.includes('--dry');
const Langs = ['en', 'fr'];
const Tables = ['common', 'checkin', 'roster', 'reports', 'courses', 'admin'];

/** The table of a source file (relative to apps/web/src), as i18n.ts describes it. */
function tableOf(file) {
  const courses = ['form.tsx', 'enrollments-panel.tsx', 'roster-import.tsx', 'room-picker.tsx'].map((f) => `features/admin/${f}`);
  if (courses.includes(file)) return 'courses';
  if (file.startsWith('features/admin/')) return 'admin';
  if (file.startsWith('features/roster/')) return 'roster';
  // The student's own history comes with the first page, and downloads are offered to every role.
  if (file === 'features/reports/history.tsx') return 'checkin';
  if (file === 'features/reports/downloads.ts' || file === 'features/reports/downloads-ui.tsx') return 'common';
  if (file.startsWith('features/reports/')) return 'reports';
  if (file.startsWith('features/checkin/') || file.startsWith('features/warnings/')) return 'checkin';
  return 'common';
}

const read = (path) => JSON.parse(readFileSync(path, 'utf8'));
const write = (path, value) => writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
const old = Object.fromEntries(Langs.filter((l) => existsSync(join(locales, `${l}.json`))).map((l) => [l, read(join(locales, `${l}.json`))]));
if (!old.en) {
  console.log('No locales/en.json: nothing to place.');
  process.exit(0);
}
const tables = Object.fromEntries(Langs.map((l) => [l, Object.fromEntries([...Tables, 'errors'].map((t) => [t, read(join(locales, l, `${t}.json`))]))]));
const placed = new Map(Tables.flatMap((t) => Object.keys(tables.en[t]).map((k) => [k, t])));

const walk = (dir) => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? (f === 'locales' ? [] : walk(join(dir, f))) : [join(dir, f)]));
const sources = walk(src)
  .filter((f) => /\.tsx?$/.test(f) && !/\.(spec|test)\.tsx?$/.test(f))
  .map((f) => ({ table: tableOf(relative(src, f)), text: readFileSync(f, 'utf8') }));
const shownBy = (key) => new Set(sources.filter((s) => new RegExp(`['"\`]${key}['"\`]`).test(s.text)).map((s) => s.table));

for (const [key, english] of Object.entries(old.en.text)) {
  let table = placed.get(key);
  if (!table) {
    let users = shownBy(key);
    // plural(): `${key}One` is shown wherever `key` is.
    if (users.size === 0 && key.endsWith('One')) users = shownBy(key.slice(0, -3));
    table = users.size === 1 ? [...users][0] : 'common';
    console.log(`${key} → ${table}${users.size === 0 ? ' (no file shows it: check by hand)' : ''}`);
  }
  for (const l of Langs) {
    const words = l === 'en' ? english : old[l]?.text?.[key];
    if (words === undefined) console.log(`  ${l}: no words for ${key}; add them to locales/${l}/${table}.json`);
    else tables[l][table][key] = words;
  }
}
for (const [code, english] of Object.entries(old.en.errors ?? {})) {
  if (!(code in tables.en.errors)) console.log(`${code} → errors`);
  for (const l of Langs) {
    const words = l === 'en' ? english : old[l]?.errors?.[code];
    if (words !== undefined) tables[l].errors[code] = words;
  }
}
if (dry) process.exit(0);
for (const l of Langs) for (const t of [...Tables, 'errors']) write(join(locales, l, `${t}.json`), tables[l][t]);
for (const l of Object.keys(old)) rmSync(join(locales, `${l}.json`));
console.log('Placed; locales/en.json and fr.json removed. Check: npx tsc -p apps/web/tsconfig.json --noEmit');
