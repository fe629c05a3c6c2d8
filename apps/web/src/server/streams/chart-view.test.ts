import type { MetricBucket } from '@lakestream/catalog';
import { describe, expect, it } from 'vitest';
import { chartFromBuckets, chartFromLive, liveWindowOf, MAX_STREAM_SERIES } from './chart-view';
import { liveView } from './live-view';
import { computeTick, type NodeSample, type Tick } from './stream-rates';

const ORDERS = 'main.sales.orders';
const MINUTE = 60_000;

function bucket(at: number, overrides: Partial<MetricBucket> = {}): MetricBucket {
  return {
    kind: 'table',
    seriesKey: ORDERS,
    table: ORDERS,
    at,
    resolutionMs: MINUTE,
    spanMs: 30_000,
    records: 3000,
    bytes: 30_000,
    errors: 15,
    ackP99Ms: 9,
    publishLagMs: 400,
    timeToTableMs: 1200,
    walBacklogBytes: 2048,
    ...overrides,
  };
}

describe('chart series', () => {
  it('serves windows up to 15 minutes from the live ring, longer ones from the stored history', () => {
    expect(liveWindowOf('1m')).toBe(60);
    expect(liveWindowOf('15m')).toBe(900);
    expect(liveWindowOf('1h')).toBeNull();
    expect(liveWindowOf('24h')).toBeNull();
  });

  it('turns stored buckets into rates over the time they cover, one series per kind and key', () => {
    const view = chartFromBuckets(
      [
        bucket(0),
        bucket(0, { kind: 'total', seriesKey: '', table: '' }),
        bucket(0, { kind: 'node', seriesKey: '10.0.0.5:9090', table: '' }),
        bucket(MINUTE, { spanMs: 60_000, records: 12_000 }),
        // The open minute appended again after it was written: counted once, the later one wins.
        bucket(MINUTE, { spanMs: 60_000, records: 6000 }),
      ],
      {
        window: '24h',
        to: 86_400_000 + 5,
        resolutionMs: MINUTE,
        nodeNames: new Map([['10.0.0.5:9090', 'node-a']]),
      },
    );
    expect(view).toMatchObject({
      window: '24h',
      from: 5,
      to: 86_400_005,
      source: 'stored',
      resolutionMs: MINUTE,
    });
    expect(view.series.map((s) => [s.id, s.label])).toEqual([
      ['total', 'All tables'],
      [`table:${ORDERS}`, ORDERS],
      ['node:10.0.0.5:9090', 'node node-a'],
    ]);
    expect(view.series[1]!.points).toEqual([
      {
        t: 0,
        recordsPerSec: 100,
        bytesPerSec: 1000,
        errorsPerSec: 0.5,
        ackP99Ms: 9,
        publishLagMs: 400,
        timeToTableMs: 1200,
        walBacklogBytes: 2048,
      },
      expect.objectContaining({ t: MINUTE, recordsPerSec: 100 }),
    ]);
  });

  it('for one table: the table is the total, its busiest streams follow', () => {
    const streams = Array.from({ length: MAX_STREAM_SERIES + 5 }, (_, i) =>
      bucket(0, { kind: 'stream', seriesKey: `n:1/s${String(i).padStart(2, '0')}`, records: i * 10 }),
    );
    const view = chartFromBuckets([bucket(0), ...streams], {
      window: '1h',
      to: 3_600_000,
      resolutionMs: MINUTE,
      table: ORDERS,
    });
    expect(view.series[0]).toMatchObject({ id: 'total', label: 'This table' });
    const shown = view.series.slice(1);
    expect(shown).toHaveLength(MAX_STREAM_SERIES);
    // The five quietest (s00…s04) are left out; the rest keep their order by id.
    expect(shown[0]).toMatchObject({ id: 'stream:n:1/s05', label: 's05', table: ORDERS });
  });

  it('names live series like stored ones, so a hidden series stays hidden across windows', () => {
    const node = (t: number, records: number): NodeSample => ({
      address: 'a:1',
      nodeId: 'node-a',
      endpoint: null,
      registered: false,
      at: t,
      reachable: true,
      error: null,
      streams: [
        {
          streamId: 's1',
          table: ORDERS,
          principalId: 'svc',
          kind: 'ephemeral',
          state: 'open',
          startedAt: 0,
          records,
          bytes: records,
          errors: 0,
          ackedOffset: '0',
          ackP50Ms: null,
          ackP99Ms: null,
          inFlightBytes: 0,
        },
      ],
      tables: [],
    });
    const ticks: Tick[] = [];
    for (let i = 1; i <= 3; i++) ticks.push(computeTick(ticks.at(-1), i * 1000, [node(i * 1000, i * 50)]));
    const live = liveView(ticks, { windowSeconds: 60, intervalMs: 1000, nodes: [], now: 0 });
    const view = chartFromLive(live, '1m');
    expect(view).toMatchObject({ source: 'live', from: 3000 - 60_000, to: 3000, resolutionMs: 1000 });
    expect(view.series.map((s) => [s.id, s.label, s.points.length])).toEqual([
      ['total', 'All tables', 2],
      [`table:${ORDERS}`, ORDERS, 2],
      ['node:a:1', 'node node-a', 2],
      ['stream:a:1/s1', 's1 (node-a)', 2],
    ]);
    expect(view.series[1]!.points[0]).toMatchObject({ t: 2000, recordsPerSec: 50, timeToTableMs: null });
  });
});
