import { randomUUID } from 'node:crypto';
import { appendFileSync, copyFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTable } from '@lakestream/delta';
import { Int64, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it, vi } from 'vitest';
import { EVENTS, ORDERS, testCatalog } from '../../test/support/test-catalog.js';
import { tempDir } from '../../test/support/test-node.js';
import type { Log } from '../base/log.js';
import { createMetrics } from '../metrics/create-metrics.js';
import { startOrphanCleanup } from './orphan-cleanup.js';

/** A log that keeps every line. */
function recordingLog(): Log & { lines: { level: string; msg: string; obj: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg = ''): void => {
      lines.push({ level, msg, obj: obj as Record<string, unknown> });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A table at `dir` with one committed data file; returns that file's name. */
async function tableWithOneFile(dir: string): Promise<string> {
  await using table = await createTable(dir, {
    schema: {
      type: 'struct',
      fields: [
        { name: 'id', type: 'long', nullable: false, metadata: {} },
        { name: 'item', type: 'string', nullable: true, metadata: {} },
      ],
    },
    workers: 1,
    fsync: false,
  });
  const { files } = await table.append(
    new Table({ id: vectorFromArray([1n, 2n], new Int64()), item: vectorFromArray(['a', 'b'], new Utf8()) }),
  );
  return files[0]!.path;
}

/** Waits until `check` holds (polling every 20 ms), failing with `what` after `timeout` ms. */
function until(what: string, check: () => boolean, timeout = 10_000): Promise<void> {
  return vi.waitFor(() => expect(check(), `waiting for ${what}`).toBe(true), { timeout, interval: 20 });
}

describe('startOrphanCleanup', () => {
  it('cleans the tables at start and then every interval, leaves a table with a bad log alone, stops on close', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const orders = join(dir, 'tables/main/sales/orders');
      const events = join(dir, 'tables/main/sales/events');
      const committed = await tableWithOneFile(orders);
      const eventsFile = await tableWithOneFile(events);
      // The events table's log is corrupt: its orphan must stay.
      appendFileSync(join(events, '_delta_log', '00000000000000000001.json'), 'not json\n');
      const eventsOrphan = `part-00000-${randomUUID()}-c000.snappy.parquet`;
      copyFileSync(join(events, eventsFile), join(events, eventsOrphan));
      const orphanAtStart = `part-00000-${randomUUID()}-c000.snappy.parquet`;
      copyFileSync(join(orders, committed), join(orders, orphanAtStart));

      const log = recordingLog();
      const metrics = createMetrics({ defaultMetrics: false });
      const cat = testCatalog();
      const running = startOrphanCleanup({
        dataDir: dir,
        catalog: cat.catalog,
        tables: () => [ORDERS, EVENTS, 'main.sales.unknown'],
        log,
        metrics,
        options: { minAgeMs: 0, intervalMs: 300 },
      });
      try {
        // At start: the orphan goes; the bad table is reported and left alone.
        await until('the first run', () => !existsSync(join(orders, orphanAtStart)));
        await until('the warning', () => log.lines.some((l) => l.level === 'warn'));
        const warning = log.lines.find((l) => l.level === 'warn')!;
        expect(warning).toMatchObject({
          msg: 'orphan-file cleanup left the table alone',
          obj: { table: EVENTS },
        });
        expect(String((warning.obj.err as Error).message)).toContain(events);
        expect(existsSync(join(events, eventsOrphan))).toBe(true);

        // Later: a temp file and another orphan are removed by a periodic run.
        const temp = `.${randomUUID()}.tmp`;
        writeFileSync(join(orders, temp), 'half a file');
        const orphanLater = `part-00000-${randomUUID()}-c000.snappy.parquet`;
        copyFileSync(join(orders, committed), join(orders, orphanLater));
        // Logged once a run has removed them (the counters are updated just before).
        const removed = () => log.lines.filter((l) => l.msg === 'removed orphan files').map((l) => l.obj);
        const removedPaths = () => removed().flatMap((o) => o.paths as string[]);
        await until(
          'a periodic run',
          () => removedPaths().includes(orphanLater) && removedPaths().includes(temp),
        );
        expect(existsSync(join(orders, orphanLater)) || existsSync(join(orders, temp))).toBe(false);
        expect(readdirSync(orders).filter((n) => n.endsWith('.parquet'))).toEqual([committed]);
        expect(removedPaths().sort()).toEqual([orphanAtStart, orphanLater, temp].sort());
        expect(removed().every((o) => o.table === ORDERS)).toBe(true);
        const text = await metrics.registry.metrics();
        expect(text).toContain('lakestream_orphan_files_removed_total{kind="data"} 2');
        expect(text).toContain('lakestream_orphan_files_removed_total{kind="temp"} 1');
        expect(text).toContain('lakestream_orphan_bytes_removed_total{kind="temp"} 11');
      } finally {
        await running.close();
      }
      // Closed: no run any more.
      const afterClose = `part-00000-${randomUUID()}-c000.snappy.parquet`;
      copyFileSync(join(orders, committed), join(orders, afterClose));
      await new Promise((r) => setTimeout(r, 700));
      expect(existsSync(join(orders, afterClose))).toBe(true);
      expect(await running.run()).toEqual([]);
    } finally {
      await cleanup();
    }
  });

  it('with an interval of 0 never runs by itself', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const orders = join(dir, 'tables/main/sales/orders');
      const committed = await tableWithOneFile(orders);
      const orphan = `part-00000-${randomUUID()}-c000.snappy.parquet`;
      copyFileSync(join(orders, committed), join(orders, orphan));
      await using running = startOrphanCleanup({
        dataDir: dir,
        catalog: testCatalog().catalog,
        tables: () => [ORDERS],
        log: recordingLog(),
        options: { minAgeMs: 0, intervalMs: 0 },
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(existsSync(join(orders, orphan))).toBe(true);
      const [report] = await running.run();
      expect(report?.removed.map((f) => f.path)).toEqual([orphan]);
    } finally {
      await cleanup();
    }
  });
});
