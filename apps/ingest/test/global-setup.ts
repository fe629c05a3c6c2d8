import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * Vitest global setup for apps/ingest: builds `dist/` once per test run, for the suites that spawn `node` on
 * plain .mjs fixtures importing the built code (the WAL crash test, …). Type errors are the typecheck task's
 * business: tsc still emits, so they are printed and the run goes on as long as `dist/` was written; a build
 * that writes nothing fails the run.
 */
export default function setup(): void {
  const app = join(import.meta.dirname, '..');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(app, 'tsconfig.build.json')], {
    cwd: app,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    const marker = join(app, 'dist/wal/open-wal.js');
    if (!existsSync(marker))
      throw new Error(`building apps/ingest for the tests failed:\n${result.stdout}${result.stderr}`);
    console.warn(`apps/ingest build reported errors (dist/ was still written):\n${result.stdout}`);
  }
}
