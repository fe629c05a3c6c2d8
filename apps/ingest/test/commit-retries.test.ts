import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../src/metrics/create-metrics.js';
import { recordingLog } from './support/recording-log.js';
import { ingestIds, readShared, sharedCatalog } from './support/shared-table.js';
import { ORDERS } from './support/test-catalog.js';
import { startTestNode, tempDir } from './support/test-node.js';

describe('a commit that lost a race to another writer of the table', () => {
  it('is counted in lakestream_commit_retries_total and logged with its version', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const location = join(dir, 'orders');
      const cat = sharedCatalog(location);
      const log = recordingLog();
      const metrics = createMetrics({ defaultMetrics: false });
      const a = (await startTestNode(join(dir, 'a'), { cat, flushMs: 60_000, log, metrics })).node;
      const b = (await startTestNode(join(dir, 'b'), { cat, flushMs: 60_000 })).node;
      try {
        await ingestIds(a, cat.tokens.good.token, [1, 2]);
        await a.publishers.flushAll();
        // b commits the next version; a's handle has not seen it, so a's next commit loses that race once.
        await ingestIds(b, cat.tokens.good.token, [3]);
        await b.publishers.flushAll();
        await ingestIds(a, cat.tokens.good.token, [4]);
        await a.publishers.flushAll();
      } finally {
        await a.close(0);
        await b.close(0);
      }
      expect((await metrics.commitRetries.get()).values).toEqual([
        expect.objectContaining({ labels: { table: ORDERS }, value: 1 }),
      ]);
      // Versions: 0 creates the table, 1 is a's, 2 is b's, 3 is a's after the lost race.
      expect(log.lines).toContainEqual({
        level: 'info',
        obj: { table: ORDERS, version: 3, retries: 1 },
        msg: expect.stringContaining('losing races'),
      });
      expect((await readShared(location)).ids).toEqual([1, 2, 3, 4]);
    } finally {
      await cleanup();
    }
  });
});
