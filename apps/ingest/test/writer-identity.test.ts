import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../src/metrics/create-metrics.js';
import { parseSegmentFileName } from '../src/wal/segment-file.js';
import { recordingLog } from './support/recording-log.js';
import { ingestIds, readShared, sharedCatalog } from './support/shared-table.js';
import { ORDERS } from './support/test-catalog.js';
import { startTestNode, tempDir } from './support/test-node.js';

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('writer identity: txn appId = <nodeId>:<WAL incarnation>:<table>', () => {
  it('two nodes given the same --node-id publish every acked record to one table', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const location = join(dir, 'orders');
      const cat = sharedCatalog(location);
      const a = (await startTestNode(join(dir, 'a'), { cat, nodeId: 'node-1', flushMs: 60_000 })).node;
      const b = (await startTestNode(join(dir, 'b'), { cat, nodeId: 'node-1', flushMs: 60_000 })).node;
      try {
        // Both WALs count from 0: the same positions, under one node id.
        await ingestIds(a, cat.tokens.good.token, range(0, 5));
        await a.publishers.flushAll();
        await ingestIds(b, cat.tokens.good.token, range(100, 3));
        await b.publishers.flushAll();
        await ingestIds(a, cat.tokens.good.token, range(5, 2));
        await a.publishers.flushAll();
      } finally {
        await a.close(0);
        await b.close(0);
      }
      const { ids, txns } = await readShared(location);
      expect(ids).toEqual([...range(0, 7), ...range(100, 3)]);
      const apps = [...new Set(txns.map((t) => t.appId))];
      expect(apps).toHaveLength(2);
      expect(apps).toEqual(
        expect.arrayContaining([
          `node-1:${a.writer.incarnation.id}:${ORDERS}`,
          `node-1:${b.writer.incarnation.id}:${ORDERS}`,
        ]),
      );
    } finally {
      await cleanup();
    }
  });

  it('a node restarted on its data dir keeps its incarnation, and its replay publishes nothing twice', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const first = await startTestNode(dir, { flushMs: 60_000 });
      const incarnation = first.node.writer.incarnation;
      expect(incarnation).toEqual({ id: expect.stringMatching(/^[0-9a-f]{16}$/), firstPosition: 0n });
      await ingestIds(first.node, first.cat.tokens.good.token, range(0, 4));
      await first.node.close(0);
      // As if killed before the trim point was saved: the replay must find the entries in the table by txn.
      await rm(join(dir, 'published.json'));
      const second = await startTestNode(dir, { cat: first.cat, flushMs: 60_000 });
      try {
        expect(second.node.writer).toEqual(first.node.writer);
        const report = await second.node.recovery.done;
        expect(report).toMatchObject({ done: true, republished: 0 });
        expect(report.alreadyPublished).toBeGreaterThanOrEqual(4);
        await ingestIds(second.node, second.cat.tokens.good.token, range(4, 2));
      } finally {
        await second.node.close(0);
      }
      const { ids, txns } = await readShared(join(dir, 'tables/main/sales/orders'));
      expect(ids).toEqual(range(0, 6));
      expect(new Set(txns.map((t) => t.appId))).toEqual(
        new Set([`${first.node.nodeId}:${incarnation.id}:${ORDERS}`]),
      );
    } finally {
      await cleanup();
    }
  });

  it('a data dir from before incarnations: its WAL is deduplicated against the former appId, new entries use the new one', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const first = await startTestNode(dir, { flushMs: 60_000 });
      const { nodeId } = first.node;
      await ingestIds(first.node, first.cat.tokens.good.token, range(0, 4));
      await first.node.close(0);
      // What a node of the previous release left: no incarnation file, commits under `<nodeId>:<table>`, and
      // (killed before its trim point was saved) a WAL still holding the published entries.
      const former = `${nodeId}:${ORDERS}`;
      await rm(join(dir, 'wal', 'incarnation'));
      await rm(join(dir, 'published.json'));
      const log = join(dir, 'tables/main/sales/orders/_delta_log');
      for (const name of (await readdir(log)).filter((n) => n.endsWith('.json'))) {
        const text = await readFile(join(log, name), 'utf8');
        await writeFile(join(log, name), text.replaceAll(/"appId":"[^"]*"/g, `"appId":"${former}"`));
      }

      const second = await startTestNode(dir, { cat: first.cat, flushMs: 60_000 });
      try {
        const { incarnation } = second.node.writer;
        expect(incarnation.firstPosition).toBeGreaterThanOrEqual(4n);
        expect(incarnation.id).not.toBe(first.node.writer.incarnation.id);
        expect(await second.node.recovery.done).toMatchObject({ done: true, republished: 0 });
        await ingestIds(second.node, second.cat.tokens.good.token, range(4, 3));
      } finally {
        await second.node.close(0);
      }
      const { ids, txns } = await readShared(join(dir, 'tables/main/sales/orders'));
      expect(ids).toEqual(range(0, 7));
      const fresh = `${nodeId}:${second.node.writer.incarnation.id}:${ORDERS}`;
      expect([...new Set(txns.map((t) => t.appId))]).toEqual([former, fresh]);
      // The new appId's versions are positions of the new incarnation only.
      for (const t of txns.filter((x) => x.appId === fresh))
        expect(t.version).toBeGreaterThanOrEqual(second.node.writer.incarnation.firstPosition);
    } finally {
      await cleanup();
    }
  });

  it('a commit discarded because another writer holds the identity is an error: logged, counted, the table stops, the WAL keeps it', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const location = join(dir, 'orders');
      const cat = sharedCatalog(location);
      const copy = await twoWritersOfOneWal(dir, cat);
      const { first } = copy;
      let waiting: bigint | undefined;
      try {
        // Both read the table before either commits: to each, the appId has nothing in it yet.
        const orders = cat.catalog.current().table(ORDERS)!;
        expect(await first.publishers.publisher(orders).publishedThrough()).toBe(-1n);
        expect(await copy.node.publishers.publisher(orders).publishedThrough()).toBe(-1n);
        await ingestIds(first, cat.tokens.good.token, range(0, 5));
        await first.publishers.flushAll();
        // The copy's positions are at or below the first's latest txn.version: its commit is discarded.
        await ingestIds(copy.node, cat.tokens.good.token, range(100, 2));
        await expect(copy.node.publishers.flushAll()).rejects.toThrow(/was discarded/);

        expect(copy.log.lines).toContainEqual({
          level: 'error',
          obj: expect.objectContaining({ table: ORDERS, appId: copy.appId, version: expect.any(String) }),
          msg: expect.stringContaining("another writer holds this node's identity"),
        });
        expect((await copy.metrics.commitsDiscarded.get()).values).toEqual([
          expect.objectContaining({ labels: { table: ORDERS }, value: 1 }),
        ]);
        const health = copy.node.health();
        expect(health.state).toBe('degraded');
        expect(health.failingTables).toEqual([ORDERS]);
        // Nothing taken for published: the rows still wait, and the WAL keeps their entries.
        expect(copy.node.publishers.publishInfo()[0]).toMatchObject({ unpublishedRecords: 2 });
        waiting = copy.node.publishers.lowestPending();
        expect(waiting).toBeDefined();
        await copy.node.publishers.trimNow();
      } finally {
        await first.close(0);
        await copy.node.close(0);
      }
      // One segment per entry in the copy's WAL: a trim past the waiting entries would have deleted theirs.
      const walFirst = (await readdir(join(dir, 'b', 'wal')))
        .map(parseSegmentFileName)
        .filter((p) => p !== undefined)
        .sort((x, y) => (x < y ? -1 : 1))[0]!;
      expect(walFirst).toBeLessThanOrEqual(waiting!);
      // The trim point saved (none, when it never moved) is not past them either.
      const mark = await readFile(join(dir, 'b', 'published.json'), 'utf8').catch(() => undefined);
      if (mark !== undefined)
        expect(BigInt((JSON.parse(mark) as { publishedBelow: string }).publishedBelow)).toBeLessThanOrEqual(
          waiting!,
        );
      // Only the first node's rows are in the table; the copy's wait in its WAL.
      expect((await readShared(location)).ids).toEqual(range(0, 5));
    } finally {
      await cleanup();
    }
  });

  it('a writer that finds its appId at a version its WAL never reached stops before publishing anything', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const location = join(dir, 'orders');
      const cat = sharedCatalog(location);
      const copy = await twoWritersOfOneWal(dir, cat);
      try {
        await ingestIds(copy.first, cat.tokens.good.token, range(0, 5));
        await copy.first.publishers.flushAll();
        await ingestIds(copy.node, cat.tokens.good.token, range(100, 2));
        await expect(copy.node.publishers.flushAll()).rejects.toThrow(/before publishing WAL positions/);
        expect((await copy.metrics.commitsDiscarded.get()).values).toEqual([
          expect.objectContaining({ labels: { table: ORDERS }, value: 1 }),
        ]);
        expect(copy.node.health().failingTables).toEqual([ORDERS]);
        expect(copy.node.publishers.publishInfo()[0]).toMatchObject({ unpublishedRecords: 2 });
      } finally {
        await copy.first.close(0);
        await copy.node.close(0);
      }
      expect((await readShared(location)).ids).toEqual(range(0, 5));
    } finally {
      await cleanup();
    }
  });
});

/**
 * Node `a` on `<dir>/a` and a node on `<dir>/b`, a copy of a's data directory made before either ingested (a
 * cloned volume: the same node id, WAL and incarnation); the copy logs errors to `log`, counts in `metrics`,
 * and keeps one WAL segment per entry (so a trim would delete any entry it passed).
 */
async function twoWritersOfOneWal(dir: string, cat: ReturnType<typeof sharedCatalog>) {
  const a = (await startTestNode(join(dir, 'a'), { cat, nodeId: 'node-1', flushMs: 60_000 })).node;
  await a.close(0);
  await cp(join(dir, 'a'), join(dir, 'b'), { recursive: true });
  const log = recordingLog();
  const metrics = createMetrics({ defaultMetrics: false });
  const first = (await startTestNode(join(dir, 'a'), { cat, nodeId: 'node-1', flushMs: 60_000 })).node;
  const node = (
    await startTestNode(join(dir, 'b'), {
      cat,
      nodeId: 'node-1',
      flushMs: 60_000,
      log,
      metrics,
      wal: { segmentBytes: 1 },
    })
  ).node;
  expect(node.writer).toEqual(first.writer);
  return { first, node, log, metrics, appId: `node-1:${node.writer.incarnation.id}:${ORDERS}` };
}
