import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, test } from 'vitest';

/**
 * Every module `from` loads at run time (type-only imports are erased), following relative imports: the bare
 * specifiers it reaches, and the local files.
 */
function runtimeImports(from: string): { packages: Set<string>; files: Set<string> } {
  const packages = new Set<string>();
  const files = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)) {
      const specifier = m[1]!;
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else packages.add(specifier);
    }
  };
  visit(from);
  return { packages, files };
}

test('the contract entry loads no database: only zod and the Delta schema module', () => {
  const { packages, files } = runtimeImports(join(import.meta.dirname, 'contract.ts'));
  expect([...packages].sort()).toEqual(['@lakestream/delta/schema', 'zod']);
  expect([...files].map((f) => f.slice(import.meta.dirname.length + 1)).sort()).toEqual([
    'alert-kinds.ts',
    'catalog-error.ts',
    'column-diff.ts',
    'contract.ts',
    'delta-types.ts',
    'grant-resolution.ts',
    'names.ts',
    'snapshot-schema.ts',
  ]);
});
