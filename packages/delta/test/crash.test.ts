import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTable, openTable } from '../src/index.js';
import { dataFilePath } from '../src/read/scan-files.js';
import { exited, startAppender } from './support/child.js';
import { prng } from './support/ingest-batch.js';
import { tempDir } from './support/temp-dir.js';

const COMMITS = 60;
const ROWS = 5;
const KILLS = 8;

async function rowIds(dir: string): Promise<string[]> {
  await using table = await openTable(dir);
  const snap = await table.snapshot();
  for (const f of snap.files) expect(existsSync(join(dir, dataFilePath(f.path)))).toBe(true);
  const rows = await table.scan();
  return rows.getChild('id')!.toArray() as string[];
}

describe('a writer killed at random moments', () => {
  it('leaves a readable table and never duplicates a re-run txn', async () => {
    const dir = tempDir('delta-crash-');
    const created = await createTable(dir, {
      schema: {
        type: 'struct',
        fields: [
          { name: 'id', type: 'string', nullable: false, metadata: {} },
          { name: 'v', type: 'long', nullable: false, metadata: {} },
        ],
      },
      properties: { 'delta.appendOnly': 'true', 'delta.checkpointInterval': '3' },
    });
    await created.close();

    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
    const random = prng(seed);
    let duplicatesSkipped = 0;
    for (let k = 0; k < KILLS; k++) {
      // Each run resumes at the latest committed txn version (re-running that commit on purpose).
      const child = startAppender([dir, 'ingest-1', 'resume', String(COMMITS), String(ROWS)]);
      const done = exited(child);
      // Once it commits, kill it at a random moment (when exactly does not matter to any assertion).
      child.stdout?.once('data', () => setTimeout(() => child.kill('SIGKILL'), Math.floor(random() * 120)));
      const result = await done;
      duplicatesSkipped += result.out.split('\n').filter((l) => l.includes('"committed":false')).length;

      const ids = await rowIds(dir);
      expect(new Set(ids).size, `seed ${seed}, kill ${k}: duplicate rows`).toBe(ids.length);
    }
    const final = await exited(startAppender([dir, 'ingest-1', 'resume', String(COMMITS), String(ROWS)]));
    expect(final.code, final.err).toBe(0);
    duplicatesSkipped += final.out.split('\n').filter((l) => l.includes('"committed":false')).length;
    expect(duplicatesSkipped).toBeGreaterThan(0);

    const ids = await rowIds(dir);
    const expected = Array.from(
      { length: COMMITS * ROWS },
      (_, i) => `ingest-1:${Math.floor(i / ROWS)}:${i % ROWS}`,
    );
    expect([...ids].sort(), `seed ${seed}`).toEqual(expected.sort());
    await using table = await openTable(dir);
    expect(await table.latestTxnVersion('ingest-1')).toBe(BigInt(COMMITS - 1));
  });
});
