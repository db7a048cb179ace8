/**
 * The files of libs/contracts import one another without a cycle, and the contexts' folders never
 * import what joins them. A cycle among ES modules means one of them runs before the other is
 * ready (a schema read while still undefined), and it ties the files so that neither can move
 * alone. Every relative import counts, `import type` and `export … from` included.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const Root = dirname(fileURLToPath(import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Each file (relative to src) with the files it imports (relative to src). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(Root)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const imports = importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => relative(Root, resolve(dirname(file), name.replace(/\.js$/, '.ts'))));
    graph.set(relative(Root, file), [...new Set(imports)]);
  }
  return graph;
}

/** Every cycle a depth-first walk meets, each as the files in import order, the first repeated at the end. */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string): void => {
    const onPath = path.indexOf(file);
    if (onPath >= 0) {
      cycles.push([...path.slice(onPath), file]);
      return;
    }
    if (done.has(file)) return;
    path.push(file);
    for (const imported of graph.get(file) ?? []) visit(imported);
    path.pop();
    done.add(file);
  };
  for (const file of [...graph.keys()].sort()) visit(file);
  return cycles;
}

/** The top-level files that join the contexts' slices (and the package's entry point). */
const Assemblers = ['index.ts', 'rpc.ts', 'socket.ts', 'events.ts', 'error-codes.ts'];

describe('the imports of libs/contracts', () => {
  const graph = importGraph();

  it('resolve to files that exist', () => {
    const missing = [...graph].flatMap(([file, imports]) => imports.filter((i) => !graph.has(i)).map((i) => `${file} → ${i}`));
    expect(missing).toEqual([]);
  });

  it('form no cycle', () => {
    expect(cyclesOf(graph).map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('never go from a context’s folder to the index or an assembler', () => {
    const upward = [...graph]
      .filter(([file]) => file.includes('/'))
      .flatMap(([file, imports]) => imports.filter((i) => Assemblers.includes(i)).map((i) => `${file} → ${i}`));
    expect(upward).toEqual([]);
  });

  it('finds a cycle when there is one, and names its files', () => {
    const withCycle = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts', 'd.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', []],
    ]);
    expect(cyclesOf(withCycle)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });
});
