import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  type MetricBucket,
  pruneMetricHistory,
  readMetricHistory,
  recordMetricBuckets,
} from './metric-history.js';
import type { OpenCatalog } from './open-catalog.js';
import { openTestCatalog } from './test-support/test-catalog.js';

let catalog: OpenCatalog;
beforeEach(async () => {
  catalog = await openTestCatalog();
});
afterEach(() => catalog.close());

const MINUTE = 60_000;
const ORDERS = 'main.sales.orders';

function bucket(at: number, overrides: Partial<MetricBucket> = {}): MetricBucket {
  return {
    kind: 'table',
    seriesKey: ORDERS,
    table: ORDERS,
    at,
    resolutionMs: MINUTE,
    spanMs: MINUTE,
    records: 6000,
    bytes: 600_000,
    errors: 0,
    ackP99Ms: 12,
    publishLagMs: 800,
    timeToTableMs: 950,
    walBacklogBytes: 4096,
    ...overrides,
  };
}

describe('metric history', () => {
  test('stores buckets of every kind and reads them back oldest first, with nulls kept', async () => {
    const db = catalog.db;
    await recordMetricBuckets(db, [
      bucket(2 * MINUTE),
      bucket(MINUTE),
      bucket(MINUTE, { kind: 'total', seriesKey: '', table: '' }),
      bucket(MINUTE, { kind: 'node', seriesKey: '127.0.0.1:9000', table: '', ackP99Ms: null }),
      bucket(MINUTE, { kind: 'stream', seriesKey: '127.0.0.1:9000/s-1', timeToTableMs: null }),
    ]);
    const all = await readMetricHistory(db, { since: 0 });
    expect(all.map((b) => [b.at / MINUTE, b.kind, b.seriesKey])).toEqual([
      [1, 'node', '127.0.0.1:9000'],
      [1, 'stream', '127.0.0.1:9000/s-1'],
      [1, 'table', ORDERS],
      [1, 'total', ''],
      [2, 'table', ORDERS],
    ]);
    expect(all[0]).toEqual(
      bucket(MINUTE, { kind: 'node', seriesKey: '127.0.0.1:9000', table: '', ackP99Ms: null }),
    );
    expect(all[1]!.timeToTableMs).toBeNull();
  });

  test('a bucket written again replaces the first (more samplings of the same minute, a restart)', async () => {
    const db = catalog.db;
    await recordMetricBuckets(db, [bucket(MINUTE, { spanMs: 10_000, records: 1000 })]);
    await recordMetricBuckets(db, [bucket(MINUTE, { spanMs: 60_000, records: 6000, walBacklogBytes: null })]);
    const rows = await readMetricHistory(db, { since: 0 });
    expect(rows).toEqual([bucket(MINUTE, { spanMs: 60_000, records: 6000, walBacklogBytes: null })]);
  });

  test('reads by time range, kind, table (any case), resolution and limit', async () => {
    const db = catalog.db;
    await recordMetricBuckets(db, [
      ...[0, 1, 2, 3].map((m) => bucket(m * MINUTE)),
      bucket(MINUTE, { seriesKey: 'main.hr.people', table: 'main.hr.people' }),
      bucket(MINUTE, { kind: 'node', seriesKey: 'n:1', table: '' }),
      bucket(MINUTE, { resolutionMs: 1000 }),
    ]);
    const at = (rows: MetricBucket[]) => rows.map((b) => `${b.kind}:${b.seriesKey}@${b.at / MINUTE}`);
    expect(
      at(await readMetricHistory(db, { since: MINUTE, until: 3 * MINUTE, table: 'MAIN.SALES.ORDERS' })),
    ).toEqual([`table:${ORDERS}@1`, `table:${ORDERS}@1`, `table:${ORDERS}@2`]);
    expect(
      at(
        await readMetricHistory(db, {
          since: MINUTE,
          until: 2 * MINUTE,
          resolutionMs: MINUTE,
          kinds: ['node'],
        }),
      ),
    ).toEqual(['node:n:1@1']);
    expect(await readMetricHistory(db, { since: 0, limit: 2 })).toHaveLength(2);
  });

  test('prunes buckets older than the cut-off, and only those', async () => {
    const db = catalog.db;
    await recordMetricBuckets(
      db,
      [0, 1, 2, 3].map((m) => bucket(m * MINUTE)),
    );
    expect(await pruneMetricHistory(db, 2 * MINUTE)).toBe(2);
    expect((await readMetricHistory(db, { since: 0 })).map((b) => b.at)).toEqual([2 * MINUTE, 3 * MINUTE]);
    expect(await pruneMetricHistory(db, 2 * MINUTE)).toBe(0);
  });

  test('writes a minute of many series at once (several INSERTs in one transaction)', async () => {
    const db = catalog.db;
    const many = Array.from({ length: 450 }, (_, i) =>
      bucket(MINUTE, { kind: 'stream', seriesKey: `n:1/s-${String(i).padStart(3, '0')}` }),
    );
    await recordMetricBuckets(db, many);
    const rows = await readMetricHistory(db, { since: 0, kinds: ['stream'] });
    expect(rows).toHaveLength(450);
    expect(rows.at(-1)!.seriesKey).toBe('n:1/s-449');
  });
});
