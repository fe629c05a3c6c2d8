import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTable, openTable } from '../src/index.js';
import { dataFilePath } from '../src/read/scan-files.js';
import { exited, ready, startAppender } from './support/child.js';
import { tempDir } from './support/temp-dir.js';

const COMMITS = 40;
const ROWS = 25;

describe('two processes appending to one table', () => {
  it('keeps versions contiguous, every batch exactly once, no file lost', async () => {
    const dir = tempDir('delta-concurrent-');
    const created = await createTable(dir, {
      schema: {
        type: 'struct',
        fields: [
          { name: 'id', type: 'string', nullable: false, metadata: {} },
          { name: 'v', type: 'long', nullable: false, metadata: {} },
        ],
      },
    });
    await created.close();

    const children = ['writer-a', 'writer-b'].map((w) =>
      startAppender([dir, w, '0', String(COMMITS), String(ROWS)], { gate: true }),
    );
    const done = children.map((c) => exited(c));
    await Promise.all(children.map((c) => ready(c)));
    for (const c of children) c.stdin?.end('go\n');
    const [a, b] = (await Promise.all(done)) as [Awaited<(typeof done)[0]>, Awaited<(typeof done)[0]>];
    expect(a.err).toBe('');
    expect(b.err).toBe('');
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);

    await using table = await openTable(dir);
    const snap = await table.snapshot();
    // Version 0 creates the table; every append is exactly one more version.
    expect(snap.version).toBe(2 * COMMITS);
    const history = await table.history();
    expect(history.map((h) => h.version).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 2 * COMMITS + 1 }, (_, i) => i),
    );
    const results = [...a.out.trim().split('\n'), ...b.out.trim().split('\n')]
      .filter((l) => l !== 'ready')
      .map((l) => JSON.parse(l) as { version: number; committed: boolean; retries: number });
    expect(results.every((r) => r.committed)).toBe(true);
    expect(new Set(results.map((r) => r.version)).size).toBe(2 * COMMITS);

    expect(snap.files).toHaveLength(2 * COMMITS);
    for (const f of snap.files) expect(existsSync(join(dir, dataFilePath(f.path)))).toBe(true);
    expect(snap.latestTxnVersion('writer-a')).toBe(BigInt(COMMITS - 1));
    expect(snap.latestTxnVersion('writer-b')).toBe(BigInt(COMMITS - 1));

    const rows = await table.scan();
    const ids = rows.getChild('id')!.toArray() as string[];
    const expected = ['writer-a', 'writer-b'].flatMap((w) =>
      Array.from({ length: COMMITS * ROWS }, (_, i) => `${w}:${Math.floor(i / ROWS)}:${i % ROWS}`),
    );
    expect([...ids].sort()).toEqual(expected.sort());
  });
});
