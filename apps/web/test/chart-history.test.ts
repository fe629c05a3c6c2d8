import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMetricHistory } from '@lakestream/catalog';
import { afterAll, describe, expect, it } from 'vitest';
import { createMetricHistorySink } from '../src/server/streams/metric-history';
import { computeTick, type NodeSample, type Tick } from '../src/server/streams/stream-rates';
import { callerAs, openTestServices, seedUsers } from './support/services';

const TABLE = 'main.sales.orders';
const NODE = '10.0.0.7:9090';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** `seconds` samplings one second apart from `start`: one stream on one node sending 100 records/s. */
function samplings(start: number, seconds: number): Tick[] {
  const out: Tick[] = [];
  for (let i = 0; i <= seconds; i++) {
    const t = start + i * 1000;
    const node: NodeSample = {
      address: NODE,
      nodeId: 'node-a',
      endpoint: null,
      registered: false,
      at: t,
      reachable: true,
      error: null,
      streams: [
        {
          streamId: 's1',
          table: TABLE,
          principalId: 'svc',
          kind: 'ephemeral',
          state: 'open',
          startedAt: start,
          records: 100 * i,
          bytes: 1000 * i,
          errors: 0,
          ackedOffset: String(i),
          ackP50Ms: 1,
          ackP99Ms: 4,
          inFlightBytes: 0,
        },
      ],
      tables: [
        {
          table: TABLE,
          oldestUnpublishedAgeMs: 300,
          unpublishedRecords: 30,
          unpublishedBytes: 3000,
          lastCommittedVersion: 1,
          lastCommitAt: t,
          timeToTableP99Ms: 700,
        },
      ],
    };
    out.push(computeTick(out.at(-1), t, [node]));
  }
  return out;
}

describe('chart history across a console restart', () => {
  it('keeps the minute history in the catalog: a new console on the same catalog charts 24 hours of it', async () => {
    const shared = mkdtempSync(join(tmpdir(), 'lakestream-charts-'));
    dirs.push(shared);
    const env = { LAKESTREAM_CATALOG_PATH: join(shared, 'catalog.db') };
    const minuteStart = Math.floor(Date.now() / MINUTE) * MINUTE;

    // The first console: two minutes of samplings three hours ago, and two ending 10 minutes ago.
    const first = await openTestServices(env);
    await seedUsers(first.services);
    for (const tick of [
      ...samplings(minuteStart - 3 * HOUR, 120),
      ...samplings(minuteStart - 12 * MINUTE, 120),
    ]) {
      await first.services.metricHistory.record(tick);
    }
    // Its last minute is still open until it closes: closing writes it.
    expect(first.services.metricHistory.pending().length).toBeGreaterThan(0);
    await first.close();

    // A new console process on the same catalog.
    const second = await openTestServices(env);
    try {
      const viewer = callerAs(second.services, 'viewer').caller;
      const day = await viewer.streams.chart({ window: '24h' });
      expect(day.source).toBe('stored');
      expect(day.resolutionMs).toBe(MINUTE);
      expect(day.series.map((s) => [s.id, s.label])).toEqual([
        ['total', 'All tables'],
        [`table:${TABLE}`, TABLE],
        [`node:${NODE}`, `node ${NODE}`],
      ]);
      const table = day.series[1]!;
      // Three minutes per batch (59 s, 60 s and the last second), 3 h ago and 12 min ago.
      expect(table.points.map((p) => p.t)).toEqual([
        minuteStart - 3 * HOUR,
        minuteStart - 3 * HOUR + MINUTE,
        minuteStart - 3 * HOUR + 2 * MINUTE,
        minuteStart - 12 * MINUTE,
        minuteStart - 11 * MINUTE,
        minuteStart - 10 * MINUTE,
      ]);
      for (const p of table.points) {
        expect(p.recordsPerSec).toBeCloseTo(100, 6);
        expect(p).toMatchObject({
          timeToTableMs: 700,
          walBacklogBytes: 3000,
          publishLagMs: 300,
          ackP99Ms: 4,
        });
      }
      // One hour back holds only the recent minutes.
      const hour = await viewer.streams.chart({ window: '1h' });
      expect(hour.series[1]!.points.map((p) => p.t)).toEqual([
        minuteStart - 12 * MINUTE,
        minuteStart - 11 * MINUTE,
        minuteStart - 10 * MINUTE,
      ]);
      // One table: the table is the total, its stream follows.
      const orders = await viewer.streams.chart({ window: '6h', table: TABLE.toUpperCase() });
      expect(orders.series.map((s) => s.id)).toEqual(['total', `stream:${NODE}/s1`]);
    } finally {
      await second.close();
    }
  });

  it('prunes buckets older than the retention, not before', async () => {
    const t = await openTestServices();
    try {
      let now = 100 * HOUR;
      const sink = createMetricHistorySink(t.services.db, 24, () => now);
      for (const tick of [...samplings(40 * HOUR, 61), ...samplings(90 * HOUR, 61)]) await sink.record(tick);
      await sink.flush();
      const stored = async () =>
        [...new Set((await readMetricHistory(t.services.db, { since: 0 })).map((b) => b.at / MINUTE))].sort(
          (a, b) => a - b,
        );
      expect(await stored()).toEqual([2400, 2401, 5400, 5401]);
      // 24 h before 100 h is 76 h: the buckets at 40 h go.
      expect(await sink.prune()).toBe(8); // two minutes of four series
      expect(await stored()).toEqual([5400, 5401]);
      now = 114 * HOUR + MINUTE;
      await sink.prune();
      expect(await stored()).toEqual([5401]);
    } finally {
      await t.close();
    }
  });
});
