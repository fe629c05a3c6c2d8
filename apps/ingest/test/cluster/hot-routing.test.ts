import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CatalogSnapshotInput } from '../../src/catalog/snapshot-schema.js';
import { auditRun, formatReport, TABLE_DIRS } from '../fault/audit.js';
import { Fleet, type Load } from '../fault/producers.js';
import { createRandom, faultSeed } from '../fault/random.js';
import { readLiveIds } from '../fault/read-delta.js';
import { childNodeDir } from '../support/child-node.js';
import { testSnapshot } from '../support/test-catalog.js';
import {
  type ClusterNode,
  ephemeralSpecs,
  finishProducers,
  runProducers,
  runSdkStream,
  SDK_TABLE,
  startClusterNode,
  until,
} from './cluster-fleet.js';
import { type Haproxy, startHaproxy } from './haproxy.js';

/*
 * Hot routing behind a standard load balancer: HAProxy (the shipped deploy/haproxy/haproxy.cfg, leastconn,
 * HTTP/2 to the nodes, /readyz checks) in front of three ingest nodes on one table directory, each on its own
 * data directory. grpc-js producers that reconnect whenever their call ends and official-SDK streams go
 * through the balancer. Checked: new streams spread over the nodes; a node at its --busy-streams threshold
 * takes no new ones while the others do; a node drained through the admin API loses its streams to the
 * others; the Delta log (read back with DuckDB) holds every acked record.
 */

/** C's threshold: it refuses new streams from this many on. */
const BUSY_STREAMS = 3;
const LOAD: Load = { maxBatch: 20, window: 4, padBytes: 0 };
const FIRST = 12;
const MORE = 6;
const SDK_STREAMS = 3;

describe('hot routing behind HAProxy (three nodes, one table directory)', () => {
  it('spreads new streams, keeps them off a busy node, moves a drained node’s streams away; no acked record lost', async () => {
    const { tokens, provisioning, dataDir, cleanup } = await childNodeDir();
    const root = dirname(dataDir);
    const shared = join(root, 'shared');
    await mkdir(shared, { recursive: true });
    await writeFile(provisioning, JSON.stringify(sharedTables(testSnapshot(tokens), shared)));
    const nodes: ClusterNode[] = [];
    let haproxy: Haproxy | undefined;
    const stopProducers = new AbortController();
    const stopSdk = new AbortController();
    try {
      // Shedding is off (the default): the stream counts below are the balancer's and the refusals' doing only.
      const common = ['--drain-grace-ms', '2000'];
      nodes.push(
        ...(await Promise.all([
          startClusterNode('a', join(root, 'a'), { provisioning, extra: common }),
          startClusterNode('b', join(root, 'b'), { provisioning, extra: common }),
          startClusterNode('c', join(root, 'c'), {
            provisioning,
            extra: [...common, '--busy-streams', String(BUSY_STREAMS)],
          }),
        ])),
      );
      const [a, , c] = nodes as [ClusterNode, ClusterNode, ClusterNode];
      haproxy = await startHaproxy(root, nodes);
      const port = haproxy.port;
      const counts = () => Promise.all(nodes.map((n) => n.streams()));
      const total = (v: number[]) => v.reduce((x, y) => x + y, 0);

      // 1. Official-SDK streams and a first fleet: spread by leastconn, none past C's threshold.
      const fleet = new Fleet(tokens.good.token, createRandom(faultSeed()), ephemeralSpecs(0, FIRST + MORE));
      const sdkRuns = Array.from({ length: SDK_STREAMS }, (_, i) =>
        runSdkStream(port, tokens.good.token, (i + 1) * 1_000_000, stopSdk.signal),
      );
      const first = runProducers(fleet, [0, FIRST], port, LOAD, stopProducers.signal);
      const spread = await until(
        'the first streams to open',
        counts,
        (v) => total(v) === FIRST + SDK_STREAMS,
      );
      expect(spread[2]).toBeLessThanOrEqual(BUSY_STREAMS);
      expect(spread[0]).toBeGreaterThanOrEqual(3);
      expect(spread[1]).toBeGreaterThanOrEqual(3);
      expect(await c.metric(/lakestream_node_busy\{reason="streams"\}/)).toBe(1);
      expect(await c.metric(/lakestream_busy_threshold\{reason="streams"\}/)).toBe(BUSY_STREAMS);
      expect(await a.metric(/lakestream_node_busy\{reason="streams"\}/)).toBe(0);

      // 2. More streams: all to A and B, C keeps what it has.
      const more = runProducers(fleet, [FIRST, FIRST + MORE], port, LOAD, stopProducers.signal);
      const grown = await until(
        'the next streams to open',
        counts,
        (v) => total(v) === FIRST + MORE + SDK_STREAMS,
      );
      expect(grown[2]).toBeLessThanOrEqual(BUSY_STREAMS);
      expect(grown[0]! + grown[1]!).toBeGreaterThan(spread[0]! + spread[1]!);

      // 3. Drain A through the admin API: its streams get close_stream_signal and reconnect to B and C.
      await a.drain(2000);
      const moved = await until(
        "A's streams to move to B and C",
        counts,
        (v) => v[0] === 0 && total(v) === FIRST + MORE + SDK_STREAMS,
        30_000,
      );
      expect(moved[2]).toBeLessThanOrEqual(BUSY_STREAMS);
      expect(moved[1]).toBe(FIRST + MORE + SDK_STREAMS - moved[2]!);

      // 4. Stop, finish every producer (each re-sends what was not acked), stop the nodes (they publish).
      stopSdk.abort();
      const sdkSent = await Promise.all(sdkRuns);
      stopProducers.abort();
      await Promise.all([first, more]);
      await finishProducers(fleet, port, LOAD);
      await haproxy.stop();
      expect(await Promise.all(nodes.map((n) => n.stop()))).toEqual([0, 0, 0]);

      // 5. The audit: the Delta logs, read back with DuckDB.
      const report = await auditRun(shared, fleet);
      const sdkIds = await readLiveIds(join(shared, 'tables/main/sales/sdk_rows'));
      const sdkLost = sdkSent.flat().filter((id) => !sdkIds.has(id));
      console.log(
        `hot routing: streams spread ${spread.join('/')}, grown ${grown.join('/')}, after drain ${moved.join('/')}; ` +
          `${formatReport(report)}; SDK records ${sdkSent.flat().length}, lost ${sdkLost.length}`,
      );
      expect(report.failures).toEqual([]);
      expect(report.lost).toBe(0);
      expect(report.ackedRecords).toBeGreaterThan(0);
      expect(sdkLost).toEqual([]);
      expect(sdkSent.flat().length).toBeGreaterThan(0);
    } finally {
      stopSdk.abort();
      stopProducers.abort();
      await haproxy?.stop();
      for (const n of nodes) n.process.kill('SIGKILL');
      await cleanup();
    }
  }, 90_000);
});

/** The test catalog with its tables under `shared` (absolute: every node writes the same ones) and the SDK's table. */
function sharedTables(snapshot: CatalogSnapshotInput, shared: string): CatalogSnapshotInput {
  const orders = snapshot.tables[0]!;
  return {
    ...snapshot,
    tables: [
      ...snapshot.tables.map((t) => {
        const dir = TABLE_DIRS[t.name];
        return dir === undefined ? t : { ...t, location: join(shared, dir) };
      }),
      {
        ...orders,
        name: SDK_TABLE,
        location: join(shared, 'tables/main/sales/sdk_rows'),
        schema: {
          type: 'struct' as const,
          fields: [
            { name: 'id', type: 'long', nullable: false, metadata: {} },
            { name: 'item', type: 'string', nullable: true, metadata: {} },
          ],
        },
      },
    ],
  };
}
